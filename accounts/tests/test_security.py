"""Sign-in security: rate limits with one message for every failure, a second factor for
province officers and administrators, tokens and sessions that end with the password or the
account, and scope changes that apply at once."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse
from rest_framework.authtoken.models import Token

from accounts.security import totp_now
from citizens.models import Household
from conftest import PASSWORD, TOTP_SECRET, _make_user
from tests.consent import CONSENTED

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()  # rate-limit counters live in the cache
    yield
    cache.clear()


def current_code() -> str:
    return totp_now(TOTP_SECRET)


def login(client, username: str, password: str):
    return client.post(reverse("account_login"), {"login": username, "password": password})


def test_a_wrong_password_and_an_unknown_account_get_the_same_message(client, officer_a):
    wrong = login(client, officer_a.username, "not-the-password").content.decode()
    unknown = login(client, "nobody-here", "not-the-password").content.decode()
    message = "Tên đăng nhập hoặc mật khẩu không đúng"
    assert message in wrong and message in unknown


def test_repeated_failures_on_one_account_are_slowed_down(client, officer_a):
    slowed = "Đăng nhập sai quá nhiều lần"
    pages = [login(client, officer_a.username, f"guess-{n}").content.decode() for n in range(6)]
    assert not any(slowed in page for page in pages[:5])
    assert slowed in pages[5]
    # Even the right password waits until the limit passes.
    assert slowed in login(client, officer_a.username, PASSWORD).content.decode()
    assert not client.get(reverse("home")).wsgi_request.user.is_authenticated


def test_province_officers_are_asked_for_their_authenticator_code(client, province_officer):
    response = login(client, province_officer.username, PASSWORD)
    assert response["Location"] == reverse("mfa_authenticate")
    assert not client.get(reverse("dashboards:home")).wsgi_request.user.is_authenticated
    response = client.post(reverse("mfa_authenticate"), {"code": current_code()})
    assert response.status_code == 302
    assert client.get(reverse("dashboards:home")).status_code == 302  # to their dashboard


def test_area_officers_sign_in_with_their_password(client, officer_a):
    assert login(client, officer_a.username, PASSWORD)["Location"] == reverse("home")


def test_a_province_officer_without_an_authenticator_must_set_one_up_first(client, tree):
    officer = _make_user("tinh2", "province_officer", tree.province, "Lê Văn Tỉnh")
    client.force_login(officer)
    response = client.get(reverse("dashboards:home"))
    assert response["Location"] == reverse("mfa_activate_totp")
    assert client.get(reverse("citizens:household-list"))["Location"] == reverse(
        "mfa_activate_totp"
    )
    # Setting it up asks for the password again first (allauth), then shows the QR code.
    setup = client.get(reverse("mfa_activate_totp"))
    assert setup["Location"].startswith(reverse("account_reauthenticate"))
    assert client.get(setup["Location"]).status_code == 200


def test_the_only_authenticator_of_a_province_officer_cannot_be_removed(
    client_for, province_officer
):
    from allauth.mfa.models import Authenticator

    client = client_for(province_officer)
    client.post(reverse("mfa_deactivate_totp"), {})
    assert Authenticator.objects.filter(user=province_officer, type="totp").exists()


def test_the_admin_signs_in_through_the_portals_rate_limited_form(client):
    response = client.get(reverse("admin:login"))
    assert response["Location"].startswith(reverse("account_login"))


def test_api_tokens_for_province_officers_need_the_code_and_fail_like_a_wrong_password(
    client, province_officer, officer_a
):
    url = reverse("api:token")
    without = client.post(url, {"username": "tinh", "password": PASSWORD})
    wrong_password = client.post(url, {"username": "tinh", "password": "nope"})
    assert without.status_code == wrong_password.status_code == 400
    assert without.json() == wrong_password.json()
    with_code = client.post(url, {"username": "tinh", "password": PASSWORD, "code": current_code()})
    assert with_code.status_code == 200 and with_code.json()["token"]
    assert client.post(url, {"username": "dinhhoa", "password": PASSWORD}).status_code == 200


def test_the_token_endpoint_is_rate_limited(client, officer_a):
    url = reverse("api:token")
    answers = [
        client.post(url, {"username": "dinhhoa", "password": f"x{n}"}).status_code
        for n in range(12)
    ]
    assert answers[-1] == 429


def test_a_new_password_ends_api_tokens_and_other_sessions(client_for, officer_a):
    from django.test import Client

    from conftest import PASSWORD

    token = Token.objects.create(user=officer_a)
    other = Client()
    other.force_login(officer_a)
    changed = client_for(officer_a).post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "Một-mật-khẩu-mới-2026",
            "password2": "Một-mật-khẩu-mới-2026",
        },
    )
    assert changed.status_code == 302
    assert not Token.objects.filter(pk=token.pk).exists()
    assert other.get(reverse("dashboards:home"))["Location"].startswith(reverse("account_login"))


def test_a_password_set_by_the_administrator_ends_the_accounts_tokens(
    client_for, admin_user, leader_a
):
    token = Token.objects.create(user=leader_a)
    response = client_for(admin_user).post(
        reverse("admin:auth_user_password_change", args=[leader_a.pk]),
        {"password1": "Một-mật-khẩu-mới-2026", "password2": "Một-mật-khẩu-mới-2026"},
    )
    assert response.status_code == 302
    assert not Token.objects.filter(pk=token.pk).exists()


def test_deactivating_an_account_ends_its_sessions_and_tokens(client_for, officer_a, leader_a):
    from django.test import Client

    token = Token.objects.create(user=leader_a)
    leader_session = Client()
    leader_session.force_login(leader_a)
    client_for(officer_a).post(
        reverse("accounts:user-set-active", args=[leader_a.pk]), {"active": "0"}
    )
    assert not Token.objects.filter(pk=token.pk).exists()
    assert leader_session.get(reverse("field:home"))["Location"].startswith(
        reverse("account_login")
    )
    api = Client().get(reverse("api:household-list"), HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.status_code == 401


def test_a_scope_change_applies_on_the_next_request(client_for, officer_a, tree):
    household = Household.objects.create(
        consent_on=CONSENTED, hamlet=tree.hamlet_a, head_name="Chủ hộ"
    )
    client = client_for(officer_a)
    url = reverse("citizens:household-detail", args=[household.pk])
    assert client.get(url).status_code == 200
    officer_a.scope_unit = tree.district_b
    officer_a.save()
    assert client.get(url).status_code == 404


def test_sessions_end_with_the_browser_and_after_a_working_day(client, officer_a):
    from django.conf import settings

    login(client, officer_a.username, PASSWORD)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == "" and cookie["expires"] == ""  # a browser-session cookie
    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60  # and the server forgets it after 8 h


def test_without_an_authenticator_the_api_in_the_browser_is_closed_too(client, tree):
    officer = _make_user("tinh3", "province_officer", tree.province, "Vũ Văn Tỉnh")
    client.force_login(officer)
    response = client.get(reverse("api:household-list"))
    assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")


def test_an_administrator_can_require_a_second_factor_of_area_officers(
    client_for, officer_a, settings
):
    settings.MFA_REQUIRED_ROLES = ["province_officer", "admin", "area_officer"]
    response = client_for(officer_a).get(reverse("teams:team-list"))
    assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")


def test_area_officers_need_no_second_factor_by_default_but_may_turn_one_on(client_for, officer_a):
    client = client_for(officer_a)
    assert client.get(reverse("teams:team-list")).status_code == 200
    home = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("mfa_index")}"' in home  # from their name in the top bar
    assert client.get(reverse("mfa_index")).status_code == 200


def test_the_client_address_is_the_one_the_trusted_proxies_saw(settings, rf):
    from core.http import client_ip

    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    settings.TRUSTED_PROXY_COUNT = 0  # reached directly: the header is the client's own words
    assert client_ip(request) == "10.0.0.1"
    settings.TRUSTED_PROXY_COUNT = 1  # one proxy: what it appended, not what the client wrote
    assert client_ip(request) == "203.0.113.7"
