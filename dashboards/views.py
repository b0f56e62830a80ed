from __future__ import annotations

from django.shortcuts import render

from areas import selectors as area_selectors

from .selectors import scope_figures


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
