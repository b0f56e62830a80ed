"""Production mode for the tests: the environment a real deployment gives the portal (DEBUG
off, secrets of its own, manifest static files) and gunicorn started as the image starts it."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

# Real secrets, new for each test run (never the repository's published ones).
SECRETS = {
    "SECRET_KEY": secrets.token_urlsafe(50),
    "CITIZEN_ID_KEY": secrets.token_urlsafe(40),
}


def production_env(**extra: str) -> dict[str, str]:
    """This process's environment as production would have it, with ``extra`` on top."""
    # The test run's own DJANGO_ALLOW_ASYNC_UNSAFE (for Playwright) is not production's.
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {**env, "DEBUG": "false", **SECRETS, **extra}


def manage(*args: str, env: dict[str, str], timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def collectstatic(static_root: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    """The image's build step: hashed, compressed files with their manifest."""
    env = {**env, "STATIC_MANIFEST": "true", "STATIC_ROOT": str(static_root)}
    return manage("collectstatic", "--noinput", "-v", "0", env=env)


def start_gunicorn(*, port: int, env: dict[str, str], workers: int = 2) -> subprocess.Popen:
    """The image's command (gunicorn.conf.py is read from the working directory)."""
    return subprocess.Popen(
        [str(BIN / "gunicorn"), "thainguyen_portal.wsgi"],
        cwd=ROOT,
        env={**env, "BIND_HOST": "127.0.0.1", "PORT": str(port), "WEB_CONCURRENCY": str(workers)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_until_serving(url: str, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({server.returncode}): {server.stderr.read()}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answers (the test looks at what)
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
