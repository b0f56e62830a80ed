"""Probable duplicate people: the review list, merging two records of one person, the merges
made and undoing one. Each change asks for confirmation (GET shows it, POST does it) and is
recorded in the audit log."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import policies
from audit.models import Action
from audit.services import audit_record
from core.pagination import paginate, query_without_page
from core.phones import mask_phone

from . import selectors, services
from .models import Citizen

MERGE, UNMERGE = Action.MERGE, Action.UNMERGE


@login_required
@policies.requires(policies.can_review_duplicates)
def duplicate_list(request):
    page = paginate(request, selectors.duplicate_groups(user=request.user))
    groups = selectors.duplicate_group_members(user=request.user, groups=page.object_list)
    for group in groups:
        for citizen in group["citizens"]:
            citizen.masked_phone = mask_phone(citizen.phone)
    return render(
        request,
        "citizens/duplicate_list.html",
        {
            "page": page,
            "groups": groups,
            "page_query": query_without_page(request),
            "can_merge": policies.can_manage_registry(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def duplicate_merge(request, pk: int):
    """Merge the record ``?merge=`` into the record ``pk`` (kept)."""
    policies.require(policies.can_manage_registry, request.user)
    keep = selectors.get_citizen_for_user(user=request.user, pk=pk)
    other = request.POST.get("merge") if request.method == "POST" else request.GET.get("merge")
    if not (other or "").isdigit():
        return HttpResponseBadRequest(_("Which record to merge is missing."))
    merge = get_object_or_404(
        Citizen.objects.for_user(request.user)
        .select_related("household__hamlet__parent")
        .annotate(help_count=Count("assistances")),
        pk=int(other),
    )
    if request.method == "POST":
        try:
            record = services.citizen_merge(actor=request.user, keep=keep, merge=merge)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("citizens:duplicate-list")
        audit_record(
            action=MERGE,
            request=request,
            object_type="citizen",
            object_id=keep.pk,
            detail=f"merged {merge.pk} into {keep.pk} (merge {record.pk})",
        )
        messages.success(
            request,
            _("%(merged)s merged into %(kept)s.")
            % {"merged": merge.full_name, "kept": keep.full_name},
        )
        return redirect("citizens:merge-list")
    keep.help_count = keep.assistances.count()  # type: ignore[attr-defined]
    for citizen in (keep, merge):
        citizen.masked_phone = mask_phone(citizen.phone)  # type: ignore[union-attr]
    return render(request, "citizens/duplicate_merge.html", {"keep": keep, "merge": merge})


@login_required
@policies.requires(policies.can_review_duplicates)
def merge_list(request):
    return render(
        request,
        "citizens/duplicate_merges.html",
        {
            "page": paginate(request, selectors.merges_for_user(user=request.user)),
            "page_query": query_without_page(request),
            "can_merge": policies.can_manage_registry(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def merge_undo(request, pk: int):
    policies.require(policies.can_manage_registry, request.user)
    merge = selectors.get_merge_for_user(user=request.user, pk=pk)
    if request.method == "POST":
        try:
            services.citizen_unmerge(actor=request.user, merge=merge)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("citizens:merge-list")
        audit_record(
            action=UNMERGE,
            request=request,
            object_type="citizen",
            object_id=merge.merged_id,
            detail=f"undid merge {merge.pk}: {merge.merged_id} out of {merge.kept_id}",
        )
        messages.success(
            request, _("%(name)s is a separate record again.") % {"name": merge.merged.full_name}
        )
        return redirect("citizens:merge-list")
    return render(request, "citizens/duplicate_undo.html", {"merge": merge})
