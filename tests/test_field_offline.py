"""On a phone in Chromium: a team leader records three visits with no signal, reloads the
page (still offline), and once the connection returns the server holds each visit once."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from citizens.models import Household, Visit
from conftest import PASSWORD
from core.text import fold
from field.tests.builders import hamlet_with_households, sign_in, wait_for_service_worker

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "viewport": {"width": 390, "height": 844},
        "is_mobile": True,
        "has_touch": True,
        "service_workers": "allow",
    }


def record_visit(page, head_name: str) -> None:
    """The common visit: three taps once the household is open (the people with an app left
    to do come ticked)."""
    expect(page.locator("#form-title")).to_have_text(head_name)
    expect(page.locator("#citizens input:checked")).to_have_count(4)
    page.get_by_role("button", name="VNeID").click()  # 1: the app
    page.get_by_role("button", name="Định danh mức 2").click()  # 2: what was done
    page.get_by_role("button", name="Lưu lượt thăm").click()  # 3: save
    expect(page.locator("#home")).to_be_visible()


def test_visits_recorded_offline_reach_the_server_once_each(live_server, page, leader_a, tree):
    hamlet_with_households(hamlet=tree.hamlet_a, leader_user=leader_a, households=40)
    chosen = list(Household.objects.order_by("search_key", "pk")[:3])
    sign_in(page, live_server.url, leader_a.username, PASSWORD)
    page.goto(live_server.url + "/field/")
    expect(page.locator("#progress-text")).to_have_text("Đã thăm 0/40 hộ")
    # The service worker controls the page once it has cached the shell.
    wait_for_service_worker(page)

    page.context.set_offline(True)
    # Offline really blocks the page's POSTs and the service worker's own fetches.
    probe = "fetch('/api/v1/visits/', {method: 'POST'}).then(() => 'sent', () => 'blocked')"
    assert page.evaluate(probe) == "blocked"
    probe = "fetch('/field/data.json?probe=1').then(() => 'sent', () => 'blocked')"
    assert page.evaluate(probe) == "blocked"

    for n, household in enumerate(chosen, start=1):
        # Accent-insensitive search: typed without diacritics, as on a phone keyboard.
        page.locator("#q").fill(fold(household.address))
        page.locator("#list .hh").first.click()
        record_visit(page, household.head_name)
        expect(page.locator("#outbox-badge")).to_have_text(f"Chờ gửi: {n}")
    page.locator("#q").fill("")
    expect(page.locator("#list .tag.wait")).to_have_count(3)

    # A reload with no signal: the shell from the worker's cache, the outbox from IndexedDB.
    response = page.reload()
    assert response is not None and response.from_service_worker
    expect(page.locator("#outbox-badge")).to_have_text("Chờ gửi: 3")
    expect(page.locator("#list .hh")).to_have_count(40)
    assert Visit.objects.count() == 0

    page.context.set_offline(False)
    # Sent on the "online" event, else retried with a backoff of a minute at the most.
    deadline = time.monotonic() + 45
    while Visit.objects.count() < 3 and time.monotonic() < deadline:
        time.sleep(0.25)
    expect(page.locator("#outbox-badge")).to_be_hidden(timeout=10_000)
    expect(page.locator("#progress-text")).to_have_text("Đã thăm 3/40 hộ")
    # A manual resend and a reload change nothing: each visit is held once.
    page.reload()
    expect(page.locator("#progress-text")).to_have_text("Đã thăm 3/40 hộ")
    visits = list(Visit.objects.prefetch_related("assistances"))
    assert sorted(v.household_id for v in visits) == sorted(h.pk for h in chosen)
    assert len({v.client_uuid for v in visits}) == 3
    assert all(v.assistances.count() == 4 for v in visits)  # one per person of the household
    assert all(v.recorded_by_id == leader_a.pk for v in visits)
    # The leader's own membership was ticked for them.
    assert all([m.user_id for m in v.members_present.all()] == [leader_a.pk] for v in visits)


def test_adding_a_person_to_a_household_without_consent_asks_for_it_first(
    live_server, page, leader_a, tree
):
    hamlet_with_households(hamlet=tree.hamlet_a, leader_user=leader_a, households=5)
    household = Household.objects.order_by("search_key", "pk").first()
    Household.objects.filter(pk=household.pk).update(consent_on=None)
    household.citizens.all().delete()
    sign_in(page, live_server.url, leader_a.username, PASSWORD)
    page.goto(live_server.url + "/field/")
    page.locator("#q").fill(fold(household.address))
    page.locator("#list .hh").first.click()
    page.locator("#add-person summary").click()
    expect(page.locator("#consent-box")).to_be_visible()
    page.locator("#new-name").fill("Hà Thị Hoa")
    page.get_by_role("button", name="Thêm người này").click()
    expect(page.locator("#form-error")).to_contain_text("chưa đồng ý")
    expect(page.locator("#new-name")).to_have_value("Hà Thị Hoa")  # what was typed stays
    page.locator("#consent").check()
    page.get_by_role("button", name="Thêm người này").click()
    page.get_by_role("button", name="VNeID").click()
    page.get_by_role("button", name="Định danh mức 2").click()
    page.get_by_role("button", name="Lưu lượt thăm").click()
    deadline = time.monotonic() + 30
    while not Visit.objects.exists() and time.monotonic() < deadline:
        time.sleep(0.25)
    household.refresh_from_db()
    assert household.consent_on is not None and household.consent_recorded_by == leader_a
    assert [c.full_name for c in household.citizens.all()] == ["Hà Thị Hoa"]
