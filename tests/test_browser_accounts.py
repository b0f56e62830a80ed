"""In Chromium, on a desktop and on a phone: an area officer signs in, opens the accounts
through the menu, makes the team leaders' accounts of the district in bulk from the rosters
and gets the sheet of one-time codes; looks at the lock confirmation; then one of the new
leaders signs in with their code and is sent to choose a password first. Every page is
checked (console, CSP, static files, axe WCAG 2.1 A/AA) and photographed in var/journeys/."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.journeys import (
    DESKTOP,
    PHONE,
    SHOTS,
    Watch,
    check_page,
    new_context,
    no_horizontal_scroll,
)
from tests.test_journeys import follow_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEVICES = {"phone": PHONE, "desktop": DESKTOP}
NEW_PASSWORD = "Một-mật-khẩu-mới-2026"


def _district_with_rosters():
    from areas.services import hamlet_create
    from conftest import SINCE, build_tree, make_officer_a
    from teams.models import MemberRole
    from teams.services import member_add, team_create

    tree = build_tree()
    make_officer_a(tree)
    second = hamlet_create(commune=tree.commune_a2, name="Xóm Nà Mòn", valid_from=SINCE)
    for hamlet, leader in ((tree.hamlet_a, "Ma Văn Tuấn"), (second, "Hà Thị Nguyệt")):
        team = team_create(hamlet=hamlet)
        member_add(team=team, name=leader, role=MemberRole.LEADER)
        member_add(team=team, name="Lý Thị Mai")
    team_b = team_create(hamlet=tree.hamlet_b)  # district B: not the officer's
    member_add(team=team_b, name="Đào Thị Thu", role=MemberRole.LEADER)


def _sign_in(page, url: str, username: str, password: str) -> None:
    page.goto(url + "/accounts/login/")
    page.get_by_label("Tên đăng nhập hoặc e-mail").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("device", sorted(DEVICES))
def test_an_officer_makes_the_leaders_accounts_and_a_leader_replaces_the_code(
    live_server, browser, device
):
    from conftest import PASSWORD

    _district_with_rosters()
    context = new_context(browser, DEVICES[device])
    page = context.new_page()
    watch = Watch()
    watch.attach(page)

    _sign_in(page, live_server.url, "dinhhoa", PASSWORD)
    follow_menu(page, device, "Tài khoản")
    page.locator(f'a[href="{reverse("teams:leader-accounts")}"]').click()
    page.wait_for_load_state("networkidle")
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(2)  # district A's two teams, not district B's
    expect(page.locator("main")).not_to_contain_text("Đào Thị Thu")
    assert no_horizontal_scroll(page)
    check_page(page, watch, f"accounts-{device}-1-bulk")

    page.locator("main form.panel button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    sheet = page.locator(".code-sheet tbody tr")
    expect(sheet).to_have_count(2)
    first = sheet.first
    username = first.locator("strong[translate=no]").text_content().strip()
    code = first.locator(".one-time-code").text_content().strip()
    assert username.startswith("tt-") and len(code) == 10
    assert page.locator("a[download]").get_attribute("href").startswith("data:application/pdf")
    assert no_horizontal_scroll(page)
    check_page(page, watch, f"accounts-{device}-2-sheet")
    if device == "desktop":  # as printed: the sheet alone, without the portal around it
        page.emulate_media(media="print")
        page.screenshot(path=str(SHOTS / "accounts-desktop-2-sheet-print.png"), full_page=True)
        page.emulate_media(media="screen")

    # The lock asks first: the page names the account.
    page.goto(live_server.url + reverse("accounts:user-list"))
    page.locator(f'tr:has-text("{username}") a[href$="/active/"]').click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("main")).to_contain_text(username)
    assert no_horizontal_scroll(page)
    check_page(page, watch, f"accounts-{device}-3-lock-confirmation")
    context.close()

    # The new leader, on their own phone or computer, signs in with the code.
    context = new_context(browser, DEVICES[device])
    page = context.new_page()
    watch = Watch()
    watch.attach(page)
    _sign_in(page, live_server.url, username, code)
    assert page.url == live_server.url + reverse("account_change_password")
    expect(page.locator(".one-time-notice")).to_be_visible()
    check_page(page, watch, f"accounts-{device}-4-change-code")
    page.locator("#id_oldpassword").fill(code)
    page.locator("#id_password1").fill(NEW_PASSWORD)
    page.locator("#id_password2").fill(NEW_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert page.url == live_server.url + reverse("field:home")
    context.close()
