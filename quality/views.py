"""The data-quality flags of an area: what cannot be true, and the officers' checks."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts import policies
from areas import selectors as area_selectors
from core.pagination import PAGE_SIZE, query_without_page

from . import services
from .forms import FlagCheckForm, FlagFilters
from .rules import RULES
from .selectors import flags_for_user


@login_required
@policies.requires(policies.can_check_flags)
def flag_list(request):
    """GET: the flags of the chosen area (the user's own by default). POST: mark one as
    checked; on a refusal the list is shown again with the note as typed."""
    tops = list(area_selectors.top_units_for_user(user=request.user))
    if not tops:
        raise Http404
    unit = (
        area_selectors.unit_filter_for_user(user=request.user, value=request.GET.get("unit"))
        or tops[0]
    )
    filters = FlagFilters(
        request.GET,
        rules=[(code, rule.label) for code, rule in RULES.items()],
        units=[*tops, *area_selectors.communes_for_user(user=request.user)],
        current=unit,
    )
    status = filters.value("status") or "open"
    refused = None
    if request.method == "POST":
        pk = request.POST.get("unit", "")
        target = area_selectors.get_unit_for_user(
            user=request.user, pk=int(pk) if pk.isdigit() else 0
        )
        form = FlagCheckForm(request.POST)
        if form.submit(services.flag_check, actor=request.user, unit=target):
            messages.success(request, _("The flag is marked as checked; your note is kept."))
            return redirect(request.get_full_path())
        for error in form.non_field_errors():
            messages.error(request, error)
        refused = form
    flags = flags_for_user(user=request.user, unit=unit, rule=filters.value("rule"), status=status)
    page = Paginator(flags, PAGE_SIZE).get_page(request.GET.get("page"))
    refused_key = (refused.data.get("rule"), refused.data.get("key")) if refused else None
    rows = [
        (
            flag,
            refused
            if refused is not None and refused_key == (flag.rule, flag.key)
            else FlagCheckForm(initial={"rule": flag.rule, "key": flag.key}),
        )
        for flag in page.object_list
    ]
    return render(
        request,
        "quality/flag_list.html",
        {
            "unit": unit,
            "page": page,
            "rows": rows,
            "page_query": query_without_page(request),
            "filters": filters,
            "status": status,
        },
    )
