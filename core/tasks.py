from __future__ import annotations

from celery import shared_task


@shared_task(name="core.ping")
def ping(value: str = "pong") -> str:
    """A health check for the broker and workers: echoes its argument back."""
    return value
