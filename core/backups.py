"""Backups of the PostgreSQL database: pg_dump's custom format (compressed, restorable table
by table) and pg_restore into a database of the caller's choice."""

from __future__ import annotations

import datetime
import os
import subprocess
from pathlib import Path

from django.conf import settings
from django.db import connections


class BackupError(RuntimeError):
    pass


def _connection_env(alias: str = "default", url: str | None = None) -> tuple[list[str], dict]:
    """pg_dump/pg_restore arguments and environment for a database alias or a URL."""
    if url:
        return ["--dbname", url], dict(os.environ)
    db = connections[alias].settings_dict
    if db["ENGINE"] != "django.db.backends.postgresql":
        raise BackupError("Backups need PostgreSQL (DATABASE_URL=postgres://…).")
    args = ["--dbname", db["NAME"]]
    if db.get("HOST"):
        args += ["--host", db["HOST"]]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def backup(path: Path | None = None, *, alias: str = "default") -> Path:
    """Dump the database to ``path`` (default: var/backups/portal-<time>.dump)."""
    if path is None:
        stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d-%H%M%S")
        path = Path(settings.BASE_DIR) / "var" / "backups" / f"portal-{stamp}.dump"
    path.parent.mkdir(parents=True, exist_ok=True)
    args, env = _connection_env(alias)
    done = subprocess.run(
        ["pg_dump", "--format=custom", "--no-owner", "--file", str(path), *args],
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise BackupError(done.stderr.strip())
    return path


def restore(path: Path, *, url: str | None = None, alias: str = "default") -> None:
    """Restore a dump into the database at ``url`` (or the alias), replacing what is there."""
    if not path.exists():
        raise BackupError(f"{path}: no such file")
    args, env = _connection_env(alias, url)
    done = subprocess.run(
        ["pg_restore", "--clean", "--if-exists", "--no-owner", "--exit-on-error", *args, str(path)],
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise BackupError(done.stderr.strip())
