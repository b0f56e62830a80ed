from __future__ import annotations

from celery import shared_task

from .services import batches_purge


@shared_task(name="imports.purge_old_uploads")
def purge_old_uploads() -> int:
    return batches_purge()
