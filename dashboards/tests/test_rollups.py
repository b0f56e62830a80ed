"""Roll-ups against a straightforward recount, on random data, at every level."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.db.models import Count, Sum
from django.utils import timezone

from apps_catalog.models import App
from areas.models import AdministrativeUnit
from areas.services import hamlet_create
from citizens.models import Assistance, Citizen, Household, Visit, VisitKind
from dashboards.models import (
    FIGURES,
    PERIOD_FIGURES,
    ChangeMark,
    Period,
    RollupState,
    UnitAppFigures,
    UnitFigures,
    UnitPeriodFigures,
)
from dashboards.rollups import period_end, period_start, rollup, rollup_full
from teams.models import Team, TeamMember
from tests.consent import CONSENTED
from training.models import Trainee

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def recount(unit: AdministrativeUnit) -> dict[str, int]:
    visits = Visit.objects.within(unit).counted()
    return {
        "teams_active": Team.objects.active().within(unit).count(),
        "members_active": TeamMember.objects.current()
        .within(unit)
        .filter(team__status="active")
        .count(),
        "households": Household.objects.within(unit).count(),
        "people": Household.objects.within(unit).aggregate(n=Sum("member_count"))["n"] or 0,
        "smartphones": Household.objects.within(unit).aggregate(n=Sum("smartphone_count"))["n"]
        or 0,
        # A record merged into another one is the same person: counted once.
        "citizens": Citizen.objects.within(unit).filter(merged_into__isnull=True).count(),
        "households_reached": visits.met().values("household").distinct().count(),
        "citizens_helped": Assistance.objects.filter(
            citizen__household__hamlet__path__startswith=unit.path
        )
        .values("citizen")
        .distinct()
        .count(),
        "visits": visits.count(),
        "visits_informed": visits.filter(kind=VisitKind.INFORMED).count(),
        "visits_nobody_home": visits.filter(kind=VisitKind.NOBODY_HOME).count(),
        "trainees": Trainee.objects.filter(unit__path__startswith=unit.path).count(),
        "trainees_completed": Trainee.objects.filter(
            unit__path__startswith=unit.path, completed_on__isnull=False
        ).count(),
    }


def recount_periods(unit: AdministrativeUnit) -> dict[tuple[str, datetime.date], dict]:
    """Each period's activity inside ``unit``, counted from the facts period by period."""
    found: dict[tuple[str, datetime.date], dict] = {}
    days = set(Visit.objects.within(unit).counted().values_list("visited_on", flat=True))
    days |= set(
        Assistance.objects.filter(
            citizen__household__hamlet__path__startswith=unit.path
        ).values_list("visit__visited_on", flat=True)
    )
    done = Trainee.objects.filter(unit__path__startswith=unit.path, completed_on__isnull=False)
    days |= set(done.values_list("completed_on", flat=True))
    for day in days:
        for period in Period.values:
            start, end = period_start(period, day), period_end(period, day)
            if (period, start) in found:
                continue
            visits = Visit.objects.within(unit).counted().filter(visited_on__range=(start, end))
            helped = Assistance.objects.filter(
                citizen__household__hamlet__path__startswith=unit.path,
                visit__visited_on__range=(start, end),
            )
            found[(period, start)] = {
                "visits": visits.count(),
                "visits_nobody_home": visits.filter(kind=VisitKind.NOBODY_HOME).count(),
                "households_visited": visits.met().values("household").distinct().count(),
                "citizens_helped": helped.values("citizen").distinct().count(),
                "assistances": helped.count(),
                "trainees_completed": done.filter(completed_on__range=(start, end)).count(),
            }
    return found


def stored_periods(unit: AdministrativeUnit) -> dict[tuple[str, datetime.date], dict]:
    return {
        (row["period"], row["starts_on"]): {f: row[f] for f in PERIOD_FIGURES}
        for row in UnitPeriodFigures.objects.filter(unit=unit).values(
            "period", "starts_on", *PERIOD_FIGURES
        )
    }


def recount_apps(unit: AdministrativeUnit) -> dict[tuple[int, int], int]:
    return {
        (row["app"], row["outcome"]): row["n"]
        for row in Assistance.objects.filter(citizen__household__hamlet__path__startswith=unit.path)
        .values("app", "outcome")
        .annotate(n=Count("citizen", distinct=True))
    }


def assert_every_figure_equals_a_recount() -> None:
    units = list(AdministrativeUnit.objects.all())
    assert UnitFigures.objects.count() == len(units)
    for unit in units:
        stored = UnitFigures.objects.get(unit=unit)
        assert {f: getattr(stored, f) for f in FIGURES} == recount(unit), unit.name
        apps = {
            (f.app_id, f.outcome_id): f.citizens for f in UnitAppFigures.objects.filter(unit=unit)
        }
        assert apps == recount_apps(unit), unit.name
        assert stored_periods(unit) == recount_periods(unit), unit.name


def snapshot() -> tuple[list, list, list]:
    return (
        list(UnitFigures.objects.order_by("unit_id").values("unit_id", *FIGURES)),
        list(
            UnitAppFigures.objects.order_by("unit_id", "app_id", "outcome_id").values(
                "unit_id", "app_id", "outcome_id", "citizens"
            )
        ),
        list(
            UnitPeriodFigures.objects.order_by("unit_id", "period", "starts_on").values(
                "unit_id", "period", "starts_on", *PERIOD_FIGURES
            )
        ),
    )


def test_every_figure_of_every_unit_and_period_equals_a_recount(random_province):
    rollup_full()
    assert UnitPeriodFigures.objects.filter(period="week").exists()
    assert_every_figure_equals_a_recount()


def change_a_bit_of_everything(tree, leader_a):
    """New visits on an old day, a member leaving, a household moving hamlet (and commune),
    a citizen moving household, a dissolved team, a finished course, a deleted visit."""
    from teams.services import member_retire, team_dissolve

    old_day = TODAY - datetime.timedelta(days=40)
    household = Household.objects.filter(hamlet=tree.hamlet_a).first() or Household.objects.create(
        consent_on=CONSENTED, hamlet=tree.hamlet_a, head_name="Hộ mới", member_count=2
    )
    citizen = Citizen.objects.create(household=household, full_name="Người mới")
    vneid = App.objects.get(slug="vneid")
    for day in (old_day, TODAY):
        visit = Visit.objects.create(
            client_uuid=uuid.uuid4(),
            content_digest="x",
            household=household,
            recorded_by=leader_a,
            visited_on=day,
        )
        Assistance.objects.create(
            visit=visit, citizen=citizen, app=vneid, outcome=vneid.outcomes.first()
        )
    member_retire(member=TeamMember.objects.current().first(), left_on=TODAY)
    mover = Household.objects.filter(visits__isnull=False).exclude(hamlet=tree.hamlet_b).first()
    mover.hamlet = tree.hamlet_b
    mover.save()
    person = Citizen.objects.filter(assistances__isnull=False).exclude(household=household).first()
    person.household = household
    person.save()
    team = Team.objects.active().exclude(hamlet=tree.hamlet_a).first()
    if team:
        team_dissolve(team=team, dissolved_on=TODAY)
    Trainee.objects.filter(completed_on__isnull=True).update(completed_on=old_day)
    gone = Visit.objects.exclude(household=household).order_by("pk").first()
    gone.assistances.all().delete()
    gone.delete()


def test_an_incremental_run_after_changes_equals_a_full_one(random_province, tree, leader_a):
    rollup_full()
    change_a_bit_of_everything(tree, leader_a)
    assert ChangeMark.objects.exists()
    rollup()
    assert not ChangeMark.objects.exists()
    incremental = snapshot()
    assert_every_figure_equals_a_recount()
    rollup_full()
    assert snapshot() == incremental


def test_an_incremental_run_recomputes_only_the_changed_units(random_province, tree, leader_a):
    rollup_full()
    before = dict(UnitFigures.objects.values_list("unit_id", "computed_at"))
    household = Household.objects.create(
        consent_on=CONSENTED, hamlet=tree.hamlet_a, head_name="Hộ mới", member_count=4
    )
    Visit.objects.create(
        client_uuid=uuid.uuid4(),
        content_digest="x",
        household=household,
        recorded_by=leader_a,
        visited_on=TODAY,
    )
    # The hamlet, its commune, district and province: four units, not the whole province.
    assert rollup() == 4
    after = dict(UnitFigures.objects.values_list("unit_id", "computed_at"))
    changed = {pk for pk in after if after[pk] != before[pk]}
    assert changed == {int(pk) for pk in tree.hamlet_a.path.strip("/").split("/")}
    assert rollup() == 0  # nothing changed since
    assert_every_figure_equals_a_recount()


def test_moving_a_unit_makes_the_next_run_a_full_one(random_province, tree):
    rollup_full()
    from areas.services import unit_move

    unit_move(unit=tree.hamlet_a, new_parent=tree.commune_b)
    assert rollup() == AdministrativeUnit.objects.count()
    assert_every_figure_equals_a_recount()


def test_a_date_run_recomputes_that_days_periods_everywhere(random_province):
    rollup_full()
    day = Visit.objects.values_list("visited_on", flat=True).first()
    UnitPeriodFigures.objects.filter(starts_on=day, period="day").update(visits=999)
    assert rollup(day=day) == AdministrativeUnit.objects.count()
    assert not UnitPeriodFigures.objects.filter(visits=999).exists()
    assert_every_figure_equals_a_recount()


def test_citizens_per_app_and_outcome_are_distinct_at_every_level(random_province, tree):
    # The same citizen helped with the same app on two visits counts once.
    citizen = (
        Citizen.objects.filter(household__hamlet=tree.hamlet_a).first() or Citizen.objects.first()
    )
    vneid = App.objects.get(slug="vneid")
    level2 = vneid.outcomes.get(code="level-2")
    for day in (1, 2):
        visit = Visit.objects.create(
            client_uuid=uuid.uuid4(),
            content_digest="x",
            household=citizen.household,
            recorded_by_id=Visit.objects.values_list("recorded_by", flat=True).first(),
            visited_on=TODAY - datetime.timedelta(days=day),
        )
        Assistance.objects.create(visit=visit, citizen=citizen, app=vneid, outcome=level2)
    rollup_full()
    for unit in AdministrativeUnit.objects.all():
        expected = {
            (row["app"], row["outcome"]): row["n"]
            for row in Assistance.objects.filter(
                citizen__household__hamlet__path__startswith=unit.path
            )
            .values("app", "outcome")
            .annotate(n=Count("citizen", distinct=True))
        }
        stored = {
            (f.app_id, f.outcome_id): f.citizens for f in UnitAppFigures.objects.filter(unit=unit)
        }
        assert stored == expected, unit.name


def test_running_the_rollup_twice_gives_the_same_figures(random_province):
    rollup_full()
    first = list(UnitFigures.objects.order_by("unit_id").values(*FIGURES, "unit"))
    rollup_full()
    assert list(UnitFigures.objects.order_by("unit_id").values(*FIGURES, "unit")) == first
    assert RollupState.objects.get().computed_at is not None


def test_the_rollup_costs_the_same_number_of_queries_for_more_data(random_province, tree, leader_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rollup_full()  # the first run also creates its state row
    with CaptureQueriesContext(connection) as small:
        rollup_full()
    # Twice as many hamlets, households and visits.
    for i in range(len(random_province)):
        hamlet = hamlet_create(commune=tree.commune_b, name=f"Thôn mới {i}")
        household = Household.objects.create(
            consent_on=CONSENTED, hamlet=hamlet, head_name="Chủ hộ", member_count=2
        )
        citizen = Citizen.objects.create(household=household, full_name="Người mới")
        visit = Visit.objects.create(
            client_uuid=uuid.uuid4(),
            content_digest="x",
            household=household,
            recorded_by=leader_a,
            visited_on=TODAY,
        )
        vneid = App.objects.get(slug="vneid")
        Assistance.objects.create(
            visit=visit, citizen=citizen, app=vneid, outcome=vneid.outcomes.first()
        )
    with CaptureQueriesContext(connection) as large:
        rollup_full()
    # The same statements: the fact GROUP BYs, the swap, one UPDATE per level (no per-row work).
    assert (
        len(large.captured_queries) == len(small.captured_queries) <= 35
    )  # TRUNCATE in a savepoint


def test_the_rollup_command_and_task_compute_the_same_figures(random_province, tree):
    from io import StringIO

    from django.core.management import call_command

    from dashboards.tasks import rollup

    out = StringIO()
    call_command("rollup", "--full", stdout=out)
    assert "units computed" in out.getvalue()
    by_command = list(UnitFigures.objects.order_by("unit_id").values(*FIGURES))
    assert rollup.delay(full=True).get() == AdministrativeUnit.objects.count()
    assert list(UnitFigures.objects.order_by("unit_id").values(*FIGURES)) == by_command


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_take_turns_and_leave_the_right_figures(
    require_postgres, random_province, tree, leader_a
):
    """Beat and an officer's refresh at the same moment: the second waits for the first's
    lock (no duplicate rows, no half-written figures), both finish."""
    import threading

    from django.db import connection

    rollup_full()
    change_a_bit_of_everything(tree, leader_a)
    errors: list[BaseException] = []

    def run(full: bool) -> None:
        try:
            rollup(full=full)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(full,)) for full in (False, True, False)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert_every_figure_equals_a_recount()


def test_a_rollup_that_meets_a_database_outage_is_retried_a_bounded_number_of_times(monkeypatch):
    from django.db import OperationalError

    from dashboards import tasks

    calls = []

    def outage(full=False):
        calls.append(full)
        raise OperationalError("the database is restarting")

    monkeypatch.setattr(tasks, "run_rollup", outage)
    conf = tasks.rollup.app.conf
    propagates, conf.task_eager_propagates = conf.task_eager_propagates, False
    try:
        result = tasks.rollup.apply(kwargs={"full": False})
    finally:
        conf.task_eager_propagates = propagates
    assert len(calls) == 1 + 3  # the first try and three retries, then it gives up
    assert result.failed()
