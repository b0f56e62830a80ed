"""A real Celery worker process against the real Redis broker: a task goes there and back."""

from __future__ import annotations

import uuid

import pytest
from celery import Celery

from tests.workers import start_worker, stop_worker


@pytest.mark.redis
def test_a_task_round_trips_through_redis_and_a_real_worker(redis_url):
    queue = f"test-{uuid.uuid4().hex[:8]}"  # our own queue: no other worker can take it
    worker = start_worker(queue=queue, redis_url=redis_url)
    # A client of its own, not the test process's eager app: this one really uses the broker.
    client = Celery(broker=redis_url, backend=redis_url)
    try:
        token = uuid.uuid4().hex
        result = client.send_task("core.ping", args=[token], queue=queue)
        assert result.get(timeout=60) == token
    finally:
        stop_worker(worker)
        client.close()
