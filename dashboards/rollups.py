"""Computing the figures the dashboards show, set-based: one GROUP BY query per kind of fact
at the level of hamlets (each household, citizen and team belongs to exactly one hamlet, so
hamlet figures add up without double counting), then one query per level to add children
into their parents, from communes up to the province.

This first version recomputes everything in one transaction (an atomic swap); an incremental
run that touches only what changed is the next step.
"""

from __future__ import annotations

from collections import defaultdict

from django.db import transaction
from django.db.models import Count, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from areas.models import AdministrativeUnit, Level
from citizens.models import Assistance, Citizen, Household, Visit
from teams.models import Team, TeamMember
from training.models import Trainee

from .models import FIGURES, RollupState, UnitAppFigures, UnitFigures

# Parents are completed level by level; communes may hang directly under the province.
LEVELS_UPWARDS = (Level.COMMUNE, Level.DISTRICT, Level.PROVINCE)


def _own_figures() -> dict[int, dict[str, int]]:
    """Figures of facts attached directly to each unit (hamlets, and trainees' units)."""
    own: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(FIGURES, 0))

    def put(rows, unit_key: str, **fields: str) -> None:
        for row in rows:
            for figure, column in fields.items():
                own[row[unit_key]][figure] += row[column]

    put(
        Team.objects.active().values("hamlet").annotate(n=Count("pk")).order_by(),
        "hamlet",
        teams_active="n",
    )
    put(
        TeamMember.objects.current()
        .filter(team__status="active")
        .values("team__hamlet")
        .annotate(n=Count("pk"))
        .order_by(),
        "team__hamlet",
        members_active="n",
    )
    put(
        Household.objects.values("hamlet").annotate(n=Count("pk")).order_by(),
        "hamlet",
        households="n",
    )
    put(
        Citizen.objects.values("household__hamlet").annotate(n=Count("pk")).order_by(),
        "household__hamlet",
        citizens="n",
    )
    put(
        Visit.objects.values("household__hamlet")
        .annotate(n=Count("pk"), reached=Count("household", distinct=True))
        .order_by(),
        "household__hamlet",
        visits="n",
        households_reached="reached",
    )
    put(
        Assistance.objects.values("citizen__household__hamlet")
        .annotate(n=Count("citizen", distinct=True))
        .order_by(),
        "citizen__household__hamlet",
        citizens_helped="n",
    )
    put(
        Trainee.objects.values("unit")
        .annotate(n=Count("pk"), done=Count("pk", filter=Q(completed_on__isnull=False)))
        .order_by(),
        "unit",
        trainees="n",
        trainees_completed="done",
    )
    return own


def _children_sum(figure: str) -> Coalesce:
    children = (
        UnitFigures.objects.filter(unit__parent=OuterRef("unit"))
        .order_by()
        .values("unit__parent")
        .annotate(total=Sum(figure))
        .values("total")
    )
    return Coalesce(Subquery(children), Value(0))


def rollup_full() -> int:
    """Recompute every unit's figures; returns the number of units written."""
    now = timezone.now()
    with transaction.atomic():
        state, _ = RollupState.objects.get_or_create(key="figures")
        RollupState.objects.select_for_update().get(pk=state.pk)  # one run at a time
        own = _own_figures()
        UnitFigures.objects.all().delete()
        UnitAppFigures.objects.all().delete()
        UnitFigures.objects.bulk_create(
            (
                UnitFigures(unit_id=pk, computed_at=now, **own.get(pk, dict.fromkeys(FIGURES, 0)))
                for pk in AdministrativeUnit.objects.values_list("pk", flat=True)
            ),
            batch_size=2000,
        )
        UnitAppFigures.objects.bulk_create(
            (
                UnitAppFigures(
                    unit_id=row["citizen__household__hamlet"],
                    app_id=row["app"],
                    outcome_id=row["outcome"],
                    citizens=row["n"],
                )
                for row in Assistance.objects.values("citizen__household__hamlet", "app", "outcome")
                .annotate(n=Count("citizen", distinct=True))
                .order_by()
            ),
            batch_size=2000,
        )
        for level in LEVELS_UPWARDS:
            UnitFigures.objects.filter(unit__level=level).update(
                **{figure: F(figure) + _children_sum(figure) for figure in FIGURES}
            )
            # Children's app rows are final by now: add them into their parents.
            UnitAppFigures.objects.bulk_create(
                (
                    UnitAppFigures(
                        unit_id=row["unit__parent"],
                        app_id=row["app"],
                        outcome_id=row["outcome"],
                        citizens=row["n"],
                    )
                    for row in UnitAppFigures.objects.filter(unit__parent__level=level)
                    .values("unit__parent", "app", "outcome")
                    .annotate(n=Sum("citizens"))
                    .order_by()
                ),
                batch_size=2000,
            )
        RollupState.objects.filter(pk=state.pk).update(computed_at=now, full_computed_at=now)
        return UnitFigures.objects.count()
