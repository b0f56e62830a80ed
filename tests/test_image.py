"""The image and the compose file, checked piece by piece (no Docker engine on this machine:
the image's own steps — collectstatic with the manifest, gunicorn with production secrets —
run in tests/test_production_start.py and under the journeys of tests/test_journeys.py)."""

from __future__ import annotations

import fnmatch
import re

import pytest
import yaml

from tests.production import ROOT

DOCKERFILE = (ROOT / "Dockerfile").read_text()
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def sent_to_docker(path: str) -> bool:
    """Whether `docker build` gets ``path`` in its context (.dockerignore: the last matching
    pattern decides; ``!`` takes a path back; a directory's pattern covers what is inside)."""
    sent = True
    for line in (ROOT / ".dockerignore").read_text().splitlines():
        pattern = line.strip()
        if not pattern or pattern.startswith("#"):
            continue
        negated = pattern.startswith("!")
        pattern = pattern.lstrip("!")
        parts = path.split("/")
        prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
        names = parts  # "__pycache__" anywhere
        if any(fnmatch.fnmatch(p, pattern) for p in prefixes) or (
            "/" not in pattern and any(fnmatch.fnmatch(n, pattern) for n in names)
        ):
            sent = negated
    return sent


@pytest.mark.parametrize(
    "path",
    [
        ".venv/bin/python",
        "var/db.sqlite3",
        "var/backups/portal-2026-12-01.dump",
        "var/media/imports/roster.xlsx",
        ".env",
        ".env.production",
        ".git/config",
        "node_modules/chart.js/package.json",
        "teams/__pycache__/views.cpython-311.pyc",
        "staticfiles/staticfiles.json",
    ],
)
def test_the_image_never_receives_secrets_personal_data_or_local_leftovers(path):
    assert not sent_to_docker(path)


@pytest.mark.parametrize(
    "path",
    [
        "manage.py",
        "gunicorn.conf.py",
        "thainguyen_portal/settings.py",
        "areas/data/thai_nguyen_units_2025.csv",
        "static/vendor/chart.js/chart.umd.min.js",
        "locale/vi/LC_MESSAGES/django.po",
        "requirements/constraints.txt",
        ".env.example",
    ],
)
def test_the_image_receives_what_the_portal_runs_on(path):
    assert sent_to_docker(path)


def test_the_image_runs_as_an_unprivileged_user_and_serves_with_gunicorn():
    users = re.findall(r"^USER\s+(\S+)", DOCKERFILE, re.MULTILINE)
    assert users and users[-1] not in ("root", "0")
    last_user = DOCKERFILE.rindex("\nUSER ")
    assert "\nRUN " not in DOCKERFILE[last_user:]  # nothing runs as root after it
    assert 'CMD ["gunicorn", "thainguyen_portal.wsgi"]' in DOCKERFILE  # as tests/production.py
    assert "STATIC_MANIFEST=true python manage.py collectstatic" in DOCKERFILE


def test_migrations_run_once_as_their_own_service_before_the_portal_starts():
    services = COMPOSE["services"]
    assert "manage.py migrate" in " ".join(services["migrate"]["command"])
    for name in ("web", "worker", "beat"):
        command = " ".join(services[name]["command"])
        assert "migrate" not in command
        assert services[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }


def test_every_long_running_service_has_a_healthcheck_a_restart_policy_and_named_volumes():
    services = COMPOSE["services"]
    for name in ("postgres", "redis", "web", "worker", "beat"):
        assert services[name]["healthcheck"]["test"], name
        assert services[name]["restart"] == "unless-stopped", name
    assert "/healthz" in " ".join(services["web"]["healthcheck"]["test"])
    assert set(COMPOSE["volumes"]) == {"pgdata", "redisdata", "media"}
    assert "pgdata:/var/lib/postgresql/data" in services["postgres"]["volumes"]
    assert "media:/app/var/media" in services["web"]["volumes"]


def test_the_portal_connects_as_a_runtime_role_that_cannot_erase_the_audit_log():
    services = COMPOSE["services"]
    migrate = services["migrate"]
    assert "db_roles --runtime portal_app" in " ".join(migrate["command"])
    assert migrate["environment"]["DATABASE_URL"].startswith("postgres://portal:")  # the owner
    for name in ("web", "worker", "beat"):
        assert services[name]["environment"]["DATABASE_URL"].startswith("postgres://portal_app:")
