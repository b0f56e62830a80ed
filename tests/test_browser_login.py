"""In a real Chromium: demo officers sign in and the home page speaks Vietnamese; an officer
of a district the 2025 reorganization closed is told what happened to their unit."""

from __future__ import annotations

import re

import pytest

from conftest import seed_demo_world
from demo.builders import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_demo_officer_signs_in_and_sees_the_vietnamese_home_page(live_server, page):
    seed_demo_world()
    page.goto(live_server.url + "/")
    # Chromium asks for English (Accept-Language: en-US); the portal still answers in Vietnamese.
    assert page.locator("html").get_attribute("lang") == "vi"
    page.get_by_role("link", name="Đăng nhập dành cho cán bộ và tổ trưởng").click()
    page.get_by_label("Tên đăng nhập hoặc e-mail").fill("chochu")
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(live_server.url + "/")
    assert page.get_by_role("heading", level=1).inner_text() == "Xin chào, Ma Thị Hương"
    assert page.get_by_text("Đã đăng nhập với tên").is_visible()
    # The figures of today's commune (the account was moved there after the reorganization).
    body = page.locator("main").inner_text()
    assert "Xã Định Hóa" in body
    assert re.search(r"\b284\s+thành viên tổ", body)  # moved to Xã Định Hóa: its figures
    assert page.locator("#closed-scope").count() == 0
    page.locator("#main-nav").get_by_text("Thêm").click()  # rarely used items, under "More"
    page.get_by_role("link", name="Đơn vị hành chính", exact=True).first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Xã Định Hóa"


def test_an_officer_of_a_closed_district_is_told_what_happened(live_server, page):
    seed_demo_world()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Tên đăng nhập hoặc e-mail").fill("dinhhoa")
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(live_server.url + "/")
    notice = page.locator("#closed-scope").inner_text()
    assert "Huyện Định Hóa" in notice and "30/06/2025" in notice
