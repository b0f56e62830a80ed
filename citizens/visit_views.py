"""Officers' (and team leaders') pages for visits: the list the dashboard's visits figure
opens, one visit with its versions, and its correction or withdrawal."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import policies
from apps_catalog.models import App
from areas import selectors as area_selectors
from core.exports import Column, export_columns, wants_export
from core.pagination import paginate, query_without_page
from core.search import search_text
from teams.models import TeamMember

from . import selectors, services
from .forms import VisitCorrectForm, VisitFilters, VisitWithdrawForm
from .models import Visit, VisitChange, VisitKind


@login_required
def visit_list(request):
    unit = area_selectors.unit_filter_for_user(user=request.user, value=request.GET.get("unit"))
    filters = VisitFilters(
        request.GET,
        hamlets=area_selectors.hamlets_for_user(user=request.user),
        whole_communes=not policies.works_in_the_field(request.user),
        current_unit=unit,
    )
    search = search_text(request)
    sort = request.GET.get("sort", "-date")
    visits = selectors.visits_for_user(
        user=request.user,
        unit=unit,
        kind=filters.value("kind"),
        status=filters.value("status"),
        date_from=filters.value("date_from") or None,
        date_to=filters.value("date_to") or None,
        search=search,
        sort=sort,
    )
    if wants_export(request):
        return export_columns(
            request,
            "luot-tham-ho",
            [
                Column(_("Date of the visit"), lambda v: v.visited_on),
                Column(_("Commune"), lambda v: v.household.hamlet.parent.name),
                Column(_("Hamlet"), lambda v: v.household.hamlet.name),
                Column(_("Head of household"), lambda v: v.household.head_name),
                Column(_("What happened"), lambda v: v.get_kind_display()),
                Column(_("People helped"), lambda v: v.helped_count),
                Column(_("Apps"), lambda v: v.apps_count),
                Column(_("Recorded by"), lambda v: str(v.recorded_by)),
                Column(_("Recorded at"), lambda v: v.created_at),
                Column(_("Version"), lambda v: v.version),
                Column(_("Status"), lambda v: v.get_status_display()),
            ],
            visits.iterator(chunk_size=2000),
        )
    page = paginate(request, visits)
    return render(
        request,
        "citizens/visit_list.html",
        {
            "page": page,
            "page_query": query_without_page(request),
            "counts": selectors.visit_counts(visits=visits),
            "filters": filters,
            "unit": unit,
            "search": search,
            "sort": sort,
        },
    )


def _readable(versions: list) -> list:
    """Each version's content with its kind's label and its day as a date, for the page."""
    kinds = dict(VisitKind.choices)
    for version in versions:
        version.kind_label = kinds.get(version.content.get("kind"), "")
        day = version.content.get("visited_on")
        version.visited_on = datetime.date.fromisoformat(day) if day else None
    return versions


@login_required
def visit_detail(request, pk: int):
    visit = selectors.get_visit_for_user(user=request.user, pk=pk)
    return render(
        request,
        "citizens/visit_detail.html",
        {
            "visit": visit,
            "assistances": selectors.visit_assistances(visit=visit),
            "members": list(visit.members_present.order_by("search_key", "pk")),
            "versions": _readable(selectors.visit_versions(visit=visit)),
            "may_change": not visit.is_withdrawn
            and policies.can_correct_visit(request.user, visit),
            "window_days": policies.correction_window().days,
            "changes": VisitChange,
        },
    )


def _changeable(request, pk: int) -> Visit:
    visit = selectors.get_visit_for_user(user=request.user, pk=pk)
    if visit.is_withdrawn or not policies.can_correct_visit(request.user, visit):
        raise PermissionDenied
    return visit


@login_required
@require_http_methods(["GET", "POST"])
def visit_correct(request, pk: int):
    visit = _changeable(request, pk)
    household = visit.household
    citizens = list(household.citizens.order_by("search_key", "pk"))
    apps = list(App.objects.active().prefetch_related("outcomes").order_by("position", "pk"))
    members = (
        TeamMember.objects.for_user(request.user)
        .filter(team__hamlet_id=household.hamlet_id)
        .order_by("search_key", "pk")
    )
    initial: dict[str, Any] = {
        "version": visit.version,
        "kind": visit.kind,
        "visited_on": visit.visited_on,
        "members_present": list(visit.members_present.values_list("pk", flat=True)),
        "notes": visit.notes,
    }
    for a in visit.assistances.all():
        initial.setdefault(f"help_{a.citizen_id}_{a.app_id}", []).append(str(a.outcome_id))
    form = VisitCorrectForm(
        request.POST or None,
        initial=initial,
        visit=visit,
        citizens=citizens,
        apps=apps,
        members=members,
    )
    if request.method == "POST" and form.submit(
        services.visit_correct, user=request.user, visit=visit
    ):
        messages.success(
            request,
            _("The visit to %(name)s was corrected; the figures follow within a minute.")
            % {"name": household.head_name},
        )
        return redirect("visits:visit-detail", pk=visit.pk)
    return render(request, "citizens/visit_correct.html", {"visit": visit, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def visit_withdraw(request, pk: int):
    visit = _changeable(request, pk)
    form = VisitWithdrawForm(request.POST or None, initial={"version": visit.version})
    if request.method == "POST" and form.submit(
        services.visit_withdraw, user=request.user, visit=visit
    ):
        messages.success(
            request,
            _("The visit to %(name)s was withdrawn: it no longer counts in the figures.")
            % {"name": visit.household.head_name},
        )
        return redirect("visits:visit-detail", pk=visit.pk)
    return render(request, "citizens/visit_withdraw.html", {"visit": visit, "form": form})
