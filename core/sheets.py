"""Reading the spreadsheets district and commune offices send: .xlsx or CSV, as they really are.

Real files have title rows above the header ("UBND HUYỆN ĐỊNH HÓA", "DANH SÁCH THÀNH VIÊN …"),
merged cells, headers split over two rows, header wording that varies ("Họ và tên"/"Họ tên",
"SĐT"/"Số điện thoại"), an "STT" column, dates as text or as real Excel dates, phone numbers
stored as numbers, decomposed (NFD) Vietnamese, blank rows and signature rows at the bottom.

``read_table`` finds the header row by the columns the importer asks for and returns the data
rows with cleaned cell values; converting them (phones, dates, numbers) is the importer's job,
with the helpers ``cell_text``, ``parse_date`` and ``parse_int``.
"""

from __future__ import annotations

import bisect
import csv
import datetime
import io
import re
import warnings
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import openpyxl
import python_calamine
from django.utils.translation import gettext as _

from core.text import clean_text, fold

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
# An encrypted (password-protected) .xlsx is an OLE2 container holding this stream name.
_ENCRYPTED_OOXML_MARK = "EncryptionInfo".encode("utf-16-le")
_BINARY_MAGICS = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x1f\x8b", b"Rar!", b"7z\xbc")

MAX_UNZIPPED_BYTES = 100 * 1024 * 1024  # sum of the uncompressed sizes of an .xlsx's members
MAX_COMPRESSION_RATIO = 200  # per member, for members larger than RATIO_MIN_MEMBER_BYTES
RATIO_MIN_MEMBER_BYTES = 1024 * 1024  # small members may compress very well without harm
MAX_COLUMNS = 256  # cells further right are ignored (a stray value in column XFD)
HEADER_SCAN_ROWS = 30
CSV_SNIFF_BYTES = 4096
MB = 1024 * 1024

EXCEL_EPOCH = datetime.date(1899, 12, 30)
EXCEL_SERIAL_MIN = 1
EXCEL_SERIAL_MAX = 80_000

_DMY = re.compile(r"^(\d{1,2})([/.\-])(\d{1,2})\2(\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T\s]\d{1,2}:\d{2}(?::\d{2})?)?$")
_INT = re.compile(r"^[+-]?\d+$")
_NOT_WORD = re.compile(r"[\W_]+")

Grid = dict[int, list[object]]  # row number (1-based) → cleaned cell values of that row


class SheetError(Exception):
    """The whole file is unusable; ``str(exc)`` is a translated message for the user."""


@dataclass
class SheetRow:
    number: int  # the row number as Excel shows it; for CSV the line where the record starts
    values: dict[str, Any]  # canonical field → cleaned value ("" when blank or missing)
    cells: list[object]  # the row's cleaned cell values, one per header column


@dataclass
class Table:
    header_row: int  # row number of the (last) header row
    headers: list[str]  # header texts as found, in column order (after merge filling)
    columns: dict[str, int]  # canonical field → 0-based column index
    rows: list[SheetRow] = field(default_factory=list)

    @property
    def unused_headers(self) -> list[str]:
        """Header texts of the columns no field reads ("Năm sinh", "Ghi chú"), in order; the
        serial-number column is left out (it is never read)."""
        used = set(self.columns.values())
        return [
            text
            for column, text in enumerate(self.headers)
            if column not in used and text and header_key(text) not in _SERIAL_HEADERS
        ]


_SERIAL_HEADERS = {"stt", "tt", "so tt", "so thu tu", "no"}


class _MissingColumns(Exception):
    def __init__(self, missing: list[str]) -> None:
        self.missing = missing
        super().__init__(missing)


# --- cell values -------------------------------------------------------------------------------


def clean_cell(value: object) -> object:
    """Strings → NFC, trimmed; whole floats → int; datetime → date; None → ""."""
    if value is None:
        return ""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, datetime.datetime):
        return value.date()
    return value


def cell_text(value: object) -> str:
    """A cell value as text: 912345678.0 → "912345678", a date → "dd/mm/yyyy"."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return clean_text(str(value))


def _not_a_date(value: object) -> ValueError:
    return ValueError(_("“%(value)s” is not a date (dd/mm/yyyy).") % {"value": cell_text(value)})


def parse_date(value: object) -> datetime.date | None:
    """A date from a cell: a real date, "28/11/2026" (day first, always), "2026-11-28" or an
    Excel serial number (46354 → 2026-11-28). Blank → None; anything else → ValueError."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, bool):
        raise _not_a_date(value)
    if isinstance(value, int | float):
        if not EXCEL_SERIAL_MIN <= value <= EXCEL_SERIAL_MAX:
            raise _not_a_date(value)
        return EXCEL_EPOCH + datetime.timedelta(days=int(value))
    text = clean_text(str(value))
    if match := _DMY.match(text):
        day, month, year = int(match.group(1)), int(match.group(3)), int(match.group(4))
    elif match := _YMD.match(text):
        year, month, day = (int(match.group(i)) for i in (1, 2, 3))
    else:
        raise _not_a_date(value)
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise _not_a_date(value) from None


def parse_int(value: object) -> int | None:
    """A whole number from a cell: "3", 3 or 3.0 → 3; blank → None; "3 người" → ValueError."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = clean_text(value)
        if _INT.match(text):
            return int(text)
        if match := re.match(r"^([+-]?\d+)\.0+$", text):
            return int(match.group(1))
    raise ValueError(_("“%(value)s” is not a whole number.") % {"value": cell_text(value)})


# --- header detection ---------------------------------------------------------------------------


def header_key(value: object) -> str:
    """Folded header text without punctuation: "Số ĐT:" → "so dt"."""
    return _NOT_WORD.sub(" ", fold(cell_text(value))).strip()


def _synonym_index(fields: dict[str, list[str]]) -> dict[str, str]:
    index: dict[str, str] = {}
    for name, synonyms in fields.items():
        for synonym in synonyms:
            index.setdefault(header_key(synonym), name)
    return index


def _lookup(key: str, index: dict[str, str]) -> str | None:
    """The field a header names: its exact wording, or a known wording followed by a few more
    words ("Số điện thoại liên hệ", "Năm sinh (dd/mm/yyyy)"). Only synonyms of two words or
    more match that way, the longest first, so "Số điện thoại thông minh" stays itself when it
    is a synonym of its own."""
    if key in index:
        return index[key]
    words = key.split()
    for size in range(min(len(words) - 1, 6), 1, -1):
        name = index.get(" ".join(words[:size]))
        if name is not None and len(words) - size <= 4:
            return name
    return None


def _at(row: list[object], column: int) -> object:
    return row[column] if column < len(row) else ""


def _match_header(grid: Grid, number: int, index: dict[str, str]) -> tuple[dict[str, int], int]:
    """Fields matched by row ``number`` (falling back to the row above, for two-row headers)
    and the width of the header."""
    row = grid.get(number, [])
    above = grid.get(number - 1, [])
    columns: dict[str, int] = {}
    width = len(row)
    for column in range(max(len(row), len(above))):
        name = _lookup(header_key(_at(row, column)), index)
        if name is None:
            name = _lookup(header_key(_at(above, column)), index)
        if name is not None and name not in columns:
            columns[name] = column
            width = max(width, column + 1)
    return columns, width


def _header_texts(grid: Grid, number: int, width: int, index: dict[str, str]) -> list[str]:
    row = grid.get(number, [])
    above = grid.get(number - 1, [])
    headers = []
    for column in range(width):
        own, upper = cell_text(_at(row, column)), cell_text(_at(above, column))
        if _lookup(header_key(own), index) is not None or not upper:
            headers.append(own)
        elif _lookup(header_key(upper), index) is not None or not own:
            headers.append(upper)
        else:
            headers.append(own)
    return headers


def _continues_header(grid: Grid, number: int, columns: dict[str, int], index) -> bool:
    """Whether the row under header row ``number`` is still header: each column the header
    matched is, in that row, the same text again (merged down) or another header name."""
    below = grid.get(number + 1)
    if not below:
        return False
    row = grid.get(number, [])
    repeated = 0
    for column in columns.values():
        text = _at(below, column)
        if text != "" and text == _at(row, column):
            repeated += 1
        elif _lookup(header_key(text), index) is None:
            return False
    return repeated > 0


def _first_synonyms(fields: dict[str, list[str]], names: Iterable[str]) -> list[str]:
    return [(fields.get(name) or [name])[0] for name in names]


def _table_from_grid(
    grid: Grid, fields: dict[str, list[str]], required: set[str], max_rows: int
) -> Table:
    index = _synonym_index(fields)
    best: tuple[int, dict[str, int], int] | None = None  # (row number, columns, width)
    best_any: dict[str, int] = {}
    for number in range(1, HEADER_SCAN_ROWS + 1):
        columns, width = _match_header(grid, number, index)
        if len(columns) > len(best_any):
            best_any = columns
        if required <= columns.keys() and columns and (best is None or len(columns) > len(best[1])):
            best = (number, columns, width)
    if best is None:
        missing = [name for name in fields if name in required and name not in best_any]
        missing += sorted(required - fields.keys() - best_any.keys())
        raise _MissingColumns(_first_synonyms(fields, missing or list(fields)))

    header_row, columns, width = best
    # A header merged over two rows: the row under it repeats its cells (the merge, filled) and
    # adds only headers of its own ("Thông tin liên hệ" over "Điện thoại", "Ghi chú").
    while _continues_header(grid, header_row, columns, index):
        header_row += 1
        below, below_width = _match_header(grid, header_row, index)
        if required <= below.keys():
            columns, width = below, max(width, below_width)
        else:
            width = max(width, len(grid.get(header_row, [])))
    table = Table(
        header_row=header_row,
        headers=_header_texts(grid, header_row, width, index),
        columns=columns,
    )
    for number in sorted(n for n in grid if n > header_row):
        row = grid[number]
        values = {name: _at(row, column) for name, column in columns.items()}
        if all(value == "" for value in values.values()):
            continue  # blank, or only an STT number or notes outside the asked columns
        if len(table.rows) >= max_rows:
            raise SheetError(
                _("The file has more than %(max)d rows; split it into smaller files.")
                % {"max": max_rows}
            )
        cells = [_at(row, column) for column in range(width)]
        table.rows.append(SheetRow(number=number, values=values, cells=cells))
    return table


def _missing_error(missing: list[str]) -> SheetError:
    return SheetError(
        _("No header row with the columns %(columns)s was found in the first %(count)d rows.")
        % {"columns": ", ".join(f"“{name}”" for name in missing), "count": HEADER_SCAN_ROWS}
    )


# --- xlsx ---------------------------------------------------------------------------------------


def _invalid_xlsx() -> SheetError:
    return SheetError(_("This is not a valid Excel (.xlsx) file."))


def _check_zip(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise _invalid_xlsx() from None
    total = sum(member.file_size for member in members)
    too_compressed = any(
        member.file_size > RATIO_MIN_MEMBER_BYTES
        and member.file_size > MAX_COMPRESSION_RATIO * max(member.compress_size, 1)
        for member in members
    )
    if total > MAX_UNZIPPED_BYTES or too_compressed:
        raise SheetError(
            _(
                "The file looks damaged or malicious (it expands to far more than its size); "
                "it was not opened."
            )
        )
    if "xl/workbook.xml" not in {member.filename for member in members}:
        raise _invalid_xlsx()


Merge = tuple[int, int, int, int]  # min_row, min_col, max_row, max_col (1-based, inclusive)


def _grid_from_cells(sparse: dict[int, dict[int, object]], merges: Iterable[Merge]) -> Grid:
    """Rows of cleaned values from non-blank cells (row → 0-based column → value), merged ranges
    filled with their top-left value. As in Excel (and openpyxl), only the top-left cell of a
    merged range holds a value: whatever else the file stores under the range is dropped."""
    merges = list(merges)
    if sparse and merges:
        rows = sorted(sparse)
        for min_row, min_col, max_row, max_col in merges:
            start = bisect.bisect_left(rows, min_row)
            stop = bisect.bisect_right(rows, max_row)
            for row in rows[start:stop]:
                cells = sparse[row]
                for column in [c for c in cells if min_col - 1 <= c < max_col]:
                    if (row, column) != (min_row, min_col - 1):
                        del cells[column]
    if sparse:
        # Merged ranges: fill the rows that hold data, and the header zone (two-row headers).
        present = sorted(set(sparse) | set(range(1, HEADER_SCAN_ROWS + 1)))
        for min_row, min_col, max_row, max_col in merges:
            top_left = sparse.get(min_row, {}).get(min_col - 1)
            if top_left is None:
                continue
            last_column = min(max_col, MAX_COLUMNS)
            start = bisect.bisect_left(present, min_row)
            stop = bisect.bisect_right(present, max_row)
            for row in present[start:stop]:
                target = sparse.setdefault(row, {})
                for column in range(min_col - 1, last_column):
                    target.setdefault(column, top_left)
    grid: Grid = {}
    for row, values in sparse.items():
        if not values:
            continue
        line: list[object] = [""] * (max(values) + 1)
        for column, value in values.items():
            line[column] = value
        grid[row] = line
    return grid


def _worksheet_grid(sheet: object) -> Grid:
    """Cleaned values of an openpyxl worksheet, merged ranges filled with their top-left value.

    Reads the worksheet's sparse cell store instead of ``iter_rows``, which would create every
    empty cell up to the furthest used one (a stray value in XFD1048576 means billions).
    """
    cells: dict[tuple[int, int], Any] = getattr(sheet, "_cells", {})
    sparse: dict[int, dict[int, object]] = {}
    for (row, column), cell in cells.items():
        if column > MAX_COLUMNS:
            continue
        value = clean_cell(cell.value)
        if value != "":
            sparse.setdefault(row, {})[column - 1] = value
    merges = [
        (merged.min_row, merged.min_col, merged.max_row, merged.max_col)
        for merged in sheet.merged_cells.ranges  # type: ignore[attr-defined]
    ]
    return _grid_from_cells(sparse, merges)


def _openpyxl_grids(data: bytes) -> list[Grid]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "Data Validation extension is not supported"…
            workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
        try:
            return [_worksheet_grid(sheet) for sheet in workbook.worksheets]
        finally:
            workbook.close()
    except (MemoryError, RecursionError):
        raise
    except Exception:  # BadZipFile, KeyError, InvalidFileException, ValueError, XML errors…
        raise _invalid_xlsx() from None


# calamine (Rust) reads a workbook ten times faster than openpyxl, but builds each sheet as one
# dense rectangle from its first to its last cell, and aborts the whole process when that does
# not fit in memory (a stray value in XFD1048576). So the worksheets' cell references are
# checked first; a workbook calamine cannot be trusted with, or might read differently from
# openpyxl, is read by openpyxl as before.
CALAMINE_MAX_CELLS = 2_000_000  # rows × columns of a worksheet's rectangle, from A1
_CELL_TAGS = (b"<c ", b"<c>", b"<c/>", b"<c\t", b"<c\n", b"<c\r")
_CELL_REF_FIRST = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"')  # as Excel and openpyxl write
_CELL_REF = re.compile(rb"<c\s[^>]*?\br=[\"']([A-Z]{1,3})([0-9]{1,7})[\"']")
# Error cells ("#N/A": calamine gives ""), ISO-date cells: openpyxl's reading is kept for them.
_UNUSUAL_CELL_TYPES = (b't="e"', b"t='e'", b't="d"', b"t='d'")
_EXACT_FLOAT_LIMIT = 2.0**53  # beyond it openpyxl keeps the digits as an int, calamine rounds


class _NotForCalamine(Exception):
    pass


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _fits_calamine(data: bytes) -> bool:
    """Whether every worksheet of the (already checked) .xlsx has all its cells addressed, its
    rectangle small enough, and only cell types calamine reads as openpyxl does."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for member in archive.infolist():  # all of them: a part may be named anything
            xml = archive.read(member)
            if b"sheetData" not in xml:
                continue
            if b":sheetData" in xml or any(kind in xml for kind in _UNUSUAL_CELL_TYPES):
                return False  # a prefixed namespace (x:c) or cells calamine reads differently
            cells = sum(xml.count(tag) for tag in _CELL_TAGS)
            refs = _CELL_REF_FIRST.findall(xml)
            if len(refs) != cells:
                refs = _CELL_REF.findall(xml)
                if len(refs) != cells:
                    return False  # a cell without its address: calamine would place it
            if refs:
                rows = max(map(int, {row for _, row in refs}))
                columns = max(map(_column_number, {letters for letters, _ in refs}))
                if rows * columns > CALAMINE_MAX_CELLS:
                    return False
    return True


def _calamine_grid(sheet: python_calamine.CalamineSheet) -> Grid:
    if sheet.start is None:
        return {}
    first_row, first_column = sheet.start  # 0-based
    keep = max(0, MAX_COLUMNS - first_column)
    sparse: dict[int, dict[int, object]] = {}
    for offset, values in enumerate(sheet.to_python()):
        line: dict[int, object] = {}
        for index, raw in enumerate(values[:keep]):
            if raw == "":
                continue
            if isinstance(raw, float) and abs(raw) >= _EXACT_FLOAT_LIMIT:
                raise _NotForCalamine
            value = clean_cell(raw)
            if value != "":
                line[first_column + index] = value
        if line:
            sparse[first_row + offset + 1] = line
    merges = [
        (top + 1, left + 1, bottom + 1, right + 1)
        for (top, left), (bottom, right) in sheet.merged_cell_ranges or []
    ]
    return _grid_from_cells(sparse, merges)


def _calamine_grids(data: bytes) -> list[Grid] | None:
    """The worksheets' grids as calamine reads them, or None when openpyxl must read the file."""
    if not _fits_calamine(data):
        return None
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        try:
            return [
                _calamine_grid(workbook.get_sheet_by_index(index))
                for index, sheet in enumerate(workbook.sheets_metadata)
                if sheet.typ == python_calamine.SheetTypeEnum.WorkSheet
            ]
        finally:
            workbook.close()
    except (MemoryError, RecursionError, KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # calamine's errors, a Rust panic, _NotForCalamine: openpyxl decides
        return None


def _xlsx_grids(data: bytes) -> list[Grid]:
    _check_zip(data)
    grids = _calamine_grids(data)
    if grids is None:
        grids = _openpyxl_grids(data)
    return grids


# --- CSV ----------------------------------------------------------------------------------------


def _looks_binary(data: bytes) -> bool:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False  # UTF-16 text (Excel's "Unicode Text")
    if data.startswith(_BINARY_MAGICS):
        return True
    sample = data[:8192]
    if b"\0" in sample:
        return True
    controls = sum(1 for byte in sample if byte < 32 and byte not in b"\t\n\r\x0c") + sample.count(
        b"\x7f"
    )
    return controls > len(sample) // 100


def _decode_csv(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    else:
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            pass
    raise SheetError(_("The CSV file is not UTF-8 text. In Excel choose “CSV UTF-8” when saving."))


def _sniff_delimiter(text: str) -> str:
    sample = text[:CSV_SNIFF_BYTES]
    if len(text) > CSV_SNIFF_BYTES and "\n" in sample:
        sample = sample[: sample.rindex("\n")]  # whole lines only
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        return ","


def _csv_grid(text: str, delimiter: str) -> Grid:
    grid: Grid = {}
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    try:
        for record in reader:
            values = [clean_cell(value) for value in record[:MAX_COLUMNS]]
            while values and values[-1] == "":
                values.pop()
            if values:
                grid[start] = values
            start = reader.line_num + 1
    except csv.Error:
        raise SheetError(
            _("The CSV file could not be read near line %(line)d.") % {"line": reader.line_num}
        ) from None
    return grid


def _csv_grids(data: bytes) -> Iterable[Grid]:
    text = _decode_csv(data)
    sniffed = _sniff_delimiter(text)
    # The sniffed delimiter first; the others in case the sniffer was fooled (commas in names).
    for delimiter in dict.fromkeys((sniffed, ",", ";", "\t")):
        yield _csv_grid(text, delimiter)


# --- entry point --------------------------------------------------------------------------------


def _format_mb(size: int) -> str:
    return f"{size / MB:.1f}"


def read_table(
    data: bytes,
    filename: str,
    *,
    fields: dict[str, list[str]],
    required: set[str],
    max_bytes: int = 5 * 1024 * 1024,
    max_rows: int = 20_000,
) -> Table:
    """Find the header row (within the first 30 rows) and read the data rows below it.

    ``fields`` maps each canonical field name to its header synonyms (the first one names the
    column in messages); ``required`` fields must all be in the header. The format is decided
    by content: .xlsx (zip with xl/workbook.xml) or text (CSV). Raises ``SheetError`` with a
    message for the user when the file cannot be used.
    """
    if not data:
        raise SheetError(_("The file is empty."))
    if len(data) > max_bytes:
        raise SheetError(
            _("The file is too large (%(size)s MB); the limit is %(max)s MB.")
            % {"size": _format_mb(len(data)), "max": _format_mb(max_bytes)}
        )
    if data.startswith(OLE2_MAGIC):
        if _ENCRYPTED_OOXML_MARK in data:
            raise SheetError(
                _(
                    "The file is protected with a password. Remove the password in Excel "
                    "(File › Info › Protect Workbook), save it, then upload it again."
                )
            )
        raise SheetError(
            _(
                "This is an old Excel 97–2003 file (.xls). Open it in Excel and save it as .xlsx "
                "(Excel Workbook), then upload it again."
            )
        )
    if data.startswith(ZIP_MAGIC):
        grids: Iterable[Grid] = _xlsx_grids(data)
    elif (
        filename.lower().endswith(".csv") and not data.startswith(_BINARY_MAGICS)
    ) or not _looks_binary(data):
        grids = _csv_grids(data)
    else:
        raise SheetError(_("Unsupported file: upload an Excel .xlsx or a CSV file."))

    first_missing: list[str] | None = None
    for grid in grids:
        try:
            return _table_from_grid(grid, fields, required, max_rows)
        except _MissingColumns as exc:
            if first_missing is None:
                first_missing = exc.missing
    raise _missing_error(first_missing or _first_synonyms(fields, sorted(required)))
