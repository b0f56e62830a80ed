"""On a phone in Chromium: a visit the server refuses is kept with the server's reason, never
dropped; signing out warns about it, then leaves no personal data on the phone."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from citizens.models import Visit
from conftest import PASSWORD
from field.tests.builders import hamlet_with_households, sign_in, wait_for_service_worker

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

CONFLICT = {"detail": "Mã lượt thăm này đã dùng cho một lượt thăm khác."}


@pytest.fixture
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "viewport": {"width": 390, "height": 844},
        "service_workers": "allow",
    }


def test_a_refused_visit_needs_attention_and_sign_out_clears_the_phone(
    live_server, page, leader_a, tree
):
    hamlet_with_households(hamlet=tree.hamlet_a, leader_user=leader_a, households=5)
    sign_in(page, live_server.url, leader_a.username, PASSWORD)
    page.goto(live_server.url + "/field/")
    wait_for_service_worker(page)
    # The server answers 409: the same client_uuid came with other content.
    page.route(
        "**/api/v1/visits/",
        lambda route: route.fulfill(
            status=409, content_type="application/json", body=json.dumps(CONFLICT)
        ),
    )
    page.locator("#list .hh").first.click()
    page.locator("#citizens .check").first.click()
    page.get_by_role("button", name="VssID").click()
    page.get_by_role("button", name="Đã cài đặt").click()
    page.get_by_role("button", name="Lưu lượt thăm").click()

    badge = page.locator("#outbox-badge")
    expect(badge).to_have_text("Chờ gửi: 1")
    expect(badge).to_have_class("pill bad")
    badge.click()
    expect(page.locator("#outbox-list")).to_contain_text("Cần xem lại: " + CONFLICT["detail"])
    expect(page.locator("#list .tag.bad")).to_have_count(1)
    assert Visit.objects.count() == 0

    # Sign-out warns with the count; the leader confirms.
    dialogs = []

    def accept(dialog):
        dialogs.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url("**/accounts/login/**")
    assert dialogs and dialogs[0].startswith("Còn 1 lượt thăm chưa gửi.")
    leftovers = page.evaluate(
        """async () => ({
            databases: (await indexedDB.databases()).map((d) => d.name),
            caches: await caches.keys(),
            storage: Object.keys(localStorage).filter((k) => k.startsWith("field:")),
            workers: (await navigator.serviceWorker.getRegistrations()).length,
        })"""
    )
    assert leftovers == {"databases": [], "caches": [], "storage": [], "workers": 0}
    # Signed out for real: the data is not served any more.
    response = page.request.get(live_server.url + "/field/data.json", max_redirects=0)
    assert response.status == 302
