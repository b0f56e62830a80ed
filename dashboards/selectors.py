"""What the dashboards show: read only from the roll-up tables, a fixed number of queries
whatever the size of the province."""

from __future__ import annotations

import datetime
import hashlib
from types import SimpleNamespace
from typing import Any

from django.db import connection
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from areas.models import AdministrativeUnit, Level, Structure, scope_key
from citizens.models import Citizen, Household
from teams.models import Team, TeamMember

from .asof import periods_as_of
from .indicators import Indicators
from .models import (
    PERIOD_FIGURES,
    Filing,
    FilingStatus,
    Indicator,
    Period,
    Population,
    RollupState,
    Target,
    UnitAppFigures,
    UnitFigures,
    UnitPeriodFigures,
)
from .rollups import period_start

TREND_WEEKS = 12
TREND_MONTHS = 12
REFRESH_KEYS = ("figures", "refresh")


def scope_figures(*, unit: AdministrativeUnit) -> dict[str, Any]:
    """Teams, members, households and citizens inside ``unit`` for the home page: from the
    unit's roll-up (one query) with the time it was computed, live counts (``computed_at``
    None) while the unit has no roll-up yet."""
    row = (
        UnitFigures.objects.filter(unit=unit)
        .values("teams_active", "members_active", "households", "citizens", "computed_at")
        .first()
    )
    if row is not None:
        return {
            "teams": row["teams_active"],
            "members": row["members_active"],
            "households": row["households"],
            "citizens": row["citizens"],
            "computed_at": row["computed_at"],
        }
    teams = Team.objects.within(unit).aggregate(
        teams=Count("pk", filter=Q(status="active")),
    )
    members = TeamMember.objects.within(unit).current().filter(team__status="active").count()
    households = Household.objects.within(unit).aggregate(
        households=Count("pk"), smartphones=Count("pk", filter=Q(smartphone_count__gt=0))
    )
    return {
        **teams,
        "members": members,
        **households,
        "citizens": Citizen.objects.within(unit).count(),
        "computed_at": None,
    }


def unit_household_figures(unit_id: int) -> dict[str, int] | None:
    """A current unit's households, members and smartphones from its roll-up (one query),
    None before its first roll-up: for the households list (citizens), registered at start."""
    row = (
        UnitFigures.objects.filter(unit_id=unit_id, unit__valid_to__isnull=True)
        .values("households", "people", "smartphones")
        .first()
    )
    if row is None:
        return None
    return {
        "households": row["households"],
        "members": row["people"],
        "smartphones": row["smartphones"],
    }


def _weeks(today: datetime.date, count: int) -> list[datetime.date]:
    last = period_start("week", today)
    return [last - datetime.timedelta(weeks=n) for n in range(count - 1, -1, -1)]


def _months(today: datetime.date, count: int) -> list[datetime.date]:
    months, month = [], today.replace(day=1)
    for _step in range(count):
        months.append(month)
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    return months[::-1]


def trends(
    *,
    unit: AdministrativeUnit,
    today: datetime.date | None = None,
    subtree: set[int] | None = None,
) -> dict[str, list]:
    """The last weeks and months of activity inside ``unit`` (one query), every period
    present, zero when nothing happened. With ``subtree`` (the unit's units in an earlier
    day's tree), the activity of those units (dashboards.asof)."""

    today = today or timezone.localdate()
    weeks, months = _weeks(today, TREND_WEEKS), _months(today, TREND_MONTHS)
    if subtree is not None:
        sums = periods_as_of(subtree, weeks[0], months[0])
        rows: dict = {key: SimpleNamespace(**values) for key, values in sums.items()}
    else:
        rows = {
            (row.period, row.starts_on): row
            for row in UnitPeriodFigures.objects.filter(unit=unit).filter(
                Q(period=Period.WEEK, starts_on__gte=weeks[0])
                | Q(period=Period.MONTH, starts_on__gte=months[0])
            )
        }

    def series(period: str, starts: list[datetime.date]) -> list[dict]:
        return [
            {
                "starts_on": start,
                **{name: getattr(rows.get((period, start)), name, 0) for name in PERIOD_FIGURES},
            }
            for start in starts
        ]

    return {"weeks": series(Period.WEEK, weeks), "months": series(Period.MONTH, months)}


def month_figures(*, unit: AdministrativeUnit, month: datetime.date) -> dict:
    """A unit's and its children's activity during one month (two queries)."""

    own = UnitPeriodFigures.objects.filter(unit=unit, period=Period.MONTH, starts_on=month).first()
    children = {
        row.unit_id: row
        for row in UnitPeriodFigures.objects.filter(
            unit__parent=unit, period=Period.MONTH, starts_on=month
        )
    }
    return {
        "own": {name: getattr(own, name, 0) for name in PERIOD_FIGURES},
        "children": children,
    }


def unit_dashboard(
    *,
    unit: AdministrativeUnit,
    as_of: datetime.date | None = None,
    user=None,
    status: dict | None = None,
    ranked: str = "",
    today_map: bool = False,
) -> dict:
    """What a unit's dashboard shows, read only from the roll-up tables (five queries); with
    ``as_of``, by the structure valid on that day (dashboards.asof)."""

    subtree, former = None, []
    engine = None
    own: Any
    children: list[Any]
    apps: list[Any]
    if as_of is not None:
        # Records as they stood at the end of that day, on that day's map.
        engine = Indicators(
            unit_id=unit.pk,
            day=as_of,
            map_day=timezone.localdate() if today_map else None,
            user=user,
        )
        subtree = engine.subtree
        own = SimpleNamespace(**engine.figures())
        child_ids = engine.children()
        child_units = AdministrativeUnit.objects.valid_on(
            timezone.localdate() if today_map else as_of
        ).filter(pk__in=child_ids)
        children = [SimpleNamespace(unit=c, **engine.figures(c.pk)) for c in child_units]
        apps = _app_rows(engine.app_counts())
    else:
        own = UnitFigures.objects.filter(unit=unit).first()
        rows = UnitFigures.objects.filter(unit__parent=unit).select_related("unit")
        children = [row for row in rows if row.unit.valid_to is None]
        # Units closed by a reorganization: listed apart, latest first.
        former = sorted(
            (row.unit for row in rows if row.unit.valid_to is not None),
            key=lambda u: (-(u.valid_to or datetime.date.max).toordinal(), u.search_key),
        )
        apps = list(
            UnitAppFigures.objects.filter(unit=unit)
            .select_related("app", "outcome")
            .order_by("app__position", "outcome__position")
        )
    for child in children:
        child.reach = _share(child.households_reached, child.households)
    # Ranked by the share of households reached, then by how many were reached.
    children.sort(key=lambda c: (-(c.reach or 0), -c.households_reached, c.unit.search_key))
    status = status or refresh_status()
    periods = trends(unit=unit, subtree=subtree, today=as_of)
    return {
        "figures": own,
        "children": children,
        "former_children": former,
        "apps": apps,
        **status,
        "reach": _share(own.households_reached, own.households) if own else None,
        "training_done": _share(own.trainees_completed, own.trainees) if own else None,
        "indicators": indicator_panel(
            unit=unit, day=as_of, user=user, engine=engine, ranked=ranked
        ),
        **periods,
        "charts": _charts(periods, apps),
    }


def _charts(periods: dict, apps: list) -> dict:
    """The charts' data for the page's script (the tables show the same numbers)."""

    def series(rows: list[dict], label_format: str) -> dict:
        return {
            "labels": [date_format(row["starts_on"], label_format) for row in rows],
            "visits": [row["visits"] for row in rows],
            "households": [row["households_visited"] for row in rows],
            "citizens": [row["citizens_helped"] for row in rows],
        }

    return {
        "weeks": series(periods["weeks"], "d/m"),
        "months": series(periods["months"], "m/Y"),
        "apps": {
            "labels": [f"{row.app.name} · {row.outcome.name}" for row in apps],
            "values": [row.citizens for row in apps],
        },
        "names": {
            "visits": str(_("Visits")),
            "households": str(_("Households visited")),
            "citizens": str(_("Citizens helped")),
        },
        "locale": "vi-VN" if get_language() == "vi" else "en-GB",
    }


def refresh_status() -> dict:

    states = {state.key: state for state in RollupState.objects.filter(key__in=REFRESH_KEYS)}
    computed_at = getattr(states.get("figures"), "computed_at", None)
    asked_at = getattr(states.get("refresh"), "requested_at", None)
    return {
        "computed_at": computed_at,
        "refreshing": bool(asked_at and (computed_at is None or asked_at > computed_at)),
    }


def report_months(today: datetime.date | None = None) -> list[datetime.date]:
    """The months a report can be asked for: this one and the eleven before, newest first."""
    return _months(today or timezone.localdate(), 12)[::-1]


def _share(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def _app_rows(counts: dict[tuple[int, int], int]) -> list[SimpleNamespace]:
    """Per-app rows like ``UnitAppFigures`` from (app, outcome) → citizens (two queries)."""
    from apps_catalog.models import App, Outcome

    apps = {a.pk: a for a in App.objects.filter(pk__in={k[0] for k in counts})}
    outcomes = {o.pk: o for o in Outcome.objects.filter(pk__in={k[1] for k in counts})}
    rows = [
        SimpleNamespace(app=apps[app], outcome=outcomes[outcome], citizens=n)
        for (app, outcome), n in counts.items()
        if n
    ]
    rows.sort(key=lambda r: (r.app.position, r.outcome.position))
    return rows


def indicator_panel(
    *,
    unit: AdministrativeUnit,
    day: datetime.date | None = None,
    user=None,
    engine: Indicators | None = None,
    ranked: str | None = None,
) -> dict:
    """Every indicator of ``unit`` (count / base / %, national target and gap, the unit's
    target with achievement, projection and "at risk"), compared with its parent, and its
    children ranked by achievement of one indicator (``ranked``: a code; by default the first
    one with targets, else the first measured)."""

    parent = None
    parent_id = None
    if unit.parent_id is not None:
        parent_id = (engine.tree if engine else Structure(day or timezone.localdate())).parents.get(
            unit.pk
        )
        if parent_id is not None:
            parents = AdministrativeUnit.objects.filter(pk=parent_id)
            if user is not None:
                parents = parents.for_user(user)  # the level above, only when the user sees it
            parent = parents.first()
    upper = None
    if parent is not None:
        # The level above's ratios (aggregate figures, no personal data), for comparison.
        upper = Indicators(
            unit_id=parent.pk, day=day, indicators=engine.indicators if engine else None
        )
    if engine is None:
        # Today: one engine serves the unit, its children and the level above.
        engine = upper or Indicators(unit_id=unit.pk, day=day, user=user)
    rows = engine.of(unit.pk)
    parent_values = (
        {item.indicator.pk: item.value for item in upper.of(parent.pk)}
        if upper is not None and parent is not None
        else {}
    )
    for item in rows:
        item.parent_value = parent_values.get(item.indicator.pk)
    children_of = engine.tree.children.get(unit.pk, [])
    measured = [item.indicator for item in rows if item.measured]
    with_targets = [item.indicator for item in rows if item.target is not None]
    codes = {i.code: i for i in measured}
    candidates = with_targets or measured
    chosen = codes.get(ranked or "") or (candidates[0] if candidates else None)
    ranking = []
    if chosen is not None:
        child_units = (
            AdministrativeUnit.objects.for_user(user).filter(pk__in=children_of)
            if user
            else AdministrativeUnit.objects.filter(pk__in=children_of)
        )
        if day is None:
            child_units = child_units.filter(valid_to__isnull=True)
        for child in child_units:
            [item] = [i for i in engine.of(child.pk) if i.indicator.pk == chosen.pk]
            ranking.append(SimpleNamespace(unit=child, item=item))
        ranking.sort(
            key=lambda r: (
                r.item.achievement is None,
                -(r.item.achievement or 0),
                r.item.value is None,
                -(r.item.value or 0),
                -(r.item.count or 0),
                r.unit.search_key,
            )
        )
    return {
        "rows": rows,
        "parent": parent,
        "ranked": chosen,
        "ranking": ranking,
        "choices": measured,
        "at_risk": sum(1 for item in rows if item.at_risk),
        "missing_bases": sum(1 for item in rows if item.measured and item.base.value is None),
        "day": engine.day,
    }


INDICATOR_FIELDS = [f.attname for f in Indicator._meta.concrete_fields]


def indicator_panel_key(
    *, unit: AdministrativeUnit, user, ranked: str, run: datetime.datetime
) -> str:
    """A cache key for today's ``indicator_panel`` of ``unit`` for ``user``: it names the
    roll-up ``run`` the facts were counted after, the user's scope, the language, and the
    population bases, targets and indicators the panel is computed from (two queries), so a
    target or a base just set gives a new key at once."""
    indicators = list(Indicator.objects.active().order_by("pk").values_list(*INDICATOR_FIELDS))
    definitions = repr(indicators)
    code = INDICATOR_FIELDS.index("code")
    if ranked not in {row[code] for row in indicators}:
        ranked = ""  # what indicator_panel makes of it: the default (one key, not one per URL)
    with connection.cursor() as cursor:
        population, target = Population._meta.db_table, Target._meta.db_table
        cursor.execute(
            f"SELECT (SELECT count(*) FROM {population}), (SELECT max(id) FROM {population}),"
            f" (SELECT max(recorded_at) FROM {population}), (SELECT count(*) FROM {target}),"
            f" (SELECT max(id) FROM {target}), (SELECT max(set_at) FROM {target})"
        )
        inputs = repr(cursor.fetchone())
    parts = (
        f"{unit.pk}:{scope_key(user)}:{ranked}:{get_language() or ''}:"
        f"{timezone.localdate().isoformat()}:{run.isoformat()}:{definitions}:{inputs}"
    )
    return f"indicator-panel:{hashlib.sha256(parts.encode()).hexdigest()[:40]}"


# ---------------------------------------------------------------------------------------
# Filed monthly reports (dashboards.filings writes them)

FILING_NOT_STARTED = "none"


def get_filing_for_user(*, user, pk: int) -> Filing:
    """Fetch and authorise: a report outside the user's area is a 404."""
    return get_object_or_404(
        Filing.objects.for_user(user).select_related("unit__parent", "submitted_by", "reviewed_by"),
        pk=pk,
    )


def unit_filings(*, unit: AdministrativeUnit) -> list[Filing]:
    """A commune's reports, newest month first, without their files (one query)."""
    return list(
        Filing.objects.filter(unit=unit)
        .select_related("submitted_by", "reviewed_by")
        .defer("xlsx", "pdf", "figures")
        .order_by("-month")
    )


def filing_submissions(*, user, month: datetime.date) -> tuple[list[SimpleNamespace], dict]:
    """Every current commune in the user's area with its report for ``month`` (or none yet),
    by district then name, and how many are in each status (two queries)."""
    communes = (
        AdministrativeUnit.objects.for_user(user)
        .current()
        .filter(level=Level.COMMUNE)
        .select_related("parent")
        .order_by("parent__search_key", "search_key", "pk")
    )
    filings = {
        filing.unit_id: filing
        for filing in Filing.objects.for_user(user)
        .filter(month=month)
        .defer("xlsx", "pdf", "figures")
        .select_related("submitted_by")
    }
    rows = [
        SimpleNamespace(
            unit=commune,
            filing=filings.get(commune.pk),
            status=filings[commune.pk].status if commune.pk in filings else FILING_NOT_STARTED,
        )
        for commune in communes
    ]
    counts = dict.fromkeys([FILING_NOT_STARTED, *FilingStatus.values], 0)
    for row in rows:
        counts[row.status] += 1
    return rows, counts
