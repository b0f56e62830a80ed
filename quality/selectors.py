"""Reads of the data-quality flags: the rules' findings with the officers' checks.

The rules read the records themselves, and at a province's scale they take seconds. Their
findings are kept in the cache for each area, scope and language, with the roll-up run they
were counted after: a page reads them back, and the first page after a new run is answered
from the previous count while a worker counts again (``quality.recount``). The officers'
checks are always read afresh, so marking a flag as checked shows at once, and the flags
page itself counts live."""

from __future__ import annotations

import dataclasses
import datetime
from collections import Counter
from typing import NamedTuple

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import get_language

from areas.models import AdministrativeUnit
from core import outbox
from dashboards.models import RollupState

from .models import FlagCheck, FlagStatus
from .rules import RULES, Finding, find

FINDINGS_SECONDS = 24 * 60 * 60
# One recount at a time for a key; a worker that died gives the key back after this long.
RECOUNT_SECONDS = 10 * 60


class Counted(NamedTuple):
    findings: list[Finding]
    counted_at: datetime.datetime  # when the rules read the records


def _key(*, user, unit: AdministrativeUnit) -> str:
    # What a user sees below ``unit`` depends only on their scope unit's path
    # (areas.models.scope_filter), so officers of one area share one count.
    scope = "all" if user.is_superuser else getattr(user.scope_unit, "path", "none")
    day = timezone.localdate().isoformat()  # ages and today's indicators change with the day
    return f"quality-findings:{unit.pk}:{scope}:{get_language() or ''}:{day}"


def count_findings(
    *, user, unit: AdministrativeUnit, run: datetime.datetime | None = None
) -> Counted:
    """Run the rules now over ``unit`` and keep what they found with the roll-up run they
    follow (``run``, when the caller has just read it)."""
    run = run or RollupState.figures_run()
    counted = Counted(find(user=user, root=unit), timezone.now())
    if run is not None:
        cache.set(_key(user=user, unit=unit), (run, counted), FINDINGS_SECONDS)
    return counted


def findings(*, user, unit: AdministrativeUnit) -> Counted:
    """Every rule's findings in ``unit`` and below (already authorized for ``user``), without
    the checks: as kept since the last roll-up run, or counted now when never kept. Before any
    run (nothing to key them by) they are counted at every call."""
    run = RollupState.figures_run()
    if run is None:
        return Counted(find(user=user, root=unit), timezone.now())
    key = _key(user=user, unit=unit)
    kept = cache.get(key)
    if kept is None:
        return count_findings(user=user, unit=unit, run=run)
    kept_run, counted = kept
    if kept_run != run and cache.add(f"{key}:recount", 1, RECOUNT_SECONDS):
        from .tasks import recount

        outbox.send(recount, user.pk, unit.pk, get_language() or "")
        fresher = cache.get(key)  # a worker that runs tasks at once has counted already
        if fresher is not None:
            counted = fresher[1]
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
        found = count_findings(user=user, unit=unit).findings
    return _checked(found, user, unit, rule, status)


def _checked(
    found: list[Finding], user, unit: AdministrativeUnit, rule: str, status: str
) -> list[Finding]:
    checks = {
        (check.rule, check.key): check
        for check in FlagCheck.objects.for_user(user)
        .within(unit)
        .filter(status=FlagStatus.CHECKED)
        .select_related("checked_by")
    }
    flags = []
    for finding in found:
        if rule in RULES and finding.rule != rule:
            continue
        check = checks.get((finding.rule, finding.key))
        if check is not None and check.value == finding.value:
            finding = dataclasses.replace(finding, check=check)
        flags.append(finding)
    if status == "open":
        return [f for f in flags if not f.is_checked]
    if status == "checked":
        return [f for f in flags if f.is_checked]
    return flags


def open_flag_counts(
    *, user, unit: AdministrativeUnit
) -> tuple[list[tuple[str, str, int]], datetime.datetime]:
    """(rule code, label, open flags) for each rule with open flags in ``unit``, and when the
    rules were run."""
    counted = findings(user=user, unit=unit)
    counts = Counter(f.rule for f in _checked(counted.findings, user, unit, "", "open"))
    rows = [(code, str(rule.label), counts[code]) for code, rule in RULES.items() if counts[code]]
    return rows, counted.counted_at
