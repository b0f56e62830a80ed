"""Shared test fixtures: a small real-coded hierarchy and the fixed cast of personas.

Personas (each permission test pairs an allowed one with a forbidden one):
- ``province_officer``: Tỉnh Thái Nguyên (19)
- ``officer_a``: area officer of Huyện Định Hóa (167), district A
- ``officer_b``: area officer of Huyện Đại Từ (171), district B
- ``leader_a``: team leader of Tổ dân phố Trung Kiên, Thị trấn Chợ Chu, in district A
- anonymous: Django's test ``client`` without login
"""

from __future__ import annotations

import datetime
import os
import shutil
import socket
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.conf import settings

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run
# under one unless told it is safe (it is: the loop is Playwright's, not ours).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# In CI (REQUIRE_SERVICES=1) a missing service fails the test; on a laptop it skips.
REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SINCE = datetime.date(2000, 1, 1)


def service_missing(reason: str) -> None:
    if REQUIRE_SERVICES:
        pytest.fail(f"required service missing: {reason}", pytrace=False)
    pytest.skip(reason)


def _reachable(url: str, default_port: int) -> bool:
    parts = urlparse(url)
    try:
        with socket.create_connection(
            (parts.hostname or "127.0.0.1", parts.port or default_port), 2
        ):
            return True
    except OSError:
        return False


@pytest.fixture
def redis_url() -> str:
    url = settings.REDIS_URL
    if not url:
        service_missing("REDIS_URL is not set")
    if not _reachable(url, 6379):
        service_missing(f"Redis at {url} does not answer")
    return url


@pytest.fixture
def require_postgres() -> None:
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        service_missing("DATABASE_URL does not point at PostgreSQL")


@pytest.fixture
def reference_data() -> Path:
    """The official unit lists shipped with the project (areas/data)."""
    from areas.reference import DATA_DIR

    return DATA_DIR


def seed_demo_world(**options):
    """``make run``'s demo data, as a developer's machine loads it (DEBUG on: the published
    demo logins; with DEBUG off seed_demo refuses, or generates secrets)."""
    from django.core.management import call_command
    from django.test.utils import override_settings

    options.setdefault("stdout", open(os.devnull, "w"))  # noqa: SIM115
    with override_settings(DEBUG=True):
        call_command("seed_demo", **options)


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    """Tests create many accounts; real PBKDF2 costs ~0.3 s each. Passwords are never the
    subject of a test's timing, so hash them quickly here (production keeps PBKDF2)."""
    from django.test.utils import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def _api_limits_out_of_the_way(settings):
    """The API's per-account limits count in the cache, which outlives a test; the tests of
    the limits set their own (api/tests/test_rate_limits.py)."""
    settings.API_RATE_LIMITS = {"account": "100000/minute", "token": "100000/minute"}


@pytest.fixture(autouse=True)
def _cache_cleared():
    """The cache (locmem here, Redis in CI) outlives a test: a dashboard's figures kept by one
    test must not be shown in the next (dashboards.views.dashboard_unit)."""
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    # Only the in-process cache: Redis also carries Celery's queues in CI (a FLUSHDB there
    # would wipe them), and on PostgreSQL a unit's id is never reused, so neither is a key.
    cache = caches["default"]
    local = isinstance(cache, LocMemCache)
    if local:
        cache.clear()
    yield
    if local:
        cache.clear()


@pytest.fixture(autouse=True)
def _language_of_the_portal():
    """Each test starts in the portal's language: a request in English (a cookie, a header)
    leaves its language active in the thread, which would leak into the next test."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True, scope="session")
def _celery_in_process():
    """Tasks run in the test process; the worker test talks to a real worker instead."""
    from thainguyen_portal.celery import app

    app.conf.task_always_eager = True
    yield


@pytest.fixture
def with_a_worker():
    """Tasks go to a worker (not run in-process): what they send is queued on commit, which
    a test captures with django_capture_on_commit_callbacks."""
    from thainguyen_portal.celery import app

    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = True


# --- Browser (pytest-playwright) with the machine's Debian Chromium ----------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not shutil.which(CHROMIUM):
        service_missing(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
        ],
    }


# --- The hierarchy and the personas ------------------------------------------------------


@dataclass
class Tree:
    province: object
    district_a: object
    district_b: object
    commune_a: object
    commune_a2: object
    commune_b: object
    hamlet_a: object
    hamlet_b: object


def build_tree() -> Tree:
    """The small real-coded hierarchy (a function: a module may build it once)."""
    from areas.models import Level
    from areas.services import hamlet_create, unit_create

    province = unit_create(
        code="19", name="Tỉnh Thái Nguyên", level=Level.PROVINCE, parent=None, valid_from=SINCE
    )
    district_a = unit_create(
        code="167", name="Huyện Định Hóa", level=Level.DISTRICT, parent=province, valid_from=SINCE
    )
    district_b = unit_create(
        code="171", name="Huyện Đại Từ", level=Level.DISTRICT, parent=province, valid_from=SINCE
    )
    commune_a = unit_create(
        code="05536",
        name="Thị trấn Chợ Chu",
        level=Level.COMMUNE,
        parent=district_a,
        valid_from=SINCE,
    )
    commune_a2 = unit_create(
        code="05569", name="Xã Bảo Cường", level=Level.COMMUNE, parent=district_a, valid_from=SINCE
    )
    commune_b = unit_create(
        code="05761",
        name="Thị trấn Hùng Sơn",
        level=Level.COMMUNE,
        parent=district_b,
        valid_from=SINCE,
    )
    hamlet_a = hamlet_create(commune=commune_a, name="Tổ dân phố Trung Kiên", valid_from=SINCE)
    hamlet_b = hamlet_create(commune=commune_b, name="Tổ dân phố Sơn Tập", valid_from=SINCE)
    return Tree(
        province, district_a, district_b, commune_a, commune_a2, commune_b, hamlet_a, hamlet_b
    )


@pytest.fixture
def tree(db) -> Tree:
    return build_tree()


PASSWORD = "Thai-Nguyen-2026"


def _make_user(username: str, role: str, unit, name: str):
    from accounts.services import user_create

    return user_create(
        actor=None, username=username, role=role, scope_unit=unit, password=PASSWORD, name=name
    )


TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DP"


def with_totp(user):
    """Province officers and administrators must have an authenticator app (TOTP)."""
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(user, TOTP_SECRET)
    return user


def make_province_officer(tree):
    return with_totp(_make_user("tinh", "province_officer", tree.province, "Nguyễn Thị Hoa"))


def make_officer_a(tree):
    return _make_user("dinhhoa", "area_officer", tree.district_a, "Hoàng Văn Thắng")


def make_officer_b(tree):
    return _make_user("daitu", "area_officer", tree.district_b, "Trần Thị Lan")


def make_leader_a(tree):
    return _make_user("trungkien", "team_leader", tree.hamlet_a, "Lưu Văn Bình")


def make_admin_user():
    from accounts.models import User

    return with_totp(User.objects.create_superuser("admin", "admin@example.invalid", PASSWORD))


@pytest.fixture
def province_officer(tree):
    return make_province_officer(tree)


@pytest.fixture
def officer_a(tree):
    return make_officer_a(tree)


@pytest.fixture
def officer_b(tree):
    return make_officer_b(tree)


@pytest.fixture
def leader_a(tree):
    return make_leader_a(tree)


@pytest.fixture
def admin_user(db):
    return make_admin_user()


@pytest.fixture
def client_for(client):
    """client_for(user) → the test client logged in as that user."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture(autouse=True)
def _app_catalogue_after_flush(request):
    """A transactional test (browser, concurrency) empties every table when it ends, the app
    catalogue and indicator registry that data migrations loaded included; give each such
    test them back."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or (
        "transactional_db" in request.fixturenames or "live_server" in request.fixturenames
    )
    if transactional:
        request.getfixturevalue("transactional_db")
        from apps_catalog.catalogue import load_catalogue
        from apps_catalog.models import App, Outcome

        load_catalogue(App, Outcome)
        from dashboards.models import Indicator
        from dashboards.registry import load_indicators

        load_indicators(Indicator, App, Outcome)
