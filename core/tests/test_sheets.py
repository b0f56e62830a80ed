from __future__ import annotations

import datetime
import io
import random
import unicodedata
import zipfile

import openpyxl
import pytest
from django.utils import translation

from core import sheets
from core.sheets import SheetError, cell_text, parse_date, parse_int, read_table

FIELDS = {
    "name": ["Họ và tên", "Họ tên", "Tên"],
    "phone": ["Số điện thoại", "SĐT", "Số ĐT", "Điện thoại", "ĐT"],
    "role": ["Chức vụ", "Vai trò"],
    "email": ["Email", "Thư điện tử"],
    "joined": ["Ngày tham gia", "Ngày vào tổ"],
}
REQUIRED = {"name", "phone"}


@pytest.fixture(autouse=True)
def english():
    # Messages are asserted in their English source form, whatever the .po files say later.
    with translation.override("en"):
        yield


def xlsx(build) -> bytes:
    """An .xlsx made by ``build(sheet)`` on the first worksheet."""
    workbook = openpyxl.Workbook()
    build(workbook.active)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def district_list(sheet) -> None:
    """A list as Định Hóa sends it: 4 title rows (merged), header on row 5, a footer."""
    sheet["A1"] = "UBND HUYỆN ĐỊNH HÓA"
    sheet.merge_cells("A1:C1")
    sheet["D1"] = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    sheet.merge_cells("D1:F1")
    sheet["A3"] = "DANH SÁCH THÀNH VIÊN TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG XÃ PHÚ ĐÌNH"
    sheet.merge_cells("A3:F3")
    sheet["A5"], sheet["B5"], sheet["C5"] = "STT", "Họ tên", "Số ĐT:"
    sheet["D5"], sheet["E5"], sheet["F5"] = "Vai trò", "Ngày vào tổ", "Ghi chú"
    rows = [
        (
            1,
            unicodedata.normalize("NFD", "Nguyễn Văn An"),
            912345678,
            "Tổ trưởng",
            datetime.datetime.combine(datetime.date(2024, 3, 5), datetime.time()),  # Excel: naive
            None,
        ),
        (2, "  Hoàng   Thị Bình ", "0987 654 321", "Thành viên", "05/03/2024", None),
        (None, None, None, None, None, None),
        (3, "Lý Văn Cường", "0208 3855 123", "Thành viên", 45356, "mới"),
        (4, None, None, None, None, None),  # a numbered template row nobody filled
    ]
    for offset, values in enumerate(rows):
        for column, value in enumerate(values, start=1):
            if value is not None:
                sheet.cell(row=6 + offset, column=column, value=value)
    sheet["D13"] = "Người lập biểu"


def test_title_rows_are_skipped_and_row_numbers_are_those_excel_shows():
    table = read_table(xlsx(district_list), "ds.xlsx", fields=FIELDS, required=REQUIRED)
    assert table.header_row == 5
    assert [row.number for row in table.rows] == [6, 7, 9, 13]
    assert table.columns == {"name": 1, "phone": 2, "role": 3, "joined": 4}


def test_header_synonyms_and_punctuation_are_recognised():
    table = read_table(xlsx(district_list), "ds.xlsx", fields=FIELDS, required=REQUIRED)
    assert table.headers == ["STT", "Họ tên", "Số ĐT:", "Vai trò", "Ngày vào tổ", "Ghi chú"]
    assert "stt" not in table.columns


def test_a_name_in_decomposed_unicode_comes_back_composed_and_trimmed():
    table = read_table(xlsx(district_list), "ds.xlsx", fields=FIELDS, required=REQUIRED)
    first, second = table.rows[0].values["name"], table.rows[1].values["name"]
    assert first == "Nguyễn Văn An"
    assert unicodedata.is_normalized("NFC", first)
    assert second == "Hoàng Thị Bình"


def test_a_phone_stored_as_a_number_stays_a_number_for_the_importer():
    table = read_table(xlsx(district_list), "ds.xlsx", fields=FIELDS, required=REQUIRED)
    phone = table.rows[0].values["phone"]
    assert phone == 912345678
    assert cell_text(phone) == "912345678"


def test_dates_as_excel_dates_text_and_serial_numbers_all_parse():
    table = read_table(xlsx(district_list), "ds.xlsx", fields=FIELDS, required=REQUIRED)
    joined = [row.values["joined"] for row in table.rows[:3]]
    assert joined[0] == datetime.date(2024, 3, 5)  # a real Excel date comes back as a date
    assert joined[1] == "05/03/2024"
    assert [parse_date(value) for value in joined] == [datetime.date(2024, 3, 5)] * 3


def test_blank_and_unfilled_numbered_rows_are_skipped_but_footers_are_kept():
    table = read_table(xlsx(district_list), "ds.xlsx", fields=FIELDS, required=REQUIRED)
    footer = table.rows[-1]
    assert footer.values == {"name": "", "phone": "", "role": "Người lập biểu", "joined": ""}


def test_cells_keep_every_column_of_the_row_for_the_error_workbook():
    table = read_table(xlsx(district_list), "ds.xlsx", fields=FIELDS, required=REQUIRED)
    assert table.rows[2].cells == [3, "Lý Văn Cường", "0208 3855 123", "Thành viên", 45356, "mới"]
    assert len(table.rows[0].cells) == len(table.headers)


def two_row_header(sheet) -> None:
    sheet["A1"] = "DANH SÁCH THÀNH VIÊN TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG"
    sheet.merge_cells("A1:E1")
    sheet["A2"], sheet["B2"] = "STT", "Họ và tên"
    sheet.merge_cells("A2:A3")
    sheet["C2"] = "Thông tin liên hệ"
    sheet.merge_cells("C2:D2")
    sheet["E2"] = "Chức vụ"  # not merged down: the sub-header row is empty below it
    sheet["C3"], sheet["D3"] = "SĐT", "Email"
    sheet.append([1, "Trần Văn Dũng", "0912345678", "dung@example.vn", "Tổ phó"])
    sheet.append([2, "Phạm Thị Em", "0387654321", "", "Thành viên"])


def test_a_two_row_header_under_a_merged_group_cell_is_read():
    table = read_table(xlsx(two_row_header), "ds.xlsx", fields=FIELDS, required=REQUIRED)
    assert table.header_row == 3
    assert table.columns == {"name": 1, "phone": 2, "email": 3, "role": 4}
    assert table.headers == ["STT", "Họ và tên", "SĐT", "Email", "Chức vụ"]
    assert [row.number for row in table.rows] == [4, 5]
    assert table.rows[0].values == {
        "name": "Trần Văn Dũng",
        "phone": "0912345678",
        "email": "dung@example.vn",
        "role": "Tổ phó",
    }
    assert table.rows[1].values["email"] == ""


def test_merged_cells_in_the_data_area_repeat_their_value_on_each_row():
    def build(sheet):
        sheet.append(["Họ tên", "SĐT", "Chức vụ"])
        sheet.append(["An", "0912345678", "Thành viên"])
        sheet.append(["Bình", "0912345679"])
        sheet.merge_cells("C2:C3")

    table = read_table(xlsx(build), "ds.xlsx", fields=FIELDS, required=REQUIRED)
    assert [row.values["role"] for row in table.rows] == ["Thành viên", "Thành viên"]


def test_a_missing_required_column_is_named_in_the_error():
    def build(sheet):
        sheet.append(["STT", "Họ và tên", "Chức vụ"])
        sheet.append([1, "An", "Thành viên"])

    with pytest.raises(SheetError) as caught:
        read_table(xlsx(build), "ds.xlsx", fields=FIELDS, required=REQUIRED)
    assert "“Số điện thoại”" in str(caught.value)
    assert "“Họ và tên”" not in str(caught.value)


def test_the_first_worksheet_with_a_header_is_used():
    workbook = openpyxl.Workbook()
    workbook.active.title = "Hướng dẫn"
    workbook.active["A1"] = "Điền danh sách vào trang sau"
    data_sheet = workbook.create_sheet("Danh sách")
    data_sheet.append(["Họ tên", "SĐT"])
    data_sheet.append(["An", "0912345678"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = read_table(buffer.getvalue(), "ds.xlsx", fields=FIELDS, required=REQUIRED)
    assert [row.values["name"] for row in table.rows] == ["An"]


def test_a_stray_value_far_away_does_not_blow_up_reading():
    def build(sheet):
        sheet.append(["Họ tên", "SĐT"])
        sheet.append(["An", "0912345678"])
        sheet["XFD1048576"] = "x"
        sheet["B1048000"] = "0912345679"

    table = read_table(xlsx(build), "ds.xlsx", fields=FIELDS, required=REQUIRED)
    assert [row.number for row in table.rows] == [2, 1048000]


def test_too_many_rows_are_refused():
    def build(sheet):
        sheet.append(["Họ tên", "SĐT"])
        for i in range(6):
            sheet.append([f"Người {i}", "0912345678"])

    data = xlsx(build)
    assert len(read_table(data, "ds.xlsx", fields=FIELDS, required=REQUIRED, max_rows=6).rows) == 6
    with pytest.raises(SheetError, match="more than 5 rows"):
        read_table(data, "ds.xlsx", fields=FIELDS, required=REQUIRED, max_rows=5)


def test_an_empty_file_is_refused():
    with pytest.raises(SheetError, match="The file is empty."):
        read_table(b"", "ds.xlsx", fields=FIELDS, required=REQUIRED)


def test_a_file_over_the_size_limit_is_refused_with_both_sizes():
    data = b"Ho ten,SDT\n" * 200_000
    with pytest.raises(SheetError) as caught:
        read_table(data, "ds.csv", fields=FIELDS, required=REQUIRED, max_bytes=1024 * 1024)
    assert str(caught.value) == "The file is too large (2.1 MB); the limit is 1.0 MB."


def test_an_old_excel_97_file_is_refused_with_how_to_convert_it():
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024)
    with pytest.raises(SheetError, match=r"old Excel 97–2003 file \(\.xls\)"):
        read_table(data, "ds.xls", fields=FIELDS, required=REQUIRED)


def test_a_renamed_word_document_is_not_a_valid_xlsx():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(SheetError, match=r"not a valid Excel \(\.xlsx\) file"):
        read_table(buffer.getvalue(), "ds.xlsx", fields=FIELDS, required=REQUIRED)


def test_a_damaged_xlsx_is_not_a_valid_xlsx():
    data = xlsx(district_list)
    with pytest.raises(SheetError, match=r"not a valid Excel \(\.xlsx\) file"):
        read_table(data[: len(data) // 2], "ds.xlsx", fields=FIELDS, required=REQUIRED)


def test_a_file_expanding_beyond_the_unzipped_limit_is_not_opened(monkeypatch):
    monkeypatch.setattr(sheets, "MAX_UNZIPPED_BYTES", 2 * 1024 * 1024)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/media/image1.png", random.Random(0).randbytes(3 * 1024 * 1024))
    with pytest.raises(SheetError, match="damaged or malicious"):
        read_table(buffer.getvalue(), "ds.xlsx", fields=FIELDS, required=REQUIRED)


def test_a_zip_bomb_is_not_opened():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (150 * 1024 * 1024))
    assert len(buffer.getvalue()) < 1024 * 1024
    with pytest.raises(SheetError, match="damaged or malicious"):
        read_table(buffer.getvalue(), "ds.xlsx", fields=FIELDS, required=REQUIRED)


def test_a_single_member_compressed_too_well_is_not_opened():
    # Under the total limit, but 5 MB of spaces squeezed into a few KB is no spreadsheet.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/sharedStrings.xml", b" " * (5 * 1024 * 1024))
    with pytest.raises(SheetError, match="damaged or malicious"):
        read_table(buffer.getvalue(), "ds.xlsx", fields=FIELDS, required=REQUIRED)


def test_a_pdf_or_random_bytes_are_unsupported():
    junk = random.Random(0).randbytes(2048)
    for data, name in [(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + junk, "ds.xlsx"), (junk, "ds.bin")]:
        with pytest.raises(SheetError, match="Unsupported file"):
            read_table(data, name, fields=FIELDS, required=REQUIRED)


def test_a_csv_with_semicolons_and_a_utf8_bom_is_read():
    text = (
        "DANH SÁCH THÀNH VIÊN;;\n"
        "STT;Họ và tên;Điện thoại;Ngày tham gia\n"
        "1;Nguyễn Văn An;0912 345 678;05/03/2024\n"
        ";;;\n"
        "2;Đinh Thị Hoa, tổ trưởng;912345678;1/7/2025\n"
    )
    data = "\ufeff".encode() + unicodedata.normalize("NFD", text).encode()
    table = read_table(data, "danh-sach.CSV", fields=FIELDS, required=REQUIRED)
    assert table.header_row == 2
    assert [row.number for row in table.rows] == [3, 5]
    assert table.rows[1].values == {
        "name": "Đinh Thị Hoa, tổ trưởng",
        "phone": "912345678",
        "joined": "1/7/2025",
    }
    assert parse_date(table.rows[1].values["joined"]) == datetime.date(2025, 7, 1)


def test_csv_row_numbers_are_line_numbers_even_with_line_breaks_in_cells():
    data = 'Họ tên,SĐT,Chức vụ\n"An",0912345678,"Tổ trưởng\nkiêm thư ký"\nBình,0912345679,\n'
    table = read_table(data.encode(), "ds.csv", fields=FIELDS, required=REQUIRED)
    assert [row.number for row in table.rows] == [2, 4]
    assert table.rows[0].values["role"] == "Tổ trưởng kiêm thư ký"


def test_a_tab_separated_utf16_file_from_excel_is_read():
    data = "Họ tên\tSĐT\nAn\t0912345678\n".encode("utf-16")
    table = read_table(data, "ds.txt", fields=FIELDS, required=REQUIRED)
    assert table.rows[0].values == {"name": "An", "phone": "0912345678"}


@pytest.mark.parametrize("encoding", ["cp1258", "latin-1"])
def test_a_csv_not_in_utf8_is_refused_with_how_to_save_it(encoding):
    # cp1258 (Windows Vietnamese) has "ê", "ă", "Đ" as single bytes and tones as combining marks.
    data = "Ho\u0323 tên;SĐT\nĐinh Văn Nam;0912345678\n" if encoding == "cp1258" else "Nom;Tél\n"
    with pytest.raises(SheetError) as caught:
        read_table(data.encode(encoding), "ds.csv", fields=FIELDS, required=REQUIRED)
    assert str(caught.value) == (
        "The CSV file is not UTF-8 text. In Excel choose “CSV UTF-8” when saving."
    )


def test_a_csv_over_the_row_limit_is_refused():
    data = "Họ tên,SĐT\n" + "An,0912345678\n" * 11
    with pytest.raises(SheetError, match="more than 10 rows"):
        read_table(data.encode(), "ds.csv", fields=FIELDS, required=REQUIRED, max_rows=10)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        ("", ""),
        (912345678, "912345678"),
        (912345678.0, "912345678"),
        (2.5, "2.5"),
        (datetime.date(2026, 11, 28), "28/11/2026"),
        (" Hoàng  Văn\nNam ", "Hoàng Văn Nam"),
    ],
)
def test_cell_text_gives_what_excel_shows(value, expected):
    assert cell_text(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "28/11/2026",
        "28-11-2026",
        "28.11.2026",
        "2026-11-28",
        " 28/11/2026 00:00:00 ",
        46354,
        46354.0,
        datetime.datetime.combine(datetime.date(2026, 11, 28), datetime.time(8, 30)),
        datetime.date(2026, 11, 28),
    ],
)
def test_dates_parse_day_first_in_every_common_form(value):
    assert parse_date(value) == datetime.date(2026, 11, 28)


def test_a_short_date_is_read_day_first():
    assert parse_date("1/7/2025") == datetime.date(2025, 7, 1)


@pytest.mark.parametrize("value", [None, "", "  "])
def test_a_blank_date_is_none(value):
    assert parse_date(value) is None


@pytest.mark.parametrize("value", ["31/02/2026", "28/11/26", "tháng 11", "28/11-2026", 0, 90000])
def test_text_that_is_not_a_date_is_refused_with_the_expected_format(value):
    with pytest.raises(ValueError, match=r"is not a date \(dd/mm/yyyy\)"):
        parse_date(value)


@pytest.mark.parametrize(("value", "expected"), [("3", 3), (3, 3), (3.0, 3), (" 12 ", 12)])
def test_whole_numbers_parse(value, expected):
    assert parse_int(value) == expected


def test_a_blank_number_is_none():
    assert parse_int("") is None


@pytest.mark.parametrize("value", ["3 người", 2.5, "ba"])
def test_text_that_is_not_a_whole_number_is_refused(value):
    with pytest.raises(ValueError, match="is not a whole number"):
        parse_int(value)


def test_headers_with_a_few_extra_words_still_match_their_field():
    import io as _io

    import openpyxl as _openpyxl

    book = _openpyxl.Workbook()
    sheet = book.active
    sheet.append(
        ["STT", "Họ và tên thành viên tổ", "Số điện thoại liên hệ", "Năm sinh (dd/mm/yyyy)"]
    )
    sheet.append([1, "Nguyễn Văn An", "0912345678", "1990"])
    out = _io.BytesIO()
    book.save(out)
    table = read_table(
        out.getvalue(),
        "ds.xlsx",
        fields={"name": ["Họ và tên"], "phone": ["Số điện thoại"], "birth": ["Năm sinh"]},
        required={"name", "phone", "birth"},
    )
    assert table.columns == {"name": 1, "phone": 2, "birth": 3}
    assert table.rows[0].values["phone"] == "0912345678"


def test_an_exact_synonym_wins_over_a_longer_wording_of_another_field():
    import io as _io

    import openpyxl as _openpyxl

    book = _openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Chủ hộ", "Số điện thoại", "Số điện thoại thông minh"])
    sheet.append(["Nguyễn Văn An", "0912345678", 2])
    out = _io.BytesIO()
    book.save(out)
    table = read_table(
        out.getvalue(),
        "ds.xlsx",
        fields={
            "head": ["Chủ hộ"],
            "phone": ["Số điện thoại"],
            "smartphones": ["Số điện thoại thông minh"],
        },
        required={"head"},
    )
    assert table.columns == {"head": 0, "phone": 1, "smartphones": 2}
