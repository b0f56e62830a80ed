"""The portal as production runs it, for the persona journeys: its own database, seeded as a
demonstration server (seed_demo --allow-production: secrets of its own), DEBUG off, real
secrets, the manifest static build, gunicorn."""

from __future__ import annotations

import os
import re
import socket
from dataclasses import dataclass
from urllib.parse import urlparse

import pytest

from tests.production import (
    collectstatic,
    manage,
    production_env,
    start_gunicorn,
    stop,
    wait_until_serving,
)


@dataclass(frozen=True)
class Portal:
    url: str
    password: str
    totp_secret: str


def _database_urls(tmp_path) -> tuple[str, str]:
    """(the owner's URL, for the migrations; the runtime role's, for the portal). On
    PostgreSQL they differ, as in production (audit/management/commands/db_roles.py)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sqlite = f"sqlite:///{tmp_path / 'journeys.sqlite3'}"
        return sqlite, sqlite
    import psycopg

    parts = urlparse(url)
    name = f"{parts.path.lstrip('/') or 'portal'}_journeys"
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    owner = parts._replace(path=f"/{name}")
    host = owner.netloc.rsplit("@", 1)[-1]
    runtime = owner._replace(netloc=f"{RUNTIME_ROLE}@{host}")
    return owner.geturl(), runtime.geturl()


RUNTIME_ROLE = "portal_journeys_runtime"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def production_portal(tmp_path_factory) -> Portal:
    tmp = tmp_path_factory.mktemp("production")
    owner_url, runtime_url = _database_urls(tmp)
    env = production_env(
        DATABASE_URL=runtime_url,
        STATIC_MANIFEST="true",
        STATIC_ROOT=str(tmp / "static"),
        MEDIA_ROOT=str(tmp / "media"),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        # The embedded default: tasks in-process, no worker (the worker has its own tests).
        REDIS_URL="",
        CELERY_TASK_ALWAYS_EAGER="true",
        # A dashboard opened after a change brings the figures up to date at once.
        FIGURES_STALE_AFTER="0",
        LOG_LEVEL="WARNING",
    )
    owner_env = {**env, "DATABASE_URL": owner_url}
    steps = [manage("migrate", "--noinput", "-v", "0", env=owner_env)]
    if owner_url != runtime_url:  # the portal runs as a role that cannot erase the audit log
        steps.append(manage("db_roles", "--runtime", RUNTIME_ROLE, env=owner_env))
    steps += [
        manage("seed_demo", "--allow-production", env=env),
        collectstatic(tmp / "static", env),
    ]
    for step in steps:
        assert step.returncode == 0, step.stdout + step.stderr
        if "seed_demo" in step.args:
            seeded = step.stdout
    password = re.search(r"password for all: (\S+)\)", seeded).group(1)
    secret = re.search(r"\(secret (\S+)\)", seeded).group(1)
    port = _free_port()
    server = start_gunicorn(port=port, env=env, workers=2)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(f"{url}/healthz", server)
        yield Portal(url=url, password=password, totp_secret=secret)
    finally:
        stop(server)
