"""Computing the figures the dashboards show, set-based, inside the database.

Each fact belongs to exactly one hamlet (a trainee to one unit), so figures are first counted
per unit from the facts with GROUP BY queries (``INSERT … SELECT``: no rows travel through
Python), then added level by level into the parents, from communes up to the province.

Two tables are written:

* ``UnitFigures``: running totals per unit (teams, members, households, people reached…),
  plus ``UnitAppFigures``, distinct citizens per app and outcome;
* ``UnitPeriodFigures``: activity per unit and per day, week and month. Each period is
  counted from the facts, so a household visited twice in a week counts once that week.

**Incremental** (the default): database triggers (``dashboards.triggers``) write a mark for
every change to a fact: its hamlet and the day it touches. A run recomputes only the marked
units and their ancestors, and only the periods of the marked days, so its cost follows
what changed, not the history. A structure change (a unit moved or removed) marks
"everything" and the run becomes a full one. **Full** recomputes every unit and period and
gives the same numbers.

Both run in one transaction under a row lock on ``RollupState``: two runs at once (beat and
an officer's refresh) take turns, and readers see either the old figures or the new ones.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from areas.models import AdministrativeUnit, Level
from citizens.models import VisitKind

from .models import (
    FIGURES,
    PERIOD_FIGURES,
    ChangeMark,
    Period,
    RollupPeriod,
    RollupScope,
    RollupState,
)

# Parents are completed level by level; communes may hang directly under the province.
LEVELS_UPWARDS = (Level.COMMUNE, Level.DISTRICT, Level.PROVINCE)

UNITS = "areas_administrativeunit"
TOTALS = "dashboards_unitfigures"
APPS = "dashboards_unitappfigures"
PERIODS = "dashboards_unitperiodfigures"
SCOPE = "(SELECT unit_id FROM dashboards_rollupscope)"
PERIOD_SCOPE = "(SELECT unit_id FROM dashboards_rollupscope WHERE periods)"
IN_PERIODS = (
    "EXISTS (SELECT 1 FROM dashboards_rollupperiod rp "
    "WHERE rp.period = {alias}.period AND rp.starts_on = {alias}.starts_on)"
)


def period_start(period: str, day: datetime.date) -> datetime.date:
    """The first day of the day, week (Monday) or month containing ``day``."""
    if period == Period.WEEK:
        return day - datetime.timedelta(days=day.weekday())
    if period == Period.MONTH:
        return day.replace(day=1)
    return day


def period_end(period: str, day: datetime.date) -> datetime.date:
    start = period_start(period, day)
    if period == Period.WEEK:
        return start + datetime.timedelta(days=6)
    if period == Period.MONTH:
        return (start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    return start


def _period_sql(period: str, column: str) -> str:
    """SQL for ``period_start`` on either database (``%%`` survives parameter substitution)."""
    if period == Period.DAY:
        return column
    if connection.vendor == "postgresql":
        return f"CAST(date_trunc('{period}', CAST({column} AS timestamp)) AS date)"
    if period == Period.WEEK:
        return (
            f"date({column}, '-' || ((CAST(strftime('%%w', {column}) AS INTEGER) + 6) %% 7)"
            " || ' days')"
        )
    return f"date({column}, 'start of month')"


def _columns(values: dict[str, str], names: tuple[str, ...]) -> str:
    return ", ".join(f"{values.get(name, '0')} AS {name}" for name in names)


@dataclass
class Run:
    """What one run recomputes: everything, or the units in the scope table (and their
    period rows for the periods in the period table)."""

    full: bool
    dates: tuple[datetime.date, datetime.date] | None = None  # facts' day range to read
    params: list = field(default_factory=list)

    def units(self, column: str) -> str:
        return "" if self.full else f" AND {column} IN {SCOPE}"

    def period_units(self, column: str) -> str:
        return "" if self.full else f" AND {column} IN {PERIOD_SCOPE}"

    def days(self, column: str) -> str:
        if self.full or self.dates is None:
            return ""
        low, high = (connection.ops.adapt_datefield_value(day) for day in self.dates)
        return f" AND {column} BETWEEN '{low}' AND '{high}'"

    def periods(self, alias: str) -> str:
        return "" if self.full else " AND " + IN_PERIODS.format(alias=alias)


def _own_totals_sql(run: Run) -> str:
    """Every unit in the run, with the figures of the facts attached directly to it."""
    parts = [
        (
            "t.hamlet_id",
            {"teams_active": "COUNT(*)"},
            "FROM teams_team t WHERE t.status = 'active'",
        ),
        (
            "t.hamlet_id",
            {"members_active": "COUNT(*)"},
            "FROM teams_teammember m JOIN teams_team t ON t.id = m.team_id "
            "WHERE t.status = 'active' AND m.left_on IS NULL",
        ),
        (
            "h.hamlet_id",
            {
                "households": "COUNT(*)",
                "people": "SUM(h.member_count)",
                "smartphones": "SUM(h.smartphone_count)",
            },
            "FROM citizens_household h WHERE 1 = 1",
        ),
        (
            "h.hamlet_id",
            {"citizens": "COUNT(*)"},
            # A record merged into another one is the same person: counted once, as that one.
            "FROM citizens_citizen c JOIN citizens_household h ON h.id = c.household_id "
            "WHERE c.merged_into_id IS NULL",
        ),
        (
            "h.hamlet_id",
            {
                "visits": "COUNT(*)",
                "visits_informed": f"SUM(CASE WHEN {INFORMED} THEN 1 ELSE 0 END)",
                "visits_nobody_home": f"SUM(CASE WHEN {NOBODY_HOME} THEN 1 ELSE 0 END)",
                "households_reached": f"COUNT(DISTINCT CASE WHEN {MET} THEN v.household_id END)",
            },
            "FROM citizens_visit v JOIN citizens_household h ON h.id = v.household_id "
            f"WHERE {COUNTED}",
        ),
        (
            "h.hamlet_id",
            {"citizens_helped": "COUNT(DISTINCT s.citizen_id)"},
            "FROM citizens_assistance s JOIN citizens_citizen c ON c.id = s.citizen_id "
            "JOIN citizens_household h ON h.id = c.household_id WHERE 1 = 1",
        ),
        (
            "r.unit_id",
            {"trainees": "COUNT(*)", "trainees_completed": "COUNT(r.completed_on)"},
            "FROM training_trainee r WHERE 1 = 1",
        ),
    ]
    union = " UNION ALL ".join(
        f"SELECT {unit} AS unit_id, {_columns(values, FIGURES)} {body}{run.units(unit)} "
        f"GROUP BY {unit}"
        for unit, values, body in parts
    )
    sums = ", ".join(f"COALESCE(SUM(x.{name}), 0)" for name in FIGURES)
    return (
        f"INSERT INTO {TOTALS} (unit_id, computed_at, {', '.join(FIGURES)}) "
        f"SELECT u.id, %s, {sums} FROM {UNITS} u LEFT JOIN ({union}) x ON x.unit_id = u.id "
        f"WHERE 1 = 1{run.units('u.id')} GROUP BY u.id"
    )


# Visits the figures count (not withdrawn; a withdrawn visit has no help records left), and
# which of them met the household.
COUNTED = "v.withdrawn_at IS NULL"
NOBODY_HOME = f"v.kind = '{VisitKind.NOBODY_HOME}'"
INFORMED = f"v.kind = '{VisitKind.INFORMED}'"
MET = f"v.kind <> '{VisitKind.NOBODY_HOME}'"


# Each period's distinct households and citizens are counted from two scratch tables built
# once per run: one row per hamlet, day and household visited (with its number of visits, and
# of those that met it, and that found nobody),
# and per hamlet, day and citizen helped (with its number of assistances). Weeks and months
# regroup those rows instead of joining the facts again, and distinct counts are taken by
# grouping twice rather than with COUNT(DISTINCT …), which PostgreSQL can only sort.
VISIT_DAYS = "rollup_visit_days"
HELP_DAYS = "rollup_help_days"


def _scratch_sql(run: Run) -> list[str]:
    where = f"WHERE 1 = 1{run.period_units('h.hamlet_id')}{run.days('v.visited_on')}"
    return [
        f"DROP TABLE IF EXISTS {VISIT_DAYS}",
        f"DROP TABLE IF EXISTS {HELP_DAYS}",
        f"CREATE TEMPORARY TABLE {VISIT_DAYS} AS SELECT h.hamlet_id AS hamlet_id, "
        "v.visited_on AS day, v.household_id AS household_id, COUNT(*) AS n, "
        f"SUM(CASE WHEN {MET} THEN 1 ELSE 0 END) AS met, "
        f"SUM(CASE WHEN {NOBODY_HOME} THEN 1 ELSE 0 END) AS away "
        "FROM citizens_visit v JOIN citizens_household h ON h.id = v.household_id "
        f"{where} AND {COUNTED} GROUP BY h.hamlet_id, v.visited_on, v.household_id",
        f"CREATE TEMPORARY TABLE {HELP_DAYS} AS SELECT h.hamlet_id AS hamlet_id, "
        "v.visited_on AS day, s.citizen_id AS citizen_id, COUNT(*) AS n "
        "FROM citizens_assistance s JOIN citizens_visit v ON v.id = s.visit_id "
        "JOIN citizens_citizen c ON c.id = s.citizen_id "
        "JOIN citizens_household h ON h.id = c.household_id "
        f"{where} GROUP BY h.hamlet_id, v.visited_on, s.citizen_id",
    ]


def _own_periods_sql(run: Run) -> str:
    parts = []
    for period in Period.values:
        for table, who, counts, figures in (
            (
                VISIT_DAYS,
                "household_id",
                ("n", "met", "away"),
                {
                    "visits": "SUM(n)",
                    "visits_nobody_home": "SUM(away)",
                    "households_visited": "SUM(CASE WHEN met > 0 THEN 1 ELSE 0 END)",
                },
            ),
            (
                HELP_DAYS,
                "citizen_id",
                ("n",),
                {"citizens_helped": "COUNT(*)", "assistances": "SUM(n)"},
            ),
        ):
            start = _period_sql(period, "day")
            sums = ", ".join(f"SUM({c}) AS {c}" for c in counts)
            rows = (
                table
                if period == Period.DAY
                else f"(SELECT hamlet_id, {start} AS day, {who}, {sums} FROM {table} "
                f"GROUP BY hamlet_id, {start}, {who}) y"
            )
            parts.append(
                f"SELECT hamlet_id AS unit_id, '{period}' AS period, day AS starts_on, "
                f"{_columns(figures, PERIOD_FIGURES)} FROM {rows} GROUP BY hamlet_id, day"
            )
        done_day = _period_sql(period, "r.completed_on")
        parts.append(
            f"SELECT r.unit_id AS unit_id, '{period}' AS period, {done_day} AS starts_on, "
            + _columns({"trainees_completed": "COUNT(*)"}, PERIOD_FIGURES)
            + " FROM training_trainee r WHERE r.completed_on IS NOT NULL"
            f"{run.period_units('r.unit_id')}{run.days('r.completed_on')} "
            f"GROUP BY r.unit_id, {done_day}"
        )
    sums = ", ".join(f"SUM(x.{name})" for name in PERIOD_FIGURES)
    return (
        f"INSERT INTO {PERIODS} (unit_id, period, starts_on, {', '.join(PERIOD_FIGURES)}) "
        f"SELECT x.unit_id, x.period, x.starts_on, {sums} FROM ({' UNION ALL '.join(parts)}) x "
        f"WHERE 1 = 1{run.periods('x')} GROUP BY x.unit_id, x.period, x.starts_on"
    )


def _children_into_parents_sql(run: Run) -> list[str]:
    """For one level (the parameter): add the children's rows into their parents'."""
    child = f"JOIN {UNITS} cu ON cu.id = a.unit_id JOIN {UNITS} pu ON pu.id = cu.parent_id"
    totals = ", ".join(f"{name} = {TOTALS}.{name} + c.{name}" for name in FIGURES)
    sums = ", ".join(f"SUM(a.{name}) AS {name}" for name in FIGURES)
    period_sums = ", ".join(f"SUM(a.{name})" for name in PERIOD_FIGURES)
    period_adds = ", ".join(
        f"{name} = {PERIODS}.{name} + excluded.{name}" for name in PERIOD_FIGURES
    )
    return [
        f"UPDATE {TOTALS} SET {totals} FROM (SELECT cu.parent_id AS parent_id, {sums} "
        f"FROM {TOTALS} a {child} WHERE pu.level = %s{run.units('pu.id')} "
        f"GROUP BY cu.parent_id) c WHERE {TOTALS}.unit_id = c.parent_id",
        f"INSERT INTO {APPS} (unit_id, app_id, outcome_id, citizens) "
        f"SELECT cu.parent_id, a.app_id, a.outcome_id, SUM(a.citizens) FROM {APPS} a {child} "
        f"WHERE pu.level = %s{run.units('pu.id')} GROUP BY cu.parent_id, a.app_id, a.outcome_id "
        f"ON CONFLICT (unit_id, app_id, outcome_id) "
        f"DO UPDATE SET citizens = {APPS}.citizens + excluded.citizens",
        f"INSERT INTO {PERIODS} (unit_id, period, starts_on, {', '.join(PERIOD_FIGURES)}) "
        f"SELECT cu.parent_id, a.period, a.starts_on, {period_sums} FROM {PERIODS} a {child} "
        f"WHERE pu.level = %s{run.period_units('pu.id')}{run.periods('a')} "
        f"GROUP BY cu.parent_id, a.period, a.starts_on "
        f"ON CONFLICT (unit_id, period, starts_on) DO UPDATE SET {period_adds}",
    ]


def _compute(run: Run, now: datetime.datetime) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # room to hash the groups instead of spilling
            # (a full run groups about two million scratch rows per period at province scale)
            cursor.execute(f"SET LOCAL work_mem = '{'1GB' if run.full else '128MB'}'")
        if run.full and connection.vendor == "postgresql":
            # Emptied, not deleted row by row: a DELETE leaves the million dead rows of the
            # last run for every read of this one to wade through (the table bloats run
            # after run). TRUNCATE holds readers of these tables until the run commits;
            # full runs are rare (the first one, structure changes, an explicit --full).
            # The totals and per-app figures (a few tens of thousands of rows) keep foreign
            # keys whose checks may be pending in this transaction, which TRUNCATE refuses:
            # deleted.
            try:
                with transaction.atomic():
                    cursor.execute(f"TRUNCATE {PERIODS}")
            except DatabaseError:  # a runtime role without TRUNCATE (before db_roles grants it)
                cursor.execute(f"DELETE FROM {PERIODS}")
            cursor.execute(f"DELETE FROM {TOTALS}")
            cursor.execute(f"DELETE FROM {APPS}")
        elif run.full:
            for table in (TOTALS, APPS, PERIODS):
                cursor.execute(f"DELETE FROM {table}")
        else:
            cursor.execute(f"DELETE FROM {TOTALS} WHERE unit_id IN {SCOPE}")
            cursor.execute(f"DELETE FROM {APPS} WHERE unit_id IN {SCOPE}")
            cursor.execute(
                f"DELETE FROM {PERIODS} WHERE unit_id IN {PERIOD_SCOPE} AND "
                + IN_PERIODS.format(alias=PERIODS)
            )
        cursor.execute(_own_totals_sql(run), [connection.ops.adapt_datetimefield_value(now)])
        cursor.execute(
            f"INSERT INTO {APPS} (unit_id, app_id, outcome_id, citizens) "
            "SELECT hamlet_id, app_id, outcome_id, COUNT(*) FROM (SELECT h.hamlet_id, "
            "s.app_id, s.outcome_id FROM citizens_assistance s "
            "JOIN citizens_citizen c ON c.id = s.citizen_id "
            "JOIN citizens_household h ON h.id = c.household_id "
            f"WHERE 1 = 1{run.units('h.hamlet_id')} "
            "GROUP BY h.hamlet_id, s.app_id, s.outcome_id, s.citizen_id) y "
            "GROUP BY hamlet_id, app_id, outcome_id",
            [],
        )
        for statement in _scratch_sql(run):
            cursor.execute(statement, [])
        if connection.vendor == "postgresql":  # a scratch table has no statistics until
            # ANALYZE: without them the planner guesses a few thousand rows and spills
            cursor.execute(f"ANALYZE {VISIT_DAYS}, {HELP_DAYS}")
        cursor.execute(_own_periods_sql(run), [])
        if run.full and connection.vendor == "postgresql":
            # The parents are added from the rows just written: let the planner count them.
            cursor.execute(f"ANALYZE {PERIODS}, {APPS}")
        cursor.execute(f"DROP TABLE {VISIT_DAYS}")
        cursor.execute(f"DROP TABLE {HELP_DAYS}")
        statements = _children_into_parents_sql(run)
        for level in LEVELS_UPWARDS:
            for statement in statements:
                cursor.execute(statement, [level.value])


def _ancestors(unit_ids: set[int]) -> set[int]:
    """The units and every unit above them (read from the materialized paths)."""
    found = set(unit_ids)
    for path in AdministrativeUnit.objects.filter(pk__in=unit_ids).values_list("path", flat=True):
        found.update(int(part) for part in path.strip("/").split("/") if part)
    return found


def _prepare(marks: list[tuple[int | None, datetime.date | None]], day: datetime.date | None):
    """Fill the scratch tables for an incremental run; None when it must be a full one."""
    if any(unit is None for unit, _ in marks):
        return None
    days = {d for _, d in marks if d is not None}
    period_units = _ancestors({unit for unit, d in marks if unit is not None and d is not None})
    units = _ancestors({unit for unit, _ in marks if unit is not None}) | period_units
    if day is not None:  # --date: that day's periods for every unit, and all totals
        days.add(day)
        units = period_units = set(AdministrativeUnit.objects.values_list("pk", flat=True))
    RollupScope.objects.all().delete()
    RollupPeriod.objects.all().delete()
    RollupScope.objects.bulk_create(
        (RollupScope(unit_id=pk, periods=pk in period_units) for pk in units), batch_size=2000
    )
    periods = {(period, period_start(period, d)) for d in days for period in Period.values}
    RollupPeriod.objects.bulk_create(RollupPeriod(period=p, starts_on=s) for p, s in periods)
    if connection.vendor == "postgresql":  # so the planner sees how few units there are
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE dashboards_rollupscope, dashboards_rollupperiod")
    dates = (
        (
            min(period_start(p, s) for p, s in periods),
            max(period_end(p, s) for p, s in periods),
        )
        if periods
        else None
    )
    return Run(full=False, dates=dates), len(units)


def rollup(*, full: bool = False, day: datetime.date | None = None) -> int:
    """Bring the figures up to date; returns how many units were recomputed."""
    now = timezone.now()
    with transaction.atomic():
        state, _ = RollupState.objects.get_or_create(key="figures")
        state = RollupState.objects.select_for_update().get(pk=state.pk)  # one run at a time
        last_mark = ChangeMark.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        marks = list(
            ChangeMark.objects.filter(pk__lte=last_mark).values_list("unit_id", "day").distinct()
        )
        prepared = None if full or state.full_computed_at is None else _prepare(marks, day)
        if prepared is None:
            _compute(Run(full=True), now)
            computed = AdministrativeUnit.objects.count()
            RollupState.objects.filter(pk=state.pk).update(computed_at=now, full_computed_at=now)
        else:
            run, computed = prepared
            if computed:
                _compute(run, now)
            RollupScope.objects.all().delete()
            RollupPeriod.objects.all().delete()
            RollupState.objects.filter(pk=state.pk).update(computed_at=now)
        ChangeMark.objects.filter(pk__lte=last_mark).delete()
    return computed


def rollup_full() -> int:
    return rollup(full=True)
