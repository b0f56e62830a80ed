"""In Chromium: an area officer imports a roster with two bad rows, fixes them from the error
workbook, re-imports, and the roster shows every member exactly once."""

from __future__ import annotations

import io

import openpyxl
import pytest

from conftest import PASSWORD
from teams.models import Team
from tests.workbooks import first_data_row, workbook

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADERS = ["STT", "Xã", "Thôn/Tổ dân phố", "Họ và tên", "Số điện thoại", "Chức vụ"]
ROWS = [
    [1, "Thị trấn Chợ Chu", "Tổ dân phố Trung Kiên", "Lưu Văn Bình", "0912345678", "Tổ trưởng"],
    [2, "Thị trấn Chợ Chu", "Tổ dân phố Trung Kiên", "Nguyễn Thị Hằng", 912345679, "Tổ phó"],
    [3, "Thị trấn Chợ Chu", "Tổ dân phố Trung Kiên", "Hoàng Văn Đức", "0912 000 111", "Thành viên"],
    [4, "Thị trấn Chợ Chu", "Tổ dân phố Trung Kiên", "Ma Thị Lan", "09123", "Thành viên"],
    [5, "Thị trấn Chợ Chu", "Tổ dân phố Trung Kiên", "Đinh Văn Hải", "0388111222", "Trưởng nhóm"],
    [6, "Thị trấn Chợ Chu", "Tổ dân phố Trung Kiên", "Lò Văn Sáng", "0388111333", "Thành viên"],
]


def upload(page, base_url: str, name: str, content: bytes, unit_name: str) -> None:
    page.goto(base_url + "/imports/roster/")
    page.get_by_label("Tệp danh sách").set_input_files(
        {"name": name, "mimeType": "application/octet-stream", "buffer": content}
    )
    page.get_by_label("Địa bàn của danh sách").select_option(label=unit_name)
    page.get_by_role("button", name="Kiểm tra tệp").click()
    page.wait_for_url("**/imports/*/")


def test_officer_fixes_two_bad_rows_through_the_error_workbook(live_server, page, officer_a, tree):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Tên đăng nhập hoặc e-mail").fill(officer_a.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(live_server.url + "/")

    upload(page, live_server.url, "to-cnscd.xlsx", workbook(HEADERS, ROWS), "Huyện Định Hóa")
    errors = page.locator("section.panel-bad")
    assert "2 dòng không nhập được" in errors.inner_text()
    first = first_data_row()
    cells = [c.strip() for c in errors.locator("tbody td").all_inner_texts()]
    assert cells[:3] == [str(first + 3), "Ma Thị Lan", "Số điện thoại"]
    assert cells[4:7] == [str(first + 4), "Đinh Văn Hải", "Chức vụ"]
    page.get_by_role("button", name="Xác nhận nhập").click()
    page.wait_for_load_state()
    assert Team.objects.get(hamlet=tree.hamlet_a).members.count() == 4

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tải các dòng lỗi về để sửa (Excel)").click()
    assert download_info.value.suggested_filename == "to-cnscd-loi.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(download_info.value.path().read_bytes()))
    sheet = book.active
    header = [c.value for c in sheet[1]]
    assert header[-1] == "Lỗi"
    names = [row[3] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == ["Ma Thị Lan", "Đinh Văn Hải"]
    sheet.cell(row=2, column=5, value="0912345600")  # the officer fixes the phone…
    sheet.cell(row=3, column=6, value="Thành viên")  # …and the role
    fixed = io.BytesIO()
    book.save(fixed)

    upload(page, live_server.url, "to-cnscd-loi.xlsx", fixed.getvalue(), "Huyện Định Hóa")
    assert page.locator("section.panel-bad").count() == 0
    page.get_by_role("button", name="Xác nhận nhập").click()
    page.wait_for_load_state()

    # The first file again: everything is already there, nothing new.
    upload(
        page,
        live_server.url,
        "to-cnscd.xlsx",
        workbook(HEADERS, ROWS[:3] + ROWS[5:]),
        "Huyện Định Hóa",
    )
    assert page.get_by_text("Không có gì để nhập").is_visible()

    team = Team.objects.get(hamlet=tree.hamlet_a)
    page.goto(f"{live_server.url}/teams/{team.pk}/")
    roster = page.locator("main table").first.inner_text()
    for name in [
        "Lưu Văn Bình",
        "Nguyễn Thị Hằng",
        "Hoàng Văn Đức",
        "Ma Thị Lan",
        "Đinh Văn Hải",
        "Lò Văn Sáng",
    ]:
        assert roster.count(name) == 1, name
    assert team.members.count() == 6
