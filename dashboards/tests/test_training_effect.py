"""From training to results: a course's trained members before and after, against comparable
untrained members; a member's courses and work since; the pages and who may open them.

The figures are checked against a recount written here in plain Python over the visits the
test records (``World.visits``), not against numbers worked out by hand.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps_catalog.models import App
from areas.services import hamlet_create
from citizens.models import Assistance, Citizen, Household, Visit
from dashboards.training_effect import course_effect, member_courses_and_work
from teams.services import member_add, member_retire, team_create
from tests.consent import CONSENTED
from training.models import Course, Trainee

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
WEEKS = 8


@dataclass
class Recorded:
    """What the test recorded of one visit, for the recount."""

    day: datetime.date
    members: set[int]
    helped: list[tuple[int, int]]  # (citizen pk, app pk)
    district: str  # "A" or "B": where the household lives
    withdrawn: bool = False


@dataclass
class World:
    course: Course
    members: dict[str, object]
    households: dict[str, Household]
    citizens: dict[str, list[Citizen]]
    apps: list[App]
    recorder: object
    visits: list[Recorded] = field(default_factory=list)

    def visit(self, side: str, day, members, helped=(), *, withdrawn=False) -> Visit:
        visit = Visit.objects.create(
            client_uuid=uuid.uuid4(),
            content_digest="x",
            household=self.households[side],
            recorded_by=self.recorder,
            visited_on=day,
            kind="helped" if helped else "informed",
            withdrawn_at=timezone.now() if withdrawn else None,
        )
        visit.members_present.set([self.members[name] for name in members])
        for citizen, app in helped:
            Assistance.objects.create(
                visit=visit, citizen=citizen, app=app, outcome=app.outcomes.first()
            )
        self.visits.append(
            Recorded(
                day=day,
                members={self.members[name].pk for name in members},
                helped=[(c.pk, a.pk) for c, a in helped],
                district="A" if side.startswith("A") else "B",
                withdrawn=withdrawn,
            )
        )
        return visit


def windows(course: Course) -> dict[str, tuple[datetime.date, datetime.date]]:
    span = datetime.timedelta(weeks=WEEKS)
    end = course.ends_on or course.starts_on
    return {
        "before": (course.starts_on - span, course.starts_on - DAY),
        "after": (end + DAY, end + span),
    }


def recount(world: World, member_pks: set[int], *, districts=("A", "B")) -> dict:
    """Per-member averages of visits, citizens and citizens per app, in each window."""
    result: dict = {"visits": {}, "citizens": {}, "apps": {}}
    for name, (start, end) in windows(world.course).items():
        visits_total = citizens_total = 0
        per_app: dict[int, int] = {}
        for member in member_pks:
            mine = [
                v
                for v in world.visits
                if member in v.members
                and not v.withdrawn
                and start <= v.day <= end
                and v.district in districts
            ]
            visits_total += len(mine)
            citizens_total += len({c for v in mine for c, _app in v.helped})
            for app in {a for v in mine for _c, a in v.helped}:
                helped = {c for v in mine for c, a in v.helped if a == app}
                per_app[app] = per_app.get(app, 0) + len(helped)
        size = len(member_pks)
        result["visits"][name] = visits_total / size
        result["citizens"][name] = citizens_total / size
        for app, total in per_app.items():
            result["apps"].setdefault(app, {"before": 0.0, "after": 0.0})[name] = total / size
    return result


def figures(group, apps) -> dict:
    """The same shape as ``recount`` from what course_effect returned."""
    return {
        "visits": {"before": group.visits.before, "after": group.visits.after},
        "citizens": {"before": group.citizens.before, "after": group.citizens.after},
        "apps": {
            app.app_id: {"before": m.before, "after": m.after}
            for app in apps
            if (m := group.apps[app.app_id]).before or m.after
        },
    }


@pytest.fixture
def world(tree, leader_a) -> World:
    """A course of Thị trấn Chợ Chu that ended 100 days ago (its weeks after are over).

    Trained: ``t1`` (completed) and ``t2`` of the Trung Kiên team. Comparable, not trained:
    ``c1`` (their team-mate) and ``c2`` (another hamlet of the same commune). Not comparable:
    ``r1`` (left the team), ``o1`` (a team of another commune). One trainee is not a member.
    """
    starts = TODAY - 104 * DAY
    course = Course.objects.create(
        name="Kỹ năng số", unit=tree.commune_a, starts_on=starts, ends_on=starts + 3 * DAY
    )
    team_a = team_create(hamlet=tree.hamlet_a)
    team_a2 = team_create(hamlet=hamlet_create(commune=tree.commune_a, name="Xóm Đồng"))
    team_o = team_create(hamlet=hamlet_create(commune=tree.commune_a2, name="Xóm Khác"))
    joined = TODAY - 400 * DAY
    members = {
        "t1": member_add(team=team_a, name="Học viên Một", joined_on=joined),
        "t2": member_add(team=team_a, name="Học viên Hai", joined_on=joined),
        "c1": member_add(team=team_a, name="Đồng đội", joined_on=joined),
        "c2": member_add(team=team_a2, name="Xóm bên", joined_on=joined),
        "r1": member_add(team=team_a2, name="Đã nghỉ", joined_on=joined),
        "o1": member_add(team=team_o, name="Xã khác", joined_on=joined),
    }
    member_retire(member=members["r1"], left_on=TODAY - 10 * DAY)
    Trainee.objects.create(
        course=course,
        name="Học viên Một",
        unit=tree.commune_a,
        team_member=members["t1"],
        completed_on=course.ends_on,
    )
    Trainee.objects.create(
        course=course, name="Học viên Hai", unit=tree.commune_a, team_member=members["t2"]
    )
    Trainee.objects.create(course=course, name="Cán bộ văn hóa", unit=tree.commune_a)
    households, citizens = {}, {}
    for side, hamlet in (("A", tree.hamlet_a), ("B", tree.hamlet_b)):
        households[side] = Household.objects.create(
            consent_on=CONSENTED, hamlet=hamlet, head_name=f"Chủ hộ {side}"
        )
        citizens[side] = [
            Citizen.objects.create(household=households[side], full_name=f"Người {side}{i}")
            for i in range(3)
        ]
    apps = list(App.objects.order_by("position", "pk")[:2])
    world = World(course, members, households, citizens, apps, leader_a)
    before, after = windows(course)["before"], windows(course)["after"]
    a, b = citizens["A"], citizens["B"]
    vneid, other = apps
    # Before: t1 alone, t1 with c1, c2 alone (one person helped with two apps).
    world.visit("A", before[0], ["t1"], [(a[0], vneid)])
    world.visit("A", before[0] + 20 * DAY, ["t1", "c1"], [(a[0], vneid), (a[1], other)])
    world.visit("A", before[1], ["c2"], [(a[2], vneid), (a[2], other)])
    # After: more from the trained, a withdrawn one, an information-only one, one in district B.
    world.visit("A", after[0], ["t1", "t2"], [(a[0], other), (a[1], vneid), (a[2], vneid)])
    world.visit("A", after[0] + 9 * DAY, ["t2"], [(a[1], vneid)])
    world.visit("A", after[0] + 10 * DAY, ["t2", "c1"])
    world.visit("A", after[0] + 11 * DAY, ["t1"], [(a[2], other)], withdrawn=True)
    world.visit("B", after[1], ["t1"], [(b[0], vneid), (b[1], vneid)])
    world.visit("A", after[1], ["c2", "r1", "o1"], [(a[0], vneid)])
    return world


def trained_and_comparison(world: World) -> tuple[set[int], set[int]]:
    pk = {name: m.pk for name, m in world.members.items()}
    return {pk["t1"], pk["t2"]}, {pk["c1"], pk["c2"]}


def assert_same(computed: dict, expected: dict) -> None:
    for figure in ("visits", "citizens"):
        for window in ("before", "after"):
            assert computed[figure][window] == pytest.approx(expected[figure][window]), (
                figure,
                window,
            )
    assert computed["apps"].keys() == expected["apps"].keys()
    for app, values in expected["apps"].items():
        assert computed["apps"][app] == pytest.approx(values), app


# --- the figures --------------------------------------------------------------------------


def test_trained_and_comparison_figures_equal_a_recount_of_the_visits(world):
    effect = course_effect(world.course, weeks=WEEKS)
    trained, comparison = trained_and_comparison(world)

    assert (effect.trained.size, effect.comparison.size) == (2, 2)
    assert effect.unlinked_trainees == 1
    assert effect.communes == 1
    assert effect.after.complete
    assert_same(figures(effect.trained, effect.apps), recount(world, trained))
    assert_same(figures(effect.comparison, effect.apps), recount(world, comparison))
    assert effect.trained.visits.difference == pytest.approx(
        effect.trained.visits.after - effect.trained.visits.before
    )


def test_only_those_who_completed_leaves_the_others_out_of_both_groups(world):
    effect = course_effect(world.course, weeks=WEEKS, completed_only=True)
    _trained, comparison = trained_and_comparison(world)

    assert (effect.trained.size, effect.comparison.size) == (1, 2)
    assert_same(figures(effect.trained, effect.apps), recount(world, {world.members["t1"].pk}))
    assert_same(figures(effect.comparison, effect.apps), recount(world, comparison))


def test_visits_outside_the_windows_do_not_count(world):
    before, after = windows(world.course)["before"], windows(world.course)["after"]
    counted = course_effect(world.course, weeks=WEEKS)
    a = world.citizens["A"]
    for day in (
        before[0] - DAY,
        world.course.starts_on,
        world.course.ends_on,
        after[1] + DAY,
        TODAY,
    ):
        world.visit("A", day, ["t1", "c1"], [(a[1], world.apps[0])])

    again = course_effect(world.course, weeks=WEEKS)
    assert again.trained == counted.trained
    assert again.comparison == counted.comparison


def test_a_scoped_user_counts_only_visits_and_members_of_their_area(world, officer_a):
    trained, comparison = trained_and_comparison(world)
    everything = course_effect(world.course, weeks=WEEKS)
    scoped = course_effect(world.course, weeks=WEEKS, user=officer_a)

    assert_same(figures(scoped.trained, scoped.apps), recount(world, trained, districts=("A",)))
    assert_same(
        figures(scoped.comparison, scoped.apps), recount(world, comparison, districts=("A",))
    )
    # The visit in district B is the only difference.
    assert scoped.trained.visits.after < everything.trained.visits.after


def test_another_area_s_officer_counts_nobody(world, officer_b):
    effect = course_effect(world.course, weeks=WEEKS, user=officer_b)
    assert (effect.trained.size, effect.comparison.size) == (0, 0)


def test_the_number_of_queries_does_not_grow_with_the_trainees(world, tree):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            course_effect(world.course, weeks=WEEKS)
        return len(captured)

    first = queries()
    team = team_create(hamlet=hamlet_create(commune=tree.commune_a, name="Xóm Mới"))
    after = windows(world.course)["after"]
    for i in range(6):
        name = f"n{i}"
        world.members[name] = member_add(team=team, name=f"Mới {i}", joined_on=TODAY)
        Trainee.objects.create(
            course=world.course,
            name=f"Mới {i}",
            unit=tree.commune_a,
            team_member=world.members[name],
        )
        world.visit("A", after[0] + i * DAY, [name], [(world.citizens["A"][0], world.apps[1])])
    assert queries() == first == 4  # trainees, comparison members, visits, citizens per app


# --- a member's courses and work since ----------------------------------------------------


def test_a_member_s_courses_and_the_work_since_each_ended(world, tree):
    t1 = world.members["t1"]
    later = Course.objects.create(
        name="Nâng cao", unit=tree.commune_a, starts_on=TODAY - 20 * DAY, ends_on=TODAY - 19 * DAY
    )
    future = Course.objects.create(name="Sắp tới", unit=tree.commune_a, starts_on=TODAY + 5 * DAY)
    for course in (later, future):
        Trainee.objects.create(course=course, name=t1.name, unit=tree.commune_a, team_member=t1)

    rows = member_courses_and_work(t1)

    assert [r.course for r in rows] == [world.course, later, future]
    assert rows[0].completed_on == world.course.ends_on
    for row in rows:
        mine = [
            v
            for v in world.visits
            if t1.pk in v.members and not v.withdrawn and row.since <= v.day <= TODAY
        ]
        assert row.visits == len(mine), row.course
        assert row.citizens == len({c for v in mine for c, _a in v.helped}), row.course
    assert not rows[2].ended and rows[2].visits == 0


def test_a_scoped_member_s_work_leaves_out_another_area_s_visits(world, officer_a):
    t1 = world.members["t1"]
    [everything] = member_courses_and_work(t1)
    [scoped] = member_courses_and_work(t1, user=officer_a)
    assert scoped.visits == everything.visits - 1


# --- the pages ----------------------------------------------------------------------------


def test_the_course_page_links_to_its_results_and_the_results_page_shows_both_groups(
    world, client_for, officer_a
):
    client = client_for(officer_a)
    url = reverse("dashboards:course-effect", args=[world.course.pk])
    detail = client.get(reverse("training:course-detail", args=[world.course.pk]))
    assert url in detail.content.decode()

    page = client.get(url)
    assert page.status_code == 200
    effect = page.context["effect"]
    assert (effect.trained.size, effect.comparison.size) == (2, 2)
    html = page.content.decode()
    assert 'id="effect-figures"' in html and 'id="effect-apps"' in html
    assert 'data-label="' in html
    assert world.apps[0].name in html
    # Aggregates only: no member's name on the page.
    assert "Học viên Một" not in html


def test_another_area_s_officer_and_a_team_leader_get_404(world, client_for, officer_b, leader_a):
    url = reverse("dashboards:course-effect", args=[world.course.pk])
    assert client_for(officer_b).get(url).status_code == 404
    assert client_for(leader_a).get(url).status_code == 404


def test_the_page_says_when_no_trainee_is_a_team_member(tree, client_for, officer_a):
    course = Course.objects.create(name="Cho cán bộ", unit=tree.commune_a, starts_on=TODAY)
    Trainee.objects.create(course=course, name="Cán bộ", unit=tree.commune_a)
    page = client_for(officer_a).get(reverse("dashboards:course-effect", args=[course.pk]))
    assert page.status_code == 200
    assert page.context["effect"].trained.size == 0
    assert 'class="empty"' in page.content.decode()
    assert 'id="effect-figures"' not in page.content.decode()


def test_the_page_says_when_the_weeks_after_are_not_over(world, client_for, officer_a):
    Course.objects.filter(pk=world.course.pk).update(
        starts_on=TODAY - 12 * DAY, ends_on=TODAY - 10 * DAY
    )
    page = client_for(officer_a).get(reverse("dashboards:course-effect", args=[world.course.pk]))
    effect = page.context["effect"]
    assert effect.after.started and not effect.after.complete
    assert effect.after.days_elapsed == 10
    assert 'class="notice"' in page.content.decode()


def test_the_page_says_when_the_course_has_not_ended(world, client_for, officer_a):
    Course.objects.filter(pk=world.course.pk).update(starts_on=TODAY, ends_on=TODAY + 2 * DAY)
    page = client_for(officer_a).get(reverse("dashboards:course-effect", args=[world.course.pk]))
    assert not page.context["effect"].after.started
    assert 'class="notice"' in page.content.decode()


def test_the_results_page_queries_stay_few(
    world, client_for, officer_a, django_assert_max_num_queries
):
    client = client_for(officer_a)
    url = reverse("dashboards:course-effect", args=[world.course.pk])
    client.get(url)
    # session, user, course with its counts, the four of course_effect, and slack for the
    # middleware (audit, language)
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200


def test_the_list_of_courses_links_each_to_its_results(world, client_for, province_officer):
    page = client_for(province_officer).get(reverse("dashboards:training-effects"))
    assert page.status_code == 200
    assert reverse("dashboards:course-effect", args=[world.course.pk]) in page.content.decode()
    indicators = client_for(province_officer).get(reverse("dashboards:indicators"))
    assert reverse("dashboards:training-effects") in indicators.content.decode()


def test_the_member_s_page_shows_their_courses_and_work_since(world, client_for, officer_a):
    page = client_for(officer_a).get(reverse("teams:member-edit", args=[world.members["t1"].pk]))
    html = page.content.decode()
    assert 'id="member-courses"' in html
    assert reverse("dashboards:course-effect", args=[world.course.pk]) in html
