from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms.models import model_to_dict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.exports import Column, export_columns, wants_export
from core.pagination import paginate, query_without_page
from core.search import search_text

from . import selectors, services
from .forms import HamletCloseForm, HamletForm
from .models import Level


@login_required
def unit_browse(request):
    tops = list(selectors.top_units_for_user(user=request.user))
    if len(tops) == 1:
        return redirect("areas:unit-detail", pk=tops[0].pk)
    return render(request, "areas/unit_roots.html", {"units": tops})


@login_required
def unit_detail(request, pk: int):
    unit = selectors.get_unit_for_user(user=request.user, pk=pk)
    search = search_text(request)
    include_closed = request.GET.get("closed") == "1"
    children = selectors.unit_children(unit=unit, search=search, include_closed=include_closed)
    if wants_export(request):
        return export_columns(
            request,
            f"don-vi-{unit.code}",
            [
                Column(_("Name"), lambda c: c.name),
                Column(_("Code"), lambda c: c.code),
                Column(_("Level"), lambda c: c.get_level_display()),
                Column(_("Units below"), lambda c: c.child_count),  # annotated by the selector
                Column(_("valid until"), lambda c: c.valid_to),
            ],
            children.iterator(chunk_size=2000),
        )
    return render(
        request,
        "areas/unit_detail.html",
        {
            "unit": unit,
            "breadcrumbs": selectors.unit_breadcrumbs(unit=unit, user=request.user),
            "page": paginate(request, children),
            "page_query": query_without_page(request),
            "search": search,
            "include_closed": include_closed,
            "can_manage_hamlets": unit.level == Level.COMMUNE
            and unit.is_current
            and request.user.has_perm("portal.manage_hamlets"),
            "can_edit_this_hamlet": unit.level == Level.HAMLET
            and unit.is_current
            and request.user.has_perm("portal.manage_hamlets"),
        },
    )


def _get_commune_for_hamlet_work(request, pk: int):
    unit = selectors.get_unit_for_user(user=request.user, pk=pk)
    if not request.user.has_perm("portal.manage_hamlets"):
        raise PermissionDenied
    return unit


@login_required
@require_http_methods(["GET", "POST"])
def hamlet_create(request, pk: int):
    commune = _get_commune_for_hamlet_work(request, pk)
    if commune.level != Level.COMMUNE or not commune.is_current:
        raise PermissionDenied
    form = HamletForm(request.POST or None)
    if request.method == "POST" and (
        hamlet := form.submit(services.hamlet_create, commune=commune)
    ):
        messages.success(request, _("Hamlet “%(name)s” created.") % {"name": hamlet.name})
        return redirect("areas:unit-detail", pk=commune.pk)
    return render(
        request,
        "areas/hamlet_form.html",
        {
            "form": form,
            "commune": commune,
            "breadcrumbs": selectors.unit_breadcrumbs(unit=commune, user=request.user) + [commune],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def hamlet_edit(request, pk: int):
    hamlet = _get_commune_for_hamlet_work(request, pk)
    if hamlet.level != Level.HAMLET or not hamlet.is_current:
        raise PermissionDenied
    form = HamletForm(
        request.POST or None, initial=model_to_dict(hamlet, fields=HamletForm.base_fields)
    )
    if request.method == "POST" and form.submit(services.hamlet_update, hamlet=hamlet):
        messages.success(request, _("Hamlet saved."))
        return redirect("areas:unit-detail", pk=hamlet.pk)
    return render(
        request,
        "areas/hamlet_form.html",
        {
            "form": form,
            "hamlet": hamlet,
            "commune": hamlet.parent,
            "breadcrumbs": selectors.unit_breadcrumbs(unit=hamlet, user=request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def hamlet_close(request, pk: int):
    hamlet = _get_commune_for_hamlet_work(request, pk)
    if hamlet.level != Level.HAMLET or not hamlet.is_current:
        raise PermissionDenied
    form = HamletCloseForm(request.POST or None)
    if request.method == "POST" and form.submit(services.hamlet_close, hamlet=hamlet):
        messages.success(request, _("Hamlet “%(name)s” closed.") % {"name": hamlet.name})
        return redirect("areas:unit-detail", pk=hamlet.parent_id)
    return render(
        request,
        "areas/hamlet_close.html",
        {
            "form": form,
            "hamlet": hamlet,
            "breadcrumbs": selectors.unit_breadcrumbs(unit=hamlet, user=request.user),
        },
    )
