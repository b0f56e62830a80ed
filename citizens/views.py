from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms.models import model_to_dict
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import policies
from apps_catalog.models import App
from areas import selectors as area_selectors
from audit.models import Action
from audit.services import audit_record
from core.exports import Column, export_columns, wants_export
from core.pagination import paginate, query_without_page
from core.phones import mask_phone
from core.search import search_text

from . import selectors, services
from .forms import CitizenFilters, CitizenForm, HouseholdFilters, HouseholdForm


def _with_masked_phones(citizens) -> list:
    citizens = list(citizens)
    for citizen in citizens:
        citizen.masked_phone = mask_phone(citizen.phone)
    return citizens


# --- Households ------------------------------------------------------------------------------

HOUSEHOLD_VISITS_SHOWN = 10


@login_required
def household_list(request):
    unit = area_selectors.unit_filter_for_user(user=request.user, value=request.GET.get("unit"))
    filters = HouseholdFilters(
        request.GET,
        hamlets=area_selectors.hamlets_for_user(user=request.user),
        whole_communes=not policies.works_in_the_field(request.user),
        current_unit=unit,
    )
    search = search_text(request)
    sort = request.GET.get("sort", "hamlet")
    export = wants_export(request)
    households = selectors.households_for_user(
        user=request.user, unit=unit, search=search, sort=sort, citizen_counts=export
    )
    if export:
        return export_columns(
            request,
            "ho-gia-dinh",
            [
                Column(_("Commune"), lambda h: h.hamlet.parent.name),
                Column(_("Hamlet"), lambda h: h.hamlet.name),
                Column(_("Head of household"), lambda h: h.head_name),
                Column(_("House number / address"), lambda h: h.address),
                Column(_("Members"), lambda h: h.member_count),
                Column(_("Smartphones"), lambda h: h.smartphone_count),
                Column(_("Citizens recorded"), lambda h: h.citizen_count),
                Column(_("Consent given on"), lambda h: h.consent_on),
            ],
            households.iterator(chunk_size=2000),
        )
    counts = selectors.household_counts(
        households=households, user=request.user, unit=unit, search=search
    )
    source = selectors.households_page_source(
        households, user=request.user, unit=unit, search=search, sort=sort
    )
    page = paginate(request, source, count=counts["households"])
    page.object_list = selectors.with_citizen_counts(page.object_list)
    return render(
        request,
        "citizens/household_list.html",
        {
            "page": page,
            "page_query": query_without_page(request),
            "counts": counts,
            "filters": filters,
            "unit": unit,
            "search": search,
            "sort": sort,
            "can_edit": policies.can_edit_households(request.user),
            "can_import": policies.can_manage_registry(request.user),
        },
    )


@login_required
def household_detail(request, pk: int):
    household = selectors.get_household_for_user(user=request.user, pk=pk)
    citizens = _with_masked_phones(selectors.household_citizens(household=household))
    apps = list(App.objects.active().order_by("position", "pk"))
    progress = selectors.app_progress(citizen_ids=[c.pk for c in citizens])
    # Per person, per app: the latest outcome reached, or None (still to do).
    app_rows = [(c, [(app, progress.get(c.pk, {}).get(app.pk)) for app in apps]) for c in citizens]
    visits = selectors.visits_for_user(user=request.user, household=household, status="all")
    shown = list(visits[:HOUSEHOLD_VISITS_SHOWN])
    return render(
        request,
        "citizens/household_detail.html",
        {
            "household": household,
            "citizens": citizens,
            "apps": apps,
            "app_rows": app_rows,
            "changes": selectors.household_changes(household=household),
            "visits": shown,
            # Counted only when there may be more than shown (a query saved most of the time).
            "visit_total": visits.count() if len(shown) == HOUSEHOLD_VISITS_SHOWN else len(shown),
            "breadcrumbs": area_selectors.unit_breadcrumbs(unit=household.hamlet, user=request.user)
            + [household.hamlet],
            "can_edit": policies.can_edit_households(request.user),
            "can_reveal": policies.can_edit_households(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def household_create(request):
    policies.require(policies.can_edit_households, request.user)
    hamlets = area_selectors.hamlets_for_user(user=request.user)
    initial = {"hamlet": request.GET.get("hamlet")} if request.GET.get("hamlet") else {}
    form = HouseholdForm(request.POST or None, hamlets=hamlets, initial=initial)
    if request.method == "POST" and (
        household := form.submit(services.household_create, recorded_by=request.user)
    ):
        messages.success(
            request, _("Household of %(name)s recorded.") % {"name": household.head_name}
        )
        return redirect("citizens:household-detail", pk=household.pk)
    return render(request, "citizens/household_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def household_edit(request, pk: int):
    policies.require(policies.can_edit_households, request.user)
    household = selectors.get_household_for_user(user=request.user, pk=pk)
    hamlets = area_selectors.hamlets_for_user(user=request.user)
    form = HouseholdForm(
        request.POST or None,
        hamlets=hamlets,
        initial=model_to_dict(household, fields=HouseholdForm.base_fields),
        opened=household.updated_at,
    )
    if request.method == "POST" and form.submit(
        services.household_update, household=household, recorded_by=request.user
    ):
        messages.success(request, _("Household saved."))
        return redirect("citizens:household-detail", pk=household.pk)
    return render(request, "citizens/household_form.html", {"form": form, "household": household})


# --- Citizens --------------------------------------------------------------------------------


@login_required
def citizen_list(request):
    unit = area_selectors.unit_filter_for_user(user=request.user, value=request.GET.get("unit"))
    filters = CitizenFilters(
        request.GET,
        hamlets=area_selectors.hamlets_for_user(user=request.user),
        whole_communes=not policies.works_in_the_field(request.user),
        current_unit=unit,
    )
    sex = filters.value("sex")
    search = search_text(request)
    sort = request.GET.get("sort", "household")
    citizens = selectors.citizens_for_user(
        user=request.user, unit=unit, search=search, sex=sex, sort=sort
    )
    if wants_export(request):
        # For officers: full phones, but never the citizen ID number (it is not even stored).
        # A team leader sees masked phones on screen and gets no export of them.
        policies.require(policies.can_export_people, request.user)
        return export_columns(
            request,
            "nhan-khau",
            [
                Column(_("Commune"), lambda c: c.household.hamlet.parent.name),
                Column(_("Hamlet"), lambda c: c.household.hamlet.name),
                Column(_("Head of household"), lambda c: c.household.head_name),
                Column(_("House number / address"), lambda c: c.household.address),
                Column(_("Full name"), lambda c: c.full_name),
                Column(_("Year of birth"), lambda c: c.birth_year),
                Column(_("Sex"), lambda c: c.get_sex_display()),
                Column(_("Phone"), lambda c: c.phone, phone=True),
            ],
            citizens.iterator(chunk_size=2000),
        )
    page = paginate(request, citizens)
    page.object_list = _with_masked_phones(page.object_list)
    return render(
        request,
        "citizens/citizen_list.html",
        {
            "page": page,
            "page_query": query_without_page(request),
            "filters": filters,
            "search": search,
            "can_reveal": policies.can_edit_households(request.user),
            "sort": sort,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def citizen_add(request, pk: int):
    policies.require(policies.can_edit_households, request.user)
    household = selectors.get_household_for_user(user=request.user, pk=pk)
    form = CitizenForm(request.POST or None)
    if request.method == "POST" and (
        citizen := form.submit(services.citizen_create, household=household)
    ):
        messages.success(
            request, _("%(name)s added to the household.") % {"name": citizen.full_name}
        )
        return redirect("citizens:household-detail", pk=household.pk)
    return render(request, "citizens/citizen_form.html", {"form": form, "household": household})


@login_required
@require_http_methods(["GET", "POST"])
def citizen_edit(request, pk: int):
    policies.require(policies.can_edit_households, request.user)
    citizen = selectors.get_citizen_for_user(user=request.user, pk=pk)
    form = CitizenForm(
        request.POST or None,
        citizen=citizen,
        initial=model_to_dict(citizen, fields=CitizenForm.base_fields),
        opened=citizen.updated_at,
    )
    if request.method == "POST" and form.submit(services.citizen_update, citizen=citizen):
        messages.success(request, _("Citizen saved."))
        return redirect("citizens:household-detail", pk=citizen.household_id)
    return render(
        request,
        "citizens/citizen_form.html",
        {"form": form, "household": citizen.household, "citizen": citizen},
    )


@login_required
def citizen_data(request, pk: int):
    """The person's own data, to hand to them (a JSON file; the read is audited as an export)."""

    policies.require(policies.can_edit_households, request.user)
    citizen = selectors.get_citizen_for_user(user=request.user, pk=pk)
    body = json.dumps(services.citizen_personal_data(citizen=citizen), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"du-lieu-ca-nhan-{citizen.pk}.json"
    )
    return response


@login_required
def citizen_phone(request, pk: int):
    """A person's full phone number, to call them; lists show it masked. Each showing is
    recorded in the audit log (AuditMiddleware.REVEAL_ROUTES)."""
    policies.require(policies.can_edit_households, request.user)
    citizen = selectors.get_citizen_for_user(user=request.user, pk=pk)
    return render(request, "citizens/citizen_phone.html", {"citizen": citizen})


@login_required
@require_http_methods(["GET", "POST"])
def citizen_anonymise(request, pk: int):
    """Erase a person's identifying data on their request, after a confirmation page."""

    policies.require(policies.can_edit_households, request.user)
    citizen = selectors.get_citizen_for_user(user=request.user, pk=pk)
    if request.method == "POST":
        services.citizen_anonymise(citizen=citizen)
        audit_record(action=Action.ERASE, request=request, object_type="citizen", object_id=pk)
        messages.success(request, _("The person's identifying data has been erased."))
        return redirect("citizens:household-detail", pk=citizen.household_id)
    return render(request, "citizens/citizen_anonymise.html", {"citizen": citizen})
