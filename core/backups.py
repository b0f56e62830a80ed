"""Backups of the PostgreSQL database: pg_dump's custom format (compressed, restorable table
by table), encrypted with BACKUP_KEY (gpg, AES-256) into a file only its owner may read, and
pg_restore into a database of the caller's choice."""

from __future__ import annotations

import datetime
import os
import shutil
import subprocess
import tempfile
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


def _key() -> str:
    key = settings.BACKUP_KEY
    if not key:
        raise BackupError(
            "BACKUP_KEY is not set: backups hold personal data and are written encrypted with "
            "it (keep it apart from the backups, e.g. in the province's password vault)."
        )
    return key


def _gpg(*args: str, key_fd: int, home: str) -> list[str]:
    """gpg in a throwaway home (nothing written to ~/.gnupg), reading the key from a pipe."""
    return [
        "gpg",
        "--batch",
        "--quiet",
        "--homedir",
        home,
        "--pinentry-mode",
        "loopback",
        "--passphrase-fd",
        str(key_fd),
        *args,
    ]


def _key_pipe(key: str) -> int:
    """A pipe gpg reads the key from (never on a command line, where `ps` would show it)."""
    read, write = os.pipe()
    os.write(write, key.encode() + b"\n")
    os.close(write)
    return read


def backup(path: Path | None = None, *, alias: str = "default") -> Path:
    """Dump the database to ``path`` (default: var/backups/portal-<time>.dump.gpg): pg_dump's
    custom format, encrypted with BACKUP_KEY (OpenPGP, AES-256), readable by its owner only
    (mode 0600)."""
    key = _key()
    if path is None:
        stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d-%H%M%S")
        path = Path(settings.BASE_DIR) / "var" / "backups" / f"portal-{stamp}.dump.gpg"
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    args, env = _connection_env(alias)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # also when the file was there before
    key_fd = _key_pipe(key)
    with tempfile.TemporaryDirectory() as home, os.fdopen(fd, "wb") as out:
        dump = subprocess.Popen(
            ["pg_dump", "--format=custom", "--no-owner", *args],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert dump.stdout is not None and dump.stderr is not None  # both are pipes
        encrypt = subprocess.run(
            _gpg(
                "--symmetric", "--cipher-algo", "AES256", "--output", "-", key_fd=key_fd, home=home
            ),
            stdin=dump.stdout,
            stdout=out,
            stderr=subprocess.PIPE,
            pass_fds=(key_fd,),
        )
        dump.stdout.close()
        dumped = dump.wait()
        os.close(key_fd)
    if dumped or encrypt.returncode:
        path.unlink(missing_ok=True)
        raise BackupError((dump.stderr.read() + encrypt.stderr).decode(errors="replace").strip())
    return path


def restore(path: Path, *, url: str | None = None, alias: str = "default") -> None:
    """Restore a backup into the database at ``url`` (or the alias), replacing what is there.
    The file must open with BACKUP_KEY: a wrong key restores nothing."""
    if not path.exists():
        raise BackupError(f"{path}: no such file")
    key = _key()
    args, env = _connection_env(alias, url)
    key_fd = _key_pipe(key)
    with tempfile.TemporaryDirectory() as home:
        decrypt = subprocess.Popen(
            _gpg("--decrypt", str(path), key_fd=key_fd, home=home),
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            pass_fds=(key_fd,),
        )
        os.close(key_fd)
        assert decrypt.stdout is not None  # a pipe
        head = decrypt.stdout.read(5)
        if head != b"PGDMP":  # pg_dump's custom format starts so; a wrong key gives nothing
            decrypt.stdout.close()
            decrypt.wait()
            raise BackupError(
                "BACKUP_KEY does not open this file (or it is not a backup of the portal): "
                "nothing was restored."
            )
        load = subprocess.Popen(
            ["pg_restore", "--clean", "--if-exists", "--no-owner", "--exit-on-error", *args],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        assert load.stdin is not None and load.stderr is not None  # pipes
        try:
            load.stdin.write(head)
            shutil.copyfileobj(decrypt.stdout, load.stdin, 1 << 20)
            load.stdin.close()
        except BrokenPipeError:
            pass  # pg_restore stopped: its error says why
        errors = load.stderr.read()
        restored = load.wait()
        decrypt.stdout.close()
        decrypt.wait()
    if restored:
        raise BackupError(errors.decode(errors="replace").strip())
