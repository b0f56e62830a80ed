from __future__ import annotations

from celery import shared_task

from .rollups import rollup_full


@shared_task(name="dashboards.rollup")
def rollup() -> int:
    return rollup_full()
