"""How long the visit form takes to become usable on a phone on slow 3G (~400 kbit/s, 400 ms
latency, emulated through the DevTools protocol): on the first load, and on a repeat load
served by the service worker. Printed for the CI log, not asserted as a time: the figure
depends on the machine; the weight budget (field/tests/test_page_weight.py) is the gate."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from field.tests.builders import hamlet_with_households, sign_in, wait_for_service_worker

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


def time_to_usable_form(page, url: str) -> float:
    """From navigation to the visit form open for the first household of the list."""
    start = time.perf_counter()
    page.goto(url, wait_until="commit")
    page.locator("#list .hh").first.click(timeout=60_000)
    expect(page.locator("#citizens .check").first).to_be_visible()
    return time.perf_counter() - start


def test_visit_form_becomes_usable_on_slow_3g(live_server, page, leader_a, tree, capsys):
    hamlet_with_households(hamlet=tree.hamlet_a, leader_user=leader_a, households=242)
    sign_in(page, live_server.url, leader_a.username, PASSWORD)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": False})
    cdp.send("Network.emulateNetworkConditions", SLOW_3G)
    url = live_server.url + "/field/"

    first = time_to_usable_form(page, url)
    wait_for_service_worker(page, timeout=60_000)
    repeat = time_to_usable_form(page, url)

    expect(page.locator("#form-title")).not_to_be_empty()
    with capsys.disabled():
        print(f"\nfield first load on slow 3G: {first:.2f} s; repeat load: {repeat:.2f} s")
