"""In a real Chromium: a province officer loads the 2025 reform, assigns the hamlets of the
split communes, applies it, and sees the dashboard in the new structure and, as of the day
before, in the old one. The data was recorded under the March 2025 structure (real files)."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from accounts.security import totp_now
from areas.models import AdministrativeUnit, Level
from conftest import PASSWORD, TOTP_SECRET, _make_user, with_totp
from dashboards.models import UnitFigures
from dashboards.rollups import rollup_full
from reorganizations.models import Reorganization
from reorganizations.tests.builders import old_map

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("SHOTS_DIR")  # set it to keep screenshots of the journey


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, name), full_page=True)


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1280, "height": 900}}


def test_a_province_officer_applies_the_2025_reform_and_sees_both_structures(
    live_server, page, reference_data
):
    from accounts.models import User

    recorder = User.objects.create_user(username="ghinhan", password="x", role="admin")
    old_map(reference_data, hamlets_per_commune=1, leader=recorder)
    province = AdministrativeUnit.objects.get(code="19", valid_to__isnull=True)
    officer = with_totp(_make_user("tinh", "province_officer", province, "Nguyễn Thị Hoa"))
    rollup_full()
    bac_kan = AdministrativeUnit.objects.get(code="06", valid_to__isnull=True)
    total_before = sum(  # the new province is the two old ones
        UnitFigures.objects.get(unit=unit).households for unit in (province, bac_kan)
    )
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))

    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Tên đăng nhập hoặc e-mail").fill(officer.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.locator("input[name=code]").fill(totp_now(TOTP_SECRET))
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(live_server.url + "/")

    page.locator("#main-nav").get_by_text("Thêm").click()  # rarely used items, under "More"
    page.get_by_role("link", name="Đơn vị hành chính", exact=True).click()
    page.get_by_role("link", name="Sắp xếp địa giới hành chính").click()
    page.get_by_label("Tên").fill("Sắp xếp đơn vị hành chính 2025")
    page.get_by_label("Có hiệu lực từ").fill("01/07/2025")
    page.get_by_label("Danh mục đơn vị mới (CSV)").set_input_files(
        str(reference_data / "thai_nguyen_units_2025.csv")
    )
    page.get_by_label("Bảng chuyển đổi xã cũ → xã mới (CSV)").set_input_files(
        str(reference_data / "thai_nguyen_commune_mapping_2025.csv")
    )
    page.get_by_role("button", name="Kiểm tra tệp").click()

    # The preview: counts, and the three split communes' hamlets held back.
    counts = page.locator("#counts")
    expect(counts).to_contain_text("90")
    expect(counts).to_contain_text("17")
    rows = page.locator("#work-list tbody tr")
    expect(rows).to_have_count(3)
    expect(page.get_by_role("button", name="Áp dụng…")).to_be_disabled()
    shot(page, "reform-preview.png")
    assert AdministrativeUnit.objects.current().filter(level=Level.DISTRICT).count() == 17

    for row in rows.all():
        row.locator("select").select_option(index=1)
        expect(row.locator("select")).not_to_have_value("")
    with page.expect_navigation():
        page.get_by_role("button", name="Lưu việc phân thôn").click()
    expect(page.locator(".messages")).to_contain_text("Đã phân 3 thôn")
    reorganization = Reorganization.objects.get()
    assert not reorganization.assignments.filter(new_commune_code="").exists()
    page.get_by_role("link", name="Áp dụng…").click()
    shot(page, "reform-confirm.png")
    page.get_by_role("button", name="Áp dụng ngay").click()
    expect(page.get_by_text("Cơ cấu mới có hiệu lực từ ngày 01/07/2025")).to_be_visible()
    assert Reorganization.objects.get().is_applied
    assert AdministrativeUnit.objects.current().filter(level=Level.COMMUNE).count() == 92

    # Today's structure: the province of 92 communes, the former districts listed as such.
    page.get_by_role("link", name="Số liệu theo cơ cấu hiện nay").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tỉnh Thái Nguyên")
    expect(page.get_by_role("link", name="Phường Phan Đình Phùng", exact=True)).to_be_visible()
    expect(page.locator("#former-units")).to_contain_text("Huyện Định Hóa")
    assert UnitFigures.objects.get(unit=province).households == total_before
    shot(page, "reform-after.png")

    # As of the day before: the nine districts of Thái Nguyên, as they were.
    page.go_back()
    page.get_by_role("link", name="Số liệu theo cơ cấu trước đó").click()
    expect(page.locator("#as-of-notice")).to_contain_text("30/06/2025")
    expect(page.get_by_role("link", name="Huyện Định Hóa", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Phường Phan Đình Phùng", exact=True)).to_have_count(0)
    shot(page, "reform-before.png")
    assert problems == []
