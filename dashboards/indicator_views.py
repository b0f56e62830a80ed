"""The indicator pages: population bases of a unit and its children, targets handed down to
the units below, and the province's indicator registry."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import policies
from accounts.policies import requires
from areas import selectors as area_selectors
from areas.models import AdministrativeUnit

from . import services
from .forms import IndicatorForm, PopulationForm, TargetForm
from .indicators import Bases
from .models import POPULATION_BASES, Indicator, Population, Target
from .selectors import indicator_panel


def _units_below(user, unit) -> list[AdministrativeUnit]:
    return list(
        AdministrativeUnit.objects.for_user(user)
        .current()
        .filter(parent=unit)
        .order_by("search_key")
    )


@login_required
@requires(policies.can_record_population)
def population(request, pk: int):
    """A unit's population bases and its children's: what each ratio is counted against."""
    unit = area_selectors.get_unit_for_user(user=request.user, pk=pk)
    children = _units_below(request.user, unit)
    form = PopulationForm(
        request.POST or None,
        units=[unit, *children],
        initial={"unit": unit.pk, "as_of": timezone.localdate()},
    )
    if request.method == "POST":
        result = form.submit(services.population_record, actor=request.user)
        if result:
            row, created = result
            messages.success(
                request,
                _("Population base of %(unit)s on %(day)s saved.")
                % {"unit": row.unit.name, "day": row.as_of.strftime("%d/%m/%Y")},
            )
            return redirect("dashboards:population", pk=unit.pk)
    from areas.models import Structure

    tree = Structure(timezone.localdate())
    bases = Bases(tree, {unit.pk, *[c.pk for c in children], *tree.subtree(unit.pk)})
    rows = [
        (child, {name: bases.of(child.pk, name) for name in POPULATION_BASES})
        for child in [unit, *children]
    ]
    return render(
        request,
        "dashboards/population.html",
        {
            "unit": unit,
            "form": form,
            "rows": rows,
            "bases": POPULATION_BASES,
            "statements": Population.objects.for_user(request.user)
            .filter(unit__in=[unit, *children])
            .select_related("unit", "recorded_by")[:50],
        },
    )


@login_required
@requires(policies.can_set_target)
def targets(request, pk: int):
    """Targets for the units below: set, changed (history kept), with their achievement."""
    unit = area_selectors.get_unit_for_user(user=request.user, pk=pk)
    children = [
        c for c in _units_below(request.user, unit) if policies.can_set_target(request.user, c)
    ]
    form = TargetForm(request.POST or None, units=children)
    if request.method == "POST":
        result = form.submit(services.target_set, actor=request.user)
        if result:
            target, created = result
            messages.success(
                request,
                (_("Target set for %(unit)s.") if created else _("Target of %(unit)s changed."))
                % {"unit": target.unit.name},
            )
            return redirect("dashboards:targets", pk=unit.pk)
    current = list(
        Target.objects.for_user(request.user)
        .filter(unit__in=children)
        .select_related("unit", "indicator", "set_by")
    )
    for target in current:  # a handful per unit: their earlier values, newest first
        target.earlier = list(target.history.order_by("-history_date")[1:6])
    panel = indicator_panel(unit=unit, user=request.user)
    return render(
        request,
        "dashboards/targets.html",
        {"unit": unit, "form": form, "targets": current, "panel": panel, "children": children},
    )


@login_required
@requires(policies.can_manage_indicators)
def indicator_list(request):
    """The registry: every indicator, how it is counted, and a form to add one."""
    form = IndicatorForm(request.POST or None)
    if request.method == "POST":
        indicator = form.submit(services.indicator_create, actor=request.user)
        if indicator:
            messages.success(request, _("Indicator “%(name)s” added.") % {"name": indicator.name})
            return redirect("dashboards:indicators")
    return render(
        request,
        "dashboards/indicator_list.html",
        {
            "form": form,
            "indicators": Indicator.objects.select_related("app", "outcome").order_by(
                "position", "pk"
            ),
        },
    )
