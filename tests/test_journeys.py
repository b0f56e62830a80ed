"""Each persona's first hour, in Chromium, against the portal as production runs it (gunicorn,
DEBUG off, its own secrets, the manifest static build; see tests/conftest.py): every journey
starts at the sign-in page, on a phone and on a desktop, and every page it opens is checked
for console errors, CSP violations, missing static files and WCAG 2.1 A/AA violations
(tests/journeys.py). Screenshots land in var/journeys/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.journeys import (
    DESKTOP,
    PHONE,
    Watch,
    check_page,
    new_context,
    no_horizontal_scroll,
    slug,
)

pytestmark = pytest.mark.browser

DEVICES = {"phone": PHONE, "desktop": DESKTOP}


@pytest.fixture(params=sorted(DEVICES))
def device(request) -> str:
    return request.param


@pytest.fixture
def open_page(browser, production_portal):
    """open_page(device) → a fresh browser page and its watch."""
    contexts = []

    def opener(device: str):
        context = new_context(browser, DEVICES[device])
        contexts.append(context)
        page = context.new_page()
        watch = Watch()
        watch.attach(page)
        return page, watch

    yield opener
    for context in contexts:
        context.close()


def sign_in(page, portal, username: str) -> None:
    """Through the sign-in form, with the second factor where the role has one."""
    page.goto(portal.url + "/accounts/login/")
    page.get_by_label("Tên đăng nhập hoặc e-mail").fill(username)
    page.get_by_label("Mật khẩu").fill(portal.password)
    page.get_by_role("button", name="Đăng nhập").click()
    if username == "tinh":
        from accounts.security import totp_now

        page.locator("input[name=code]").fill(totp_now(portal.totp_secret))
        page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state("networkidle")


def menu_items(page, device: str) -> list[tuple[str, str]]:
    """The menu's (label, url), the bar's and those under "More"."""
    links = page.locator("#main-nav a")
    return [
        (links.nth(i).text_content().strip(), links.nth(i).get_attribute("href"))
        for i in range(links.count())
    ]


def follow_menu(page, device: str, label: str) -> None:
    """Click a menu item as the person would: open the phone menu, or "More", first."""
    if device == "phone":
        page.get_by_role("button", name="Danh mục").click()
    link = page.locator("#main-nav").get_by_role("link", name=label, exact=True)
    if not link.is_visible():
        page.locator(".nav-more summary").click()
    link.click()
    page.wait_for_load_state("networkidle")


def test_the_team_leader_reaches_the_visit_form_in_one_tap_after_signing_in(
    open_page, production_portal, device
):
    page, watch = open_page(device)
    sign_in(page, production_portal, "trungkien")
    assert page.url == production_portal.url + "/field/"  # on any screen size
    expect(page.locator("#progress-text")).to_contain_text("Đã thăm")
    check_page(page, watch, f"leader-{device}-1-field")

    page.locator("#list .hh").first.click()  # the one tap
    expect(page.locator("#visit")).to_be_visible()
    expect(page.get_by_role("button", name="Lưu lượt thăm")).to_be_visible()
    check_page(page, watch, f"leader-{device}-2-visit-form")

    # Back to the portal: its home page offers the field work first.
    page.get_by_role("button", name="Hộ gia đình").first.click()
    page.get_by_role("link", name="Cổng").click()
    page.wait_for_load_state("networkidle")
    assert page.locator(".task-main").inner_text().startswith("Thăm hộ gia đình")
    assert no_horizontal_scroll(page)
    check_page(page, watch, f"leader-{device}-3-home")
    assert menu_items(page, device)[0][0] == "Thăm hộ gia đình"


@pytest.mark.parametrize(
    ("username", "area"),
    [("daitu", "Xã Đại Từ"), ("chochu", "Xã Định Hóa"), ("tinh", "Tỉnh Thái Nguyên")],
)
def test_officers_reach_their_computed_dashboard_and_every_page_of_their_menu(
    open_page, production_portal, device, username, area
):
    page, watch = open_page(device)
    sign_in(page, production_portal, username)
    assert page.url == production_portal.url + "/"
    assert no_horizontal_scroll(page)
    check_page(page, watch, f"{username}-{device}-0-home")
    if device == "desktop":  # the bar fits one line
        middles = page.locator(".nav-list > li").evaluate_all(
            "items => items.map((li) => li.getBoundingClientRect())"
            ".map((r) => r.top + r.height / 2)"
        )
        assert max(middles) - min(middles) < 4, middles

    follow_menu(page, device, "Số liệu")
    assert page.get_by_role("heading", level=1).inner_text() == area
    assert "Chưa tính số liệu" not in page.content()
    assert int(page.locator("[data-figure=teams]").inner_text().replace(".", "")) > 0
    if device == "desktop":
        for chart in ("#chart-weeks", "#chart-months", "#chart-apps"):
            assert page.locator(chart).evaluate("c => c.width > 0 && !!Chart.getChart(c)")
    check_page(page, watch, f"{username}-{device}-1-dashboard")

    others = [label for label, _url in menu_items(page, device) if label != "Số liệu"]
    for n, label in enumerate(others, start=2):
        follow_menu(page, device, label)
        assert page.locator("h1").count() >= 1, label
        assert no_horizontal_scroll(page), label
        check_page(page, watch, f"{username}-{device}-{n}-{slug(label)}")


def test_an_officer_of_a_district_the_reform_closed_is_told_what_happened(
    open_page, production_portal, device
):
    page, watch = open_page(device)
    sign_in(page, production_portal, "dinhhoa")
    assert page.url == production_portal.url + "/"
    notice = page.locator("#closed-scope")
    expect(notice).to_contain_text("Huyện Định Hóa")
    expect(notice).to_contain_text("30/06/2025")
    assert no_horizontal_scroll(page)
    check_page(page, watch, f"dinhhoa-{device}-0-home-closed-unit")


def test_refusals_are_the_portals_own_pages(open_page, production_portal, device):
    page, watch = open_page(device)
    sign_in(page, production_portal, "dinhhoa")
    watch.expected_status = {403, 404}
    page.goto(production_portal.url + "/audit/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Không được phép")
    check_page(page, watch, f"refusal-{device}-403")
    page.goto(production_portal.url + "/dashboard/987654321/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Không tìm thấy trang")
    page.get_by_role("link", name="Về trang chủ").click()
    assert page.url == production_portal.url + "/"
    check_page(page, watch, f"refusal-{device}-404-then-home")


def test_a_citizen_finds_their_hamlets_team(open_page, production_portal, device):
    page, watch = open_page(device)
    page.goto(production_portal.url + "/accounts/login/")
    check_page(page, watch, f"citizen-{device}-0-sign-in")
    page.goto(production_portal.url + "/")
    page.get_by_role("link", name="Tra cứu tổ công nghệ số").first.click()
    page.get_by_label("hoặc tên thôn, xóm, tổ dân phố").fill("trung kien")
    page.get_by_role("button", name="Tìm").click()
    card = page.locator(".directory .card", has_text="Tổ dân phố Trung Kiên")
    expect(card).to_contain_text("Tổ trưởng")
    check_page(page, watch, f"citizen-{device}-1-directory")


def test_a_visit_from_the_field_app_shows_on_the_hamlets_dashboard_without_a_button(
    open_page, production_portal
):
    officer, officer_watch = open_page("desktop")
    sign_in(officer, production_portal, "chochu")
    follow_menu(officer, "desktop", "Số liệu")
    officer.get_by_role("link", name="Tổ dân phố Trung Kiên", exact=True).click()
    before = int(officer.locator("[data-figure=visits]").inner_text().replace(".", ""))

    leader, leader_watch = open_page("phone")
    sign_in(leader, production_portal, "trungkien")
    leader.locator("#list .hh").first.click()
    leader.locator("#citizens input").first.check()  # people with an app left come ticked
    leader.get_by_role("button", name="VNeID").click()
    leader.get_by_role("button", name="Định danh mức 2").click()
    leader.get_by_role("button", name="Lưu lượt thăm").click()
    expect(leader.locator("#status")).to_contain_text(re.compile("Đã gửi|Đã lưu"))
    expect(leader.locator("#outbox-badge")).to_be_hidden()
    check_page(leader, leader_watch, "fresh-1-leader-saved")

    officer.reload()  # the officer looks again: nobody pressed "Recompute"
    after = int(officer.locator("[data-figure=visits]").inner_text().replace(".", ""))
    assert after == before + 1
    check_page(officer, officer_watch, "fresh-2-officer-dashboard")
