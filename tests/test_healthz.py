"""/healthz names each component and whether it answers."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_healthz_reports_the_database_and_redis(client, settings, redis_url):
    settings.REDIS_URL = redis_url
    answer = client.get(reverse("healthz"))
    assert answer.status_code == 200
    body = answer.json()
    assert body["status"] == "ok"
    assert body["components"]["database"]["ok"] and body["components"]["redis"]["ok"]


def test_redis_unreachable_is_reported_as_degraded_not_down(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    answer = client.get(reverse("healthz"))
    assert answer.status_code == 200
    body = answer.json()
    assert body["status"] == "degraded"
    assert body["components"]["redis"] == {"ok": False, "error": "ConnectionError"}


def test_the_health_command_passes_while_the_database_answers(settings):
    from io import StringIO

    from django.core.management import call_command

    settings.REDIS_URL = ""
    out = StringIO()
    call_command("health", stdout=out)
    assert '"status": "ok"' in out.getvalue()


def test_the_strict_health_command_fails_when_the_broker_is_down(settings):
    from django.core.management import call_command

    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    call_command("health", stdout=open("/dev/null", "w"))  # noqa: SIM115  (degraded: still ok)
    with pytest.raises(SystemExit) as exit_:
        call_command("health", "--strict", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert exit_.value.code == 1
