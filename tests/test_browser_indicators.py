"""In a real Chromium, from the sign-in page: a commune officer states the commune's adult
population and sees VNeID level 2 as count / adults / %; the province officer hands the
commune a target, which shows as at risk at the recorded pace. Desktop and phone."""

from __future__ import annotations

import datetime
import uuid
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.security import totp_now
from apps_catalog.models import App
from citizens.models import Citizen, Household
from citizens.services import visit_record
from conftest import PASSWORD, TOTP_SECRET, _make_user
from dashboards.rollups import rollup_full
from field.tests.builders import hamlet_with_households
from tests.journeys import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parent.parent / "var" / "journeys"
TODAY = timezone.localdate()


def sign_in(page, base: str, username: str, *, totp: bool = False) -> None:
    page.goto(base + "/accounts/login/")
    page.get_by_label("Tên đăng nhập hoặc e-mail").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    if totp:
        page.locator("input[name=code]").fill(totp_now(TOTP_SECRET))
        page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(base + "/")


def open_figures(page) -> None:
    """From the landing page, through the menu (on a phone, behind its toggle)."""
    toggle = page.locator(".menu-toggle")
    if toggle.is_visible():
        toggle.click()
    page.locator("#main-nav").get_by_role("link", name="Số liệu", exact=True).click()


@pytest.fixture
def helped_commune(tree, leader_a):
    """Commune A: 10 citizens, 4 of them helped to VNeID level 2 (2 this week)."""
    team = hamlet_with_households(
        hamlet=tree.hamlet_a, leader_user=leader_a, households=5, citizens_each=2
    )
    vneid = App.objects.get(slug="vneid")
    level2 = vneid.outcomes.get(code="level-2")
    member = team.members.get(user=leader_a)
    for n, citizen in enumerate(Citizen.objects.order_by("pk")[:4]):
        visit_record(
            user=leader_a,
            client_uuid=uuid.uuid4(),
            household=citizen.household,
            visited_on=TODAY - datetime.timedelta(days=40 if n < 2 else 2),
            members_present=[member],
            assistances=[{"citizen": citizen, "app": vneid, "outcome": level2}],
        )
    rollup_full()
    return tree


@pytest.mark.parametrize(
    "viewport",
    [{"width": 1280, "height": 900}, {"width": 390, "height": 844}],
    ids=["desk", "phone"],
)
def test_population_indicator_and_target_from_sign_in(
    live_server, browser, helped_commune, province_officer, settings, viewport
):
    settings.FIGURES_STALE_AFTER = 0
    tree = helped_commune
    assert Household.objects.count() == 5
    officer = _make_user("xachochu", "area_officer", tree.commune_a, "Ma Thị Hương")
    name = "desk" if viewport["width"] > 800 else "phone"
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []

    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    sign_in(page, live_server.url, officer.username)
    open_figures(page)
    expect(page.locator("h1")).to_have_text(tree.commune_a.name)
    row = page.locator('tr[data-indicator="vneid-level-2"]')
    expect(row).to_contain_text("chưa có mẫu số")
    page.get_by_role("link", name="Mẫu số dân cư").click()
    page.get_by_label("Nguồn").fill("Công an xã, 30/11/2026")
    page.get_by_label("Người trưởng thành (từ 18 tuổi)").fill("1.000")
    page.get_by_label("Dân số").fill("500")  # fewer people than adults: refused, kept
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator(".errors")).to_contain_text("Không thể lớn hơn dân số.")
    expect(page.get_by_label("Người trưởng thành (từ 18 tuổi)")).to_have_value("1.000")
    page.get_by_label("Dân số").fill("1.400")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("#bases")).to_contain_text("1.000")
    problems += axe_violations(page)
    page.get_by_role("link", name=f"← Số liệu của {tree.commune_a.name}").click()
    row = page.locator('tr[data-indicator="vneid-level-2"]')
    expect(row).to_contain_text("4 / 1.000")
    expect(row).to_contain_text("0,40 %")
    problems += axe_violations(page)
    context.close()

    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    sign_in(page, live_server.url, province_officer.username, totp=True)
    open_figures(page)
    page.get_by_role("link", name=tree.district_a.name).first.click()
    page.get_by_role("link", name="Chỉ tiêu giao").first.click()
    page.locator("#id_unit").select_option(label=tree.commune_a.name)
    page.locator("#id_indicator").select_option(
        label="Người trưởng thành có tài khoản định danh điện tử mức 2"
    )
    page.get_by_label("Mục tiêu (%)").fill("80")
    page.get_by_label("Hạn đạt").fill((TODAY + datetime.timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Lưu chỉ tiêu").click()
    expect(page.locator("#targets")).to_contain_text(tree.commune_a.name)
    expect(page.locator("#targets")).to_contain_text("80 %")
    problems += axe_violations(page)
    page.get_by_role("link", name=tree.commune_a.name).first.click()
    row = page.locator('tr[data-indicator="vneid-level-2"]')
    expect(row).to_contain_text("nguy cơ không đạt")
    page.locator("#indicators").screenshot(path=str(SHOTS / f"indicators-at-risk-{name}.png"))
    context.close()
    assert problems == []
