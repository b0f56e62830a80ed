"""On a phone in Chromium, from the sign-in page: a team leader finds a visit they recorded
by mistake through the portal's menu, corrects it, and the hamlet's dashboard follows."""

from __future__ import annotations

import datetime
import uuid
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from citizens.models import Household, Visit, VisitKind
from citizens.services import visit_record
from conftest import PASSWORD
from dashboards.rollups import rollup_full
from field.tests.builders import hamlet_with_households, sign_in
from tests.journeys import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parent.parent / "var" / "journeys"


@pytest.fixture
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "viewport": {"width": 390, "height": 844},
        "is_mobile": True,
        "has_touch": True,
    }


def test_a_leader_corrects_a_visit_on_the_phone_and_the_dashboard_follows(
    live_server, page, leader_a, tree, settings
):
    settings.FIGURES_STALE_AFTER = 0  # the dashboard catches up when it opens
    team = hamlet_with_households(
        hamlet=tree.hamlet_a, leader_user=leader_a, households=3, citizens_each=2
    )
    household = Household.objects.order_by("pk").first()
    citizen = household.citizens.order_by("pk").first()
    from apps_catalog.models import App

    vneid = App.objects.get(slug="vneid")
    visit, _ = visit_record(
        user=leader_a,
        client_uuid=uuid.uuid4(),
        household=household,
        visited_on=timezone.localdate() - datetime.timedelta(days=1),
        members_present=[team.members.get(user=leader_a)],
        assistances=[
            {"citizen": citizen, "app": vneid, "outcome": vneid.outcomes.get(code="level-2")}
        ],
    )
    rollup_full()
    SHOTS.mkdir(parents=True, exist_ok=True)

    sign_in(page, live_server.url, leader_a.username, PASSWORD)  # lands on /field/
    page.get_by_role("link", name="‹ Cổng").click()
    page.get_by_role("button", name="Danh mục").click()
    nav = page.locator("#main-nav")
    if not nav.get_by_role("link", name="Lượt thăm", exact=True).is_visible():
        page.locator(".nav-more summary").click()
    nav.get_by_role("link", name="Lượt thăm", exact=True).click()
    expect(page.locator("h1")).to_have_text("Lượt thăm")
    page.get_by_role("link", name=visit.visited_on.strftime("%d/%m/%Y")).click()
    page.get_by_role("link", name="Sửa", exact=True).click()

    # The tap was wrong: nobody had VNeID done, the household was only informed.
    page.get_by_label("Gặp, chỉ tuyên truyền").check()
    page.locator(f"input[name=help_{citizen.pk}_{vneid.pk}]:checked").uncheck()
    page.get_by_label("Lý do sửa").fill("Bấm nhầm: chưa cài được VNeID")
    assert axe_violations(page) == []
    page.screenshot(path=str(SHOTS / "visit-correct-phone.png"), full_page=True)
    page.get_by_role("button", name="Lưu bản sửa").click()
    expect(page.locator(".messages")).to_contain_text("Đã sửa lượt thăm")
    expect(page.locator("table").last).to_contain_text("Bấm nhầm: chưa cài được VNeID")
    assert axe_violations(page) == []
    page.screenshot(path=str(SHOTS / "visit-corrected-phone.png"), full_page=True)
    visit.refresh_from_db()
    assert (visit.version, visit.kind, visit.assistances.count()) == (2, VisitKind.INFORMED, 0)

    # The hamlet's dashboard follows: nobody helped any more.
    page.goto(f"{live_server.url}/dashboard/{tree.hamlet_a.pk}/")
    expect(page.locator("[data-figure=visits]")).to_have_text("1")
    expect(page.locator("[data-figure=citizens]")).to_contain_text("0")
    assert Visit.objects.count() == 1
