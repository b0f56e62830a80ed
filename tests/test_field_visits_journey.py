"""On a phone (360×740, touch) in Chromium: a team leader sees at the door what each person
still lacks, records a visit online, then with no signal records two more (one where nobody
was at home), adds a household and visits it, reloads, and comes back in range without
touching anything: the server holds each visit and the household once, the household's
visit pointing at it.

Screenshots go to var/journeys/ (field-*.png) to be looked at.
"""

from __future__ import annotations

import datetime
import json
import re
import time
import uuid
from pathlib import Path

import pytest
from django.db import OperationalError
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from apps_catalog.models import App
from citizens.models import Household, Visit
from citizens.services import household_create, visit_record, visit_withdraw
from conftest import PASSWORD
from core.text import fold
from field.tests.builders import hamlet_with_households, sign_in, wait_for_service_worker
from tests.journeys import CSP_WATCH, SHOTS, axe_violations, no_horizontal_scroll

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

ALL_APPS = 7  # the starting catalogue (apps_catalog.catalogue)


@pytest.fixture
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "viewport": {"width": 360, "height": 740},
        "is_mobile": True,
        "has_touch": True,
        "locale": "vi-VN",
        "service_workers": "allow",
    }


def shot(page, name: str, full_page: bool = False) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"field-{name}.png"), full_page=full_page)
    assert no_horizontal_scroll(page), name
    csp = page.evaluate("() => window.__csp || []")
    assert not csp, csp


def open_household(page, household) -> None:
    page.locator("#q").fill(fold(household.address))
    page.locator(f'#list .hh[data-id="{household.pk}"]').click()
    expect(page.locator("#form-title")).to_have_text(household.head_name)


def save_visit(page) -> None:
    page.get_by_role("button", name="Lưu lượt thăm").click()
    expect(page.locator("#home")).to_be_visible()


def wait_until(page, condition, seconds: float = 30) -> None:
    """Polls the database; waits through Playwright, which meanwhile runs the page's routes.
    (The in-memory test database refuses a read while the live server writes that table.)"""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except OperationalError:
            pass
        page.wait_for_timeout(250)


def citizens_of(household) -> list:
    return list(household.citizens.order_by("birth_year", "search_key", "pk"))


@pytest.fixture
def hamlet(leader_a, officer_a, tree):
    """Twelve households of three; the first was visited by an officer before: its first
    person has VNeID at level 2, its second VNeID and VssID installed, its third nothing."""
    hamlet_with_households(
        hamlet=tree.hamlet_a, leader_user=leader_a, households=12, citizens_each=3
    )
    households = list(Household.objects.order_by("search_key", "pk"))
    first = households[0]
    one, two, _three = citizens_of(first)
    vneid, vssid = App.objects.get(slug="vneid"), App.objects.get(slug="vssid")
    visit_record(
        user=officer_a,
        client_uuid=uuid.uuid4(),
        household=first,
        visited_on=timezone.localdate() - datetime.timedelta(days=5),
        assistances=[
            {"citizen": one, "app": vneid, "outcome": vneid.outcomes.get(code="level-2")},
            {"citizen": two, "app": vneid, "outcome": vneid.outcomes.get(code="installed")},
            {"citizen": two, "app": vssid, "outcome": vssid.outcomes.get(code="installed")},
        ],
    )
    return households


def test_a_day_at_the_doors_with_and_without_signal(live_server, page, leader_a, hamlet):
    first, second, third, fourth = hamlet[:4]
    page.context.add_init_script(CSP_WATCH)
    sign_in(page, live_server.url, leader_a.username, PASSWORD)
    expect(page.locator("#progress-text")).to_have_text("Đã thăm 1/12 hộ")
    wait_for_service_worker(page)

    # --- At the door: what each person has, what is left; the form ticks who lacks something.
    open_household(page, first)
    one, two, three = citizens_of(first)

    def person(citizen):
        return page.locator(f'#citizens [data-citizen="{citizen.pk}"]')

    expect(person(one).locator('.st.done[data-app="vneid"]')).to_have_text(
        "✓ VNeID: Định danh mức 2"
    )
    expect(person(one).locator(".st.left")).to_contain_text("VssID")
    expect(person(one).locator(".st.left")).not_to_contain_text("VNeID")
    expect(person(two).locator('.st.done[data-app="vneid"]')).to_have_text("✓ VNeID: Đã cài đặt")
    expect(person(two).locator('.st.done[data-app="vssid"]')).to_have_text("✓ VssID: Đã cài đặt")
    expect(person(two).locator(".st.left")).to_contain_text("C-ThaiNguyen")
    expect(person(three).locator(".st.done")).to_have_count(0)
    expect(person(three).locator(".st.left")).to_contain_text(str(ALL_APPS))
    assert len(person(three).get_attribute("data-left").split()) == ALL_APPS
    # Everyone lacks something: all ticked; the apps they lack are marked, nothing pressed.
    expect(page.locator("#citizens input:checked")).to_have_count(3)
    expect(page.locator('#apps .app-btn[data-app="vneid"]')).to_have_attribute("data-to-do", "1")
    expect(page.locator('#apps .app-btn[data-app="vssid"]')).to_have_attribute("data-to-do", "2")
    expect(page.locator('#apps .app-btn[data-app="c-thainguyen"]')).to_have_attribute(
        "data-to-do", "3"
    )
    expect(page.locator("#apps .chip[aria-pressed=true]")).to_have_count(0)
    expect(page.locator("#kind-box input:checked")).to_have_count(0)
    shot(page, "household-members-status", full_page=True)
    assert not axe_violations(page)

    # --- Online: the person who has VssID unticked, VssID installed for the two others.
    person(two).click()
    expect(page.locator('#apps .app-btn[data-app="vssid"]')).to_have_attribute("data-to-do", "2")
    expect(page.locator('#apps .app-btn[data-app="vneid"]')).to_have_attribute("data-to-do", "1")
    page.get_by_role("button", name="VssID").click()
    page.locator('#apps .chip[data-app="vssid"][data-outcome="installed"]').click()
    expect(page.locator('#kind-box input[value="helped"]')).to_be_checked()  # chosen for them
    with page.expect_response(
        lambda r: r.url.endswith("/api/v1/visits/") and r.request.method == "POST"
    ) as answer:
        save_visit(page)
    assert answer.value.status == 201
    expect(page.locator("#status")).to_contain_text(first.head_name)
    expect(page.locator("#status")).to_have_attribute("data-kind", "helped")
    expect(page.locator("#outbox-badge")).to_be_hidden()

    # --- No signal.
    page.context.set_offline(True)
    open_household(page, second)
    page.get_by_role("button", name="VNeID").click()
    page.get_by_role("button", name="Định danh mức 2").click()
    save_visit(page)
    expect(page.locator("#status")).to_contain_text(second.head_name)
    expect(page.locator("#status")).to_have_attribute("data-kind", "helped")
    expect(page.locator("#outbox-badge")).to_have_text("Chờ gửi: 1")

    # Nothing said about what happened: refused in the form, nothing stored.
    open_household(page, fourth)
    page.get_by_role("button", name="Lưu lượt thăm").click()
    expect(page.locator("#form-error")).to_be_visible()
    expect(page.locator("#visit")).to_be_visible()
    page.locator("#visit .back").click()
    expect(page.locator("#outbox-badge")).to_have_text("Chờ gửi: 1")

    # Nobody at home: people and apps leave the form.
    open_household(page, third)
    page.locator('#kind-box input[value="nobody_home"]').check()
    expect(page.locator("#people-box")).to_be_hidden()
    expect(page.locator("#apps-box")).to_be_hidden()
    save_visit(page)
    expect(page.locator("#status")).to_contain_text(third.head_name)
    expect(page.locator("#status")).to_have_attribute("data-kind", "nobody_home")
    expect(page.locator("#outbox-badge")).to_have_text("Chờ gửi: 2")

    # A household not in the register yet, added at its door and visited at once.
    page.locator("#q").fill("")
    page.locator("#add-household").click()
    expect(page.locator("#household")).to_be_visible()
    page.locator("#hh-head").fill("Hoàng Thị Nguyệt")
    page.locator("#hh-address").fill("Số 99, ngõ 7")
    page.locator("#hh-members").fill("3")
    page.locator("#hh-phones").fill("2")
    page.locator("#hh-consent").check()
    shot(page, "add-household-form")
    page.locator("#household-form button[type=submit]").click()
    expect(page.locator("#home")).to_be_visible()
    expect(page.locator("#outbox-badge")).to_have_text("Chờ gửi: 3")
    added = page.locator("#list .hh[data-new]")
    expect(added).to_have_count(1)
    expect(added).to_contain_text("Hoàng Thị Nguyệt")
    added.click()
    expect(page.locator("#form-title")).to_have_text("Hoàng Thị Nguyệt")
    page.locator("#add-person summary").click()
    expect(page.locator("#consent-box")).to_be_hidden()  # agreed when it was added
    page.locator("#new-name").fill("Hoàng Văn Khang")
    page.locator("#new-year").fill("1990")
    page.locator("#new-add").click()
    page.get_by_role("button", name="VNeID").click()
    page.get_by_role("button", name="Đã cài đặt").first.click()
    save_visit(page)
    expect(page.locator("#status")).to_contain_text("Hoàng Thị Nguyệt")
    expect(page.locator("#outbox-badge")).to_have_text("Chờ gửi: 4")

    # All of it shows as done, waiting to be sent; the one where nobody was home still to do.
    def the_list_shows_what_waits() -> None:
        expect(page.locator("#list .hh")).to_have_count(13)
        expect(page.locator('#list .hh[data-state="waiting"]')).to_have_count(2)
        expect(page.locator('#list .hh[data-state="waiting-nobody"]')).to_have_count(1)
        expect(page.locator("#list .hh:has(.tag.wait)")).to_have_count(3)
        expect(page.locator(f'#list .hh[data-id="{second.pk}"]')).to_have_attribute(
            "data-state", "waiting"
        )
        expect(page.locator(f'#list .hh[data-id="{third.pk}"]')).to_have_attribute(
            "data-state", "waiting-nobody"
        )
        expect(page.locator("#list .hh[data-new]")).to_have_attribute("data-state", "waiting")
        expect(page.locator("#progress-text")).to_have_text("Đã thăm 3/13 hộ")

    the_list_shows_what_waits()
    page.locator("#only-todo").check()
    expect(page.locator(f'#list .hh[data-id="{second.pk}"]')).to_have_count(0)
    expect(page.locator("#list .hh[data-new]")).to_have_count(0)
    expect(page.locator(f'#list .hh[data-id="{third.pk}"]')).to_have_count(1)
    page.locator("#only-todo").uncheck()
    shot(page, "offline-list-waiting", full_page=True)

    # A reload with no signal: the shell from the service worker, the rest from the phone.
    response = page.reload()
    assert response is not None and response.from_service_worker
    expect(page.locator("#outbox-badge")).to_have_text("Chờ gửi: 4")
    the_list_shows_what_waits()

    # The outbox: what waits, whether the phone may evict it, and a file as a last resort.
    page.locator("#outbox-badge").click()
    expect(page.locator("#outbox-list .item")).to_have_count(4)
    expect(page.locator('#outbox-list .item[data-store="households"]')).to_have_count(1)
    expect(page.locator("#storage")).to_have_attribute(
        "data-persistent", re.compile("^(true|false)$")
    )
    with page.expect_download() as download:
        page.locator("#export").click()
    exported = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert [h["body"]["head_name"] for h in exported["households"]] == ["Hoàng Thị Nguyệt"]
    assert len(exported["visits"]) == 3
    ref = "h:" + exported["households"][0]["body"]["client_uuid"]
    assert [v["body"]["household"] for v in exported["visits"]] == [second.pk, third.pk, ref]
    shot(page, "outbox", full_page=True)
    assert not axe_violations(page)
    page.locator("#outbox .back").click()
    assert Visit.objects.filter(recorded_by=leader_a).count() == 1

    # Back in range, without a reload: the page sends by itself, the household first.
    page.context.set_offline(False)
    wait_until(page, lambda: Visit.objects.filter(recorded_by=leader_a).count() >= 4)
    expect(page.locator("#outbox-badge")).to_be_hidden(timeout=15_000)

    new = Household.objects.get(head_name="Hoàng Thị Nguyệt")
    assert (new.address, new.member_count, new.smartphone_count) == ("Số 99, ngõ 7", 3, 2)
    assert new.client_uuid is not None and new.consent_on == timezone.localdate()
    visits = list(Visit.objects.filter(recorded_by=leader_a).order_by("created_at", "pk"))
    assert len(visits) == 4 and len({v.client_uuid for v in visits}) == 4
    assert [v.household_id for v in visits] == [first.pk, second.pk, third.pk, new.pk]
    assert [v.kind for v in visits] == ["helped", "helped", "nobody_home", "helped"]
    assert [c.full_name for c in new.citizens.all()] == ["Hoàng Văn Khang"]
    assert [a.citizen.full_name for a in visits[3].assistances.all()] == ["Hoàng Văn Khang"]
    # The line of the new household took its server id.
    expect(page.locator(f'#list .hh[data-id="{new.pk}"]')).to_have_count(1)
    expect(page.locator("#list .hh[data-new]")).to_have_count(0)

    # Sent once each: a resend and a reload change nothing.
    page.locator("#outbox-badge").evaluate("() => window.dispatchEvent(new Event('online'))")
    page.reload()
    expect(page.locator("#progress-text")).to_have_text("Đã thăm 3/13 hộ")
    expect(page.locator(f'#list .hh[data-id="{third.pk}"]')).to_have_attribute(
        "data-state", "nobody"
    )
    assert Visit.objects.filter(recorded_by=leader_a).count() == 4
    assert Household.objects.filter(head_name="Hoàng Thị Nguyệt").count() == 1
    assert Household.objects.count() == 13


def test_a_failed_send_is_tried_again_by_itself(live_server, page, leader_a, hamlet):
    """The server answers 503 twice: the page tries again, later each time, and the visit
    arrives without the leader doing anything."""
    household = hamlet[1]
    answered = []

    def unavailable_twice(route):
        answered.append(route.request.post_data_json["client_uuid"])
        if len(answered) <= 2:
            route.fulfill(status=503, content_type="text/plain", body="busy")
        else:
            route.continue_()

    sign_in(page, live_server.url, leader_a.username, PASSWORD)
    page.route("**/api/v1/visits/", unavailable_twice)
    open_household(page, household)
    page.get_by_role("button", name="VNeID").click()
    page.get_by_role("button", name="Định danh mức 2").click()
    save_visit(page)
    expect(page.locator("#outbox-badge")).to_have_text("Chờ gửi: 1")
    expect(page.locator("body")).to_have_attribute("data-retry-in", re.compile(r"^\d+$"))
    wait_until(page, lambda: Visit.objects.filter(recorded_by=leader_a).exists(), seconds=20)
    expect(page.locator("#outbox-badge")).to_be_hidden()
    assert len(answered) == 3 and len(set(answered)) == 1  # the same visit, three times
    assert Visit.objects.get(recorded_by=leader_a).household_id == household.pk
    expect(page.locator("#status")).to_contain_text(household.head_name)


def test_a_visit_withdrawn_on_the_portal_meanwhile_is_dropped_with_a_word(
    live_server, page, leader_a, officer_a, hamlet
):
    """The server recorded the visit but its answer was lost; an officer withdraws the visit;
    the resend answers 200 "withdrawn": the phone says so and keeps nothing."""
    household = hamlet[1]
    sent = []

    def answer_lost(route):
        sent.append(route.request.post_data_json)
        route.abort()

    sign_in(page, live_server.url, leader_a.username, PASSWORD)
    page.route("**/api/v1/visits/", answer_lost)
    open_household(page, household)
    page.get_by_role("button", name="VNeID").click()
    page.get_by_role("button", name="Định danh mức 2").click()
    save_visit(page)
    expect(page.locator("#outbox-badge")).to_have_text("Chờ gửi: 1")
    wait_until(page, lambda: sent, seconds=10)
    # Quiet phone (no request of its own meanwhile): the server records what it sent…
    page.context.set_offline(True)
    portal = Client()
    portal.force_login(leader_a)
    recorded = portal.post("/api/v1/visits/", sent[0], content_type="application/json")
    assert recorded.status_code == 201
    # …and an officer withdraws it before the phone hears back.
    visit = Visit.objects.get(recorded_by=leader_a)
    visit_withdraw(user=officer_a, visit=visit, version=visit.version, reason="Ghi nhầm hộ")
    expect(page.locator("#outbox-badge")).to_have_text("Chờ gửi: 1")

    page.unroute("**/api/v1/visits/")
    page.context.set_offline(False)  # the "online" event sends it again
    expect(page.locator("#status")).to_have_attribute("data-notice", "withdrawn")
    expect(page.locator("#status")).to_contain_text(household.head_name)
    expect(page.locator("#outbox-badge")).to_be_hidden()
    assert Visit.objects.filter(recorded_by=leader_a).count() == 1
    # Not counted as visited: the portal's version stands.
    expect(page.locator(f'#list .hh[data-id="{household.pk}"]')).to_have_attribute(
        "data-state", "todo"
    )


def test_a_household_the_server_refuses_needs_attention_and_its_visit_waits_behind_it(
    live_server, page, leader_a, officer_a, tree, hamlet
):
    sign_in(page, live_server.url, leader_a.username, PASSWORD)
    expect(page.locator("#list .hh")).to_have_count(12)
    page.context.set_offline(True)
    # Meanwhile an officer registers the same household from the portal.
    household_create(
        consent_on=None, hamlet=tree.hamlet_a, head_name="Hoàng Thị Nguyệt", address="Số 99"
    )
    page.locator("#add-household").click()
    page.locator("#hh-head").fill("Hoàng Thị Nguyệt")
    page.locator("#hh-address").fill("Số 99")
    page.locator("#household-form button[type=submit]").click()
    added = page.locator("#list .hh[data-new]")
    expect(added).to_have_attribute("data-state", "todo")
    page.context.set_offline(False)
    expect(added).to_have_attribute("data-state", "attention")
    added.click()
    page.locator("#kind-box input[value=informed]").check()
    expect(page.locator("#apps-box")).to_be_hidden()
    save_visit(page)
    expect(page.locator("#status")).to_have_attribute("data-kind", "informed")

    page.locator("#outbox-badge").click()
    refused = page.locator('#outbox-list .item[data-store="households"]')
    expect(refused).to_have_attribute("data-state", "attention")
    expect(refused).to_contain_text("Cần xem lại")
    waiting = page.locator('#outbox-list .item[data-store="outbox"]')
    expect(waiting).to_have_attribute("data-state", "pending")
    page.locator("#sync-now").click()
    page.wait_for_timeout(500)
    assert Household.objects.filter(head_name="Hoàng Thị Nguyệt").count() == 1
    assert not Visit.objects.filter(recorded_by=leader_a).exists()

    # Discarding the household discards the visit recorded for it.
    page.on("dialog", lambda dialog: dialog.accept())
    refused.get_by_role("button").click()
    expect(page.locator("#outbox-list .item")).to_have_count(0)
    expect(page.locator("#outbox-badge")).to_be_hidden()


def test_visits_waiting_from_the_first_version_of_the_outbox_survive_the_upgrade(
    live_server, page, leader_a, hamlet
):
    household = hamlet[1]
    citizen = citizens_of(household)[0]
    sign_in(page, live_server.url, leader_a.username, PASSWORD)
    wait_for_service_worker(page)
    # The database as the first version of the page left it: one store, a visit without kind.
    page.goto(live_server.url + "/healthz")
    client_uuid = str(uuid.uuid4())
    body = {
        "client_uuid": client_uuid,
        "household": household.pk,
        "visited_on": timezone.localdate().isoformat(),
        "members_present": [],
        "notes": "",
        "new_citizens": [],
        "assistances": [{"citizen": citizen.pk, "app": "vneid", "outcome": "installed"}],
    }
    item = {
        "client_uuid": client_uuid,
        "user": leader_a.pk,
        "household": household.pk,
        "label": household.head_name,
        "created": 1,
        "status": "pending",
        "error": "",
        "body": body,
    }
    page.evaluate(
        """(item) => new Promise((resolve, reject) => {
            const gone = indexedDB.deleteDatabase("field");
            gone.onsuccess = () => {
                const req = indexedDB.open("field", 1);
                req.onupgradeneeded = () =>
                    req.result.createObjectStore("outbox", { keyPath: "client_uuid" });
                req.onsuccess = () => {
                    const tx = req.result.transaction("outbox", "readwrite");
                    tx.objectStore("outbox").put(item);
                    tx.oncomplete = () => { req.result.close(); resolve(); };
                    tx.onerror = () => reject(tx.error);
                };
            };
            gone.onerror = () => reject(gone.error);
        })""",
        item,
    )
    page.context.set_offline(True)
    page.goto(live_server.url + "/field/")
    expect(page.locator("#outbox-badge")).to_have_text("Chờ gửi: 1")
    expect(page.locator(f'#list .hh[data-id="{household.pk}"]')).to_have_attribute(
        "data-state", "waiting"
    )
    stores = page.evaluate(
        """() => new Promise((resolve) => {
            const req = indexedDB.open("field");
            req.onsuccess = () => {
                const conn = req.result;
                resolve({ version: conn.version, stores: [...conn.objectStoreNames].sort() });
                conn.close();
            };
        })"""
    )
    assert stores == {"version": 2, "stores": ["households", "outbox"]}
    page.context.set_offline(False)
    wait_until(page, lambda: Visit.objects.filter(recorded_by=leader_a).exists())
    visit = Visit.objects.get(recorded_by=leader_a)
    assert (str(visit.client_uuid), visit.kind) == (client_uuid, "helped")
    expect(page.locator("#outbox-badge")).to_be_hidden()
