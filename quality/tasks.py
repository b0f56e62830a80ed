"""Background work of the data-quality flags."""

from __future__ import annotations

from celery import shared_task
from django.contrib.auth import get_user_model
from django.core.cache import cache

from areas.models import AdministrativeUnit


@shared_task(name="quality.recount", ignore_result=True)
def recount(user_id: int, unit_id: int) -> None:
    """Count an area's cases again after a roll-up run (quality.selectors.cases), then let the
    next run's recount through."""
    from .selectors import _key, count_findings

    user = get_user_model().objects.select_related("scope_unit").filter(pk=user_id).first()
    unit = AdministrativeUnit.objects.filter(pk=unit_id).first()
    if user is None or unit is None:
        return
    count_findings(user=user, unit=unit)
    cache.delete(f"{_key(user=user, unit=unit)}:recount")
