"""In Chromium, on a desktop: an area officer uploads the roster an office really sent (title
rows, a header merged over two rows, a misspelt hamlet, a new team leader), reads the preview
(the hamlet it meant, the leader change), downloads the rows to fix, corrects the hamlet in
the file, uploads it again, confirms, and finds the new leader on the team's page."""

from __future__ import annotations

import io

import openpyxl
import pytest

from conftest import PASSWORD
from teams import services
from teams.models import MemberRole, Team
from tests.journeys import DESKTOP, SHOTS, Watch, check_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHO_CHU, TRUNG_KIEN, MISSPELT = (
    "Thị trấn Chợ Chu",
    "Tổ dân phố Trung Kiên",
    "Tổ dân phố Trung Kiêng",
)


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, **DESKTOP, "locale": "vi-VN"}


def office_roster(misspelt_row_hamlet: str) -> openpyxl.Workbook:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["UBND THỊ TRẤN CHỢ CHU"])
    sheet.append(["DANH SÁCH TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG (KIỆN TOÀN NĂM 2026)"])
    for row in (1, 2):
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=7)
    sheet.append([])
    sheet.append(["STT", "Xã", "Thôn/Tổ dân phố", "Họ và tên", "Thông tin liên hệ", "", "Chức vụ"])
    sheet.append(["", "", "", "", "Điện thoại", "Ghi chú", ""])
    for column in (1, 2, 3, 4, 7):
        sheet.merge_cells(start_row=4, start_column=column, end_row=5, end_column=column)
    sheet.merge_cells(start_row=4, start_column=5, end_row=4, end_column=6)
    sheet.append([1, CHO_CHU, TRUNG_KIEN, "Hoàng Văn Đức", "0912000111", "mới", "Tổ trưởng"])
    sheet.append([2, CHO_CHU, TRUNG_KIEN, "Lưu Văn Bình", "0912345678", "", "Thành viên"])
    sheet.append([3, CHO_CHU, misspelt_row_hamlet, "Ma Thị Lan", "0912345679", "", "Thành viên"])
    sheet.append([])
    sheet.append(["", "", "", "NGƯỜI LẬP BIỂU", "", "CHỦ TỊCH UBND"])
    return book


def as_bytes(book: openpyxl.Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(page, base_url: str, name: str, content: bytes) -> None:
    page.goto(base_url + "/imports/roster/")
    page.get_by_label("Tệp danh sách").set_input_files(
        {"name": name, "mimeType": "application/octet-stream", "buffer": content}
    )
    page.get_by_label("Địa bàn của danh sách").select_option(label="Huyện Định Hóa")
    page.get_by_role("button", name="Kiểm tra tệp").click()
    page.wait_for_url("**/imports/*/")


def test_an_officer_imports_an_office_roster_fixes_the_hamlet_and_changes_the_leader(
    live_server, page, officer_a, tree
):
    team = services.team_create(hamlet=tree.hamlet_a)
    services.member_add(team=team, name="Lưu Văn Bình", phone="0912345678", role="leader")
    watch = Watch()
    watch.attach(page)

    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Tên đăng nhập hoặc e-mail").fill(officer_a.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(live_server.url + "/")

    book = office_roster(MISSPELT)
    upload(page, live_server.url, "kien-toan-to.xlsx", as_bytes(book))
    errors = page.locator("section.panel-bad")
    # One bad row only: the two-row header was read as a header, not as data.
    cells = [c.strip() for c in errors.locator("tbody td").all_inner_texts()]
    assert cells[:3] == ["8", "Ma Thị Lan", "Thôn/Tổ dân phố"]
    assert MISSPELT in cells[3] and f"“{TRUNG_KIEN}”" in cells[3]  # did you mean …
    notes = page.locator(".panel-notes").inner_text()
    assert "Hoàng Văn Đức" in notes and "Lưu Văn Bình" in notes  # the leader change
    assert "Ghi chú" in page.locator(".panel-unused").inner_text()  # a column not read
    check_page(page, watch, "import-roster-preview-misspelt-hamlet")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tải các dòng lỗi về để sửa (Excel)").click()
    rows = list(
        openpyxl.load_workbook(
            io.BytesIO(download_info.value.path().read_bytes())
        ).active.iter_rows(values_only=True)
    )
    assert rows[1][3] == "Ma Thị Lan" and MISSPELT in rows[1][-1]

    book.active.cell(row=8, column=3, value=TRUNG_KIEN)  # the officer corrects the hamlet
    upload(page, live_server.url, "kien-toan-to.xlsx", as_bytes(book))
    assert page.locator("section.panel-bad").count() == 0
    page.get_by_role("button", name="Xác nhận nhập").click()
    page.wait_for_load_state()
    stats = page.locator(".stats").inner_text()
    banner = page.locator(".message-success").first.inner_text()
    assert "2" in stats and "2" in banner  # two added (Hoàng Văn Đức, Ma Thị Lan)
    check_page(page, watch, "import-roster-result")

    team = Team.objects.get(hamlet=tree.hamlet_a)
    roles = dict(team.members.current().values_list("name", "role"))
    assert roles == {
        "Hoàng Văn Đức": MemberRole.LEADER,
        "Lưu Văn Bình": MemberRole.MEMBER,
        "Ma Thị Lan": MemberRole.MEMBER,
    }
    page.goto(f"{live_server.url}/teams/{team.pk}/")
    leader_row = page.locator("main table").first.locator("tr", has_text="Hoàng Văn Đức")
    assert "Tổ trưởng" in leader_row.inner_text()
    # The role history: the former leader led until the change, the new one since.
    history = page.locator("table.role-history")
    former = history.locator("tr", has_text="Lưu Văn Bình").filter(has_text="Tổ trưởng")
    assert former.count() == 1 and "nay" not in former.inner_text()
    current = history.locator("tr", has_text="Hoàng Văn Đức").filter(has_text="Tổ trưởng")
    assert "nay" in current.inner_text()
    check_page(page, watch, "import-roster-team-page")
    assert (SHOTS / "import-roster-result.png").exists()
