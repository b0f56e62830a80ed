"""What production must not start without: its own secrets.

The repository publishes a development ``SECRET_KEY`` (and ``.env.example`` placeholders); a
portal serving with ``DEBUG=false`` on one of them signs sessions and reset links with a key
anyone can read, and hashes citizen ID numbers with a key derived from it. The web (wsgi.py,
asgi.py) and the Celery worker and beat refuse to start then, and ``check --deploy`` fails.
"""

from __future__ import annotations

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

# Values anyone can read in this repository (settings' default, .env.example).
PUBLISHED = {"change-me", "change-me-too"}
MIN_LENGTH = 32
HOW = 'python -c "import secrets; print(secrets.token_urlsafe(50))"'


def _problem(name: str, value: str) -> str | None:
    value = value or ""
    if not value:
        return f"{name} is not set."
    if value in PUBLISHED or value.startswith("django-insecure"):
        return f"{name} is the value published in the repository."
    if len(value) < MIN_LENGTH:
        return f"{name} is shorter than {MIN_LENGTH} characters."
    return None


def secret_problems() -> list[str]:
    """Why the configured secrets cannot serve production (empty: they can)."""
    try:
        secret_key = settings.SECRET_KEY
    except ImproperlyConfigured:  # Django's own refusal of an empty key
        secret_key = ""
    found = [
        _problem("SECRET_KEY", secret_key),
        # In production the ID-number key is its own secret, set once and kept for ever
        # (derived from SECRET_KEY, rotating that key would break matching).
        _problem("CITIZEN_ID_KEY", settings.CITIZEN_ID_KEY),
    ]
    return [problem for problem in found if problem]


def refuse_unsafe_production() -> None:
    """Called where the portal starts serving: with DEBUG off, unsafe secrets stop it."""
    if settings.DEBUG:
        return
    problems = secret_problems()
    if problems:
        raise ImproperlyConfigured(
            "The portal will not start with DEBUG=false: "
            + " ".join(problems)
            + f" Set them in the environment (or .env) to long random strings, e.g. {HOW}."
        )


@checks.register(checks.Tags.security, deploy=True)
def check_production_secrets(app_configs=None, **kwargs):
    return [
        checks.Error(problem, hint=f"Set it to a long random string: {HOW}", id="portal.E001")
        for problem in secret_problems()
    ]
