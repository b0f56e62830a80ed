from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from areas.models import AdministrativeUnit, Level
from core.forms import attempt
from core.imports import ACTION_LABELS, Plan
from core.sheets import SheetError

from . import services
from .forms import UploadForm
from .models import BatchStatus, ImportBatch
from .registry import get_importer_class
from .services import MAX_UPLOAD_BYTES


def _require_importer(user, importer) -> None:
    """Each importer names who may run it (``policy``, a predicate of accounts.policies)."""
    if not importer.policy(user):
        raise PermissionDenied


def _units(user):

    units = AdministrativeUnit.objects.for_user(user).current()
    return units.filter(level__in=[Level.PROVINCE, Level.DISTRICT, Level.COMMUNE]).order_by("path")


@login_required
@require_http_methods(["GET", "POST"])
def upload(request, kind: str):
    importer = get_importer_class(kind)
    _require_importer(request.user, importer)
    # Some importers need more than a file and an area (attendance: which course). They read
    # it from the query string and check it against the user's scope (404 when outside).
    options = (
        importer.options_from_request(request) if hasattr(importer, "options_from_request") else {}
    )
    # A body larger than MAX_REQUEST_BYTES never gets here: core.RequestSizeMiddleware
    # refuses it (413) on its Content-Length, before anything reads it.
    status = 200
    form = UploadForm(request.POST or None, request.FILES or None, units=_units(request.user))

    def upload_batch(*, file, unit):
        return services.batch_create(
            user=request.user,
            kind=kind,
            unit=unit,
            filename=file.name,
            data=file.read(MAX_UPLOAD_BYTES + 1),  # a capped read: the size is checked again
            options=options,
        )

    if request.method == "POST":
        if batch := form.submit(upload_batch):
            return redirect("imports:preview", pk=batch.pk)
        too_large = any(e.code == "too_large" for e in form.errors.as_data().get("file", []))
        status = 413 if too_large else 400
    recent = ImportBatch.objects.for_user(request.user).filter(kind=kind).defer("data")[:5]
    return render(
        request,
        "imports/upload.html",
        {
            "form": form,
            "title": importer.title,
            "columns": [
                (names[0], name in importer.required) for name, names in importer.fields.items()
            ],
            "kind": kind,
            "recent": recent,
            "query": request.GET.urlencode(),
        },
        status=status,
    )


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def template(request, kind: str):
    """The list to fill in, as the importer reads it, with one example row."""
    importer = get_importer_class(kind)
    _require_importer(request.user, importer)
    hamlet = (
        AdministrativeUnit.objects.for_user(request.user)
        .current()
        .filter(level=Level.HAMLET)
        .select_related("parent")
        .order_by("path")
        .first()
    )
    content = services.template_workbook(importer=importer, hamlet=hamlet)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"mau-{kind}.xlsx"
    )
    return response


def _get_batch(request, pk: int) -> ImportBatch:
    return get_object_or_404(ImportBatch.objects.for_user(request.user), pk=pk)


@login_required
def preview(request, pk: int):
    batch = _get_batch(request, pk)
    if not batch.data and batch.status == BatchStatus.APPLIED:
        # A clean import keeps no copy of the file: its result stands without it.
        plan = Plan(headers=[])
    else:
        try:
            plan = services.batch_plan(batch=batch)
        except SheetError as exc:
            messages.error(request, str(exc))
            return redirect("imports:upload", kind=batch.kind)
    counts: dict[str, int] = dict(plan.counts)
    applied = batch.status == BatchStatus.APPLIED
    if applied:
        # What the confirmation did, as its message said: planning again now would call the
        # rows it added "already up to date".
        counts = {
            "create": batch.result.get("created", 0),
            "update": batch.result.get("updated", 0),
            "unchanged": batch.result.get("unchanged", 0),
            "error": batch.result.get("errors", 0),
        }
    return render(
        request,
        "imports/preview.html",
        {
            "batch": batch,
            "title": get_importer_class(batch.kind).title,
            "plan": plan,
            "counts": {str(ACTION_LABELS[a]): counts.get(a, 0) for a in ACTION_LABELS},
            "n_create": counts.get("create", 0),
            "n_update": counts.get("update", 0),
            "n_unchanged": counts.get("unchanged", 0),
            "n_error": counts.get("error", 0),
            "n_rows": sum(counts.values()) if applied else len(plan.rows),
            "applied": applied,
            "labels": ACTION_LABELS,
        },
    )


@login_required
@require_POST
def confirm(request, pk: int):
    batch = _get_batch(request, pk)
    # The uploader's role or area may have changed since the preview.
    _require_importer(request.user, get_importer_class(batch.kind))
    if not _units(request.user).filter(pk=batch.unit_id).exists():
        raise Http404
    try:
        result, problems = attempt(services.batch_apply, batch=batch)
    except SheetError as exc:  # e.g. the file was erased after a week
        messages.error(request, str(exc))
        return redirect("imports:upload", kind=batch.kind)
    if problems:
        messages.error(request, " ".join(problems))
    else:
        assert isinstance(result, dict)  # what batch_apply counted
        messages.success(
            request,
            _(
                "Import done: %(new)d new, %(updated)d updated, %(errors)d rows with errors not "
                "imported."
            )
            % {
                "new": result.get("created", 0),
                "updated": result.get("updated", 0),
                "errors": result.get("errors", 0),
            },
        )
    return redirect("imports:preview", pk=batch.pk)


@login_required
def error_workbook(request, pk: int):
    batch = _get_batch(request, pk)
    try:
        content = services.batch_error_workbook(batch=batch)
    except SheetError as exc:
        messages.error(request, str(exc))
        return redirect("imports:upload", kind=batch.kind)
    stem = batch.filename.rsplit(".", 1)[0]
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{stem}-loi.xlsx"
    )
    return response
