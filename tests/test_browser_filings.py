"""The month's report, in Chromium, against the portal as production runs it (tests/conftest.py):
a commune officer fills in and submits the report from the menu; the province officer finds it
among the communes' submissions and returns it with a comment; the commune sees the comment and
submits again; the province approves. Every page is checked (console, CSP, static files, axe
WCAG 2.1 A/AA: tests/journeys.py); screenshots, the filed PDF's first page included, land in
var/journeys/filings/.

The commune is the one of the officer's own account (read from the page the menu opens), not a
name written here: the demo's map changes (the 2025 merged province) without this test."""

from __future__ import annotations

import re
import shutil
import subprocess
import time

import pytest
from playwright.sync_api import expect

from tests.journeys import SHOTS, Watch, check_page, new_context, no_horizontal_scroll
from tests.test_journeys import sign_in as sign_in_once

pytestmark = pytest.mark.browser

DESKTOP = {"viewport": {"width": 1280, "height": 900}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
FILED = SHOTS / "filings"
MONTH_PAGE = re.compile(r"/reports/filed/(\d+)/(\d{4}-\d{2})/$")


@pytest.fixture
def open_page(browser):
    contexts = []

    def opener(device: dict):
        context = new_context(browser, device)
        contexts.append(context)
        page = context.new_page()
        watch = Watch()
        watch.attach(page)
        return page, watch

    yield opener
    for context in contexts:
        context.close()


def sign_in(page, portal, username: str) -> None:
    """Through the sign-in form. A second factor's code is accepted once: when the previous
    journey used this window's code, the province officer types the next one, as a person
    would after "incorrect code"."""
    sign_in_once(page, portal, username)
    if page.locator("input[name=code]").count():
        from accounts.security import totp_now

        time.sleep(31 - time.time() % 30)
        page.locator("input[name=code]").fill(totp_now(portal.totp_secret))
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_load_state("networkidle")
    assert page.locator("#main-nav").count(), page.url


def open_from_menu(page, href: str, phone: bool = False) -> None:
    """Click the menu item leading to ``href`` as a person would: the phone's menu button
    first, then "More" when the item is kept there."""
    if phone:
        page.locator(".menu-toggle").click()
    link = page.locator(f'#main-nav a[href="{href}"]')
    if not link.is_visible():
        page.locator(".nav-more summary").click()
    link.click()
    page.wait_for_load_state("networkidle")


def shot(page, watch, name: str) -> None:
    check_page(page, watch, f"filings/{name}")
    page.screenshot(path=str(FILED / f"{name}-full.png"), full_page=True)
    assert no_horizontal_scroll(page), name


def submit_the_report(page, watch, name: str) -> None:
    page.locator("button[name=action][value=submit]").click()
    expect(page).to_have_url(re.compile(r"/submit/$"))
    shot(page, watch, f"{name}-confirm")
    page.locator("main form[method=post] button[type=submit]").click()
    expect(page).to_have_url(MONTH_PAGE)
    expect(page.locator(".page-head .badge.filing-submitted")).to_be_visible()


def test_the_commune_and_the_province_see_the_months_report_on_a_phone(
    open_page, production_portal
):
    FILED.mkdir(parents=True, exist_ok=True)
    officer, watch = open_page(PHONE)
    sign_in(officer, production_portal, "chochu")
    open_from_menu(officer, "/reports/filed/", phone=True)
    expect(officer).to_have_url(MONTH_PAGE)
    expect(officer.locator("#id_addressee")).to_have_value(
        "Sở Khoa học và Công nghệ tỉnh Thái Nguyên"
    )
    expect(officer.locator(".filing-doc")).to_contain_text("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    shot(officer, watch, "phone-commune-report")

    province, watch = open_page(PHONE)
    sign_in(province, production_portal, "tinh")
    open_from_menu(province, "/reports/filed/communes/", phone=True)
    expect(province.locator("[data-count=none]")).not_to_have_text("0")
    shot(province, watch, "phone-submissions")


def test_a_report_is_submitted_returned_resubmitted_and_approved(open_page, production_portal):
    FILED.mkdir(parents=True, exist_ok=True)
    officer, officer_watch = open_page(DESKTOP)
    sign_in(officer, production_portal, "chochu")
    open_from_menu(officer, "/reports/filed/")
    expect(officer).to_have_url(MONTH_PAGE)
    commune = MONTH_PAGE.search(officer.url).group(1)  # the officer's own commune
    issuer = officer.locator(".filing-doc-head strong").first.inner_text()
    assert issuer.startswith("UBND ")
    officer.locator("#id_number").fill("15/BC-UBND")
    officer.locator("#id_difficulties").fill("Sóng di động yếu ở các xóm vùng cao.")
    officer.locator("#id_signer_name").fill("Hoàng Văn Minh")
    shot(officer, officer_watch, "desktop-commune-report")
    submit_the_report(officer, officer_watch, "desktop-commune")
    shot(officer, officer_watch, "desktop-commune-submitted")

    # The province: which communes have filed; this one has, and goes back with a comment.
    province, province_watch = open_page(DESKTOP)
    sign_in(province, production_portal, "tinh")
    open_from_menu(province, "/reports/filed/communes/")
    expect(province.locator("[data-count=submitted]")).to_have_text("1")
    province.locator("[data-count=submitted]").click()  # the filter: submitted only
    province.wait_for_load_state("networkidle")
    review = province.locator(f'a[href="/reports/filed/{filing_id(province, commune)}/review/"]')
    shot(province, province_watch, "desktop-submissions")
    review.first.click()
    expect(province.locator(".filing-doc")).to_contain_text("Sóng di động yếu")
    expect(province.locator(".filing-doc")).to_contain_text(issuer)
    shot(province, province_watch, "desktop-review")
    href = province.locator('a[href$=".pdf"]').first.get_attribute("href")
    pdf = province.request.get(production_portal.url + href)
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    first_page(pdf.body(), "pdf-page-1")
    comment = "Bổ sung số người được tập huấn trong tháng."
    province.locator("#id_comment").fill(comment)
    province.locator('form[action$="/return/"] button[type=submit]').click()
    province.wait_for_load_state("networkidle")
    expect(province.locator("[data-count=returned]")).to_have_text("1")

    # The commune sees why, corrects, files again.
    officer.reload()
    expect(officer.locator(".filing-comment-text")).to_have_text(comment)
    shot(officer, officer_watch, "desktop-commune-returned")
    officer.locator("#id_proposals").fill("Tổ chức thêm một lớp tập huấn kỹ năng số.")
    submit_the_report(officer, officer_watch, "desktop-commune-again")

    # The province approves, after a confirmation.
    province.reload()
    province.locator(
        f'a[href="/reports/filed/{filing_id(province, commune)}/review/"]'
    ).first.click()
    expect(province.locator(".filing-doc")).to_contain_text("Tổ chức thêm một lớp tập huấn")
    province.locator('a[href$="/approve/"]').click()
    shot(province, province_watch, "desktop-approve-confirm")
    province.locator("main form[method=post] button[type=submit]").click()
    province.wait_for_load_state("networkidle")
    expect(province.locator("[data-count=approved]")).to_have_text("1")
    officer.reload()
    expect(officer.locator(".page-head .badge.filing-approved")).to_be_visible()
    shot(officer, officer_watch, "desktop-commune-approved")


def filing_id(page, commune: str) -> str:
    """The commune's filing, as the submissions page links it (its row's review link)."""
    links = page.locator('a[href^="/reports/filed/"][href$="/review/"]')
    for i in range(links.count()):
        href = links.nth(i).get_attribute("href")
        row = links.nth(i).locator("xpath=ancestor::tr")
        if row.get_attribute("data-unit") == commune:
            return href.split("/")[3]
    raise AssertionError(f"no filed report of unit {commune} on {page.url}")


def first_page(pdf: bytes, name: str) -> None:
    """Page 1 of the filed PDF as an image, to look at (pdftoppm, from poppler-utils)."""
    if not shutil.which("pdftoppm"):
        return
    (FILED / f"{name}.pdf").write_bytes(pdf)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "80",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            "-",
            str(FILED / name),
        ],
        input=pdf,
        check=True,
    )
