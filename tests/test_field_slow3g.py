"""How long the visit form takes to become usable on a phone on slow 3G (~400 kbit/s, 400 ms
latency, emulated through the DevTools protocol): on the first load, and on a repeat load
served by the service worker. Printed for the CI log, not asserted as a time: the figure
depends on the machine; the weight budget (field/tests/test_page_weight.py) is the gate."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from field.tests.builders import hamlet_with_households, wait_for_service_worker

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

SLOW_3G = {
    "offline": False,
    "latency": 400,
    "downloadThroughput": 400 * 1024 / 8,
    "uploadThroughput": 400 * 1024 / 8,
}


@pytest.fixture
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "viewport": {"width": 390, "height": 844},
        "is_mobile": True,
        "has_touch": True,
        "service_workers": "allow",
    }


def usable_form(page, start: float) -> float:
    """Seconds from ``start`` to the visit form open for the first household of the list."""
    page.locator("#list .hh").first.click(timeout=60_000)
    expect(page.locator("#citizens .check").first).to_be_visible()
    return time.perf_counter() - start


def test_visit_form_becomes_usable_on_slow_3g(live_server, page, leader_a, tree, capsys):
    hamlet_with_households(hamlet=tree.hamlet_a, leader_user=leader_a, households=242)
    page.goto(live_server.url + "/accounts/login/")
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": False})
    cdp.send("Network.emulateNetworkConditions", SLOW_3G)

    # First load: signing in lands the team leader on the field app, over slow 3G.
    page.get_by_label("Tên đăng nhập hoặc e-mail").fill(leader_a.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    start = time.perf_counter()
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(live_server.url + "/field/", wait_until="commit", timeout=60_000)
    first = usable_form(page, start)
    wait_for_service_worker(page, timeout=60_000)

    # Repeat load: the shell from the service worker's cache.
    start = time.perf_counter()
    page.goto(live_server.url + "/field/", wait_until="commit")
    repeat = usable_form(page, start)

    expect(page.locator("#form-title")).not_to_be_empty()
    with capsys.disabled():
        print(f"\nfield first load on slow 3G: {first:.2f} s; repeat load: {repeat:.2f} s")
