"""Writes of the dashboards app outside the roll-up itself: keeping the figures fresh."""

from __future__ import annotations

import datetime

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core import outbox

from .models import ChangeMark, RollupState
from .rollups import rollup
from .selectors import refresh_status
from .tasks import rollup as rollup_task

# With a worker, beat rolls up every 5 minutes; figures older than this mean it does not run.
BEAT_LATE = datetime.timedelta(minutes=11)


def _in_process() -> bool:
    """No worker: tasks run in the process that sends them (the embedded default)."""
    return bool(current_app.conf.task_always_eager)


def figures_keep_fresh(*, now: datetime.datetime | None = None) -> dict:
    """Bring the figures up to date when facts changed since they were computed, so nobody
    has to press "Recompute": in-process (no worker) the incremental roll-up runs here and
    costs what changed; with a worker whose beat seems stopped, a run is queued and the page
    shows it being recomputed. Returns the refresh status the dashboard shows."""
    now = now or timezone.now()
    status = refresh_status()
    computed_at = status["computed_at"]
    if status["refreshing"]:
        return status
    max_age = datetime.timedelta(seconds=settings.FIGURES_STALE_AFTER)
    if computed_at is not None and computed_at > now - max_age:
        return status  # fresh enough; and a page view costs no extra query
    if computed_at is not None and not ChangeMark.objects.exists():
        return status  # nothing changed since
    if _in_process():
        rollup()
        return refresh_status()
    if computed_at is None or computed_at < now - BEAT_LATE:
        figures_refresh_request(now=now)
        return refresh_status()
    return status


def figures_refresh_request(*, now: datetime.datetime | None = None) -> None:
    """Ask for fresh figures: a roll-up task (on the worker, or in-process without one); the
    dashboards say "being recomputed" until a run finishes after this moment."""

    RollupState.objects.update_or_create(
        key="refresh", defaults={"requested_at": now or timezone.now()}
    )
    transaction.on_commit(lambda: outbox.send(rollup_task))
