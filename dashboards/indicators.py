"""Official indicators: counts over dated population bases, against national targets and the
quotas the level above hands down, for any unit as of any day.

Figures as of day D are counted from the facts' own dates, then summed over the tree of D
(``areas.models.Structure``): a team counts from its founding decision (or its recording) until
it was dissolved, a member from joining until leaving, a household and a citizen from their
recording, help and visits by the day they happened. The facts are grouped once per leaf unit
(a handful of GROUP BY queries for any number of units), so a unit and all its children cost
the same queries. Every numerator an indicator may use is one of these figures, or distinct
citizens who reached an outcome in an app.

Population bases (``Population``) are dated: a unit's base on D is its latest statement on or
before D (else its earliest, whose date is shown); a unit with none of its own takes the sum
of its children's in the tree of D, and only when every child has one, so a ratio is never
computed over part of a population.
"""

from __future__ import annotations

import datetime
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, IntegerField, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from areas.models import AdministrativeUnit, Structure
from citizens.models import Assistance, Citizen, Household, Visit, VisitKind
from core.cache import kept
from teams.models import Team, TeamMember
from training.models import Trainee

from .models import POPULATION_BASES, Indicator, Numerator, Population, RollupState, Target

DATED_FIGURES = (
    "teams_active",
    "members_active",
    "households",
    "people",
    "smartphones",
    "households_with_smartphone",
    "citizens",
    "households_reached",
    "citizens_helped",
    "visits",
    "visits_informed",
    "visits_nobody_home",
    "trainees",
    "trainees_completed",
)
# How far back the trend behind a target's projection looks.
TREND_DAYS = 28


@dataclass
class Facts:
    """Figures per leaf unit as of one day: ``figures[unit][name]`` and
    ``apps[unit][(app_id, outcome_id)]`` (distinct citizens)."""

    day: datetime.date
    figures: dict[int, dict[str, int]] = field(default_factory=dict)
    apps: dict[int, dict[tuple[int, int], int]] = field(default_factory=dict)

    def total(self, units: set[int]) -> dict[str, int]:
        result = dict.fromkeys(DATED_FIGURES, 0)
        for unit in units & self.figures.keys():
            for name, value in self.figures[unit].items():
                result[name] += value
        return result

    def app_total(self, units: set[int], key: tuple[int, int]) -> int:
        return sum(self.apps[unit].get(key, 0) for unit in units & self.apps.keys())


def facts_kept(day: datetime.date, units: set[int]) -> Facts:
    """``facts_on``, counted once per roll-up run: kept in the cache under the day, the units
    and the run's time, as the dashboard's figures are (dashboards.views). A province's facts
    take seconds to count; every request for them until the next run reads them back."""
    run = RollupState.figures_run()
    if run is None:
        return facts_on(day, units)
    digest = hashlib.sha256(",".join(map(str, sorted(units))).encode()).hexdigest()[:32]
    key = f"indicator-facts:{day.isoformat()}:{digest}:{run.isoformat()}"
    return kept(key, lambda: facts_on(day, units))


def _team_active_on(day: datetime.date, prefix: str = "") -> Q:
    founded = Q(**{f"{prefix}decision_date__lte": day}) | Q(
        **{f"{prefix}decision_date__isnull": True, f"{prefix}created_at__date__lte": day}
    )
    return founded & (
        Q(**{f"{prefix}dissolved_on__isnull": True}) | Q(**{f"{prefix}dissolved_on__gt": day})
    )


def facts_on(day: datetime.date, units: set[int]) -> Facts:
    """The dated figures of the facts attached to ``units`` (hamlets, or any unit for
    trainees), as they stood at the end of ``day``. Eight queries whatever the number."""
    facts = Facts(day=day)
    ids = list(units)

    row: Any  # each loop reads its own values() rows

    def add(unit_id: int, name: str, value) -> None:
        facts.figures.setdefault(unit_id, dict.fromkeys(DATED_FIGURES, 0))[name] += value or 0

    for row in (
        Team.objects.filter(_team_active_on(day), hamlet_id__in=ids)
        .values("hamlet_id")
        .annotate(n=Count("id"))
    ):
        add(row["hamlet_id"], "teams_active", row["n"])
    for row in (
        TeamMember.objects.filter(
            _team_active_on(day, "team__"),
            Q(left_on__isnull=True) | Q(left_on__gt=day),
            team__hamlet_id__in=ids,
            joined_on__lte=day,
        )
        .values("team__hamlet_id")
        .annotate(n=Count("id"))
    ):
        add(row["team__hamlet_id"], "members_active", row["n"])
    for row in (
        Household.objects.filter(hamlet_id__in=ids, created_at__date__lte=day)
        .values("hamlet_id")
        .annotate(
            n=Count("id"),
            people=Sum("member_count"),
            phones=Sum("smartphone_count"),
            with_phone=Count("id", filter=Q(smartphone_count__gt=0)),
        )
    ):
        unit = row["hamlet_id"]
        add(unit, "households", row["n"])
        add(unit, "people", row["people"])
        add(unit, "smartphones", row["phones"])
        add(unit, "households_with_smartphone", row["with_phone"])
    for row in (
        Citizen.objects.filter(
            household__hamlet_id__in=ids, created_at__date__lte=day, merged_into__isnull=True
        )
        .values("household__hamlet_id")
        .annotate(n=Count("id"))
    ):
        add(row["household__hamlet_id"], "citizens", row["n"])
    for row in (
        Visit.objects.counted()
        .filter(household__hamlet_id__in=ids, visited_on__lte=day)
        .values("household__hamlet_id")
        .annotate(
            n=Count("id"),
            informed=Count("id", filter=Q(kind=VisitKind.INFORMED)),
            away=Count("id", filter=Q(kind=VisitKind.NOBODY_HOME)),
            reached=Count("household_id", distinct=True, filter=~Q(kind=VisitKind.NOBODY_HOME)),
        )
    ):
        add(row["household__hamlet_id"], "visits", row["n"])
        add(row["household__hamlet_id"], "visits_informed", row["informed"])
        add(row["household__hamlet_id"], "visits_nobody_home", row["away"])
        add(row["household__hamlet_id"], "households_reached", row["reached"])
    helped = Assistance.objects.filter(
        citizen__household__hamlet_id__in=ids, visit__visited_on__lte=day
    )
    for row in helped.values("citizen__household__hamlet_id").annotate(
        n=Count("citizen_id", distinct=True)
    ):
        add(row["citizen__household__hamlet_id"], "citizens_helped", row["n"])
    for row in helped.values("citizen__household__hamlet_id", "app_id", "outcome_id").annotate(
        n=Count("citizen_id", distinct=True)
    ):
        unit = row["citizen__household__hamlet_id"]
        facts.apps.setdefault(unit, {})[(row["app_id"], row["outcome_id"])] = row["n"]
    for row in (
        Trainee.objects.filter(unit_id__in=ids, course__starts_on__lte=day)
        .values("unit_id")
        .annotate(
            n=Count("id"),
            done=Coalesce(
                Count("id", filter=Q(completed_on__lte=day)), 0, output_field=IntegerField()
            ),
        )
    ):
        add(row["unit_id"], "trainees", row["n"])
        add(row["unit_id"], "trainees_completed", row["done"])
    return facts


# ---------------------------------------------------------------------------------------
# Population bases


@dataclass(frozen=True)
class BaseValue:
    value: int | None
    as_of: datetime.date | None = None  # of the unit's own statement (None: summed)
    source: str = ""
    missing: int = 0  # units below without one (when the value is None)


class Bases:
    """Population bases of the units of one day's tree (two queries). A commune with none
    of its own is the sum of its hamlets only when every hamlet has one."""

    def __init__(self, tree: Structure, units: set[int]) -> None:
        self.tree = tree
        day = tree.day
        chosen: dict[int, Population] = {}
        for row in Population.objects.filter(unit_id__in=units).order_by("unit_id", "as_of"):
            current = chosen.get(row.unit_id)
            # The latest on or before the day, else the earliest after it.
            if (
                current is None
                or (row.as_of <= day and current.as_of <= row.as_of)
                or current.as_of > day
                and row.as_of < current.as_of
            ):
                chosen[row.unit_id] = row
        self.own = chosen
        # Units closed before the day are not part of its population.
        self.closed = set(
            AdministrativeUnit.objects.filter(pk__in=units, valid_to__lt=day).values_list(
                "pk", flat=True
            )
        )
        self._memo: dict[tuple[int, str], BaseValue] = {}

    def of(self, unit: int, base: str) -> BaseValue:
        key = (unit, base)
        if key in self._memo:
            return self._memo[key]
        row = self.own.get(unit)
        if row is not None and getattr(row, base) is not None:
            result = BaseValue(getattr(row, base), row.as_of, row.source)
        else:
            children = self.tree.children.get(unit, [])
            parts = [self.of(child, base) for child in children if self._counts(child)]
            if not parts:
                result = BaseValue(None, missing=1)
            else:
                missing = sum(p.missing for p in parts if p.value is None)
                total = sum(p.value or 0 for p in parts)
                result = BaseValue(None if missing else total, missing=missing)
        self._memo[key] = result
        return result

    def _counts(self, unit: int) -> bool:
        return unit not in self.closed


# ---------------------------------------------------------------------------------------
# Values


def _ratio(part: int | None, whole: int | None) -> Decimal | None:
    if part is None or not whole:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.01"))


def numerator_value(indicator: Indicator, facts: Facts, units: set[int]) -> int | None:
    if indicator.numerator == Numerator.APP_OUTCOME:
        return facts.app_total(units, (indicator.app_id, indicator.outcome_id))  # type: ignore[arg-type]
    if indicator.numerator == Numerator.FIGURE:
        return facts.total(units)[indicator.figure]
    return None


@dataclass
class IndicatorValue:
    indicator: Indicator
    count: int | None
    base: BaseValue
    value: Decimal | None  # percent, or per 100 people
    target: Target | None = None
    achievement: Decimal | None = None  # value / target value, percent
    projected: Decimal | None = None  # the value on the target's due day at the recent pace
    at_risk: bool = False
    parent_value: Decimal | None = None  # the level above's value, for comparison

    @property
    def gap(self) -> Decimal | None:
        """Points short of the national target (None when reached or unknown)."""
        goal = self.indicator.national_target
        if goal is None or self.value is None or self.value >= goal:
            return None
        return goal - self.value

    @property
    def measured(self) -> bool:
        return self.indicator.measured

    @property
    def meter(self) -> Decimal | None:
        return min(self.value, Decimal(100)) if self.value is not None else None


def _target_for(targets: list[Target], day: datetime.date) -> Target | None:
    """The target in force on ``day``: the earliest not yet due, else the last one."""
    upcoming = [t for t in targets if t.starts_on <= day <= t.due_on]
    if upcoming:
        return min(upcoming, key=lambda t: t.due_on)
    past = [t for t in targets if t.due_on < day]
    return max(past, key=lambda t: t.due_on) if past else None


def _project(
    item: IndicatorValue, earlier: int | None, day: datetime.date
) -> tuple[Decimal | None, bool]:
    target = item.target
    if target is None or item.value is None or item.count is None:
        return None, False
    if day >= target.due_on:
        return item.value, item.value < target.value
    if earlier is None or not item.base.value:
        return None, False
    per_day = Decimal(item.count - earlier) / TREND_DAYS
    expected = item.count + per_day * (target.due_on - day).days
    projected = _ratio(int(expected), item.base.value)
    return projected, projected is not None and projected < target.value


class Indicators:
    """The indicators and dated figures of a unit and its children on one day, by the tree
    of that day (or of ``map_day``: the records of one day on the map of another). With
    ``user``, only the units inside their scope today count (an officer of a district that a
    reform closed does not follow its former hamlets into their new communes)."""

    def __init__(
        self,
        *,
        unit_id: int,
        day: datetime.date | None = None,
        map_day: datetime.date | None = None,
        user=None,
        allowed: set[int] | None = None,
        indicators: list[Indicator] | None = None,
    ) -> None:
        self.day = day or timezone.localdate()
        self.tree = Structure(map_day or self.day)
        self.unit_id = unit_id
        subtree = self.tree.subtree(unit_id)
        if allowed is not None:
            subtree &= allowed
        if user is not None:
            subtree &= set(
                AdministrativeUnit.objects.for_user(user)
                .filter(pk__in=subtree)
                .values_list("pk", flat=True)
            )
        self.subtree = subtree
        self.indicators = (
            indicators
            if indicators is not None
            else list(Indicator.objects.active().select_related("app", "outcome"))
        )
        self.facts = facts_kept(self.day, subtree)
        self._earlier: Facts | None = None
        self.bases = Bases(self.tree, subtree)
        self.targets: dict[tuple[int, int], list[Target]] = defaultdict(list)
        for target in Target.objects.filter(unit_id__in=subtree).select_related("set_by"):
            self.targets[(target.unit_id, target.indicator_id)].append(target)

    def children(self) -> list[int]:
        return [c for c in self.tree.children.get(self.unit_id, []) if c in self.subtree]

    def earlier(self) -> Facts:
        if self._earlier is None:
            self._earlier = facts_kept(self.day - datetime.timedelta(days=TREND_DAYS), self.subtree)
        return self._earlier

    def of(self, unit: int) -> list[IndicatorValue]:
        units = self.tree.subtree(unit) & self.subtree
        rows = []
        for indicator in self.indicators:
            count = numerator_value(indicator, self.facts, units)
            base = self.bases.of(unit, indicator.base)
            item = IndicatorValue(
                indicator=indicator,
                count=count,
                base=base,
                value=_ratio(count, base.value) if base.value is not None else None,
            )
            item.target = _target_for(self.targets.get((unit, indicator.pk), []), self.day)
            if item.target is not None:
                if item.value is not None and item.target.value:
                    item.achievement = (Decimal(100) * item.value / item.target.value).quantize(
                        Decimal("0.1")
                    )
                earlier = (
                    numerator_value(indicator, self.earlier(), units)
                    if self.day < item.target.due_on
                    else None
                )
                item.projected, item.at_risk = _project(item, earlier, self.day)
            rows.append(item)
        return rows

    def app_counts(self, unit: int | None = None) -> dict[tuple[int, int], int]:
        """Distinct citizens per (app, outcome) inside ``unit`` on the day."""
        units = self.tree.subtree(self.unit_id if unit is None else unit) & self.subtree
        result: dict[tuple[int, int], int] = defaultdict(int)
        for leaf in units & self.facts.apps.keys():
            for key, value in self.facts.apps[leaf].items():
                result[key] += value
        return dict(result)

    def figures(self, unit: int | None = None) -> dict[str, int]:
        unit = self.unit_id if unit is None else unit
        return self.facts.total(self.tree.subtree(unit) & self.subtree)


def population_bases(unit_id: int, day: datetime.date | None = None) -> dict[str, BaseValue]:
    """Each base of one unit on ``day`` (own, or summed from its children)."""
    tree = Structure(day or timezone.localdate())
    bases = Bases(tree, tree.subtree(unit_id))
    return {name: bases.of(unit_id, name) for name in POPULATION_BASES}
