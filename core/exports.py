"""Exports of lists as CSV or .xlsx that stream, stay small in memory and are safe to open.

Cells that Excel would read as formulas (=, +, -, @, tab, carriage return) are prefixed with
"'" (CSV/formula injection); in .xlsx, strings are also written with the string data type.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from .phones import mask_phone

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
DATE_FORMAT = "%d/%m/%Y"
DATETIME_FORMAT = "%d/%m/%Y %H:%M"
XLSX_DATE_FORMAT = "DD/MM/YYYY"
XLSX_DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
XLSX_MAX_TEXT = 32_767  # characters Excel keeps in one cell
BOM = "\ufeff"
_BAD_SHEET_TITLE = re.compile(r"[\[\]:*?/\\]")
_BOLD = Font(bold=True)


def escape_cell(value: object) -> object:
    """Prefix strings that spreadsheets would run as formulas with "'"; None → ""."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _naive_local(value: datetime.datetime) -> datetime.datetime:
    if timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


# --- CSV ----------------------------------------------------------------------------------------


class _Echo:
    """A pseudo-buffer: ``csv.writer`` writes a line, ``write`` hands it back."""

    def write(self, value: str) -> str:
        return value


def _csv_value(value: object) -> object:
    if isinstance(value, datetime.datetime):
        return _naive_local(value).strftime(DATETIME_FORMAT)
    if isinstance(value, datetime.date):
        return value.strftime(DATE_FORMAT)
    if value is not None and not isinstance(value, str | int | float):
        value = str(value)  # lazy translations, Decimal, enums…
    return escape_cell(value)


def _csv_lines(headers: list[str], rows: Iterable[Sequence[object]]) -> Iterator[bytes]:
    writer = csv.writer(_Echo())
    # The BOM makes Excel read the file as UTF-8 (Vietnamese), not as the ANSI code page.
    yield (BOM + writer.writerow([_csv_value(h) for h in headers])).encode()
    for row in rows:
        yield writer.writerow([_csv_value(value) for value in row]).encode()


def csv_response(
    filename: str, headers: list[str], rows: Iterable[Sequence[object]]
) -> StreamingHttpResponse:
    """A streamed CSV download (UTF-8 with BOM); ``rows`` is consumed lazily."""
    response = StreamingHttpResponse(_csv_lines(headers, rows), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


# --- XLSX ---------------------------------------------------------------------------------------


def _sheet_title(title: str) -> str:
    return _BAD_SHEET_TITLE.sub(" ", str(title)).strip()[:31] or "Data"


def _xlsx_cell(sheet: WriteOnlyWorksheet, value: object, *, bold: bool = False) -> object:
    """A value ready for ``sheet.append``: strings and dates as cells, numbers as they are."""
    if value is None or value == "":
        return None  # a blank cell
    if isinstance(value, datetime.datetime):
        cell = WriteOnlyCell(sheet, value=_naive_local(value))
        cell.number_format = XLSX_DATETIME_FORMAT
    elif isinstance(value, datetime.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = XLSX_DATE_FORMAT
    elif isinstance(value, int | float) and not bold:
        return value
    else:
        text = value if isinstance(value, str) else str(value)  # lazy translations, Decimal…
        text = ILLEGAL_CHARACTERS_RE.sub("", str(escape_cell(text)))[:XLSX_MAX_TEXT]
        cell = WriteOnlyCell(sheet, value=text)
        cell.data_type = "s"  # never a formula ("=…") nor an error code ("#N/A")
    if bold:
        cell.font = _BOLD
    return cell


def _write_workbook(
    target: IO[bytes],
    headers: list[str],
    rows: Iterable[Sequence[object]],
    *,
    sheet_title: str,
    extra_header_rows: list[str] | None = None,
) -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_sheet_title(sheet_title))
    for line in extra_header_rows or []:
        sheet.append([_xlsx_cell(sheet, line, bold=True)])
    sheet.append([_xlsx_cell(sheet, header, bold=True) for header in headers])
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    workbook.save(target)


def xlsx_bytes(
    headers: list[str],
    rows: Iterable[Sequence[object]],
    *,
    sheet_title: str = "Data",
    extra_header_rows: list[str] | None = None,
) -> bytes:
    """A small workbook in memory (e.g. an import's error workbook); bold header row.

    ``extra_header_rows`` are lines of text (bold, column A) written above the header row.
    """
    buffer = io.BytesIO()
    _write_workbook(
        buffer, headers, rows, sheet_title=sheet_title, extra_header_rows=extra_header_rows
    )
    return buffer.getvalue()


def xlsx_response(
    filename: str,
    headers: list[str],
    rows: Iterable[Sequence[object]],
    *,
    sheet_title: str = "Data",
) -> FileResponse:
    """An .xlsx download written row by row to a temporary file and streamed from disk."""
    spool = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse closes it
    try:
        _write_workbook(spool, headers, rows, sheet_title=sheet_title)
        spool.seek(0)
    except BaseException:
        spool.close()
        raise
    return FileResponse(
        spool, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE
    )


def wants_export(request) -> bool:
    """Lists export exactly what they show when asked with ?export=xlsx or ?export=csv."""
    return request.GET.get("export") in ("xlsx", "csv")


def full_numbers(request) -> bool:
    """Phones leave masked, as the lists show them, unless asked with ?numbers=full (the audit
    log records such an export as one with full numbers)."""
    return request.GET.get("numbers") == "full"


def export_phone(request, phone: str) -> str:
    return phone if full_numbers(request) else mask_phone(phone)


@dataclass(frozen=True)
class Column:
    """One column of a list's export: its header beside how to read the value, so the two
    never drift apart. ``phone``: masked unless full numbers were asked for."""

    header: object  # a (lazy) translated string
    value: Callable[[Any], object]
    phone: bool = False


def export_columns(request, stem: str, columns: Sequence[Column], items: Iterable[Any]):
    """The list as the user filtered it, one row per item, as CSV or Excel."""
    headers = [str(column.header) for column in columns]
    rows = (
        [
            export_phone(request, str(column.value(item) or ""))
            if column.phone
            else column.value(item)
            for column in columns
        ]
        for item in items
    )
    return export_response(request, stem, headers, rows)


def export_response(request, stem: str, headers: list[str], rows: Iterable[Sequence[object]]):
    """The list as the user filtered it, as CSV (?export=csv) or Excel (anything else)."""
    if request.GET.get("export") == "csv":
        return csv_response(f"{stem}.csv", headers, rows)
    return xlsx_response(f"{stem}.xlsx", headers, rows)
