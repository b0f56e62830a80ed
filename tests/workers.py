"""A real Celery worker process for the tests that need one (on its own queue, so no other
worker can take its tasks)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.production import production_env

ROOT = Path(__file__).resolve().parent.parent


def start_worker(*, queue: str, redis_url: str, pool: str = "solo", **env: str) -> subprocess.Popen:
    """``env`` adds to the environment (DATABASE_URL for a worker on the test database)."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "thainguyen_portal",
            "worker",
            f"--pool={pool}",
            "--concurrency=1",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-Q",
            queue,
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env=production_env(REDIS_URL=redis_url, CELERY_TASK_ALWAYS_EAGER="false", **env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its pool processes stop with it
    )


def stop_worker(worker: subprocess.Popen) -> None:
    os.killpg(worker.pid, signal.SIGTERM)
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
