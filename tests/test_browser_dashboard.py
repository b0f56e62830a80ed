"""In a real Chromium: the province officer drills down from the province to a hamlet's
households; a commune officer sees only their commune."""

from __future__ import annotations

import re

import pytest

from citizens.models import Household
from conftest import seed_demo_world
from demo.builders import DEMO_PASSWORD, DEMO_TOTP_USERS, TRUNG_KIEN, demo_totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, username: str) -> None:
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Tên đăng nhập hoặc e-mail").fill(username)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    if username in DEMO_TOTP_USERS:  # the second factor, as a real province officer
        page.locator("input[name=code]").fill(demo_totp_code())
        page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(live_server.url + "/")


def test_the_province_officer_drills_down_to_a_hamlets_records(live_server, page):
    seed_demo_world()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))

    sign_in(page, live_server, "tinh")
    page.get_by_role("link", name="Số liệu", exact=True).click()
    assert page.get_by_role("heading", level=1).inner_text() == "Tỉnh Thái Nguyên"
    headline = page.locator(".stats-headline").inner_text()
    assert "3.275" in headline and "10.375" in headline  # former Thái Nguyên and Bắc Kạn
    # The charts were drawn (the vendored library ran under the strict CSP).
    for chart in ("#chart-weeks", "#chart-months", "#chart-apps"):
        assert page.locator(chart).evaluate("c => c.width > 0 && !!Chart.getChart(c)")
    assert page.get_by_role("heading", name="Các chỉ tiêu chính thức").is_visible()

    page.get_by_role("link", name="Xã Định Hóa", exact=True).first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Xã Định Hóa"
    page.get_by_role("link", name=TRUNG_KIEN, exact=True).first.click()
    assert page.get_by_role("heading", level=1).inner_text() == TRUNG_KIEN
    breadcrumbs = page.locator(".breadcrumbs").inner_text()
    assert "Tỉnh Thái Nguyên" in breadcrumbs and "Xã Định Hóa" in breadcrumbs
    recorded = Household.objects.filter(hamlet__name=TRUNG_KIEN).count()
    assert f"trên {recorded} hộ đã ghi" in page.locator(".stats-headline").inner_text()

    page.get_by_role("link", name="Xem các hộ được tính trong số liệu này").click()
    assert re.search(rf"\b{recorded} hộ\b", page.locator(".count").inner_text())
    assert problems == []


def test_a_commune_officer_sees_only_their_commune(live_server, page):
    seed_demo_world()
    from areas.models import AdministrativeUnit

    province = AdministrativeUnit.objects.current().get(level="province")
    dinh_hoa = AdministrativeUnit.objects.current().get(code="05569")

    sign_in(page, live_server, "daitu")
    page.get_by_role("link", name="Số liệu", exact=True).click()
    assert page.get_by_role("heading", level=1).inner_text() == "Xã Đại Từ"
    assert "Tỉnh Thái Nguyên" not in page.locator("main").inner_text()
    for unit in (province, dinh_hoa):
        response = page.goto(f"{live_server.url}/dashboard/{unit.pk}/")
        assert response.status == 404
