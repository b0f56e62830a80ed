"""Headers as offices draw them: merged over two rows, with groups of columns under one title."""

from __future__ import annotations

import io

import openpyxl

from core.sheets import read_table

FIELDS = {
    "hamlet": ["Thôn"],
    "name": ["Họ và tên"],
    "phone": ["Điện thoại"],
    "role": ["Chức vụ"],
}


def two_row_header(groups: tuple[str, list[str]], rows: list[list]) -> bytes:
    """Title rows; then "STT", "Thôn", "Họ và tên", "Chức vụ" each merged over two rows, and a
    group title merged across the columns whose own headers are in the second row."""
    title, under = groups
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["UBND HUYỆN ĐỊNH HÓA"])
    sheet.append(["DANH SÁCH THÀNH VIÊN TỔ CÔNG NGHỆ SỐ"])
    sheet.append([])
    top = ["STT", "Thôn", "Họ và tên", "Chức vụ", title] + [""] * (len(under) - 1)
    sheet.append(top)
    sheet.append(["", "", "", "", *under])
    for column in range(1, 5):
        sheet.merge_cells(start_row=4, start_column=column, end_row=5, end_column=column)
    sheet.merge_cells(start_row=4, start_column=5, end_row=4, end_column=4 + len(under))
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


ROWS = [
    [1, "Trung Kiên", "Lưu Văn Bình", "Tổ trưởng", "0912345678", "trưởng thôn"],
    [2, "Trung Kiên", "Ma Thị Lan", "Thành viên", "0912345679", ""],
]


def read(content: bytes):
    return read_table(content, "ds.xlsx", fields=FIELDS, required={"hamlet", "name"})


def test_a_two_row_merged_header_is_read_as_one_header():
    table = read(two_row_header(("Thông tin liên hệ", ["Điện thoại", "Ghi chú"]), ROWS))
    assert table.header_row == 5
    assert table.headers == ["STT", "Thôn", "Họ và tên", "Chức vụ", "Điện thoại", "Ghi chú"]
    assert [row.number for row in table.rows] == [6, 7]
    assert table.rows[0].values["phone"] == "0912345678"


def test_a_two_row_header_whose_second_row_names_no_field_is_not_a_data_row():
    table = read(two_row_header(("Thông tin khác", ["Năm sinh", "Ghi chú"]), ROWS))
    assert table.header_row == 5
    assert [row.number for row in table.rows] == [6, 7]
    assert [row.values["name"] for row in table.rows] == ["Lưu Văn Bình", "Ma Thị Lan"]
    assert table.headers[4:] == ["Năm sinh", "Ghi chú"]
