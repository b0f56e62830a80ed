"""Reads of the data-quality flags: the rules' findings with the officers' checks.

The rules read the records themselves, and at a province's scale they take seconds. For the
dashboard's panel, their cases (rule, key, numbers) are kept in the cache for each area and
scope, with the roll-up run they were counted after: a page reads them back, and the first
page after a new run is answered from the previous count while a worker counts again
(``quality.recount``). The officers' checks are always read afresh, so marking a flag as
checked shows at once, and the flags page itself counts live."""

from __future__ import annotations

import datetime
from collections import Counter
from typing import NamedTuple

from celery import current_app
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from areas.models import AdministrativeUnit, scope_key
from core import outbox
from core.cache import DAY_SECONDS
from dashboards.models import RollupState

from .models import FlagCheck, FlagStatus
from .rules import RULES, Finding, find

# One recount at a time for a key; a worker that died gives the key back after this long.
RECOUNT_SECONDS = 10 * 60


class Counted(NamedTuple):
    cases: list[tuple[str, str, str]]  # (rule, key, value) of each finding
    counted_at: datetime.datetime  # when the rules read the records


def _key(*, user, unit: AdministrativeUnit) -> str:
    # Officers of one area share one count (areas.models.scope_key); ages and today's
    # indicators change with the day.
    return f"quality-cases:{unit.pk}:{scope_key(user)}:{timezone.localdate().isoformat()}"


def _cases(found: list[Finding]) -> Counted:
    return Counted([(f.rule, f.key, f.value) for f in found], timezone.now())


def count_findings(
    *, user, unit: AdministrativeUnit, run: datetime.datetime | None = None
) -> list[Finding]:
    """Run the rules now over ``unit`` and keep their cases with the roll-up run they follow
    (``run``, when the caller has just read it)."""
    run = run or RollupState.figures_run()
    found = find(user=user, root=unit)
    if run is not None:
        cache.set(_key(user=user, unit=unit), (run, _cases(found)), DAY_SECONDS)
    return found


def cases(*, user, unit: AdministrativeUnit) -> Counted:
    """Every rule's cases in ``unit`` and below (already authorized for ``user``), without
    the checks: as kept since the last roll-up run, or counted now when never kept. Before any
    run (nothing to key them by) they are counted at every call."""
    run = RollupState.figures_run()
    if run is None:
        return _cases(find(user=user, root=unit))
    key = _key(user=user, unit=unit)
    kept = cache.get(key)
    if kept is None:
        return _cases(count_findings(user=user, unit=unit, run=run))
    kept_run, counted = kept
    if kept_run == run:
        return counted
    if current_app.conf.task_always_eager:  # no worker: count now, as on a first read
        return _cases(count_findings(user=user, unit=unit, run=run))
    if cache.add(f"{key}:recount", 1, RECOUNT_SECONDS):
        from .tasks import recount

        transaction.on_commit(lambda: outbox.send(recount, user.pk, unit.pk))
    return counted


def flags_for_user(
    *, user, unit: AdministrativeUnit, rule: str = "", status: str = "open"
) -> list[Finding]:
    """The flags of ``unit`` and below (already authorized for ``user``), each with its check
    when one was made for its present numbers. ``status``: open, checked or all.

    The list officers work through is counted live (a record just mended drops out at once),
    and a full count is kept for the dashboard's panel, which then agrees with it."""
    if rule in RULES:
        found = find(user=user, root=unit, rules=[rule])
    else:
        found = count_findings(user=user, unit=unit)
    checks = {
        (check.rule, check.key): check
        for check in FlagCheck.objects.for_user(user)
        .within(unit)
        .filter(status=FlagStatus.CHECKED)
        .select_related("checked_by")
    }
    for finding in found:
        check = checks.get((finding.rule, finding.key))
        if check is not None and check.value == finding.value:
            finding.check = check
    if status == "open":
        return [f for f in found if not f.is_checked]
    if status == "checked":
        return [f for f in found if f.is_checked]
    return found


def open_flag_counts(
    *, user, unit: AdministrativeUnit
) -> tuple[list[tuple[str, str, int]], datetime.datetime]:
    """(rule code, label, open flags) for each rule with open flags in ``unit``, and when the
    rules were run. A case is open unless checked for its present numbers."""
    counted = cases(user=user, unit=unit)
    checked = dict(
        ((rule, key), value)
        for rule, key, value in FlagCheck.objects.for_user(user)
        .within(unit)
        .filter(status=FlagStatus.CHECKED)
        .values_list("rule", "key", "value")
    )
    counts = Counter(
        rule for rule, key, value in counted.cases if checked.get((rule, key)) != value
    )
    rows = [(code, str(rule.label), counts[code]) for code, rule in RULES.items() if counts[code]]
    return rows, counted.counted_at
