from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from teams import services
from teams.models import MemberRole, Team, TeamMember, TeamStatus

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
FOUNDED = datetime.date(2024, 3, 5)


@pytest.fixture
def team_a(tree):
    team = services.team_create(
        hamlet=tree.hamlet_a, decision_number="125/QĐ-UBND", decision_date=FOUNDED
    )
    services.member_add(
        team=team,
        name="Lưu Văn Bình",
        phone="0912345678",
        role=MemberRole.LEADER,
        joined_on=FOUNDED,
        listed_publicly=True,
    )
    services.member_add(
        team=team,
        name="Nguyễn Thị Hằng",
        phone="0912345679",
        role=MemberRole.DEPUTY,
        joined_on=FOUNDED,
    )
    return team


@pytest.fixture
def team_b(tree):
    team = services.team_create(hamlet=tree.hamlet_b)
    services.member_add(team=team, name="Trần Văn Tư", phone="0987000111", role=MemberRole.LEADER)
    return team


# --- Services --------------------------------------------------------------------------------


def test_a_team_gets_the_usual_name_of_its_hamlet(team_a):
    assert team_a.name == "Tổ công nghệ số cộng đồng Tổ dân phố Trung Kiên"


def test_a_hamlet_has_at_most_one_active_team(team_a, tree):
    with pytest.raises(ValidationError):
        services.team_create(hamlet=tree.hamlet_a)


def test_the_database_enforces_one_active_team_per_hamlet(team_a, tree):
    with pytest.raises(IntegrityError), transaction.atomic():
        Team.objects.create(hamlet=tree.hamlet_a, name="Tổ thứ hai")


def test_a_team_serves_a_hamlet_not_a_commune(tree):
    with pytest.raises(ValidationError):
        services.team_create(hamlet=tree.commune_a)


def test_dissolving_a_team_retires_its_members_and_frees_the_hamlet(team_a, tree):
    services.team_dissolve(team=team_a, dissolved_on=TODAY)
    team_a.refresh_from_db()
    assert team_a.status == TeamStatus.DISSOLVED
    assert not team_a.members.current().exists()
    assert team_a.members.count() == 2  # the history stays
    assert services.team_create(hamlet=tree.hamlet_a).pk != team_a.pk


def test_phones_are_normalised_and_bad_ones_refused(team_a):
    member = services.member_add(team=team_a, name="Hoàng Văn Đức", phone="+84 98 765 4321")
    assert member.phone == "0987654321"
    with pytest.raises(ValidationError) as info:
        services.member_add(team=team_a, name="Ma Văn Sơn", phone="12345")
    assert "phone" in info.value.error_dict


def test_a_team_has_one_current_leader(team_a):
    with pytest.raises(ValidationError) as info:
        services.member_add(team=team_a, name="Đinh Văn Hai", role=MemberRole.LEADER)
    assert "Lưu Văn Bình" in str(info.value)


def test_the_same_person_cannot_be_added_twice(team_a):
    with pytest.raises(ValidationError):
        services.member_add(team=team_a, name="luu van binh", phone="0912 345 678")


def test_a_member_who_leaves_keeps_their_history(team_a):
    member = team_a.members.get(name="Nguyễn Thị Hằng")
    services.member_retire(member=member, left_on=TODAY)
    member.refresh_from_db()
    assert member.left_on == TODAY and not member.is_current
    assert TeamMember.objects.filter(pk=member.pk).exists()
    with pytest.raises(ValidationError):
        services.member_retire(member=member, left_on=TODAY)


def test_a_member_cannot_leave_before_joining(team_a):
    member = team_a.members.get(name="Nguyễn Thị Hằng")
    with pytest.raises(ValidationError):
        services.member_retire(member=member, left_on=FOUNDED - datetime.timedelta(days=1))


def test_names_are_stored_nfc(team_a):
    member = services.member_add(team=team_a, name="Nguye\u0302\u0303n Va\u0306n An")
    assert member.name == "Nguyễn Văn An"


# --- Views: scope, lists, forms --------------------------------------------------------------


def test_area_officer_lists_only_teams_of_their_district(client_for, officer_a, team_a, team_b):
    page = client_for(officer_a).get(reverse("teams:team-list")).context["page"]
    assert [t.pk for t in page.object_list] == [team_a.pk]


def test_province_officer_lists_every_team(client_for, province_officer, team_a, team_b):
    page = client_for(province_officer).get(reverse("teams:team-list")).context["page"]
    assert {t.pk for t in page.object_list} == {team_a.pk, team_b.pk}


def test_team_page_is_404_for_an_officer_of_another_district(client_for, officer_b, team_a):
    assert (
        client_for(officer_b).get(reverse("teams:team-detail", args=[team_a.pk])).status_code == 404
    )


def test_team_leader_sees_their_own_team_read_only(client_for, leader_a, team_a):
    response = client_for(leader_a).get(reverse("teams:team-detail", args=[team_a.pk]))
    assert response.status_code == 200 and not response.context["can_manage"]
    add = client_for(leader_a).post(reverse("teams:member-add", args=[team_a.pk]), {"name": "X"})
    assert add.status_code == 403


def test_team_list_counts_and_search_ignore_accents(client_for, officer_a, team_a):
    response = client_for(officer_a).get(
        reverse("teams:team-list"), {"q": "trung kien"}, follow=True
    )
    assert response.context["counts"] == {"teams": 1, "active": 1, "members": 2}
    assert (
        client_for(officer_a)
        .get(reverse("teams:team-list"), {"q": "khong co"}, follow=True)
        .context["page"]
        .paginator.count
        == 0
    )


def test_team_list_filters_by_commune_inside_the_scope_only(
    client_for, officer_a, team_a, team_b, tree
):
    client = client_for(officer_a)
    mine = client.get(reverse("teams:team-list"), {"unit": tree.commune_a.pk}).context["page"]
    assert [t.pk for t in mine.object_list] == [team_a.pk]
    # A commune of another district in the URL is ignored, not obeyed.
    other = client.get(reverse("teams:team-list"), {"unit": tree.commune_b.pk}).context["page"]
    assert [t.pk for t in other.object_list] == [team_a.pk]


def test_team_list_queries_do_not_grow_with_the_number_of_teams(
    client_for, province_officer, tree, django_assert_max_num_queries
):
    from areas.services import hamlets_bulk_create

    hamlets_bulk_create(
        commune=tree.commune_a2,
        hamlets=[(f"X-{i}", f"Xóm {i}") for i in range(40)],
        valid_from=FOUNDED,
    )
    for hamlet in tree.commune_a2.children.all():
        team = services.team_create(hamlet=hamlet)
        services.member_add(team=team, name=f"Thành viên {hamlet.code}")
    client = client_for(province_officer)
    # session, user, scope unit, communes menu, headline counts, page count, page of teams
    with django_assert_max_num_queries(8):
        response = client.get(reverse("teams:team-list"))
    assert response.context["page"].paginator.count == 40


def test_team_page_queries_do_not_grow_with_the_roster(
    client_for, officer_a, team_a, django_assert_max_num_queries
):
    for i in range(20):
        services.member_add(team=team_a, name=f"Thành viên {i}")
    client = client_for(officer_a)
    # session, user, scope unit, team (+hamlet, commune), breadcrumbs, roster, the members'
    # roles over time, the versions of the team and of its members
    with django_assert_max_num_queries(10):
        response = client.get(reverse("teams:team-detail", args=[team_a.pk]))
    assert len(response.context["current"]) == 22


def test_member_list_queries_do_not_grow(
    client_for, officer_a, team_a, django_assert_max_num_queries
):
    for i in range(30):
        services.member_add(team=team_a, name=f"Thành viên {i}")
    client = client_for(officer_a)
    # session, user, scope unit, communes menu, count, page of members (+team, hamlet, commune)
    with django_assert_max_num_queries(7):
        response = client.get(reverse("teams:member-list"))
    assert response.context["page"].paginator.count == 32


def test_adding_a_member_with_a_bad_phone_keeps_what_was_typed(client_for, officer_a, team_a):
    response = client_for(officer_a).post(
        reverse("teams:member-add", args=[team_a.pk]),
        {
            "name": "Hoàng Văn Đức",
            "phone": "0123",
            "role": "member",
            "affiliation": "volunteer",
            "joined_on": "01/06/2026",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Hoàng Văn Đức"' in html and 'value="0123"' in html
    assert not team_a.members.filter(name="Hoàng Văn Đức").exists()


def test_area_officer_adds_edits_and_retires_a_member(client_for, officer_a, team_a):
    client = client_for(officer_a)
    client.post(
        reverse("teams:member-add", args=[team_a.pk]),
        {
            "name": "Hoàng Văn Đức",
            "phone": "0987654321",
            "role": "member",
            "affiliation": "volunteer",
            "joined_on": "01/06/2026",
        },
    )
    member = team_a.members.get(name="Hoàng Văn Đức")
    assert member.joined_on == datetime.date(2026, 6, 1)
    client.post(
        reverse("teams:member-edit", args=[member.pk]),
        {
            "name": "Hoàng Văn Đức",
            "phone": "0987654321",
            "role": "deputy",
            "affiliation": "police",
            "joined_on": "01/06/2026",
        },
    )
    # Two deputies are fine; the role changed.
    member.refresh_from_db()
    assert (member.role, member.affiliation) == ("deputy", "police")
    confirm_page = client.get(reverse("teams:member-retire", args=[member.pk]))
    assert confirm_page.status_code == 200
    member.refresh_from_db()
    assert member.is_current  # asking is not doing
    client.post(
        reverse("teams:member-retire", args=[member.pk]), {"on": TODAY.strftime("%d/%m/%Y")}
    )
    member.refresh_from_db()
    assert not member.is_current


def test_officer_of_another_district_cannot_retire_a_member(client_for, officer_b, team_a):
    member = team_a.members.first()
    response = client_for(officer_b).post(
        reverse("teams:member-retire", args=[member.pk]), {"on": TODAY.strftime("%d/%m/%Y")}
    )
    assert response.status_code == 404


def test_founding_and_dissolving_a_team_from_the_ui(client_for, officer_a, tree):
    client = client_for(officer_a)
    client.post(
        reverse("teams:team-create"),
        {
            "hamlet": tree.hamlet_a.pk,
            "name": "",
            "decision_number": "7/QĐ",
            "decision_date": "05/03/2024",
        },
    )
    team = Team.objects.get(hamlet=tree.hamlet_a)
    assert team.decision_date == FOUNDED
    client.post(reverse("teams:team-dissolve", args=[team.pk]), {"on": TODAY.strftime("%d/%m/%Y")})
    team.refresh_from_db()
    assert team.status == TeamStatus.DISSOLVED


def test_founding_a_team_in_another_district_is_refused(client_for, officer_a, tree):
    response = client_for(officer_a).post(
        reverse("teams:team-create"), {"hamlet": tree.hamlet_b.pk}
    )
    assert response.status_code == 200  # the form says the choice is not valid
    assert not Team.objects.exists()


# --- Exports ----------------------------------------------------------------------------------


def test_the_team_list_exports_exactly_what_is_filtered(
    client_for, province_officer, team_a, team_b
):
    from tests.workbooks import read_rows

    client = client_for(province_officer)
    response = client.get(
        reverse("teams:team-list"), {"q": "son tap", "export": "xlsx"}, follow=True
    )
    rows = read_rows(b"".join(response.streaming_content))
    assert len(rows) == 2 and rows[1][1] == "Tổ dân phố Sơn Tập"
    csv_text = b"".join(
        client.get(reverse("teams:team-list"), {"export": "csv"}).streaming_content
    ).decode("utf-8-sig")
    assert "Tổ dân phố Trung Kiên" in csv_text and "Tổ dân phố Sơn Tập" in csv_text


def test_member_export_escapes_formulas(client_for, officer_a, team_a):
    services.member_add(team=team_a, name='=HYPERLINK("http://x")')
    csv_text = b"".join(
        client_for(officer_a).get(reverse("teams:member-list"), {"export": "csv"}).streaming_content
    ).decode("utf-8-sig")
    assert "'=HYPERLINK" in csv_text


# --- Public directory --------------------------------------------------------------------------


def test_the_public_directory_shows_the_team_leader_and_listed_phones_only(client, team_a):
    response = client.get(reverse("directory"), {"q": "trung kien"}, follow=True)
    html = response.content.decode()
    assert "Lưu Văn Bình" in html and "0912345678" in html  # leader, agreed to be listed
    assert "Nguyễn Thị Hằng" not in html and "0912345679" not in html  # not listed


def test_the_public_directory_finds_hamlets_by_commune(client, team_a, tree):
    response = client.get(reverse("directory"), {"commune": tree.commune_a.pk})
    assert [h.name for h in response.context["page"].object_list] == ["Tổ dân phố Trung Kiên"]


def test_the_public_directory_queries_stay_fixed(
    client, team_a, team_b, django_assert_max_num_queries
):
    # communes menu, count, hamlets page, their teams, the teams' public members
    with django_assert_max_num_queries(5):
        response = client.get(reverse("directory"), {"q": "to dan pho"}, follow=True)
    assert len(response.context["page"].object_list) == 2


def test_members_of_a_dissolved_team_are_history_and_cannot_be_edited(team_a):
    member = team_a.members.get(name="Nguyễn Thị Hằng")
    services.team_dissolve(team=team_a, dissolved_on=TODAY)
    member.refresh_from_db()
    with pytest.raises(ValidationError):
        services.member_update(
            member=member,
            name="Đổi Tên",
            phone="",
            role="leader",
            affiliation="other",
            listed_publicly=False,
        )
    member.refresh_from_db()
    assert (member.name, member.role) == ("Nguyễn Thị Hằng", "deputy")


def test_the_public_directory_hides_the_phone_of_a_leader_who_did_not_agree(client, tree):
    team = services.team_create(hamlet=tree.hamlet_a)
    services.member_add(team=team, name="Lưu Văn Bình", phone="0912345678", role=MemberRole.LEADER)
    html = client.get(reverse("directory"), {"q": "trung kien"}, follow=True).content.decode()
    assert "Lưu Văn Bình" in html and "0912345678" not in html


def test_member_exports_mask_phones_unless_full_numbers_are_asked_for(client_for, officer_a, tree):
    from teams import services as team_services

    team = team_services.team_create(hamlet=tree.hamlet_a)
    team_services.member_add(team=team, name="Đặng Thị Mai", phone="0912000002")
    client = client_for(officer_a)
    for url in (reverse("teams:member-list"), reverse("teams:team-detail", args=[team.pk])):
        masked = b"".join(client.get(url, {"export": "csv"}).streaming_content).decode()
        assert "0912•••002" in masked and "0912000002" not in masked
        full = client.get(url, {"export": "csv", "numbers": "full"})
        assert "0912000002" in b"".join(full.streaming_content).decode()
