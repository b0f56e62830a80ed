"""`manage.py check --deploy` with production-like settings reports nothing."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.production import ROOT, SECRETS

PRODUCTION_ENV = {
    "DEBUG": "false",
    **SECRETS,
    "ALLOWED_HOSTS": "tocongnghe.thainguyen.gov.vn",
    "SECURE_SSL_REDIRECT": "true",
    "SESSION_COOKIE_SECURE": "true",
    "CSRF_COOKIE_SECURE": "true",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
    "SECURE_HSTS_PRELOAD": "true",
}


def _check(extra_env: dict[str, str]) -> subprocess.CompletedProcess:
    # The test run's own DJANGO_ALLOW_ASYNC_UNSAFE (for Playwright) is not production's.
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in PRODUCTION_ENV and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**env, **extra_env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_is_clean_with_production_settings():
    result = _check(PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_fails_when_production_forgets_https_settings():
    result = _check({**PRODUCTION_ENV, "SECURE_SSL_REDIRECT": "false"})
    assert result.returncode != 0
    assert "security.W008" in result.stdout + result.stderr


def test_deploy_check_fails_on_the_secrets_published_in_the_repository():
    result = _check({**PRODUCTION_ENV, "SECRET_KEY": "change-me", "CITIZEN_ID_KEY": ""})
    assert result.returncode != 0
    assert "portal.E001" in result.stdout + result.stderr
