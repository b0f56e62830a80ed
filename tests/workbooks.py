"""Building the awkward spreadsheets offices really send, for import tests."""

from __future__ import annotations

import io
import unicodedata

import openpyxl

TITLE_ROWS = [
    "UBND HUYỆN ĐỊNH HÓA",
    "DANH SÁCH THÀNH VIÊN TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG NĂM 2026",
    "(Kèm theo Quyết định số 125/QĐ-UBND ngày 05/3/2024)",
]


def workbook(
    headers: list[str], rows: list[list], *, titles=TITLE_ROWS, merge_titles=True
) -> bytes:
    """An .xlsx with title rows (merged across the table, as offices do) above the header."""
    book = openpyxl.Workbook()
    sheet = book.active
    for title in titles:
        sheet.append([title])
        if merge_titles:
            row = sheet.max_row
            sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(headers))
    sheet.append([])  # the blank line under the titles
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    sheet.append([])
    sheet.append(["", "", "NGƯỜI LẬP BIỂU", "", "CHỦ TỊCH UBND"])  # signature block
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def first_data_row(titles=TITLE_ROWS) -> int:
    """The Excel row number of the first data row built by ``workbook``."""
    return len(titles) + 3  # titles, a blank line, the header


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def read_rows(content: bytes) -> list[list]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [list(r) for r in book.active.iter_rows(values_only=True)]
