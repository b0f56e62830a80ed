"""Accounts at scale (issue 16 §4): locking asks first, officers reset a password to a
one-time code, team leaders' accounts are made in bulk from the roster, and the accounts of
members who left are locked by a daily job."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

from accounts.models import User
from accounts.services import user_create
from audit.models import AuditEvent
from conftest import PASSWORD

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Một-mật-khẩu-mới-2026"


# --- Locking asks first --------------------------------------------------------------------


def test_opening_the_lock_page_names_the_account_and_changes_nothing(
    client_for, officer_a, leader_a
):
    Token.objects.create(user=leader_a)
    response = client_for(officer_a).get(reverse("accounts:user-set-active", args=[leader_a.pk]))
    assert response.status_code == 200
    text = response.content.decode()
    assert "trungkien" in text and "Lưu Văn Bình" in text
    leader_a.refresh_from_db()
    assert leader_a.is_active and Token.objects.filter(user=leader_a).exists()


def test_confirming_locks_the_account_and_ends_its_tokens(client_for, officer_a, leader_a):
    Token.objects.create(user=leader_a)
    url = reverse("accounts:user-set-active", args=[leader_a.pk])
    response = client_for(officer_a).post(url, {"active": "0"})
    assert response.status_code == 302
    leader_a.refresh_from_db()
    assert not leader_a.is_active and not Token.objects.filter(user=leader_a).exists()


def test_the_accounts_list_links_to_the_confirmation_instead_of_locking(
    client_for, officer_a, leader_a
):
    text = client_for(officer_a).get(reverse("accounts:user-list")).content.decode()
    url = reverse("accounts:user-set-active", args=[leader_a.pk])
    assert f'<a href="{url}">' in text
    assert 'name="active" value="0"' not in text


def test_an_officer_of_another_area_cannot_open_the_lock_page(client_for, officer_b, leader_a):
    client = client_for(officer_b)
    url = reverse("accounts:user-set-active", args=[leader_a.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"active": "0"}).status_code == 404
    leader_a.refresh_from_db()
    assert leader_a.is_active


def test_an_officer_cannot_lock_their_own_account_from_the_page(client_for, officer_a):
    url = reverse("accounts:user-set-active", args=[officer_a.pk])
    assert client_for(officer_a).get(url).status_code == 403


def test_unlocking_is_one_click_on_the_list(client_for, officer_a, leader_a):
    User.objects.filter(pk=leader_a.pk).update(is_active=False)
    client = client_for(officer_a)
    assert 'name="active" value="1"' in client.get(reverse("accounts:user-list")).content.decode()
    client.post(reverse("accounts:user-set-active", args=[leader_a.pk]), {"active": "1"})
    leader_a.refresh_from_db()
    assert leader_a.is_active


# --- An officer resets a password to a one-time code ------------------------------------------


def _reset(client, user) -> str:
    response = client.post(reverse("accounts:user-password-reset", args=[user.pk]))
    assert response.status_code == 200
    return response.context["code"]


def test_a_reset_page_explains_first_and_changes_nothing(client_for, officer_a, leader_a):
    url = reverse("accounts:user-password-reset", args=[leader_a.pk])
    assert client_for(officer_a).get(url).status_code == 200
    leader_a.refresh_from_db()
    assert leader_a.check_password(PASSWORD) and not leader_a.must_change_password


def test_a_one_time_code_is_ten_unambiguous_characters_shown_in_two_groups(
    client_for, officer_a, leader_a
):
    from accounts.services import ONE_TIME_ALPHABET

    client = client_for(officer_a)
    response = client.post(reverse("accounts:user-password-reset", args=[leader_a.pk]))
    code = response.context["code"]
    assert len(code) == 10 and set(code) <= set(ONE_TIME_ALPHABET)
    assert not set(code) & set("0o1li")
    assert f"<span>{code[:5]}</span><span>{code[5:]}</span>" in response.content.decode()


def test_the_code_signs_in_and_the_next_page_is_the_change_password_page(
    client, client_for, officer_a, leader_a
):
    Token.objects.create(user=leader_a)
    code = _reset(client_for(officer_a), leader_a)
    leader_a.refresh_from_db()
    assert leader_a.must_change_password and not Token.objects.filter(user=leader_a).exists()
    assert AuditEvent.objects.filter(action="account", detail__contains="trungkien").exists()

    client.logout()
    signed_in = client.post(reverse("account_login"), {"login": "trungkien", "password": code})
    assert signed_in.status_code == 302
    landing = client.get(signed_in["Location"])
    assert landing.status_code == 302 and landing["Location"] == reverse("account_change_password")
    for elsewhere in ("citizens:household-list", "dashboards:home", "accounts:user-list"):
        assert client.get(reverse(elsewhere))["Location"] == reverse("account_change_password")
    page = client.get(reverse("account_change_password"))
    assert page.status_code == 200 and b"one-time code" in page.content

    changed = client.post(
        reverse("account_change_password"),
        {"oldpassword": code, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert changed.status_code == 302 and changed["Location"] == reverse("field:home")
    leader_a.refresh_from_db()
    assert not leader_a.must_change_password and leader_a.check_password(NEW_PASSWORD)
    assert client.get(reverse("citizens:household-list")).status_code == 200


def test_an_account_that_must_change_its_code_can_still_sign_out_and_switch_language(
    client_for, leader_a
):
    User.objects.filter(pk=leader_a.pk).update(must_change_password=True)
    client = client_for(leader_a)
    assert client.get(reverse("language", args=["en"]))["Location"] != reverse(
        "account_change_password"
    )
    assert client.post(reverse("account_logout")).status_code == 302
    assert client.get(reverse("citizens:household-list"))["Location"].startswith(
        reverse("account_login")
    )


def test_the_api_refuses_an_account_that_must_change_its_code_with_a_clear_message(
    client, client_for, leader_a
):
    User.objects.filter(pk=leader_a.pk).update(must_change_password=True)
    token = Token.objects.create(user=leader_a)
    by_token = client.get(reverse("api:household-list"), HTTP_AUTHORIZATION=f"Token {token.key}")
    assert by_token.status_code == 403
    assert by_token.json()["code"] == "password_change_required"
    by_session = client_for(leader_a).get(reverse("api:household-list"))
    assert by_session.status_code == 403 and "one-time code" in by_session.json()["detail"]


def test_an_officer_of_another_area_cannot_reset_the_password(client_for, officer_b, leader_a):
    client = client_for(officer_b)
    url = reverse("accounts:user-password-reset", args=[leader_a.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    leader_a.refresh_from_db()
    assert leader_a.check_password(PASSWORD) and not leader_a.must_change_password


def test_an_area_officer_cannot_reset_an_officers_password(officer_a, province_officer, tree):
    from django.core.exceptions import ValidationError

    from accounts.services import user_password_reset

    peer = user_create(
        actor=province_officer,
        username="chochu",
        role="area_officer",
        scope_unit=tree.commune_a,
        password=PASSWORD,
    )
    with pytest.raises(ValidationError):
        user_password_reset(actor=officer_a, user=peer)
    with pytest.raises(ValidationError):
        user_password_reset(actor=officer_a, user=officer_a)
    assert user_password_reset(actor=province_officer, user=peer)
