from __future__ import annotations

from celery import shared_task

from .rollups import rollup_full


@shared_task(name="dashboards.rollup")
def rollup() -> int:
    return rollup_full()


@shared_task(name="dashboards.build_report")
def build_report(report_id: int) -> None:
    from .models import Report
    from .reports import report_build

    report = Report.objects.filter(pk=report_id).first()
    if report is None:  # deleted meanwhile
        return
    report_build(report=report)
