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
    assert page.status_code == 200 and b"one-time-notice" in page.content

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
    assert by_session.status_code == 403 and by_session.json()["detail"]


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


# --- Team leaders' accounts in bulk from the rosters ------------------------------------------


@pytest.fixture
def rosters(tree):
    """Hamlet A: a team whose leader has no account; a second hamlet of district A: a team
    whose leader has one; hamlet B (district B): a team whose leader has none."""
    from areas.services import hamlet_create
    from teams.models import MemberRole
    from teams.services import member_add, team_create

    second = hamlet_create(
        commune=tree.commune_a2, name="Xóm Nà Mòn", valid_from=tree.province.valid_from
    )
    team_a = team_create(hamlet=tree.hamlet_a)
    member_add(team=team_a, name="Ma Văn Tuấn", role=MemberRole.LEADER)
    member_add(team=team_a, name="Lý Thị Mai")
    team_linked = team_create(hamlet=second)
    existing = user_create(
        actor=None, username="namon", role="team_leader", scope_unit=second, password=PASSWORD
    )
    member_add(team=team_linked, name="Hà Văn Sơn", role=MemberRole.LEADER, user=existing)
    team_b = team_create(hamlet=tree.hamlet_b)
    member_add(team=team_b, name="Đào Thị Thu", role=MemberRole.LEADER)
    return team_a, team_linked, team_b


def test_the_page_lists_only_the_areas_teams_whose_leader_has_no_account(
    client_for, officer_a, rosters, django_assert_max_num_queries
):
    client = client_for(officer_a)
    # session, user, its scope unit, the teams with hamlet and commune, their leaders
    with django_assert_max_num_queries(6):
        response = client.get(reverse("teams:leader-accounts"))
    assert [t.name for t in response.context["teams"]] == [rosters[0].name]
    assert "Ma Văn Tuấn" in response.content.decode()
    assert "Đào Thị Thu" not in response.content.decode()


def test_bulk_accounts_are_made_for_the_teams_without_one_and_a_second_run_makes_none(
    client_for, officer_a, rosters
):
    team_a = rosters[0]
    client = client_for(officer_a)
    response = client.post(reverse("teams:leader-accounts"))
    assert response.status_code == 200
    (line,) = response.context["made"]
    user = User.objects.get(username=f"tt-{team_a.hamlet.code}")
    assert line.user == user and user.name == "Ma Văn Tuấn" and user.role == "team_leader"
    assert user.scope_unit == team_a.hamlet and user.must_change_password
    assert user.check_password(line.code) and user.created_by == officer_a
    assert team_a.members.get(name="Ma Văn Tuấn").user == user
    assert AuditEvent.objects.filter(action="account", detail__contains=user.username).exists()
    # The sheet lists each code once, with the line saying to change it; the PDF comes along.
    text = response.content.decode()
    shown = f"<span>{line.code[:5]}</span><span>{line.code[5:]}</span>"
    assert text.count(shown) == 1 and text.count('class="change-note"') == 1
    assert response.context["pdf_data"].startswith("JVBER")  # "%PDF" in base64

    again = client.post(reverse("teams:leader-accounts"))
    assert again.context["made"] == []
    assert User.objects.filter(role="team_leader").count() == 2  # namon and the new one


def test_a_username_taken_by_another_account_gets_a_number(officer_a, rosters):
    from teams.services import leader_accounts_create

    team_a = rosters[0]
    user_create(
        actor=None,
        username=f"tt-{team_a.hamlet.code}",
        role="team_leader",
        scope_unit=team_a.hamlet,
        password=PASSWORD,
    )
    (line,) = leader_accounts_create(actor=officer_a, teams=[team_a])
    assert line.user.username == f"tt-{team_a.hamlet.code}-2"


def test_an_officer_cannot_make_accounts_for_teams_outside_their_area(officer_a, rosters):
    from django.core.exceptions import ValidationError

    from teams.services import leader_accounts_create

    with pytest.raises(ValidationError):
        leader_accounts_create(actor=officer_a, teams=[rosters[2]])
    assert rosters[2].members.get().user is None


def test_a_bulk_made_leader_must_change_the_code_at_first_sign_in(
    client, client_for, officer_a, rosters
):
    (line,) = client_for(officer_a).post(reverse("teams:leader-accounts")).context["made"]
    client.logout()
    signed_in = client.post(
        reverse("account_login"), {"login": line.user.username, "password": line.code}
    )
    assert client.get(signed_in["Location"])["Location"] == reverse("account_change_password")


def test_the_accounts_list_links_to_the_bulk_page_for_officers(client_for, officer_a):
    text = client_for(officer_a).get(reverse("accounts:user-list")).content.decode()
    assert reverse("teams:leader-accounts") in text


# --- The daily job locks the accounts of members who left --------------------------------------


def test_the_daily_job_locks_the_account_of_a_member_who_left_and_keeps_the_note(
    client_for, officer_a, leader_a, tree
):
    import datetime

    from accounts.tasks import lock_former_members
    from teams.models import MemberRole
    from teams.services import member_add, member_retire, team_create

    team = team_create(hamlet=tree.hamlet_a)
    joined = datetime.date(2025, 1, 1)
    left = member_add(team=team, name="Lưu Văn Bình", user=leader_a, joined_on=joined)
    member_retire(member=left, left_on=datetime.date(2026, 1, 31))
    stays = user_create(
        actor=None,
        username="conlai",
        role="team_leader",
        scope_unit=tree.hamlet_a,
        password=PASSWORD,
    )
    member_add(team=team, name="Người Ở Lại", role=MemberRole.LEADER, user=stays, joined_on=joined)
    # Left one team, serves in another now: stays open.
    moved = user_create(
        actor=None,
        username="chuyento",
        role="team_leader",
        scope_unit=tree.hamlet_a,
        password=PASSWORD,
    )
    old_seat = member_add(team=team, name="Người Chuyển", user=moved, joined_on=joined)
    member_retire(member=old_seat, left_on=datetime.date(2026, 1, 31))
    member_add(
        team=team_create(hamlet=tree.hamlet_b), name="Người Chuyển", user=moved, joined_on=joined
    )
    Token.objects.create(user=leader_a)

    assert lock_former_members() == 1

    leader_a.refresh_from_db()
    assert not leader_a.is_active and leader_a.locked_reason == "left_team"
    assert leader_a.locked_at is not None and not Token.objects.filter(user=leader_a).exists()
    assert User.objects.get(username="conlai").is_active
    assert User.objects.get(username="chuyento").is_active
    assert AuditEvent.objects.filter(detail__contains="trungkien", action="account").exists()
    assert lock_former_members() == 0  # already locked

    text = client_for(officer_a).get(reverse("accounts:user-list")).content.decode()
    from django.utils import timezone

    day = timezone.localtime(leader_a.locked_at).strftime("%d/%m/%Y")
    note = text[text.index('class="lock-note"') :]
    assert day in note[: note.index("</small>")]


def test_reactivating_clears_the_lock_note(officer_a, leader_a):
    from accounts.services import user_set_active

    User.objects.filter(pk=leader_a.pk).update(is_active=False, locked_reason="left_team")
    leader_a.refresh_from_db()
    user_set_active(actor=officer_a, user=leader_a, active=True)
    leader_a.refresh_from_db()
    assert leader_a.is_active and leader_a.locked_reason == "" and leader_a.locked_at is None


def test_the_job_runs_daily_from_the_beat_schedule(settings):
    from thainguyen_portal.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["lock-former-members"]
    assert entry["task"] == "accounts.lock_former_members" and entry["schedule"] == 86400
    assert "accounts.lock_former_members" in app.tasks
