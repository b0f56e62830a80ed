"""Indicators and dated figures against an independent recount.

A random world with facts spread over two years (teams founded and dissolved, members joining
and leaving, households and citizens recorded on their days, visits and help on theirs, a
hamlet moved to another commune on 1 July 2025), then, on several days before and after the
move, every unit's figures and every indicator are recounted here in plain Python from the
objects' own dates and the tree of that day, and must equal what the engine gives.
"""

from __future__ import annotations

import datetime
import random
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from apps_catalog.models import App, Outcome
from areas.models import AdministrativeUnit
from areas.services import hamlet_create, unit_move
from citizens.models import Assistance, Citizen, Household, Visit, VisitKind
from dashboards.indicators import DATED_FIGURES, TREND_DAYS, Indicators, population_bases
from dashboards.models import Indicator, Population
from dashboards.services import indicator_create, population_record, target_set
from teams.models import Team, TeamMember
from tests.consent import CONSENTED
from training.models import Course, Trainee

pytestmark = pytest.mark.django_db

START = datetime.date(2024, 1, 1)
MOVED = datetime.date(2025, 7, 1)
TODAY = datetime.date(2026, 12, 2)
DAYS = [
    datetime.date(2024, 3, 31),
    datetime.date(2025, 6, 30),
    datetime.date(2025, 7, 1),
    datetime.date(2026, 1, 15),
    TODAY,
]


def _day(rng: random.Random, low=START, high=TODAY) -> datetime.date:
    return low + datetime.timedelta(days=rng.randrange((high - low).days + 1))


def _stamp(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(10), tzinfo=datetime.UTC)


@pytest.fixture
def dated_world(tree, leader_a):
    """Facts with their own dates; one hamlet of commune A moves to commune B on MOVED."""
    rng = random.Random(411)
    hamlets = [tree.hamlet_a, tree.hamlet_b]
    for commune in (tree.commune_a, tree.commune_a2, tree.commune_b):
        hamlets += [
            hamlet_create(commune=commune, name=f"Xóm {i}", valid_from=START) for i in range(2)
        ]
    apps = list(App.objects.prefetch_related("outcomes"))
    for hamlet in hamlets:
        for t in range(rng.randint(1, 2)):
            founded = _day(rng, high=datetime.date(2025, 12, 31))
            dissolved = _day(rng, founded) if t == 0 and rng.random() < 0.3 else None
            team = Team.objects.create(
                hamlet=hamlet,
                name=f"Tổ {hamlet.pk}-{t}",
                decision_date=founded if rng.random() < 0.7 else None,
                status="dissolved" if dissolved else "active",
                dissolved_on=dissolved,
            )
            Team.objects.filter(pk=team.pk).update(created_at=_stamp(founded))
            if dissolved is None and t == 0 and rng.random() < 0.5:
                pass
            for m in range(rng.randint(1, 4)):
                joined = _day(rng, founded)
                left = _day(rng, joined) if rng.random() < 0.3 else None
                TeamMember.objects.create(
                    team=team, name=f"TV {team.pk}-{m}", joined_on=joined, left_on=left
                )
            if dissolved is None:
                break  # one active team per hamlet
        for h in range(rng.randint(1, 5)):
            recorded = _day(rng)
            household = Household.objects.create(
                consent_on=CONSENTED,
                hamlet=hamlet,
                head_name=f"Chủ hộ {h}",
                member_count=rng.randint(1, 7),
                smartphone_count=rng.choice([0, 0, 1, 2]),
            )
            Household.objects.filter(pk=household.pk).update(created_at=_stamp(recorded))
            citizens = []
            for c in range(rng.randint(1, 4)):
                citizen = Citizen.objects.create(
                    household=household, full_name=f"Người {household.pk}-{c}"
                )
                Citizen.objects.filter(pk=citizen.pk).update(created_at=_stamp(_day(rng, recorded)))
                citizens.append(citizen)
            for _ in range(rng.choice([0, 1, 2, 3])):
                visit = Visit.objects.create(
                    client_uuid=uuid.uuid4(),
                    content_digest="x",
                    household=household,
                    recorded_by=leader_a,
                    visited_on=_day(rng, recorded),
                    kind=rng.choice(list(VisitKind.values)),
                )
                if visit.kind != VisitKind.HELPED:
                    continue
                for citizen in rng.sample(citizens, rng.randint(1, len(citizens))):
                    app = rng.choice(apps)
                    Assistance.objects.create(
                        visit=visit,
                        citizen=citizen,
                        app=app,
                        outcome=rng.choice(app.outcomes.all()),
                    )
    course = Course.objects.create(
        name="Lớp kỹ năng số", unit=tree.commune_a, starts_on=datetime.date(2025, 3, 1)
    )
    for i in range(6):
        Trainee.objects.create(
            course=course,
            name=f"Học viên {i}",
            unit=rng.choice([tree.commune_a, tree.commune_b, tree.hamlet_a]),
            completed_on=_day(rng, datetime.date(2025, 3, 1)) if i % 2 else None,
        )
    moving = AdministrativeUnit.objects.filter(parent=tree.commune_a).exclude(pk=tree.hamlet_a.pk)[
        0
    ]
    unit_move(unit=moving, new_parent=tree.commune_b, effective=MOVED)
    return tree


def _recount(day: datetime.date, units: set[int]) -> dict:
    """Plain loops over every object, by its own dates: nothing shared with the engine."""
    counts = dict.fromkeys(DATED_FIGURES, 0)

    def team_on(team) -> bool:
        founded = team.decision_date or team.created_at.date()
        return founded <= day and (team.dissolved_on is None or team.dissolved_on > day)

    for team in Team.objects.all():
        if team.hamlet_id in units and team_on(team):
            counts["teams_active"] += 1
    for member in TeamMember.objects.select_related("team"):
        if (
            member.team.hamlet_id in units
            and team_on(member.team)
            and member.joined_on <= day
            and (member.left_on is None or member.left_on > day)
        ):
            counts["members_active"] += 1
    for household in Household.objects.all():
        if household.hamlet_id in units and household.created_at.date() <= day:
            counts["households"] += 1
            counts["people"] += household.member_count
            counts["smartphones"] += household.smartphone_count
            counts["households_with_smartphone"] += household.smartphone_count > 0
    for citizen in Citizen.objects.select_related("household"):
        if citizen.household.hamlet_id in units and citizen.created_at.date() <= day:
            counts["citizens"] += 1
    reached, helped = set(), set()
    apps: dict[tuple[int, int], set[int]] = {}
    for visit in Visit.objects.select_related("household"):
        if visit.household.hamlet_id in units and visit.visited_on <= day:
            counts["visits"] += 1
            counts["visits_informed"] += visit.kind == VisitKind.INFORMED
            counts["visits_nobody_home"] += visit.kind == VisitKind.NOBODY_HOME
            if visit.kind != VisitKind.NOBODY_HOME:
                reached.add(visit.household_id)
    for help_ in Assistance.objects.select_related("visit", "citizen__household"):
        if help_.citizen.household.hamlet_id in units and help_.visit.visited_on <= day:
            helped.add(help_.citizen_id)
            apps.setdefault((help_.app_id, help_.outcome_id), set()).add(help_.citizen_id)
    counts["households_reached"] = len(reached)
    counts["citizens_helped"] = len(helped)
    for trainee in Trainee.objects.select_related("course"):
        if trainee.unit_id in units and trainee.course.starts_on <= day:
            counts["trainees"] += 1
            if trainee.completed_on and trainee.completed_on <= day:
                counts["trainees_completed"] += 1
    return {"figures": counts, "apps": {k: len(v) for k, v in apps.items()}}


def _tree_of(day: datetime.date) -> dict[int, set[int]]:
    """Each unit's subtree on ``day``, from the parents of that day (independently)."""
    parents = {u.pk: u.parent_id for u in AdministrativeUnit.objects.all()}
    for unit in AdministrativeUnit.objects.all():
        for placement in unit.placements.all():
            if placement.valid_from <= day <= placement.valid_to:
                parents[unit.pk] = placement.parent_id
    subtrees: dict[int, set[int]] = {pk: {pk} for pk in parents}
    for pk in parents:
        parent = parents[pk]
        while parent is not None:
            subtrees[parent].add(pk)
            parent = parents[parent]
    return subtrees


@pytest.mark.parametrize("day", DAYS)
def test_figures_as_of_a_day_equal_a_recount_from_the_facts_dates(dated_world, day):
    tree = dated_world
    engine = Indicators(unit_id=tree.province.pk, day=day)
    subtrees = _tree_of(day)
    for unit in AdministrativeUnit.objects.all():
        assert engine.figures(unit.pk) == _recount(day, subtrees[unit.pk])["figures"], (
            unit.name,
            day,
        )


def test_the_moved_hamlet_counts_in_its_old_commune_before_the_move_and_its_new_one_after(
    dated_world,
):
    tree = dated_world
    moved = AdministrativeUnit.objects.get(placements__isnull=False)
    on = {day: Indicators(unit_id=tree.province.pk, day=day) for day in (DAYS[1], DAYS[2])}
    own = {day: e.figures(moved.pk)["households"] for day, e in on.items()}
    assert own[DAYS[1]] > 0  # the test world gives the moved hamlet households by then
    a_before = on[DAYS[1]].figures(tree.commune_a.pk)["households"]
    a_after = on[DAYS[2]].figures(tree.commune_a.pk)["households"]
    b_before = on[DAYS[1]].figures(tree.commune_b.pk)["households"]
    b_after = on[DAYS[2]].figures(tree.commune_b.pk)["households"]
    recorded_that_day = Household.objects.filter(created_at__date=DAYS[2])
    assert not recorded_that_day.exists()
    assert a_before - a_after == own[DAYS[1]]
    assert b_after - b_before == own[DAYS[2]]


def _bases(tree, officer) -> None:
    for commune, adults in ((tree.commune_a, 40), (tree.commune_a2, 25), (tree.commune_b, 50)):
        population_record(
            actor=officer,
            unit=commune,
            as_of=datetime.date(2025, 1, 1),
            source="Niên giám thống kê 2024",
            total=adults * 2,
            adults=adults,
            working_age=adults - 5,
            households=adults // 2,
        )


@pytest.mark.parametrize("day", [datetime.date(2025, 6, 30), TODAY])
def test_every_indicator_of_every_unit_equals_a_recount_over_facts_and_bases(
    dated_world, admin_user, day
):
    tree = dated_world
    _bases(tree, admin_user)
    engine = Indicators(unit_id=tree.province.pk, day=day)
    subtrees = _tree_of(day)
    for unit in AdministrativeUnit.objects.exclude(level="hamlet"):
        recount = _recount(day, subtrees[unit.pk])
        for item in engine.of(unit.pk):
            indicator = item.indicator
            if indicator.numerator == "app_outcome":
                expected = recount["apps"].get((indicator.app_id, indicator.outcome_id), 0)
            elif indicator.numerator == "figure":
                expected = recount["figures"][indicator.figure]
            else:
                expected = None
            assert item.count == expected, (unit.name, indicator.code)
            # The base: the commune's own, or the sum of its communes (every one has one).
            own = Population.objects.filter(unit=unit).first()
            if own is not None:
                base = getattr(own, indicator.base)
            else:
                parts = [
                    getattr(p, indicator.base)
                    for p in Population.objects.filter(unit_id__in=subtrees[unit.pk])
                ]
                base = None if None in parts or not parts else sum(parts)
            assert item.base.value == base, (unit.name, indicator.code)
            if expected is None or not base:
                assert item.value is None
            else:
                assert item.value == (Decimal(100) * expected / base).quantize(Decimal("0.01"))


def test_a_missing_base_is_said_not_summed_from_part_of_the_area(tree, admin_user):
    population_record(
        actor=admin_user, unit=tree.commune_a, as_of=TODAY, source="Công an xã", adults=100
    )
    bases = population_bases(tree.district_a.pk, TODAY)
    # Commune A2 has none: the district's adults are unknown, not commune A's 100.
    assert bases["adults"].value is None and bases["adults"].missing == 1
    population_record(
        actor=admin_user, unit=tree.commune_a2, as_of=TODAY, source="Công an xã", adults=60
    )
    assert population_bases(tree.district_a.pk, TODAY)["adults"].value == 160
    assert population_bases(tree.commune_a.pk, TODAY)["adults"].as_of == TODAY


def test_the_base_of_a_day_is_the_latest_statement_before_it(tree, admin_user):
    for as_of, adults in ((datetime.date(2024, 12, 31), 90), (datetime.date(2025, 7, 1), 120)):
        population_record(
            actor=admin_user, unit=tree.commune_a, as_of=as_of, source="x", adults=adults
        )
    assert population_bases(tree.commune_a.pk, datetime.date(2025, 6, 30))["adults"].value == 90
    assert population_bases(tree.commune_a.pk, TODAY)["adults"].value == 120
    # Before any statement: the earliest one, with its date.
    early = population_bases(tree.commune_a.pk, datetime.date(2024, 1, 1))["adults"]
    assert (early.value, early.as_of) == (90, datetime.date(2024, 12, 31))


def test_bad_population_input_is_refused_with_reasons(tree, officer_a, officer_b):
    with pytest.raises(ValidationError) as error:
        population_record(
            actor=officer_a,
            unit=tree.commune_a,
            as_of=TODAY,
            source="",
            total=100,
            adults=150,
        )
    assert set(error.value.message_dict) == {"source", "adults"}
    with pytest.raises(PermissionDenied):  # another district's commune
        population_record(actor=officer_b, unit=tree.commune_a, as_of=TODAY, source="x", total=100)
    assert not Population.objects.exists()


def _help(household, citizen, leader, day, app, outcome):
    visit = Visit.objects.create(
        client_uuid=uuid.uuid4(),
        content_digest="x",
        household=household,
        recorded_by=leader,
        visited_on=day,
        kind=VisitKind.HELPED,
    )
    Assistance.objects.create(visit=visit, citizen=citizen, app=app, outcome=outcome)


def test_a_targets_achievement_and_projection_follow_new_visits(
    tree, province_officer, leader_a, admin_user
):
    today = timezone.localdate()
    vneid = App.objects.get(slug="vneid")
    level2 = Outcome.objects.get(app=vneid, code="level-2")
    indicator = Indicator.objects.get(code="vneid-level-2")
    population_record(
        actor=admin_user, unit=tree.commune_a, as_of=today, source="Công an xã", adults=100
    )
    target, created = target_set(
        actor=province_officer,
        unit=tree.commune_a,
        indicator=indicator,
        value=Decimal(80),
        due_on=today + datetime.timedelta(days=TREND_DAYS),
    )
    assert created
    household = Household.objects.create(consent_on=CONSENTED, hamlet=tree.hamlet_a, head_name="A")
    people = [Citizen.objects.create(household=household, full_name=f"N {i}") for i in range(60)]
    # 20 reached level 2 before the trend window, 10 inside it: +10 per 28 days.
    for person in people[:20]:
        _help(household, person, leader_a, today - datetime.timedelta(days=60), vneid, level2)
    for person in people[20:30]:
        _help(household, person, leader_a, today - datetime.timedelta(days=3), vneid, level2)

    def value():
        [item] = [
            i
            for i in Indicators(unit_id=tree.commune_a.pk, day=today).of(tree.commune_a.pk)
            if i.indicator.code == "vneid-level-2"
        ]
        return item

    item = value()
    assert item.count == 30 and item.value == Decimal("30.00")
    assert item.achievement == Decimal("37.5")
    assert item.projected == Decimal("40.00")  # 30 + 10 more by the due day
    assert item.at_risk
    for person in people[30:60]:
        _help(household, person, leader_a, today, vneid, level2)
    item = value()
    assert item.count == 60 and item.achievement == Decimal("75.0")
    assert item.projected == Decimal("100.00") and not item.at_risk
    # Changing the target keeps the earlier value in its history.
    target_set(
        actor=province_officer,
        unit=tree.commune_a,
        indicator=indicator,
        value=Decimal(90),
        due_on=target.due_on,
    )
    assert [h.value for h in target.history.order_by("history_date")] == [80, 90]


def test_targets_are_handed_down_by_the_level_above_only(tree, officer_a, province_officer):
    indicator = Indicator.objects.get(code="vneid-level-2")
    due = timezone.localdate() + datetime.timedelta(days=30)
    with pytest.raises(PermissionDenied):  # own unit
        target_set(
            actor=officer_a,
            unit=tree.district_a,
            indicator=indicator,
            value=Decimal(50),
            due_on=due,
        )
    target_set(
        actor=officer_a, unit=tree.commune_a, indicator=indicator, value=Decimal(50), due_on=due
    )
    with pytest.raises(PermissionDenied):  # another district
        target_set(
            actor=officer_a, unit=tree.commune_b, indicator=indicator, value=Decimal(50), due_on=due
        )
    with pytest.raises(ValidationError) as error:
        target_set(
            actor=province_officer,
            unit=tree.commune_b,
            indicator=Indicator.objects.get(code="fibre-households"),
            value=Decimal(150),
            due_on=due,
        )
    assert set(error.value.message_dict) == {"indicator", "value"}


def test_a_province_officer_adds_an_indicator_without_code(tree, province_officer, officer_a):
    app = App.objects.get(slug="vssid")
    outcome = Outcome.objects.get(app=app, code="account")
    indicator = indicator_create(
        actor=province_officer,
        code="vssid-account",
        name="Người dân có tài khoản VssID",
        app=app,
        outcome=outcome,
        base="working_age",
        national_target=Decimal(60),
    )
    engine = Indicators(unit_id=tree.province.pk, day=TODAY)
    assert indicator.code in [i.indicator.code for i in engine.of(tree.province.pk)]
    with pytest.raises(PermissionDenied):
        indicator_create(
            actor=officer_a, code="x", name="x", app=app, outcome=outcome, base="total"
        )
    with pytest.raises(ValidationError):
        indicator_create(
            actor=province_officer,
            code="y",
            name="y",
            app=app,
            outcome=Outcome.objects.get(app__slug="vneid", code="level-2"),
            base="total",
        )


def test_the_engine_costs_the_same_queries_for_one_commune_or_the_province(
    dated_world, django_assert_max_num_queries
):
    tree = dated_world
    for unit in (tree.commune_a, tree.province):
        with django_assert_max_num_queries(16):
            engine = Indicators(unit_id=unit.pk, day=TODAY)
            for child in [unit.pk, *engine.children()]:
                engine.of(child)


def test_the_records_of_an_earlier_day_on_todays_map(dated_world, client_for, province_officer):
    tree = dated_world
    moved = AdministrativeUnit.objects.get(placements__isnull=False)
    day = DAYS[1]  # before the move
    then = Indicators(unit_id=tree.province.pk, day=day)
    now_map = Indicators(unit_id=tree.province.pk, day=day, map_day=TODAY)
    own = then.figures(moved.pk)["households"]
    assert own > 0
    assert now_map.figures(tree.commune_b.pk)["households"] == (
        then.figures(tree.commune_b.pk)["households"] + own
    )
    assert now_map.figures(tree.province.pk) == then.figures(tree.province.pk)
    url = reverse("dashboards:unit", args=[tree.commune_b.pk])
    page = client_for(province_officer).get(url, {"as_of": day.isoformat(), "map": "today"})
    assert page.context["figures"].households == now_map.figures(tree.commune_b.pk)["households"]
    assert page.context["today_map"] is True
