"""Roll-ups against a straightforward recount, on random data, at every level."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.utils import timezone

from apps_catalog.models import App
from areas.models import AdministrativeUnit
from areas.services import hamlet_create
from citizens.models import Assistance, Citizen, Household, Visit
from dashboards.models import FIGURES, RollupState, UnitAppFigures, UnitFigures
from dashboards.rollups import rollup_full
from teams.models import Team, TeamMember
from training.models import Trainee

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def recount(unit: AdministrativeUnit) -> dict[str, int]:
    visits = Visit.objects.within(unit)
    return {
        "teams_active": Team.objects.active().within(unit).count(),
        "members_active": TeamMember.objects.current()
        .within(unit)
        .filter(team__status="active")
        .count(),
        "households": Household.objects.within(unit).count(),
        "citizens": Citizen.objects.within(unit).count(),
        "households_reached": visits.values("household").distinct().count(),
        "citizens_helped": Assistance.objects.filter(
            citizen__household__hamlet__path__startswith=unit.path
        )
        .values("citizen")
        .distinct()
        .count(),
        "visits": visits.count(),
        "trainees": Trainee.objects.filter(unit__path__startswith=unit.path).count(),
        "trainees_completed": Trainee.objects.filter(
            unit__path__startswith=unit.path, completed_on__isnull=False
        ).count(),
    }


def test_every_figure_of_every_unit_equals_a_recount(random_province):
    rollup_full()
    units = list(AdministrativeUnit.objects.all())
    assert UnitFigures.objects.count() == len(units)
    for unit in units:
        stored = UnitFigures.objects.get(unit=unit)
        assert {f: getattr(stored, f) for f in FIGURES} == recount(unit), unit.name


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
            .annotate(
                n=__import__("django.db.models", fromlist=["Count"]).Count("citizen", distinct=True)
            )
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
        household = Household.objects.create(hamlet=hamlet, head_name="Chủ hộ", member_count=2)
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
    assert len(large.captured_queries) == len(small.captured_queries) <= 32


def test_the_rollup_command_and_task_compute_the_same_figures(random_province, tree):
    from io import StringIO

    from django.core.management import call_command

    from dashboards.tasks import rollup

    out = StringIO()
    call_command("rollup", "--full", stdout=out)
    assert "units computed" in out.getvalue()
    by_command = list(UnitFigures.objects.order_by("unit_id").values(*FIGURES))
    assert rollup.delay().get() == AdministrativeUnit.objects.count()
    assert list(UnitFigures.objects.order_by("unit_id").values(*FIGURES)) == by_command
