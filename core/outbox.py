"""Handing tasks to Celery without losing them when the broker is down.

``send(task, *args)`` tries the broker once, quickly; if it does not answer the task is
written to the database (``PendingTask``) and the request goes on. ``flush()`` (a beat task
every minute, and ``manage.py flush_outbox``) sends what waits, oldest first."""

from __future__ import annotations

import logging

from celery import current_app

from .models import PendingTask

log = logging.getLogger(__name__)

# What a broker that does not answer raises (kombu wraps socket errors in OperationalError).
BROKER_DOWN: tuple[type[BaseException], ...] = (OSError, ConnectionError)
try:  # pragma: no branch
    from kombu.exceptions import OperationalError

    BROKER_DOWN = (*BROKER_DOWN, OperationalError)
except ImportError:  # pragma: no cover
    pass


def send(task, *args, **kwargs) -> bool:
    """Queue ``task``; True if the broker took it, False if it waits in the database."""
    try:
        task.apply_async(args=args, kwargs=kwargs, retry=False)
    except BROKER_DOWN as error:
        log.warning("broker unavailable (%s): %s kept for later", error, task.name)
        PendingTask.objects.create(name=task.name, args=list(args), kwargs=kwargs)
        return False
    return True


def flush(limit: int = 500, *, app=None) -> int:
    """Send the tasks that wait; returns how many went. Stops at the first failure."""
    app = app or current_app
    sent = 0
    for pending in PendingTask.objects.all()[:limit]:
        try:
            app.send_task(pending.name, args=pending.args, kwargs=pending.kwargs, retry=False)
        except BROKER_DOWN:
            PendingTask.objects.filter(pk=pending.pk).update(attempts=pending.attempts + 1)
            break
        pending.delete()
        sent += 1
    return sent
