from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from .models import Report
from .reports import report_build, report_fail
from .rollups import rollup as run_rollup


@shared_task(
    name="dashboards.rollup",
    acks_late=True,
    # A database restarting or briefly unreachable: try again a few times, waiting longer
    # each time (bounded: beat starts a fresh run a few minutes later anyway).
    autoretry_for=(OperationalError,),
    max_retries=3,
    retry_backoff=5,
    retry_jitter=False,
)
def rollup(full: bool = False) -> int:
    """Incremental by default (beat, every few minutes); idempotent, so a rerun after a
    worker died mid-way computes the same figures (tests/…/test_rollup_worker_killed.py)."""
    return run_rollup(full=full)


@shared_task(name="dashboards.build_report", acks_late=True)
def build_report(report_id: int) -> None:

    report = Report.objects.filter(pk=report_id).first()
    if report is None:  # deleted meanwhile
        return
    try:
        report_build(report=report)
    except Exception:
        report_fail(report_id=report_id)  # the error itself is logged by Celery
        raise
