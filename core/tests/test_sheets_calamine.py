"""The .xlsx reader's fast path (calamine) reads exactly what openpyxl read, and steps aside for
the workbooks it cannot be trusted with."""

from __future__ import annotations

import datetime
import io
import random
import re
import zipfile

import openpyxl
import pytest
import python_calamine

from core import sheets
from core.sheets import read_table
from core.tests.test_sheets import FIELDS, REQUIRED, district_list, two_row_header, xlsx
from tests.workbooks import workbook


def typed(grids: list[sheets.Grid]) -> list[dict[int, list[tuple[type, object]]]]:
    """Grids with each value's type next to it: 3 == 3.0 == True would hide a difference."""
    return [
        {row: [(type(value), value) for value in line] for row, line in grid.items()}
        for grid in grids
    ]


def patch_sheet(data: bytes, change) -> bytes:
    """The .xlsx with its first worksheet's XML passed through ``change``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for member in source.infolist():
            content = source.read(member)
            if member.filename == "xl/worksheets/sheet1.xml":
                content = change(content)
            target.writestr(member, content)
    return out.getvalue()


@pytest.fixture
def calamine_calls(monkeypatch):
    calls: list[object] = []
    real = python_calamine.CalamineWorkbook.from_filelike

    def spy(filelike):
        calls.append(filelike)
        return real(filelike)

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike", spy)
    return calls


@pytest.fixture
def no_openpyxl(monkeypatch):
    def refuse(data):
        raise AssertionError("openpyxl read the workbook")

    monkeypatch.setattr(sheets, "_openpyxl_grids", refuse)


def naive(day: datetime.date, time: datetime.time | None = None) -> datetime.datetime:
    return datetime.datetime.combine(day, time or datetime.time())  # Excel's dates are naive


def mixed(sheet) -> None:
    sheet.append(["Họ tên", "SĐT", "Số CCCD", "Ngày sinh", "Giờ", "Số", "Tỉ lệ", "Có", "Ghi chú"])
    sheet.append(
        [
            "  Nguyễn Văn An ",
            "0912345678",  # text: the leading zero stays
            "001204012345",
            naive(datetime.date(1990, 5, 17)),  # a date-only cell
            datetime.time(7, 30),
            912345678,
            0.5,
            True,
            -0.0,
        ]
    )
    sheet.append(
        [
            "Lê Thị Hà",
            987654321,
            1204012345,
            naive(datetime.date(2001, 1, 2), datetime.time(10, 45)),
            None,
        ]
    )
    sheet["K2"] = "far right"
    sheet["B7"] = 3.0
    sheet.merge_cells("I3:I6")
    sheet["I3"] = "gộp"


CASES = {
    "district list": xlsx(district_list),
    "two-row header": xlsx(two_row_header),
    "mixed types": xlsx(mixed),
    "tests/workbooks": workbook(
        ["STT", "Họ và tên", "SĐT", "Ngày sinh"],
        [[1, "An", "0912345678", datetime.date(1990, 1, 2)], [2, "Bình", 912345679, "03/04/1985"]],
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_calamine_reads_every_cell_as_openpyxl_did(name, calamine_calls):
    data = CASES[name]
    fast = sheets._calamine_grids(data)
    assert fast is not None and calamine_calls
    assert typed(fast) == typed(sheets._openpyxl_grids(data))


def test_random_workbooks_read_the_same_both_ways():
    rng = random.Random(19)
    values = [
        lambda: rng.randint(-(10**12), 10**12),
        lambda: rng.random() * 1000,
        lambda: f"0{rng.randint(10**8, 10**9)}",
        lambda: naive(
            datetime.date(rng.randint(1930, 2030), rng.randint(1, 12), rng.randint(1, 28))
        ),
        lambda: rng.choice(["", " ", "Thôn Bản Lác", "  Xã  Phú Đình ", True, False]),
    ]
    for _ in range(5):
        book = openpyxl.Workbook()
        for sheet in (book.active, book.create_sheet("Thứ hai")):
            for _ in range(40):
                row, column = rng.randint(1, 60), rng.randint(1, 30)
                sheet.cell(row=row, column=column, value=rng.choice(values)())
            top, left = rng.randint(1, 50), rng.randint(1, 20)
            sheet.merge_cells(
                start_row=top,
                start_column=left,
                end_row=top + rng.randint(0, 5),
                end_column=left + 2,
            )
        out = io.BytesIO()
        book.save(out)
        data = out.getvalue()
        fast = sheets._calamine_grids(data)
        assert fast is not None
        assert typed(fast) == typed(sheets._openpyxl_grids(data))


def test_an_import_reads_through_calamine_with_merges_dates_and_leading_zeros(no_openpyxl):
    table = read_table(xlsx(district_list), "ds.xlsx", fields=FIELDS, required=REQUIRED)
    assert [row.number for row in table.rows] == [6, 7, 9, 13]
    first, second, third = table.rows[:3]
    assert first.values["phone"] == 912345678 and type(first.values["phone"]) is int
    assert first.values["joined"] == datetime.date(2024, 3, 5)
    assert type(first.values["joined"]) is datetime.date
    assert second.values["phone"] == "0987 654 321"
    assert third.cells == [3, "Lý Văn Cường", "0208 3855 123", "Thành viên", 45356, "mới"]

    table = read_table(xlsx(two_row_header), "ds.xlsx", fields=FIELDS, required=REQUIRED)
    assert table.header_row == 3  # found through the merged "Thông tin liên hệ" cell
    assert table.rows[0].values["phone"] == "0912345678"


def test_values_under_a_merged_range_are_dropped_as_excel_and_openpyxl_do(no_openpyxl):
    def build(sheet):
        sheet.append(["Họ tên", "SĐT", "Chức vụ"])
        sheet.append(["An", "0912345678", "Thành viên"])
        sheet.append(["Bình", "0912345679", "left over"])

    merged = patch_sheet(
        xlsx(build),
        lambda xml: xml.replace(
            b"</sheetData>",
            b'</sheetData><mergeCells count="1"><mergeCell ref="C2:C3"/></mergeCells>',
        ),
    )
    table = read_table(merged, "ds.xlsx", fields=FIELDS, required=REQUIRED)
    assert [row.values["role"] for row in table.rows] == ["Thành viên", "Thành viên"]


def stray_far_away(sheet) -> None:
    sheet.append(["Họ tên", "SĐT"])
    sheet.append(["An", "0912345678"])
    sheet["XFD1048576"] = "x"


def test_a_sheet_whose_rectangle_is_absurd_is_never_given_to_calamine(calamine_calls):
    # calamine would allocate 17 billion cells and abort the process.
    data = xlsx(stray_far_away)
    assert not sheets._fits_calamine(data)
    table = read_table(data, "ds.xlsx", fields=FIELDS, required=REQUIRED)
    assert [row.values["phone"] for row in table.rows] == ["0912345678"]
    assert calamine_calls == []


def test_a_sheet_just_within_the_cell_budget_is_read_by_calamine(monkeypatch, calamine_calls):
    monkeypatch.setattr(sheets, "CALAMINE_MAX_CELLS", 2 * 3)
    assert sheets._calamine_grids(xlsx(lambda s: s.append(["Họ tên", "SĐT"]))) is not None
    assert sheets._calamine_grids(xlsx(stray_far_away)) is None
    assert len(calamine_calls) == 1


def test_cells_without_an_address_send_the_workbook_to_openpyxl(calamine_calls):
    data = patch_sheet(xlsx(stray_far_away), lambda xml: re.sub(rb' r="XFD1048576"', b"", xml))
    assert not sheets._fits_calamine(data)
    read_table(data, "ds.xlsx", fields=FIELDS, required=REQUIRED)
    assert calamine_calls == []


def test_an_error_cell_keeps_the_text_openpyxl_gave(calamine_calls):
    def build(sheet):
        sheet.append(["Họ tên", "SĐT"])
        sheet.append(["An", 1])

    data = patch_sheet(
        xlsx(build),
        lambda xml: re.sub(rb'<c r="B2"[^>]*>.*?</c>', b'<c r="B2" t="e"><v>#N/A</v></c>', xml),
    )
    table = read_table(data, "ds.xlsx", fields=FIELDS, required=REQUIRED)
    assert table.rows[0].values["phone"] == "#N/A"  # calamine would give ""
    assert calamine_calls == []


def test_a_number_too_long_for_a_float_keeps_its_digits(calamine_calls):
    def build(sheet):
        sheet.append(["Họ tên", "SĐT"])
        sheet.append(["An", 1])

    data = patch_sheet(  # as another program may write it (Excel keeps 15 digits)
        xlsx(build),
        lambda xml: re.sub(
            rb'<c r="B2"[^>]*>.*?</c>', b'<c r="B2" t="n"><v>12345678901234567890</v></c>', xml
        ),
    )
    table = read_table(data, "ds.xlsx", fields=FIELDS, required=REQUIRED)
    assert calamine_calls  # calamine read it, as a rounded float: openpyxl read it again
    assert table.rows[0].values["phone"] == 12345678901234567890


def test_a_workbook_calamine_cannot_open_is_still_judged_by_openpyxl(monkeypatch):
    def broken(filelike):
        raise python_calamine.CalamineError("boom")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike", broken)
    table = read_table(xlsx(district_list), "ds.xlsx", fields=FIELDS, required=REQUIRED)
    assert len(table.rows) == 4
