"""A hamlet as the field page meets it: a team with its leader, households with citizens."""

from __future__ import annotations

import random

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from apps_catalog.catalogue import load_catalogue
from apps_catalog.models import App, Outcome
from citizens.models import Citizen, Household
from core.text import fold
from demo.registry import person
from teams.models import MemberRole, Team
from teams.services import member_add, team_create
from tests.consent import CONSENTED


def ensure_app_catalogue() -> None:
    """The catalogue as its data migration loads it: a transactional (browser) test flushes
    the tables when it ends, so the next one starts without it."""
    load_catalogue(App, Outcome)


def hamlet_with_households(
    *, hamlet, leader_user, households: int = 242, citizens_each: int = 4, seed: str = "field"
) -> Team:
    """Bulk-made (seconds on SQLite), with names as varied as real ones so sizes are real."""
    ensure_app_catalogue()
    rng = random.Random(seed)
    team = team_create(hamlet=hamlet)
    member_add(team=team, name="Lưu Văn Bình", role=MemberRole.LEADER, user=leader_user)
    member_add(team=team, name="Nguyễn Thị Hằng", role=MemberRole.DEPUTY)
    member_add(team=team, name="Hoàng Văn Đức")
    rows = []
    for n in range(1, households + 1):
        head, _sex = person(rng)
        address = f"Số {n}, ngõ {rng.randrange(1, 20)}, {hamlet.name}"
        rows.append(
            Household(
                consent_on=CONSENTED,
                hamlet=hamlet,
                head_name=head,
                address=address,
                search_key=fold(f"{head} {address}"),
                member_count=citizens_each,
            )
        )
    Household.objects.bulk_create(rows)
    citizens = []
    for household in Household.objects.filter(hamlet=hamlet):
        for i in range(citizens_each):
            name, sex = (household.head_name, "") if i == 0 else person(rng)
            citizens.append(
                Citizen(
                    household=household,
                    full_name=name,
                    search_key=fold(name),
                    sex=sex,
                    birth_year=rng.randrange(1940, 2015),
                )
            )
    Citizen.objects.bulk_create(citizens, batch_size=1000)
    return team


def sign_in(page, base_url: str, username: str, password: str) -> None:
    """Through the sign-in form, as a team leader does (Vietnamese labels)."""
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Tên đăng nhập hoặc e-mail").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(base_url + "/field/")  # where a team leader lands


CONTROLLED = "() => navigator.serviceWorker.controller !== null"
ACTIVE = "() => navigator.serviceWorker.ready.then((r) => r.active !== null)"


def wait_for_service_worker(page, timeout: float = 30_000) -> None:
    """Until the page is controlled by its service worker (the shell is cached by then).

    The worker claims the open pages when it activates. A test that signs in (landing on
    /field/) and opens /field/ again can have the claim reach the first document while the
    second one loads uncontrolled (seen about once in ten runs on a loaded machine); a phone
    is then controlled from its next load, so the helper reloads once, after the worker is
    active, as the phone would. A worker that never installs still fails here.

    Functions, not expressions: Playwright evaluates polled expressions with eval, which
    the portal's CSP forbids.
    """
    try:
        page.wait_for_function(CONTROLLED, timeout=timeout / 2)
    except PlaywrightTimeoutError:
        page.wait_for_function(ACTIVE, timeout=timeout / 2)
        page.reload()
        page.wait_for_function(CONTROLLED, timeout=timeout / 2)
