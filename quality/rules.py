"""Data-quality rules: figures, and the records behind them, that cannot be true.

Each rule finds its cases in the units of one scope (a unit the user may see and everything
below it) with a few GROUP BY queries, whatever the number of units, and returns findings:
the unit concerned, a key naming the case (the same case has the same key each run), the
numbers that make it a case, a plain explanation and a link to the records.

A finding's numbers depend only on the records inside its own unit, so the same finding is
found again from any scope that contains that unit (``quality.services.flag_check`` finds it
again from the unit alone before storing a check).

Explanations name units, teams and accounts, never a citizen or a member: the flags page
shows no personal data (the records' own pages do, and are audited).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.contrib.humanize.templatetags.humanize import intcomma
from django.db.models import Count, Exists, OuterRef, Q
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from areas.models import AdministrativeUnit, Level
from citizens.models import Assistance, Citizen, Household, Visit
from dashboards.indicators import Indicators, numerator_value
from teams.models import MemberRole, Team

if TYPE_CHECKING:
    from .models import FlagCheck

# More visits than this in one day, by one account or with one member present, are not real.
MAX_VISITS_PER_DAY = 60
ADULT_AGE = 18


@dataclass
class Finding:
    rule: str
    unit: AdministrativeUnit
    key: str
    value: str  # the numbers that make it a case (a check is for these numbers)
    explanation: str
    link: str
    link_label: str
    check: FlagCheck | None = None  # the officer's check, when it is for these numbers

    @property
    def is_checked(self) -> bool:
        return self.check is not None

    @property
    def rule_label(self) -> str:
        return str(RULES[self.rule].label)


class Scope:
    """The units a rule looks at: ``root`` (already authorized for ``user``) and every unit
    below it that the user sees, read once."""

    def __init__(self, *, user, root: AdministrativeUnit) -> None:
        self.user = user
        self.root = root
        units = AdministrativeUnit.objects.for_user(user).within(root)
        self.units: dict[int, AdministrativeUnit] = {u.pk: u for u in units}
        self.units.setdefault(root.pk, root)

    @property
    def current(self) -> list[AdministrativeUnit]:
        """Current communes and hamlets (the units a ratio is told for), root included."""
        return [
            unit
            for unit in self.units.values()
            if unit.valid_to is None and unit.level in (Level.COMMUNE, Level.HAMLET)
        ]

    @cached_property
    def engine(self) -> Indicators:
        """Today's figures and bases of the root and everything below, for all its units at
        once (the units the user sees are those already read)."""
        return Indicators(unit_id=self.root.pk, allowed=set(self.units))

    def unit(self, pk: int | None) -> AdministrativeUnit:
        return self.units.get(pk or 0, self.root)

    def name(self, unit: AdministrativeUnit) -> str:
        """A hamlet with its commune ("Tổ X, Xã Y") when the commune is in scope."""
        parent = self.units.get(unit.parent_id or 0)
        if unit.level == Level.HAMLET and parent is not None:
            return _("%(hamlet)s, %(commune)s") % {"hamlet": unit.name, "commune": parent.name}
        return unit.name


def _n(value: Any) -> str:
    return intcomma(value)


def _day(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def _visits_link(unit: AdministrativeUnit, day: datetime.date) -> str:
    query = urlencode(
        {"unit": str(unit.pk), "date_from": day.isoformat(), "date_to": day.isoformat()}
    )
    return f"{reverse('visits:visit-list')}?{query}"


# --- The rules -----------------------------------------------------------------------------


def indicator_over_100(scope: Scope) -> list[Finding]:
    """An indicator (a percentage) above 100 % for a commune or hamlet: the base is too small
    or records are counted twice. Indicators per 100 people may exceed 100.

    Counted as the indicators panel counts them (``dashboards.indicators``), without the
    targets and projections, which need the figures of four weeks earlier."""
    engine = scope.engine
    found = []
    for unit in scope.current:
        if unit.pk not in engine.subtree:
            continue
        units = engine.tree.subtree(unit.pk) & engine.subtree
        for indicator in engine.indicators:
            if indicator.per_hundred:
                continue
            count = numerator_value(indicator, engine.facts, units)
            base = engine.bases.of(unit.pk, indicator.base).value
            if count is None or not base or count <= base:
                continue
            rate = Decimal(100) * count / base
            found.append(
                Finding(
                    rule="indicator_over_100",
                    unit=unit,
                    key=f"{unit.pk}:{indicator.code}",
                    value=f"{count}/{base}",
                    explanation=_(
                        "“%(indicator)s” is %(rate)s %% in %(unit)s: %(count)s counted against "
                        "a base of %(base)s. A share cannot be above 100 %%: the population "
                        "base is out of date or records are counted twice."
                    )
                    % {
                        "indicator": indicator.name,
                        "rate": floatformat(rate, 1),
                        "unit": scope.name(unit),
                        "count": _n(count),
                        "base": _n(base),
                    },
                    link=reverse("dashboards:unit", args=[unit.pk]) + "#indicators",
                    link_label=_("See the indicators"),
                )
            )
    return found


def adults_helped_over_base(scope: Scope) -> list[Finding]:
    """More adults helped (distinct citizens aged 18 and over with any help, in visits not
    withdrawn) than the unit's adult population."""
    adult_born_by = timezone.localdate().year - ADULT_AGE
    helped: dict[int, int] = {
        row["citizen__household__hamlet_id"]: row["n"]
        for row in Assistance.objects.filter(
            citizen__household__hamlet__path__startswith=scope.root.path,
            citizen__merged_into__isnull=True,
            citizen__birth_year__lte=adult_born_by,
            visit__withdrawn_at__isnull=True,
        )
        .values("citizen__household__hamlet_id")
        .annotate(n=Count("citizen_id", distinct=True))
        .order_by()
    }
    found = []
    engine = scope.engine
    for unit in scope.current:
        # A citizen lives in one household, so the hamlets' distinct counts add up.
        count = sum(helped.get(leaf, 0) for leaf in engine.tree.subtree(unit.pk) & engine.subtree)
        base = engine.bases.of(unit.pk, "adults").value
        if base is None or count <= base:
            continue
        found.append(
            Finding(
                rule="adults_helped_over_base",
                unit=unit,
                key=f"{unit.pk}",
                value=f"{count}/{base}",
                explanation=_(
                    "%(count)s adults (18 and over) were helped in %(unit)s, more than the "
                    "%(base)s adults of its population base: the base is out of date or some "
                    "people are recorded twice."
                )
                % {"count": _n(count), "unit": scope.name(unit), "base": _n(base)},
                link=f"{reverse('citizens:citizen-list')}?{urlencode({'unit': unit.pk})}",
                link_label=_("See the citizens"),
            )
        )
    return found


def too_many_visits_in_a_day(scope: Scope) -> list[Finding]:
    """More than 60 visits in one day in one commune, recorded by one account or with one
    member named as present: nobody visits that many households in a day."""
    visits = Visit.objects.counted().for_user(scope.user).within(scope.root).order_by()
    found = []
    by_account = (
        visits.values(
            "recorded_by_id",
            "recorded_by__username",
            "visited_on",
            "household__hamlet__parent_id",
        )
        .annotate(n=Count("id"))
        .filter(n__gt=MAX_VISITS_PER_DAY)
    )
    row: Any
    for row in by_account:
        unit = scope.unit(row["household__hamlet__parent_id"])
        day = row["visited_on"]
        found.append(
            Finding(
                rule="too_many_visits_in_a_day",
                unit=unit,
                key=f"account:{row['recorded_by_id']}:{unit.pk}:{day.isoformat()}",
                value=str(row["n"]),
                explanation=_(
                    "On %(day)s the account “%(account)s” recorded %(count)s visits in "
                    "%(unit)s: more than %(most)s visits in one day cannot all have happened."
                )
                % {
                    "day": _day(day),
                    "account": row["recorded_by__username"],
                    "count": _n(row["n"]),
                    "unit": scope.name(unit),
                    "most": MAX_VISITS_PER_DAY,
                },
                link=_visits_link(unit, day),
                link_label=_("See the visits of that day"),
            )
        )
    by_member = (
        visits.filter(members_present__isnull=False)
        .values(
            "members_present",
            "members_present__team__name",
            "visited_on",
            "household__hamlet__parent_id",
        )
        .annotate(n=Count("id"))
        .filter(n__gt=MAX_VISITS_PER_DAY)
    )
    for row in by_member:
        unit = scope.unit(row["household__hamlet__parent_id"])
        day = row["visited_on"]
        found.append(
            Finding(
                rule="too_many_visits_in_a_day",
                unit=unit,
                key=f"member:{row['members_present']}:{unit.pk}:{day.isoformat()}",
                value=str(row["n"]),
                explanation=_(
                    "On %(day)s one member of the team “%(team)s” is named as present at "
                    "%(count)s visits in %(unit)s: more than %(most)s visits in one day cannot "
                    "all have happened."
                )
                % {
                    "day": _day(day),
                    "team": row["members_present__team__name"],
                    "count": _n(row["n"]),
                    "unit": scope.name(unit),
                    "most": MAX_VISITS_PER_DAY,
                },
                link=_visits_link(unit, day),
                link_label=_("See the visits of that day"),
            )
        )
    return found


def same_app_twice_in_a_day(scope: Scope) -> list[Finding]:
    """The same app recorded for one citizen in two visits (or more) of the same day: one
    piece of help entered twice. Told per hamlet and day (how many citizens)."""
    cases = (
        Assistance.objects.filter(
            citizen__household__hamlet__path__startswith=scope.root.path,
            citizen__merged_into__isnull=True,
            visit__withdrawn_at__isnull=True,
        )
        .values("citizen__household__hamlet_id", "visit__visited_on", "citizen_id", "app_id")
        .annotate(visits=Count("visit_id", distinct=True))
        .filter(visits__gt=1)
        .order_by()
    )
    citizens: dict[tuple[int, datetime.date], set[int]] = defaultdict(set)
    for row in cases:
        hamlet_day = (row["citizen__household__hamlet_id"], row["visit__visited_on"])
        citizens[hamlet_day].add(row["citizen_id"])
    found = []
    for (hamlet_id, day), people in sorted(citizens.items(), key=lambda kv: kv[0][1]):
        unit = scope.unit(hamlet_id)
        found.append(
            Finding(
                rule="same_app_twice_in_a_day",
                unit=unit,
                key=f"{hamlet_id}:{day.isoformat()}",
                value=str(len(people)),
                explanation=ngettext(
                    "On %(day)s in %(unit)s, %(count)s citizen has the same app recorded in "
                    "two visits of that day: the help was probably entered twice.",
                    "On %(day)s in %(unit)s, %(count)s citizens have the same app recorded in "
                    "two visits of that day: the help was probably entered twice.",
                    len(people),
                )
                % {"day": _day(day), "unit": scope.name(unit), "count": _n(len(people))},
                link=_visits_link(unit, day),
                link_label=_("See the visits of that day"),
            )
        )
    return found


def team_without_leader(scope: Scope) -> list[Finding]:
    """An active team with no current leader."""
    teams = (
        Team.objects.active()
        .for_user(scope.user)
        .within(scope.root)
        .annotate(
            leaders=Count(
                "members",
                filter=Q(members__role=MemberRole.LEADER, members__left_on__isnull=True),
            )
        )
        .filter(leaders=0)
        .values("pk", "name", "hamlet_id")
        .order_by("search_key", "pk")
    )
    return [
        Finding(
            rule="team_without_leader",
            unit=scope.unit(team["hamlet_id"]),
            key=str(team["pk"]),
            value="",
            explanation=_("The team “%(team)s” (%(unit)s) is active but has no current leader.")
            % {"team": team["name"], "unit": scope.name(scope.unit(team["hamlet_id"]))},
            link=reverse("teams:team-detail", args=[team["pk"]]),
            link_label=_("See the team"),
        )
        for team in teams
    ]


def household_without_members(scope: Scope) -> list[Finding]:
    """Households that gave consent (so their members are recorded) with nobody recorded.
    A household without consent keeps only its head and counts: never a case."""
    members = Citizen.objects.filter(household=OuterRef("pk"), merged_into__isnull=True)
    rows = (
        Household.objects.for_user(scope.user)
        .within(scope.root)
        .filter(consent_on__isnull=False)
        .exclude(Exists(members))
        .values("hamlet_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    found = []
    for row in rows:
        unit = scope.unit(row["hamlet_id"])
        found.append(
            Finding(
                rule="household_without_members",
                unit=unit,
                key=str(row["hamlet_id"]),
                value=str(row["n"]),
                explanation=ngettext(
                    "%(count)s household in %(unit)s gave its consent but has no member "
                    "recorded: its people are missing from the registry.",
                    "%(count)s households in %(unit)s gave their consent but have no member "
                    "recorded: their people are missing from the registry.",
                    row["n"],
                )
                % {"count": _n(row["n"]), "unit": scope.name(unit)},
                # Fewest citizens recorded first: the households concerned lead the list.
                link=f"{reverse('citizens:household-list')}?"
                + urlencode({"unit": str(unit.pk), "sort": "citizens"}),
                link_label=_("See the households"),
            )
        )
    return found


@dataclass(frozen=True)
class Rule:
    code: str
    label: str | Promise
    find: Callable[[Scope], list[Finding]]


RULES: dict[str, Rule] = {
    rule.code: rule
    for rule in (
        Rule("indicator_over_100", gettext_lazy("Indicator above 100 %"), indicator_over_100),
        Rule(
            "adults_helped_over_base",
            gettext_lazy("More adults helped than live there"),
            adults_helped_over_base,
        ),
        Rule(
            "too_many_visits_in_a_day",
            gettext_lazy("Too many visits in one day"),
            too_many_visits_in_a_day,
        ),
        Rule(
            "same_app_twice_in_a_day",
            gettext_lazy("Same app recorded twice in a day"),
            same_app_twice_in_a_day,
        ),
        Rule(
            "team_without_leader", gettext_lazy("Active team without a leader"), team_without_leader
        ),
        Rule(
            "household_without_members",
            gettext_lazy("Households without members"),
            household_without_members,
        ),
    )
}


def find(*, user, root: AdministrativeUnit, rules: list[str] | None = None) -> list[Finding]:
    """Every finding of ``rules`` (all by default) in ``root`` and below, rule by rule."""
    scope = Scope(user=user, root=root)
    return [
        f
        for code, rule in RULES.items()
        if rules is None or code in rules
        for f in rule.find(scope)
    ]
