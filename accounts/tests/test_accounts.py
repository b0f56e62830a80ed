from __future__ import annotations

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.models import Role, User
from accounts.services import user_create, user_set_active

pytestmark = pytest.mark.django_db
PW = "Thai-Nguyen-2026"


def make(actor, role, unit, username="newbie"):
    return user_create(
        actor=actor, username=username, role=role, scope_unit=unit, password=PW, name="Người Mới"
    )


# --- Who may create whom ------------------------------------------------------------------


def test_province_officer_creates_an_area_officer_for_a_district(province_officer, tree):
    user = make(province_officer, Role.AREA_OFFICER, tree.district_b)
    assert user.scope_unit == tree.district_b and user.created_by == province_officer


def test_area_officer_creates_a_team_leader_in_their_area(officer_a, tree):
    assert make(officer_a, Role.TEAM_LEADER, tree.hamlet_a).role == Role.TEAM_LEADER


def test_area_officer_cannot_create_a_team_leader_outside_their_area(officer_a, tree):
    with pytest.raises(ValidationError) as info:
        make(officer_a, Role.TEAM_LEADER, tree.hamlet_b)
    assert "scope_unit" in info.value.error_dict


def test_area_officer_cannot_create_another_area_officer(officer_a, tree):
    with pytest.raises(ValidationError) as info:
        make(officer_a, Role.AREA_OFFICER, tree.commune_a)
    assert "role" in info.value.error_dict


def test_team_leader_cannot_create_accounts(leader_a, tree):
    with pytest.raises(ValidationError):
        make(leader_a, Role.TEAM_LEADER, tree.hamlet_a)


def test_a_team_leaders_scope_must_be_a_hamlet(officer_a, tree):
    with pytest.raises(ValidationError) as info:
        make(officer_a, Role.TEAM_LEADER, tree.commune_a)
    assert "scope_unit" in info.value.error_dict


def test_an_area_officer_works_in_a_district_or_commune_not_the_province(province_officer, tree):
    with pytest.raises(ValidationError):
        make(province_officer, Role.AREA_OFFICER, tree.province)
    assert make(province_officer, Role.AREA_OFFICER, tree.commune_a).pk


def test_nobody_but_an_admin_creates_an_admin(province_officer, admin_user, tree):
    with pytest.raises(ValidationError):
        make(province_officer, Role.ADMIN, None)
    assert make(admin_user, Role.ADMIN, None).is_superuser


def test_weak_passwords_are_refused(officer_a, tree):
    with pytest.raises(ValidationError) as info:
        user_create(
            actor=officer_a,
            username="x1",
            role=Role.TEAM_LEADER,
            scope_unit=tree.hamlet_a,
            password="123",
        )
    assert "password" in info.value.error_dict


def test_usernames_are_unique_whatever_the_case(officer_a, tree):
    make(officer_a, Role.TEAM_LEADER, tree.hamlet_a, username="Binh")
    with pytest.raises(ValidationError):
        make(officer_a, Role.TEAM_LEADER, tree.hamlet_a, username="binh")


def test_the_database_refuses_a_non_admin_without_scope(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="noscope", role=Role.AREA_OFFICER)


def test_an_officer_deactivates_an_account_they_manage_but_not_one_outside(
    officer_a, officer_b, tree
):
    leader = make(officer_a, Role.TEAM_LEADER, tree.hamlet_a)
    user_set_active(actor=officer_a, user=leader, active=False)
    leader.refresh_from_db()
    assert not leader.is_active
    with pytest.raises(ValidationError):
        user_set_active(actor=officer_b, user=leader, active=True)


# --- The accounts pages --------------------------------------------------------------------


def test_an_officer_lists_only_accounts_inside_their_area(
    client_for, officer_a, officer_b, leader_a
):
    page = client_for(officer_a).get(reverse("accounts:user-list")).context["page"]
    assert {u.username for u in page.object_list} == {"dinhhoa", "trungkien"}


def test_team_leaders_have_no_accounts_page(client_for, leader_a):
    assert client_for(leader_a).get(reverse("accounts:user-list")).status_code == 403


def test_accounts_list_queries_stay_fixed(
    client_for, province_officer, tree, django_assert_max_num_queries
):
    for i in range(30):
        make(province_officer, Role.TEAM_LEADER, tree.hamlet_a, username=f"leader{i}")
    client = client_for(province_officer)
    # session, user, user's scope unit, count, one page of users joined with their scope unit
    with django_assert_max_num_queries(7):
        response = client.get(reverse("accounts:user-list"))
    assert response.context["page"].paginator.count == 31


def test_accounts_search_ignores_accents(client_for, province_officer, officer_a, officer_b):
    page = (
        client_for(province_officer)
        .get(reverse("accounts:user-list"), {"q": "hoang van"}, follow=True)
        .context["page"]
    )
    assert [u.username for u in page.object_list] == ["dinhhoa"]


def test_creating_an_account_from_the_ui(client_for, officer_a, tree):
    response = client_for(officer_a).post(
        reverse("accounts:user-create"),
        {
            "username": "tkien2",
            "name": "Đỗ Thị Mai",
            "email": "",
            "role": Role.TEAM_LEADER,
            "scope_unit": tree.hamlet_a.pk,
            "password": PW,
        },
    )
    assert response.status_code == 302
    assert User.objects.get(username="tkien2").scope_unit == tree.hamlet_a


def test_the_create_form_offers_only_units_in_the_officers_area(client_for, officer_a, tree):
    form = client_for(officer_a).get(reverse("accounts:user-create")).context["form"]
    assert set(form.fields["scope_unit"].queryset) == {tree.hamlet_a}
    assert [value for value, _ in form.fields["role"].choices] == [Role.TEAM_LEADER]


def test_a_bad_account_form_keeps_what_was_typed_and_explains_in_vietnamese(
    client_for, officer_a, tree
):
    response = client_for(officer_a).post(
        reverse("accounts:user-create"),
        {
            "username": "dinhhoa",
            "name": "Đỗ Thị Mai",
            "role": Role.TEAM_LEADER,
            "scope_unit": tree.hamlet_a.pk,
            "password": PW,
        },
    )
    html = response.content.decode()
    assert "Tên đăng nhập này đã có người dùng." in html
    assert 'value="Đỗ Thị Mai"' in html


def test_an_out_of_area_unit_posted_by_hand_is_refused(client_for, officer_a, tree):
    response = client_for(officer_a).post(
        reverse("accounts:user-create"),
        {
            "username": "sneaky",
            "name": "X",
            "role": Role.TEAM_LEADER,
            "scope_unit": tree.hamlet_b.pk,
            "password": PW,
        },
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="sneaky").exists()


# --- Signing in -----------------------------------------------------------------------------


def test_sign_in_with_username_or_email(client, officer_a):
    officer_a.email = "dinhhoa@example.invalid"
    officer_a.save()
    for login in ("dinhhoa", "dinhhoa@example.invalid"):
        response = client.post(reverse("account_login"), {"login": login, "password": PW})
        assert response.status_code == 302, login
        client.logout()


def test_a_wrong_password_is_explained_in_vietnamese(client, officer_a):
    response = client.post(reverse("account_login"), {"login": "dinhhoa", "password": "wrong-one"})
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.content.decode()


def test_there_is_no_open_sign_up(client, db):
    response = client.post(
        reverse("account_signup"), {"username": "stranger", "password1": PW, "password2": PW}
    )
    assert not User.objects.filter(username="stranger").exists()
    assert response.status_code == 200
    assert "Cổng không mở đăng ký tự do" in response.content.decode()


def test_password_reset_sends_a_vietnamese_email(client, officer_a, mailoutbox):
    officer_a.email = "dinhhoa@example.invalid"
    officer_a.save()
    client.post(reverse("account_reset_password"), {"email": "dinhhoa@example.invalid"})
    assert len(mailoutbox) == 1
    assert "Đặt lại mật khẩu" in mailoutbox[0].subject
    assert "Tên đăng nhập của bạn là dinhhoa." in mailoutbox[0].body


# --- add_user for scripts --------------------------------------------------------------------


def test_add_user_creates_a_team_leader_by_hamlet_code(tree):
    out = StringIO()
    call_command(
        "add_user",
        "leader9",
        "--role",
        "team_leader",
        "--unit",
        "05536-01",
        "--password",
        PW,
        "--name",
        "Lưu Văn Chín",
        stdout=out,
    )
    user = User.objects.get(username="leader9")
    assert (user.role, user.scope_unit, user.name) == (
        Role.TEAM_LEADER,
        tree.hamlet_a,
        "Lưu Văn Chín",
    )


def test_add_user_refuses_a_role_that_does_not_fit_the_unit(tree):
    with pytest.raises(CommandError):
        call_command("add_user", "x2", "--role", "team_leader", "--unit", "167", "--password", PW)
    with pytest.raises(CommandError, match="No current unit"):
        call_command(
            "add_user", "x3", "--role", "area_officer", "--unit", "00000", "--password", PW
        )
    assert not User.objects.filter(username__in=["x2", "x3"]).exists()


def test_accounts_export_lists_only_the_area(client_for, officer_a, officer_b, leader_a):
    response = client_for(officer_a).get(reverse("accounts:user-list"), {"export": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "dinhhoa" in text and "trungkien" in text and "daitu" not in text
