"""The Celery application. Tasks live in each app's tasks.py and are found automatically."""

from __future__ import annotations

import os

from celery import Celery
from celery.signals import beat_init, worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thainguyen_portal.settings")

app = Celery("thainguyen_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
@beat_init.connect
def _refuse_unsafe_production(**kwargs) -> None:
    """A worker or beat with DEBUG=false and published secrets does not start (like the web)."""
    from core.production import refuse_unsafe_production

    refuse_unsafe_production()
