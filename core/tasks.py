from __future__ import annotations

from celery import shared_task


@shared_task(name="core.ping")
def ping(value: str = "pong") -> str:
    """A health check for the broker and workers: echoes its argument back."""
    return value


@shared_task(name="core.flush_outbox")
def flush_outbox() -> int:
    """Send the tasks kept while the broker was down (beat, every minute)."""
    from .outbox import flush

    return flush()
