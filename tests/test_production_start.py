"""Production mode starts only as production: its own secrets, a static build that works."""

from __future__ import annotations

import json
import socket
import subprocess
import sys

import pytest

from tests.production import (
    ROOT,
    collectstatic,
    production_env,
    start_gunicorn,
    stop,
    wait_until_serving,
)


def _load_wsgi(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "import thainguyen_portal.wsgi"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY is not set"),
        (
            {"SECRET_KEY": "django-insecure-dev-only-key-set-SECRET_KEY-in-production"},
            "SECRET_KEY is the value published",
        ),
        ({"SECRET_KEY": "change-me"}, "SECRET_KEY is the value published"),
        ({"CITIZEN_ID_KEY": ""}, "CITIZEN_ID_KEY is not set"),
        ({"CITIZEN_ID_KEY": "change-me-too"}, "CITIZEN_ID_KEY is the value published"),
        ({"CITIZEN_ID_KEY": "short"}, "CITIZEN_ID_KEY is shorter than 32"),
    ],
)
def test_the_portal_refuses_to_start_without_secrets_of_its_own(changes, named):
    result = _load_wsgi(production_env(**changes))
    assert result.returncode != 0
    assert named in result.stderr
    assert "will not start with DEBUG=false" in result.stderr


def test_the_portal_starts_in_production_with_its_own_secrets():
    assert _load_wsgi(production_env()).returncode == 0


def test_development_keeps_its_published_key():
    env = production_env(DEBUG="true", SECRET_KEY="", CITIZEN_ID_KEY="")
    env.pop("SECRET_KEY")
    assert _load_wsgi(env).returncode == 0


def test_the_production_static_build_succeeds_and_serves_hashed_files(tmp_path):
    static_root = tmp_path / "static"
    env = production_env()
    built = collectstatic(static_root, env)
    assert built.returncode == 0, built.stdout + built.stderr
    manifest = json.loads((static_root / "staticfiles.json").read_text())["paths"]
    assert "vendor/chart.js/chart.umd.min.js" in manifest
    assert (static_root / (manifest["css/portal.css"] + ".gz")).exists()

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**env, "STATIC_MANIFEST": "true", "STATIC_ROOT": str(static_root)}
    server = start_gunicorn(port=port, env=env, workers=1)
    try:
        import urllib.request

        base = f"http://127.0.0.1:{port}"
        wait_until_serving(f"{base}/accounts/login/", server)
        html = urllib.request.urlopen(f"{base}/accounts/login/").read().decode()
        hashed = manifest["css/portal.css"]
        assert f"/static/{hashed}" in html
        with urllib.request.urlopen(f"{base}/static/{hashed}") as response:
            assert response.status == 200
            assert "immutable" in response.headers["Cache-Control"]
    finally:
        stop(server)
