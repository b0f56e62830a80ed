from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from areas import selectors as area_selectors

from .selectors import scope_figures, unit_dashboard
from .tasks import rollup


def home(request):
    """The role-aware landing page: a welcome for visitors, the user's own area for others."""
    if not request.user.is_authenticated:
        return render(request, "home_public.html")
    tops = list(area_selectors.top_units_for_user(user=request.user))
    return render(
        request,
        "home.html",
        {
            "scopes": [
                (unit, area_selectors.unit_level_counts(unit=unit), scope_figures(unit=unit))
                for unit in tops
            ],
        },
    )


@login_required
def dashboard_home(request):
    tops = list(area_selectors.top_units_for_user(user=request.user))
    if not tops:
        raise Http404
    return redirect("dashboards:unit", pk=tops[0].pk)


@login_required
def dashboard_unit(request, pk: int):
    unit = area_selectors.get_unit_for_user(user=request.user, pk=pk)
    return render(
        request,
        "dashboards/unit.html",
        {
            "unit": unit,
            "breadcrumbs": area_selectors.unit_breadcrumbs(unit=unit, user=request.user),
            **unit_dashboard(unit=unit),
        },
    )


@login_required
@require_POST
def dashboard_refresh(request, pk: int):
    """An officer asks for fresh figures: the roll-up task runs (on a worker when there is
    one; in-process otherwise) and the page says so."""
    unit = area_selectors.get_unit_for_user(user=request.user, pk=pk)
    rollup.delay()
    messages.info(request, _("The figures are being recomputed; reload the page in a moment."))
    return redirect("dashboards:unit", pk=unit.pk)
