from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="notifications.evaluate")
def evaluate() -> int:
    """Every morning, after the night's roll-up: what each officer should hear of today."""
    return services.notifications_evaluate()


@shared_task(name="notifications.weekly_digest")
def weekly_digest() -> int:
    return services.digests_send()
