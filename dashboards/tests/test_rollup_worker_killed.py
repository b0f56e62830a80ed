"""A Celery worker killed in the middle of a roll-up: the run is redelivered and its rerun leaves
the right figures (late acknowledgement, reject on worker lost, one transaction per run).

Real parts only: a real worker process on the real Redis broker, working on the test's
PostgreSQL database; the test kills the worker's pool process with SIGKILL, as the kernel's
out-of-memory killer would.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid

import psycopg
import pytest
from celery import Celery
from django.conf import settings
from django.db import connection

from dashboards.models import ChangeMark, UnitFigures
from dashboards.rollups import APPS, rollup_full
from dashboards.tests.test_rollups import (
    assert_every_figure_equals_a_recount,
    change_a_bit_of_everything,
    snapshot,
)
from tests.workers import start_worker, stop_worker

pytestmark = [pytest.mark.redis, pytest.mark.postgres]


def _database_url() -> str:
    db = settings.DATABASES["default"]
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


def _wait(condition, what: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


def _blocked_rollup_backends(watcher) -> list[int]:
    """Backends of this database waiting for a lock on the per-app figures table: the
    roll-up has deleted and rewritten the unit totals and waits to go on."""
    rows = watcher.execute(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
        "AND wait_event_type = 'Lock' AND query ILIKE %s",
        [f"%{APPS}%"],
    ).fetchall()
    return [pid for (pid,) in rows]


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_rollup_leads_to_a_rerun_with_correct_figures(
    require_postgres, redis_url, random_province, tree, leader_a
):
    rollup_full()
    change_a_bit_of_everything(tree, leader_a)
    marks = ChangeMark.objects.count()
    assert marks
    before = snapshot()
    connection.close()  # the worker's transactions must not wait on ours

    queue = f"rollup-{uuid.uuid4().hex[:8]}"
    dsn = _database_url()
    # A second session holds the per-app figures table, so the run stops half-way through.
    holder = psycopg.connect(dsn, autocommit=False)
    holder.execute(f"LOCK TABLE {APPS} IN ACCESS EXCLUSIVE MODE")
    watcher = psycopg.connect(dsn, autocommit=True)
    worker = start_worker(
        queue=queue, redis_url=redis_url, pool="prefork", DATABASE_URL=_database_url()
    )
    client = Celery(broker=redis_url, backend=redis_url)
    try:
        client.send_task("dashboards.rollup", kwargs={"full": False}, queue=queue)
        _wait(lambda: _blocked_rollup_backends(watcher), "the roll-up to reach the lock")
        [child] = [
            int(pid)
            for pid in subprocess.run(
                ["pgrep", "-P", str(worker.pid)], capture_output=True, text=True
            ).stdout.split()
        ]
        os.kill(child, signal.SIGKILL)  # the pool process dies mid-transaction
        time.sleep(1)  # the worker notices, rejects the message back to the queue
        holder.rollback()  # the lock goes; the dead run's backend finds its client gone

        # Redelivered to the worker's new pool process, the run completes.
        _wait(lambda: not ChangeMark.objects.exists(), "the rerun to finish")
        connection.close()
        assert worker.poll() is None, "the worker itself survived its pool process"
    finally:
        holder.close()
        watcher.close()
        stop_worker(worker)
        client.close()

    after = snapshot()
    assert after != before  # the changes were rolled up …
    assert_every_figure_equals_a_recount()  # … exactly once, nothing half-written
    assert UnitFigures.objects.count() == len(after[0])
