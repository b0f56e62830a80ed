"""Faults, with the real services really stopped and started again (as the machine's env page
says): Redis down must not stop pages or visits, and work for the broker waits in the
database; PostgreSQL restarting gives a clear 503 and the portal recovers by itself."""

from __future__ import annotations

import datetime
import http.client
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.urls import reverse

from tests.consent import CONSENTED
from tests.production import production_env

ROOT = Path(__file__).resolve().parent.parent
REDIS_START = (
    'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" '
    "--appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log"
)


def pg_cluster(action: str) -> None:
    version = subprocess.run(
        "ls /etc/postgresql", shell=True, capture_output=True, text=True, check=True
    ).stdout.split()[0]
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action, "-m", "fast"]
        if action == "stop"
        else ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action],
        check=True,
        capture_output=True,
    )


def wait_for(check, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except Exception:  # noqa: BLE001, S110 - not up yet
            pass
        time.sleep(0.3)
    raise AssertionError("service did not come back")


def redis_up() -> bool:
    return (
        subprocess.run(["redis-cli", "-p", "6379", "ping"], capture_output=True).stdout.strip()
        == b"PONG"
    )


def _stand_in() -> None:
    """The roll-up task's name on a broker of our own (the suite's Celery app runs eagerly)."""


@pytest.mark.redis
@pytest.mark.django_db
def test_with_redis_stopped_pages_serve_visits_are_recorded_and_tasks_wait(
    redis_url, settings, client, officer_a, leader_a, tree
):
    from celery import Celery
    from rest_framework.authtoken.models import Token

    from citizens.models import Household, Visit
    from conftest import PASSWORD
    from core import outbox
    from core.models import PendingTask

    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": redis_url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    settings.REDIS_URL = redis_url
    # An app of our own: not made the current app, so the suite's tasks stay on theirs.
    broker = Celery("fault-test", broker=redis_url, set_as_current=False)
    broker.conf.broker_connection_timeout = 1
    task = broker.task(name="dashboards.rollup")(_stand_in)
    household = Household.objects.create(
        consent_on=CONSENTED, hamlet=tree.hamlet_a, head_name="Chủ hộ"
    )
    token = Token.objects.create(user=leader_a)
    subprocess.run(["redis-cli", "-p", "6379", "shutdown", "nosave"], capture_output=True)
    try:
        wait_for(lambda: not redis_up())
        # Sign-in (its rate limit lives in the cache) and pages still work.
        signed_in = client.post(
            reverse("account_login"), {"login": officer_a.username, "password": PASSWORD}
        )
        assert signed_in.status_code == 302 and signed_in["Location"] == reverse("home")
        assert client.get(reverse("citizens:household-list")).status_code == 200
        health = client.get(reverse("healthz")).json()
        assert health["status"] == "degraded" and not health["components"]["redis"]["ok"]
        # A visit from a phone is recorded.
        visit = client.post(
            reverse("api:visit-list"),
            json.dumps(
                {
                    "client_uuid": str(uuid.uuid4()),
                    "household": household.pk,
                    "visited_on": datetime.date.today().isoformat(),  # noqa: DTZ011
                    "kind": "nobody_home",
                }
            ),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Token {token.key}",
        )
        assert visit.status_code == 201 and Visit.objects.filter(household=household).exists()
        # Work for the broker waits in the database instead of failing the request.
        started = time.monotonic()
        assert outbox.send(task) is False
        assert time.monotonic() - started < 10
        assert PendingTask.objects.filter(name="dashboards.rollup").count() == 1
        assert outbox.flush(app=broker) == 0  # still down: kept
    finally:
        subprocess.run(REDIS_START, shell=True, check=True, capture_output=True)
        wait_for(redis_up)
    # Back up: what waited is sent, once.
    assert outbox.flush(app=broker) == 1
    assert not PendingTask.objects.exists()
    import redis

    queue = redis.Redis.from_url(redis_url)
    assert queue.llen("celery") >= 1
    queue.delete("celery")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgresql_restarting_gives_a_503_page_and_the_portal_recovers(require_postgres, tree):
    from django.db import connection

    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    port = 19000 + os.getpid() % 500
    env = production_env(
        DATABASE_URL=url,
        CONN_MAX_AGE="600",  # a long-lived connection that the restart breaks
        LOG_LEVEL="CRITICAL",
    )
    env.pop("REDIS_URL", None)
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "thainguyen_portal.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--log-level",
            "critical",
        ],
        cwd=ROOT,
        env=env,
    )

    def get(path: str) -> tuple[int, str]:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read().decode()

    try:
        wait_for(lambda: get("/healthz")[0] == 200)
        assert get("/directory/")[0] == 200
        connection.close()
        pg_cluster("stop")
        try:
            status, body = get("/directory/")
            assert status == 503 and "tạm thời gián đoạn" in body
            status, body = get("/healthz")
            assert status == 503 and json.loads(body)["status"] == "down"
        finally:
            pg_cluster("start")
        wait_for(lambda: subprocess.run(["pg_isready", "-h", "127.0.0.1"]).returncode == 0)
        # The same portal process, not restarted, serves again.
        wait_for(lambda: get("/directory/")[0] == 200, seconds=15)
        assert server.poll() is None
    finally:
        server.terminate()
        server.wait(timeout=20)
        connection.close()
