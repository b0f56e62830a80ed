"""/healthz: each component the portal depends on, checked quickly. 200 while the database
answers (the portal can serve); 503 when it does not. Redis down is "degraded": pages and
visits still work, background work waits."""

from __future__ import annotations

import time

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache


def _check(probe) -> dict:
    started = time.perf_counter()
    try:
        probe()
    except Exception as error:  # noqa: BLE001 - reported, not raised
        return {"ok": False, "error": type(error).__name__}
    return {"ok": True, "ms": round(1000 * (time.perf_counter() - started), 1)}


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _redis() -> None:
    import redis

    redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1).ping()


def health_report() -> dict:
    """``status``: ok, degraded (Redis down: pages work, background work waits) or down (no
    database), with each component's answer. /healthz and ``manage.py health`` say it."""
    components = {"database": _check(_database)}
    if settings.REDIS_URL:
        components["redis"] = _check(_redis)
    database_ok = components["database"]["ok"]
    everything_ok = all(c["ok"] for c in components.values())
    status = "ok" if everything_ok else ("degraded" if database_ok else "down")
    return {"status": status, "components": components}


@never_cache
def healthz(request):
    report = health_report()
    return JsonResponse(report, status=503 if report["status"] == "down" else 200)
