"""The audit log: what is recorded, that it names no person, and that nobody can change it."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, transaction
from django.urls import reverse

from audit.models import Action, AuditEvent
from citizens.models import Household
from conftest import PASSWORD
from tests.consent import CONSENTED

pytestmark = pytest.mark.django_db


@pytest.fixture
def household(tree):
    return Household.objects.create(
        consent_on=CONSENTED, hamlet=tree.hamlet_a, head_name="Nguyễn Văn Bí Mật", member_count=3
    )


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action))


def test_sign_ins_and_failed_sign_ins_are_recorded_without_the_password(client, officer_a):
    client.post(reverse("account_login"), {"login": officer_a.username, "password": "wrong!"})
    client.post(reverse("account_login"), {"login": officer_a.username, "password": PASSWORD})
    [failed] = events(Action.LOGIN_FAILED)
    assert failed.detail == officer_a.username and failed.ip == "127.0.0.1"
    assert "wrong" not in str(vars(failed))
    [signed_in] = events(Action.LOGIN)
    assert signed_in.actor == officer_a.username


def test_reading_a_household_is_recorded_by_route_and_id_never_by_name(
    client_for, officer_a, household
):
    response = client_for(officer_a).get(reverse("citizens:household-detail", args=[household.pk]))
    assert response.status_code == 200
    [read] = events(Action.READ)
    assert (read.actor, read.route, read.object_type, read.object_id) == (
        officer_a.username,
        "citizens:household-detail",
        "household",
        str(household.pk),
    )
    assert "Bí Mật" not in str(vars(read))


def test_an_export_is_recorded_as_an_export(client_for, officer_a, household):
    client_for(officer_a).get(reverse("citizens:household-list") + "?export=csv")
    [export] = events(Action.EXPORT)
    assert export.route == "citizens:household-list"


def test_a_probe_into_another_area_is_recorded_as_a_denial(client_for, officer_b, household):
    response = client_for(officer_b).get(reverse("citizens:household-detail", args=[household.pk]))
    assert response.status_code == 404
    [denied] = events(Action.DENIED)
    assert (denied.actor, denied.status, denied.object_id) == (
        officer_b.username,
        404,
        str(household.pk),
    )
    assert not events(Action.READ)


def test_api_reads_are_recorded_with_the_token_user(client, leader_a, household):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=leader_a)
    response = client.get(reverse("api:household-list"), HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    [read] = events(Action.READ)
    assert (read.actor, read.route) == (leader_a.username, "api:household-list")


def test_account_changes_are_recorded(client_for, officer_a, leader_a):
    client_for(officer_a).post(
        reverse("accounts:user-set-active", args=[leader_a.pk]), {"active": "0"}
    )
    [change] = events(Action.ACCOUNT)
    assert (change.actor, change.object_id) == (officer_a.username, str(leader_a.pk))


def test_audit_rows_cannot_be_changed_or_deleted(officer_a):
    event = AuditEvent.objects.create(actor="x", action=Action.READ)
    from django.db import connection

    attempts = [lambda: AuditEvent.objects.filter(pk=event.pk).update(actor="y")]
    if connection.vendor == "postgresql":  # SQLite refuses changes only (audit/models.py)
        attempts.append(lambda: AuditEvent.objects.filter(pk=event.pk).delete())
    for attempt in attempts:
        with pytest.raises(DatabaseError), transaction.atomic():
            attempt()
    assert AuditEvent.objects.get(pk=event.pk).actor == "x"


def test_province_officers_search_the_log_and_nobody_else_reads_it(
    client_for, province_officer, officer_a, household
):
    client_for(officer_a).get(reverse("citizens:household-detail", args=[household.pk]))
    assert client_for(officer_a).get(reverse("audit:event-list")).status_code == 403
    client = client_for(province_officer)
    page = client.get(reverse("audit:event-list"), {"action": "read", "actor": "dinh"})
    assert page.status_code == 200
    rows = list(page.context["page"].object_list)
    assert [e.route for e in rows] == ["citizens:household-detail"]
    assert "Nhật ký" in page.content.decode()


def test_personal_pages_and_api_answers_are_not_kept_by_browsers_or_proxies(
    client_for, officer_a, household, client
):
    anonymous = client.get(reverse("directory"))
    assert "no-store" not in anonymous.get("Cache-Control", "")
    page = client_for(officer_a).get(reverse("citizens:household-detail", args=[household.pk]))
    assert "no-store" in page["Cache-Control"] and "private" in page["Cache-Control"]
    api = client.get(reverse("api:household-list"))
    assert "no-store" in api["Cache-Control"]


def test_the_log_page_costs_the_same_queries_for_more_entries(
    client_for, province_officer, django_assert_max_num_queries
):
    for n in range(60):
        AuditEvent.objects.create(actor=f"user{n}", action=Action.READ, route="x")
    client = client_for(province_officer)
    # session, user, second-factor check, COUNT, the page
    with django_assert_max_num_queries(5):
        response = client.get(reverse("audit:event-list"))
    assert len(response.context["page"].object_list) == 50


def test_bad_filters_are_ignored_and_kept_in_the_form(client_for, province_officer):
    AuditEvent.objects.create(actor="someone", action=Action.READ)
    page = client_for(province_officer).get(
        reverse("audit:event-list"), {"since": "31/02/2026", "action": "nonsense", "until": "x"}
    )
    assert page.status_code == 200
    assert page.context["page"].paginator.count == AuditEvent.objects.count()  # unfiltered
    assert 'value="31/02/2026"' in page.content.decode()
