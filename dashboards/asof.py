"""Figures by the structure valid on an earlier date ("as of").

The roll-up tables hold each unit's figures by today's tree. Every figure is a sum over the
rows attached to units (a household to its hamlet, a course to its unit…), so a unit's *own*
part is its figure minus its current children's. The figure of unit U as of a day is then the
sum of the own parts of the units below U in that day's tree (areas.models.structure_on):
  sum(F over S) − sum(F over units whose current parent is in S),  S = U's subtree then.
A few queries whatever the size of the province; nothing is stored twice.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from types import SimpleNamespace

from django.db.models import Q, Sum

from apps_catalog.models import App, Outcome
from areas.models import AdministrativeUnit, Structure

from .models import FIGURES, PERIOD_FIGURES, Period, UnitAppFigures, UnitFigures, UnitPeriodFigures


def _children_now(units: set[int]) -> list[int]:
    return list(AdministrativeUnit.objects.filter(parent_id__in=units).values_list("id", flat=True))


def _sums(model, units: set[int], names, group_by=(), extra: Q | None = None) -> dict:
    """{group: {name: sum}} over ``units`` minus over their current children."""
    outer = list(units)
    inner = _children_now(units)
    result: dict = defaultdict(lambda: dict.fromkeys(names, 0))
    for ids, sign in ((outer, 1), (inner, -1)):
        if not ids:
            continue
        rows = model.objects.filter(unit_id__in=ids)
        if extra is not None:
            rows = rows.filter(extra)
        rows = rows.values(*group_by).annotate(**{f"s_{n}": Sum(n) for n in names})
        for row in rows:
            key = tuple(row[g] for g in group_by)
            for name in names:
                result[key][name] += sign * (row[f"s_{name}"] or 0)
    return result


def _own_figures(units: set[int]) -> dict[int, dict[str, int]]:
    """Each unit's own part of every figure (two queries for any number of units)."""
    children = list(
        AdministrativeUnit.objects.filter(parent_id__in=units).values_list("id", "parent_id")
    )
    wanted = units | {child for child, _parent in children}
    stored = {
        row[0]: dict(zip(FIGURES, row[1:], strict=True))
        for row in UnitFigures.objects.filter(unit_id__in=wanted).values_list("unit_id", *FIGURES)
    }
    zero = dict.fromkeys(FIGURES, 0)
    own = {unit: dict(stored.get(unit, zero)) for unit in units}
    for child, parent in children:
        for name, value in stored.get(child, zero).items():
            own[parent][name] -= value
    return own


def figures_as_of(units: set[int]) -> dict[str, int]:
    """The figures of a set of units taken together (a subtree of an earlier day's tree)."""
    return _total(_own_figures(units), units)


def _total(own: dict[int, dict[str, int]], units: set[int]) -> dict[str, int]:
    total = dict.fromkeys(FIGURES, 0)
    for unit in units:
        for name, value in own[unit].items():
            total[name] += value
    return total


def unit_figures_as_of(*, unit: AdministrativeUnit, day: datetime.date, user=None) -> dict:
    """A unit's totals, its children's (in that day's tree) and its per-app figures. With
    ``user``, only the units inside their scope today count: an officer of a district that
    a reform closed does not follow its former hamlets into their new communes."""

    tree = Structure(day)
    subtree = tree.subtree(unit.pk)
    if user is not None:
        subtree &= set(
            AdministrativeUnit.objects.for_user(user)
            .filter(pk__in=subtree)
            .values_list("pk", flat=True)
        )
    own = _own_figures(subtree)
    totals = SimpleNamespace(**_total(own, subtree))
    child_units = AdministrativeUnit.objects.valid_on(day).filter(
        pk__in=[c for c in tree.children.get(unit.pk, []) if c in subtree]
    )  # units closed by then still count in the totals, but are not listed
    children = [
        SimpleNamespace(unit=child, **_total(own, tree.subtree(child.pk) & subtree))
        for child in child_units
    ]
    apps_sums = _sums(UnitAppFigures, subtree, ("citizens",), group_by=("app_id", "outcome_id"))
    apps_by_id = {a.pk: a for a in App.objects.all()}
    outcomes_by_id = {o.pk: o for o in Outcome.objects.all()}
    apps = [
        SimpleNamespace(
            app=apps_by_id[app_id], outcome=outcomes_by_id[outcome_id], citizens=v["citizens"]
        )
        for (app_id, outcome_id), v in apps_sums.items()
        if v["citizens"]
    ]
    apps.sort(key=lambda a: (a.app.position, a.outcome.position))
    return {"figures": totals, "children": children, "apps": apps, "subtree": subtree}


def periods_as_of(subtree: set[int], since_week, since_month) -> dict:

    extra = Q(period=Period.WEEK, starts_on__gte=since_week) | Q(
        period=Period.MONTH, starts_on__gte=since_month
    )
    return _sums(UnitPeriodFigures, subtree, PERIOD_FIGURES, ("period", "starts_on"), extra)
