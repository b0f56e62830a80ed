from __future__ import annotations

import csv
import datetime
import io
import tracemalloc

import openpyxl
import pytest
from django.http import FileResponse, StreamingHttpResponse

from core.exports import (
    FORMULA_PREFIXES,
    XLSX_CONTENT_TYPE,
    csv_response,
    escape_cell,
    xlsx_bytes,
    xlsx_response,
)

HEADERS = ["Họ và tên", "Số điện thoại", "Ngày tham gia", "Số buổi"]
ROWS = [
    ["Nguyễn Văn An", "0912345678", datetime.date(2024, 3, 5), 3],
    ["=1+1", "+84 912 345 678", None, -5],
    ["Đinh Thị Hoa", "#N/A", datetime.date(2026, 11, 28), 2.5],
]


class CountingRows:
    """A generator of rows that records how many rows were pulled."""

    def __init__(self, total: int, columns: int = 4) -> None:
        self.total = total
        self.columns = columns
        self.pulled = 0

    def __iter__(self):
        for i in range(self.total):
            self.pulled += 1
            yield [f"Nguyễn Văn An {i}", datetime.date(2024, 1, 1), "0912345678", i][: self.columns]


def read_xlsx(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data)).active


@pytest.mark.parametrize("prefix", FORMULA_PREFIXES)
def test_strings_starting_with_a_formula_prefix_are_escaped(prefix):
    assert escape_cell(f"{prefix}HYPERLINK(1)") == f"'{prefix}HYPERLINK(1)"


@pytest.mark.parametrize(
    "value", ["Nguyễn Văn An", "0912345678", "a=b", "", -5, 3.5, 0, datetime.date(2024, 3, 5)]
)
def test_normal_text_and_numbers_are_not_escaped(value):
    assert escape_cell(value) == value


def test_none_becomes_an_empty_cell():
    assert escape_cell(None) == ""


def test_csv_starts_with_a_bom_and_round_trips_vietnamese():
    response = csv_response("danh-sách.csv", HEADERS, ROWS)
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert lines == [
        HEADERS,
        ["Nguyễn Văn An", "0912345678", "05/03/2024", "3"],
        ["'=1+1", "'+84 912 345 678", "", "-5"],
        ["Đinh Thị Hoa", "#N/A", "28/11/2026", "2.5"],
    ]


def test_csv_response_headers_are_for_a_vietnamese_file_name():
    response = csv_response("danh-sách.csv", HEADERS, ROWS)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''danh-s%C3%A1ch.csv" in response["Content-Disposition"]


def test_csv_is_streamed_one_row_at_a_time():
    rows = CountingRows(100_000)
    response = csv_response("ds.csv", HEADERS, rows)
    assert isinstance(response, StreamingHttpResponse)
    chunks = iter(response.streaming_content)
    next(chunks)  # the header line
    next(chunks)
    assert rows.pulled < rows.total
    remaining = sum(1 for _ in chunks)
    assert remaining == rows.total - 1
    assert rows.pulled == rows.total


def test_xlsx_round_trips_headers_vietnamese_dates_and_escaped_formulas():
    sheet = read_xlsx(xlsx_bytes(HEADERS, ROWS, sheet_title="Thành viên"))
    assert sheet.title == "Thành viên"
    assert [cell.value for cell in sheet[1]] == HEADERS
    assert all(cell.font.b for cell in sheet[1])
    assert sheet["A2"].value == "Nguyễn Văn An"
    assert isinstance(sheet["C2"].value, datetime.datetime)  # a real date, not text
    assert sheet["C2"].value.date() == datetime.date(2024, 3, 5)
    assert sheet["C2"].number_format == "DD/MM/YYYY"
    assert sheet["D2"].value == 3
    formula = sheet["A3"]
    assert (formula.value, formula.data_type) == ("'=1+1", "s")
    assert sheet["B3"].value == "'+84 912 345 678"
    assert sheet["D3"].value == -5
    error_lookalike = sheet["B4"]
    assert (error_lookalike.value, error_lookalike.data_type) == ("#N/A", "s")


def test_xlsx_extra_header_rows_go_above_the_header():
    sheet = read_xlsx(xlsx_bytes(["Dòng", "Lỗi"], [[6, "Thiếu SĐT"]], extra_header_rows=["Lỗi"]))
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [
        ["Lỗi", None],
        ["Dòng", "Lỗi"],
        [6, "Thiếu SĐT"],
    ]


def test_xlsx_response_is_a_streamed_attachment_from_disk(db):  # close() signals Django
    response = xlsx_response("danh-sách.xlsx", HEADERS, ROWS)
    assert isinstance(response, FileResponse)
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert "filename*=utf-8''danh-s%C3%A1ch.xlsx" in response["Content-Disposition"]
    body = b"".join(response.streaming_content)
    assert int(response["Content-Length"]) == len(body)
    assert read_xlsx(body)["A4"].value == "Đinh Thị Hoa"
    response.close()


def test_a_large_xlsx_export_keeps_python_memory_flat(db):  # close() signals Django
    # 50,000 rows of a name and a date (not 100,000 full rows): openpyxl without lxml is slow
    # under tracemalloc. Rows are written to a temporary file as they come, so size is no matter.
    rows = CountingRows(50_000, columns=2)
    tracemalloc.start()
    try:
        response = xlsx_response("ds.xlsx", ["Họ và tên", "Ngày tham gia"], rows)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    response.close()
    assert rows.pulled == rows.total
    assert peak < 30 * 1024 * 1024
