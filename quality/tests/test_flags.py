"""Data-quality flags: each rule finds what cannot be true and stays silent otherwise; an
officer marks a flag as checked with a note; other areas see nothing; the dashboard shows
the open flags."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.urls import reverse

from apps_catalog.models import App
from citizens.models import Assistance, Citizen, Household, Visit
from dashboards.models import Population
from quality.models import FlagCheck
from quality.rules import MAX_VISITS_PER_DAY, find
from teams.models import MemberRole
from teams.services import member_add, team_create
from tests.consent import CONSENTED

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 10)
BASE_DAY = datetime.date(2025, 1, 1)


def codes(user, unit, rule):
    return [f.key for f in find(user=user, root=unit, rules=[rule])]


def household(hamlet, *, consent=True, head="Chủ hộ"):
    return Household.objects.create(
        hamlet=hamlet, head_name=head, consent_on=CONSENTED if consent else None
    )


def citizen(home, name="Người dân", birth_year=1980):
    return Citizen.objects.create(household=home, full_name=name, birth_year=birth_year)


def visit(home, recorder, day=DAY):
    return Visit.objects.create(
        client_uuid=uuid.uuid4(),
        content_digest="x",
        household=home,
        recorded_by=recorder,
        visited_on=day,
        kind="helped",
    )


def help_with(person, app, outcome, on_visit):
    return Assistance.objects.create(visit=on_visit, citizen=person, app=app, outcome=outcome)


@pytest.fixture
def vneid():
    app = App.objects.get(slug="vneid")
    return app, app.outcomes.get(code="level-2")


@pytest.fixture
def led_team(tree):
    """Hamlet A's team, with its leader: the registry is sound until a test breaks it."""
    team = team_create(hamlet=tree.hamlet_a)
    member_add(team=team, name="Lưu Văn Bình", role=MemberRole.LEADER, joined_on=BASE_DAY)
    return team


# --- Each rule, on a case and on the same data without it ------------------------------------


def two_adults_helped_to_level_2(tree, officer_a, vneid):
    app, level2 = vneid
    home = household(tree.hamlet_a)
    on_visit = visit(home, officer_a)
    for name in ("An", "Bình"):
        help_with(citizen(home, name), app, level2, on_visit)


def test_an_indicator_above_100_percent_is_flagged(tree, officer_a, vneid):
    two_adults_helped_to_level_2(tree, officer_a, vneid)
    Population.objects.create(unit=tree.hamlet_a, as_of=BASE_DAY, adults=1, source="Công an")
    flags = find(user=officer_a, root=tree.district_a, rules=["indicator_over_100"])
    # The hamlet, and its commune, whose base is the sum of its hamlets'.
    assert {f.key: f.value for f in flags} == {
        f"{tree.hamlet_a.pk}:vneid-level-2": "2/1",
        f"{tree.commune_a.pk}:vneid-level-2": "2/1",
    }
    [hamlet] = [f for f in flags if f.unit == tree.hamlet_a]
    assert "200" in hamlet.explanation
    assert hamlet.link.startswith(reverse("dashboards:unit", args=[tree.hamlet_a.pk]))


def test_an_indicator_within_its_base_is_not_flagged(tree, officer_a, vneid):
    two_adults_helped_to_level_2(tree, officer_a, vneid)
    Population.objects.create(unit=tree.hamlet_a, as_of=BASE_DAY, adults=5, source="Công an")
    assert codes(officer_a, tree.district_a, "indicator_over_100") == []


def test_more_adults_helped_than_live_in_the_unit_is_flagged(tree, officer_a, vneid):
    app, level2 = vneid
    Population.objects.create(unit=tree.hamlet_a, as_of=BASE_DAY, adults=1, source="Công an")
    home = household(tree.hamlet_a)
    on_visit = visit(home, officer_a)
    help_with(citizen(home, "An"), app, level2, on_visit)
    child = citizen(home, "Bé", birth_year=DAY.year - 8)
    help_with(child, app, level2, on_visit)
    # One adult and a child: not more adults than the base.
    assert codes(officer_a, tree.district_a, "adults_helped_over_base") == []
    child.birth_year = 1990
    child.save(update_fields=["birth_year"])
    flags = find(user=officer_a, root=tree.hamlet_a, rules=["adults_helped_over_base"])
    assert [(f.unit, f.value) for f in flags] == [(tree.hamlet_a, "2/1")]
    assert flags[0].link == f"{reverse('citizens:citizen-list')}?unit={tree.hamlet_a.pk}"


def test_more_than_60_visits_in_a_day_by_one_account_is_flagged(tree, officer_a, leader_a):
    home = household(tree.hamlet_a)
    for _ in range(MAX_VISITS_PER_DAY):
        visit(home, officer_a)
    assert codes(officer_a, tree.district_a, "too_many_visits_in_a_day") == []
    visit(home, leader_a)  # 61 that day, but not all by the same account
    assert codes(officer_a, tree.district_a, "too_many_visits_in_a_day") == []
    visit(home, officer_a)
    flags = find(user=officer_a, root=tree.district_a, rules=["too_many_visits_in_a_day"])
    assert [(f.unit, f.value) for f in flags] == [(tree.commune_a, "61")]
    assert officer_a.username in flags[0].explanation
    assert f"date_from={DAY.isoformat()}" in flags[0].link


def test_one_member_present_at_more_than_60_visits_in_a_day_is_flagged(
    tree, officer_a, leader_a, led_team
):
    member = member_add(team=led_team, name="Thành viên", joined_on=BASE_DAY)
    home = household(tree.hamlet_a)
    recorders = [officer_a, leader_a]
    visits = [visit(home, recorders[n % 2]) for n in range(MAX_VISITS_PER_DAY + 1)]
    for one in visits[:-1]:
        one.members_present.add(member)
    assert codes(officer_a, tree.district_a, "too_many_visits_in_a_day") == []
    visits[-1].members_present.add(member)
    flags = find(user=officer_a, root=tree.district_a, rules=["too_many_visits_in_a_day"])
    assert [f.key for f in flags] == [f"member:{member.pk}:{tree.commune_a.pk}:{DAY.isoformat()}"]
    assert "Thành viên" not in flags[0].explanation  # no member's name on the flags page


def test_the_same_app_recorded_twice_for_one_citizen_on_one_day_is_flagged(tree, officer_a, vneid):
    app, level2 = vneid
    home = household(tree.hamlet_a)
    person = citizen(home)
    help_with(person, app, level2, visit(home, officer_a))
    later = visit(home, officer_a, day=DAY + datetime.timedelta(days=1))
    help_with(person, app, level2, later)
    assert codes(officer_a, tree.district_a, "same_app_twice_in_a_day") == []
    later.visited_on = DAY
    later.save(update_fields=["visited_on"])
    flags = find(user=officer_a, root=tree.district_a, rules=["same_app_twice_in_a_day"])
    assert [(f.key, f.value) for f in flags] == [(f"{tree.hamlet_a.pk}:{DAY.isoformat()}", "1")]
    assert "Người dân" not in flags[0].explanation


def test_an_active_team_without_a_current_leader_is_flagged(tree, officer_a, led_team):
    assert codes(officer_a, tree.district_a, "team_without_leader") == []
    led_team.members.filter(role=MemberRole.LEADER).update(left_on=DAY)
    assert codes(officer_a, tree.district_a, "team_without_leader") == [str(led_team.pk)]


def test_a_consenting_household_without_members_is_flagged_but_not_one_without_consent(
    tree, officer_a
):
    household(tree.hamlet_a, consent=False)  # only the head and counts: as it should be
    citizen(household(tree.hamlet_a))
    assert codes(officer_a, tree.district_a, "household_without_members") == []
    household(tree.hamlet_a)
    flags = find(user=officer_a, root=tree.district_a, rules=["household_without_members"])
    assert [(f.unit, f.value) for f in flags] == [(tree.hamlet_a, "1")]
    assert "sort=citizens" in flags[0].link


# --- Checking a flag -------------------------------------------------------------------------


@pytest.fixture
def leaderless(tree):
    """An active team without a leader in each district."""
    return team_create(hamlet=tree.hamlet_a), team_create(hamlet=tree.hamlet_b)


def check(client, team, note, **query):
    return client.post(
        reverse("quality:flag-list") + ("?" + "&".join(f"{k}={v}" for k, v in query.items())),
        {"rule": "team_without_leader", "key": str(team.pk), "unit": team.hamlet_id, "note": note},
    )


def test_a_checked_flag_leaves_the_open_list_and_keeps_its_note(client_for, officer_a, leaderless):
    team_a, _team_b = leaderless
    client = client_for(officer_a)
    url = reverse("quality:flag-list")
    assert reverse("teams:team-detail", args=[team_a.pk]) in client.get(url).content.decode()
    response = check(client, team_a, "Tổ đang bầu tổ trưởng mới.")
    assert response.status_code == 302
    stored = FlagCheck.objects.get()
    assert (stored.rule, stored.key, stored.unit, stored.checked_by) == (
        "team_without_leader",
        str(team_a.pk),
        team_a.hamlet,
        officer_a,
    )
    assert stored.note == "Tổ đang bầu tổ trưởng mới."
    assert reverse("teams:team-detail", args=[team_a.pk]) not in client.get(url).content.decode()
    checked = client.get(url + "?status=checked").content.decode()
    assert "Tổ đang bầu tổ trưởng mới." in checked


def test_a_checked_flag_opens_again_when_its_numbers_change(tree, client_for, officer_a):
    household(tree.hamlet_a)
    client = client_for(officer_a)
    response = client.post(
        reverse("quality:flag-list"),
        {
            "rule": "household_without_members",
            "key": str(tree.hamlet_a.pk),
            "unit": tree.hamlet_a.pk,
            "note": "Hộ mới chuyển đến, sẽ ghi nhân khẩu.",
        },
    )
    assert response.status_code == 302
    assert (
        f"?unit={tree.hamlet_a.pk}&amp;sort=citizens"
        not in client.get(reverse("quality:flag-list")).content.decode()
    )
    household(tree.hamlet_a)  # a second one: 2, no longer the 1 that was checked
    assert (
        f"?unit={tree.hamlet_a.pk}&amp;sort=citizens"
        in client.get(reverse("quality:flag-list")).content.decode()
    )


def test_an_empty_note_is_refused_and_what_was_typed_stays(client_for, officer_a, leaderless):
    team_a, _team_b = leaderless
    client = client_for(officer_a)
    response = check(client, team_a, "   ")
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()  # the note's error, beside it
    assert not FlagCheck.objects.exists()
    long_note = "Đã kiểm tra " + "x" * 1000
    response = check(client, team_a, long_note)
    html = response.content.decode()
    assert response.status_code == 200
    assert long_note in html  # the note comes back in its box, to be shortened
    assert not FlagCheck.objects.exists()


def test_a_flag_no_longer_found_cannot_be_checked(client_for, officer_a, leaderless):
    team_a, _team_b = leaderless
    member_add(team=team_a, name="Tổ trưởng", role=MemberRole.LEADER, joined_on=BASE_DAY)
    response = check(client_for(officer_a), team_a, "Đã có tổ trưởng.")
    assert response.status_code == 200
    assert not FlagCheck.objects.exists()


def test_another_areas_officer_sees_none_of_its_flags_and_cannot_check_them(
    client_for, officer_b, leaderless, tree
):
    team_a, team_b = leaderless
    client = client_for(officer_b)
    html = client.get(reverse("quality:flag-list") + f"?unit={tree.hamlet_a.pk}").content.decode()
    assert reverse("teams:team-detail", args=[team_a.pk]) not in html
    assert reverse("teams:team-detail", args=[team_b.pk]) in html
    assert check(client, team_a, "Không phải địa bàn của tôi.").status_code == 404
    assert not FlagCheck.objects.exists()


def test_team_leaders_have_no_flags_page(client_for, leader_a, leaderless):
    team_a, _team_b = leaderless
    client = client_for(leader_a)
    assert client.get(reverse("quality:flag-list")).status_code == 403
    assert check(client, team_a, "Tôi là tổ trưởng.").status_code == 403


def test_an_area_without_flags_says_so(client_for, officer_a, tree):
    html = client_for(officer_a).get(reverse("quality:flag-list")).content.decode()
    assert '<p class="empty">' in html


def test_the_flags_page_queries_do_not_grow_with_the_flags(
    client_for, officer_a, tree, django_assert_max_num_queries
):
    for n in range(5):
        household(tree.hamlet_a, head=f"Hộ {n}")
    team_create(hamlet=tree.hamlet_a)
    client = client_for(officer_a)
    # session, user, scope unit, top unit, communes, the unit filter's unit, the rules' units,
    # figures and bases (14), six rules, the checks
    with django_assert_max_num_queries(30):
        response = client.get(reverse("quality:flag-list"))
    assert len(response.context["rows"]) == 2


# --- The dashboard ---------------------------------------------------------------------------


def test_the_dashboard_shows_the_areas_open_flags(
    client_for, officer_a, leader_a, leaderless, tree
):
    url = reverse("dashboards:unit", args=[tree.district_a.pk])
    html = client_for(officer_a).get(url).content.decode()
    panel = html.split('id="quality-flags"', 1)[1].split("</section>", 1)[0]
    link = f"{reverse('quality:flag-list')}?unit={tree.district_a.pk}"
    assert f"{link}&amp;rule=team_without_leader" in panel
    assert '<span class="badge">1</span>' in panel  # district A's team only
    leaders_page = client_for(leader_a).get(reverse("dashboards:unit", args=[tree.hamlet_a.pk]))
    assert 'id="quality-flags"' not in leaders_page.content.decode()
