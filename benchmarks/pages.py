"""Page timings at scale: p50 of a few signed-in requests per page and user.

Run against a copy of a full-province database (never a shared one), e.g.::

    DJANGO_SETTINGS_MODULE=thainguyen_portal.settings DEBUG=true \\
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/scale_NAME \\
    python -m benchmarks.pages
"""

from __future__ import annotations

import json
import os
import statistics
import time

USERS = ("tinh", "daitu")
PAGES = {"home_ms": "/", "households_list_ms": "/households/"}
NOOP = "/bench/noop/"


def _p50(client, path: str, *, warmups: int, runs: int) -> float | None:
    for _ in range(warmups):
        if client.get(path).status_code != 200:
            return None
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(path)
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 1)


def measure_pages(*, users=USERS, warmups: int = 3, runs: int = 20) -> dict:
    """{"households_list_ms": {username: p50}, "home_ms": {...}, "noop_ms": p50}; a user
    missing from the database is left out, and so is the trivial view when not routed."""
    from django.conf import settings
    from django.test import override_settings

    with override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
        return _measure(users=users, warmups=warmups, runs=runs)


def _measure(*, users, warmups: int, runs: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.test import Client

    results: dict = {key: {} for key in PAGES}
    for username in users:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            continue
        client = Client()
        client.force_login(user)
        for key, path in PAGES.items():
            p50 = _p50(client, path, warmups=warmups, runs=runs)
            if p50 is not None:
                results[key][username] = p50
    noop = _p50(Client(), NOOP, warmups=warmups, runs=runs)
    if noop is not None:
        results["noop_ms"] = noop
    return results


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thainguyen_portal.settings")
    django.setup()
    print(json.dumps(measure_pages(), indent=2))
