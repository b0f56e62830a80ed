"""In a real Chromium: a demo officer signs in and the home page speaks Vietnamese."""

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
    page.get_by_label("Tên đăng nhập hoặc e-mail").fill("dinhhoa")
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(live_server.url + "/")
    assert page.get_by_role("heading", level=1).inner_text() == "Xin chào, Hoàng Văn Thắng"
    assert page.get_by_text("Đã đăng nhập với tên").is_visible()
    # Figures of the district, formatted the Vietnamese way (a dot between thousands).
    body = page.locator("main").inner_text()
    assert "Huyện Định Hóa" in body
    assert re.search(r"\b23\b", body)  # 23 communes in 2023
    page.locator("#main-nav").get_by_text("Thêm").click()  # rarely used items, under "More"
    page.get_by_role("link", name="Đơn vị hành chính", exact=True).first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Huyện Định Hóa"
