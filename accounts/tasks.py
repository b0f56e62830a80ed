from __future__ import annotations

from celery import shared_task

from .services import former_members_accounts_lock


@shared_task(name="accounts.lock_former_members")
def lock_former_members() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): the accounts of members who left their team."""
    return former_members_accounts_lock()
