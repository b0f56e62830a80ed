"""Writes of the dashboards app outside the roll-up itself: keeping the figures fresh."""

from __future__ import annotations

import datetime
from decimal import Decimal

from celery import current_app
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import policies
from accounts.policies import require
from apps_catalog.models import App, Outcome
from areas.models import AdministrativeUnit
from core import outbox
from core.dates import check_past_day

from .models import (
    ChangeMark,
    Indicator,
    Numerator,
    Population,
    RollupState,
    Source,
    Target,
)
from .rollups import rollup
from .selectors import refresh_status
from .tasks import rollup as rollup_task

# With a worker, beat rolls up every 5 minutes; figures older than this mean it does not run.
BEAT_LATE = datetime.timedelta(minutes=11)


def _in_process() -> bool:
    """No worker: tasks run in the process that sends them (the embedded default)."""
    return bool(current_app.conf.task_always_eager)


def figures_keep_fresh(*, now: datetime.datetime | None = None) -> dict:
    """Bring the figures up to date when facts changed since they were computed, so nobody
    has to press "Recompute": in-process (no worker) the incremental roll-up runs here and
    costs what changed; with a worker whose beat seems stopped, a run is queued and the page
    shows it being recomputed. Returns the refresh status the dashboard shows."""
    now = now or timezone.now()
    status = refresh_status()
    computed_at = status["computed_at"]
    if status["refreshing"]:
        return status
    max_age = datetime.timedelta(seconds=settings.FIGURES_STALE_AFTER)
    if computed_at is not None and computed_at > now - max_age:
        return status  # fresh enough; and a page view costs no extra query
    if computed_at is not None and not ChangeMark.objects.exists():
        return status  # nothing changed since
    if _in_process():
        rollup()
        return refresh_status()
    if computed_at is None or computed_at < now - BEAT_LATE:
        figures_refresh_request(now=now)
        return refresh_status()
    return status


def figures_refresh_request(*, now: datetime.datetime | None = None) -> None:
    """Ask for fresh figures: a roll-up task (on the worker, or in-process without one); the
    dashboards say "being recomputed" until a run finishes after this moment."""

    RollupState.objects.update_or_create(
        key="refresh", defaults={"requested_at": now or timezone.now()}
    )
    transaction.on_commit(lambda: outbox.send(rollup_task))


# ---------------------------------------------------------------------------------------
# Population bases, targets and the indicator registry


def population_record(
    *,
    actor,
    unit: AdministrativeUnit,
    as_of: datetime.date,
    source: str,
    total: int | None = None,
    adults: int | None = None,
    aged_15_plus: int | None = None,
    working_age: int | None = None,
    households: int | None = None,
) -> tuple[Population, bool]:
    """State a unit's population base on a day (a second statement for the same day
    replaces the first; earlier versions stay in the history). Returns (row, created)."""
    require(policies.can_record_population, actor, unit)
    if not AdministrativeUnit.objects.for_user(actor).filter(pk=unit.pk).exists():
        raise PermissionDenied
    check_past_day(as_of, field="as_of")
    values = {
        "total": total,
        "adults": adults,
        "aged_15_plus": aged_15_plus,
        "working_age": working_age,
        "households": households,
    }
    source = (source or "").strip()
    errors = population_errors(values, source)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        row, created = Population.objects.update_or_create(
            unit=unit,
            as_of=as_of,
            defaults={**values, "source": source[:200], "recorded_by": actor},
        )
    return row, created


def population_errors(values: dict[str, int | None], source: str) -> dict[str, str]:
    """What is wrong with a population statement, per field (empty: nothing). Shared by the
    form and the import, which names the row."""
    errors = {}
    if all(v is None for v in values.values()):
        errors["total"] = _("Give at least one figure.")
    if not source:
        errors["source"] = _("Say where the figures come from.")
    for name, value in values.items():
        if value is not None and value < 0:
            errors[name] = _("A figure cannot be negative.")
    total = values.get("total")
    if total is not None:
        for name in ("adults", "aged_15_plus", "working_age"):
            if values.get(name) is not None and values[name] > total:  # type: ignore[operator]
                errors[name] = _("Cannot be more than the population.")
    adults, aged_15 = values.get("adults"), values.get("aged_15_plus")
    if adults is not None and aged_15 is not None and adults > aged_15:
        errors["adults"] = _("Adults (18 and over) cannot be more than people aged 15 and over.")
    return errors


def population_delete(*, actor, population: Population) -> None:
    require(policies.can_record_population, actor, population.unit)
    if not Population.objects.for_user(actor).filter(pk=population.pk).exists():
        raise PermissionDenied
    population.delete()


def target_set(
    *,
    actor,
    unit: AdministrativeUnit,
    indicator: Indicator,
    value: Decimal,
    due_on: datetime.date,
    starts_on: datetime.date | None = None,
    note: str = "",
) -> tuple[Target, bool]:
    """Hand a quota down to a unit below (``can_set_target``). Setting the same unit,
    indicator and due day again changes the target; its history keeps the earlier values."""
    require(policies.can_set_target, actor, unit)
    if not AdministrativeUnit.objects.for_user(actor).filter(pk=unit.pk).exists():
        raise PermissionDenied
    starts_on = starts_on or timezone.localdate()
    errors = {}
    if not indicator.measured:
        errors["indicator"] = _("The portal does not count this indicator.")
    if value is None or value <= 0:
        errors["value"] = _("A target must be more than zero.")
    elif not indicator.per_hundred and value > 100:
        errors["value"] = _("A percentage cannot be more than 100.")
    if due_on < starts_on:
        errors["due_on"] = _("The due day cannot be before the start.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        target, created = Target.objects.update_or_create(
            unit=unit,
            indicator=indicator,
            due_on=due_on,
            defaults={"value": value, "starts_on": starts_on, "note": note, "set_by": actor},
        )
    return target, created


def target_delete(*, actor, target: Target) -> None:
    require(policies.can_set_target, actor, target.unit)
    target.delete()


def indicator_create(
    *,
    actor,
    code: str,
    name: str,
    app: App,
    outcome: Outcome,
    base: str,
    national_target: Decimal | None = None,
    target_year: int | None = None,
    source: str = Source.PROVINCE,
    description: str = "",
) -> Indicator:
    """A new indicator without code: citizens who reached ``outcome`` in ``app`` over a
    population base."""
    require(policies.can_manage_indicators, actor)
    errors = {}
    if outcome.app_id != app.pk:
        errors["outcome"] = _("This outcome belongs to another app.")
    if Indicator.objects.filter(code=code).exists():
        errors["code"] = _("An indicator with this identifier exists already.")
    if national_target is not None and not 0 < national_target <= 100:
        errors["national_target"] = _("A percentage is between 0 and 100.")
    if errors:
        raise ValidationError(errors)
    last = Indicator.objects.order_by("-position").values_list("position", flat=True).first()
    return Indicator.objects.create(
        code=code,
        name=name,
        description=description,
        numerator=Numerator.APP_OUTCOME,
        app=app,
        outcome=outcome,
        base=base,
        national_target=national_target,
        target_year=target_year,
        source=source,
        position=(last or 0) + 10,
        created_by=actor,
    )


def indicator_set_active(*, actor, indicator: Indicator, active: bool) -> Indicator:
    require(policies.can_manage_indicators, actor)
    indicator.is_active = active
    indicator.save(update_fields=["is_active"])
    return indicator
