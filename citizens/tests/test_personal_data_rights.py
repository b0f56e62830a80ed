"""A citizen's rights: their data handed to them, and their identifying data erased on request
with every figure unchanged. Both are audited; other areas get 404."""

from __future__ import annotations

import datetime
import json
import uuid

import pytest
from django.urls import reverse

from apps_catalog.models import App
from audit.models import AuditEvent
from citizens.models import Assistance, Citizen, Household, Visit
from dashboards.models import FIGURES, UnitAppFigures, UnitFigures
from dashboards.rollups import rollup, rollup_full

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(tree, leader_a):
    household = Household.objects.create(
        hamlet=tree.hamlet_a,
        head_name="Đinh Văn Hùng",
        member_count=2,
        consent_on=datetime.date(2026, 3, 1),
    )
    citizen = Citizen.objects.create(
        household=household,
        full_name="Đinh Thị Hoa",
        phone="0912345678",
        birth_year=1990,
        sex="female",
    )
    citizen.id_number_digest, citizen.id_number_last4 = "d" * 64, "6789"
    citizen.save()
    vneid = App.objects.get(slug="vneid")
    visit = Visit.objects.create(
        client_uuid=uuid.uuid4(),
        content_digest="x",
        household=household,
        recorded_by=leader_a,
        visited_on=datetime.date(2026, 11, 2),
    )
    Assistance.objects.create(
        visit=visit, citizen=citizen, app=vneid, outcome=vneid.outcomes.first()
    )
    return citizen


def test_the_person_gets_everything_recorded_about_them(client_for, officer_a, person):
    response = client_for(officer_a).get(reverse("citizens:citizen-data", args=[person.pk]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["full_name"] == "Đinh Thị Hoa" and data["phone"] == "0912345678"
    assert data["id_number"].endswith("6789") and "d" * 64 not in response.content.decode()
    assert data["help_received"] == [
        {"date": "2026-11-02", "app": "VNeID", "outcome": "Đã cài đặt"}
    ]
    [event] = AuditEvent.objects.filter(action="export")
    assert event.route == "citizens:citizen-data" and event.object_id == str(person.pk)


def test_erasing_keeps_every_figure_and_removes_what_identifies(client_for, officer_a, person):
    rollup_full()
    before = (
        list(UnitFigures.objects.order_by("unit").values_list(*FIGURES)),
        list(UnitAppFigures.objects.order_by("unit", "app", "outcome").values_list("citizens")),
    )
    client = client_for(officer_a)
    confirm = client.get(reverse("citizens:citizen-anonymise", args=[person.pk]))
    assert "không thể hoàn tác" in confirm.content.decode().lower()
    client.post(reverse("citizens:citizen-anonymise", args=[person.pk]))
    person.refresh_from_db()
    assert person.full_name.startswith("Người dân đã ẩn danh")
    assert (person.phone, person.birth_year, person.sex) == ("", None, "")
    assert (person.id_number_digest, person.id_number_last4) == ("", "")
    assert person.assistances.count() == 1
    rollup()
    after = (
        list(UnitFigures.objects.order_by("unit").values_list(*FIGURES)),
        list(UnitAppFigures.objects.order_by("unit", "app", "outcome").values_list("citizens")),
    )
    assert after == before
    assert AuditEvent.objects.filter(action="erase", object_id=str(person.pk)).exists()


def test_another_area_cannot_export_or_erase(client_for, officer_b, person):
    client = client_for(officer_b)
    assert client.get(reverse("citizens:citizen-data", args=[person.pk])).status_code == 404
    assert client.post(reverse("citizens:citizen-anonymise", args=[person.pk])).status_code == 404
    person.refresh_from_db()
    assert person.full_name == "Đinh Thị Hoa"


def test_the_export_costs_the_same_queries_however_much_help_was_received(
    client_for, officer_a, person, leader_a, django_assert_max_num_queries
):
    vneid = App.objects.get(slug="vneid")
    for day in range(1, 20):
        visit = Visit.objects.create(
            client_uuid=uuid.uuid4(),
            content_digest="x",
            household=person.household,
            recorded_by=leader_a,
            visited_on=datetime.date(2026, 10, day),
        )
        Assistance.objects.create(
            visit=visit, citizen=person, app=vneid, outcome=vneid.outcomes.last()
        )
    client = client_for(officer_a)
    # session, user, scope unit, the citizen with household and hamlet, the help, the audit
    with django_assert_max_num_queries(6):
        response = client.get(reverse("citizens:citizen-data", args=[person.pk]))
    assert len(json.loads(response.content)["help_received"]) == 20


def test_lists_mask_the_phone_and_showing_it_in_full_is_logged(client_for, officer_a, person):
    client = client_for(officer_a)
    detail = client.get(reverse("citizens:household-detail", args=[person.household_id]))
    listing = client.get(reverse("citizens:citizen-list"))
    for response in (detail, listing):
        text = response.content.decode()
        assert "0912345678" not in text and "678" in text
        assert reverse("citizens:citizen-phone", args=[person.pk]) in text
    assert not AuditEvent.objects.filter(action="reveal").exists()

    response = client.get(reverse("citizens:citizen-phone", args=[person.pk]))
    assert response.status_code == 200
    assert 'href="tel:0912345678"' in response.content.decode()
    assert (
        response["Cache-Control"].startswith("no-store") or "no-store" in response["Cache-Control"]
    )
    [event] = AuditEvent.objects.filter(action="reveal")
    assert (event.actor_id, event.object_type, event.object_id) == (
        officer_a.pk,
        "citizen",
        str(person.pk),
    )


def test_a_province_officer_reads_lists_but_is_not_shown_full_numbers(
    client_for, province_officer, person
):
    client = client_for(province_officer)
    listing = client.get(reverse("citizens:citizen-list"))
    assert "Đinh Thị Hoa" in listing.content.decode()
    assert reverse("citizens:citizen-phone", args=[person.pk]) not in listing.content.decode()
    assert client.get(reverse("citizens:citizen-phone", args=[person.pk])).status_code == 403


def test_the_full_number_page_costs_a_fixed_number_of_queries(
    client_for, officer_a, person, django_assert_max_num_queries
):
    client = client_for(officer_a)
    # session, user, scope unit, the citizen with its household, the audit entry
    with django_assert_max_num_queries(5):
        assert client.get(reverse("citizens:citizen-phone", args=[person.pk])).status_code == 200
