"""Running an import: upload → plan (preview) → apply (confirm) → error workbook."""

from __future__ import annotations

import datetime
import io

import openpyxl
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from core.exports import xlsx_bytes
from core.imports import Plan, describe, read_for_import
from core.sheets import SheetError

from .models import BatchStatus, ImportBatch
from .registry import get_importer_class

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


def _importer(batch: ImportBatch):
    return get_importer_class(batch.kind)(user=batch.created_by, unit=batch.unit, **batch.options)


def batch_plan(*, batch: ImportBatch) -> Plan:
    """Read the stored file and check every row against the database as it is now."""
    if not batch.data:
        raise SheetError(_("This upload is older than a week; its file is no longer kept."))
    importer = _importer(batch)
    table = read_for_import(importer, bytes(batch.data), batch.filename, max_bytes=MAX_UPLOAD_BYTES)
    return describe(importer.plan(table), table, getattr(importer, "person_fields", ("name",)))


def batch_create(*, user, kind: str, unit, filename: str, data: bytes, options=None) -> ImportBatch:
    """Store an upload after checking that it can be read at all (SheetError → ValidationError)."""
    batch = ImportBatch(
        kind=kind,
        created_by=user,
        unit=unit,
        filename=filename[:255],
        data=data,
        options=options or {},
    )
    try:
        batch_plan(batch=batch)
    except SheetError as exc:
        raise ValidationError({"file": str(exc)}) from exc
    batch.save()
    return batch


def batch_apply(*, batch: ImportBatch) -> dict:
    """Commit the good rows of a previewed batch, atomically; a batch is applied once."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status == BatchStatus.APPLIED:
            raise ValidationError(_("This file has already been imported."))
        plan = batch_plan(batch=batch)
        result = _importer(batch).apply(plan)
        result["errors"] = len(plan.errors)
        result["unchanged"] = plan.counts.get("unchanged", 0)
        batch.status = BatchStatus.APPLIED
        batch.result = result
        batch.applied_at = timezone.now()
        if not plan.errors:
            # Nothing left to fix: the file (names, phones, ID numbers) is not kept a day more.
            batch.data = b""
        batch.save(update_fields=["status", "result", "applied_at", "data", "updated_at"])
    return result


def batch_error_workbook(*, batch: ImportBatch) -> bytes:
    """The rows that could not be imported, as they were, with a column saying why."""
    plan = batch_plan(batch=batch)
    headers = [*plan.headers, _("Error")]
    rows = [[*row.cells, row.reason] for row in plan.errors]
    return xlsx_bytes(headers, rows, sheet_title=_("Errors"))


def template_workbook(*, importer, hamlet=None) -> bytes:
    """An empty list to fill in: an instructions line, the headers the importer reads (its
    usual wording; * marks the required ones) and one example row, placed in ``hamlet`` (one
    of the officer's own) so that the example imports as it is."""
    place = {"hamlet": hamlet.name, "commune": hamlet.parent.name} if hamlet is not None else {}
    example = {**place, **getattr(importer, "example", {})}
    names = list(importer.fields)
    headers = [
        importer.fields[name][0] + (" *" if name in importer.required else "") for name in names
    ]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = str(importer.title)[:31]
    sheet.append(
        [
            _(
                "%(title)s: one row per person under the header. Columns marked * are required. "
                "Replace the example row with your own; keep the header."
            )
            % {"title": importer.title}
        ]
    )
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    sheet.append(headers)
    sheet.append([example.get(name, "") for name in names])
    for column, header in enumerate(headers, start=1):
        letter = get_column_letter(column)
        sheet.column_dimensions[letter].width = max(14, len(header) + 4)
        sheet.cell(row=2, column=column).font = Font(bold=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# Uploaded files hold personal data (names, phones, citizen ID numbers): keep them only as long
# as an officer may still need the preview or the error workbook.
KEEP_UPLOADS_FOR = datetime.timedelta(days=7)


def batches_purge(*, now: datetime.datetime | None = None) -> int:
    """Erase the stored files of uploads older than KEEP_UPLOADS_FOR; keep the record."""
    cutoff = (now or timezone.now()) - KEEP_UPLOADS_FOR
    return (
        ImportBatch.objects.filter(created_at__lt=cutoff)
        .exclude(data=b"")
        .update(data=b"", updated_at=timezone.now())
    )
