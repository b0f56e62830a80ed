"""Reads of the data-quality flags: the rules' findings with the officers' checks."""

from __future__ import annotations

from collections import Counter

from areas.models import AdministrativeUnit

from .models import FlagCheck, FlagStatus
from .rules import RULES, Finding, find


def flags_for_user(
    *, user, unit: AdministrativeUnit, rule: str = "", status: str = "open"
) -> list[Finding]:
    """The flags of ``unit`` and below (already authorized for ``user``), each with its check
    when one was made for its present numbers. ``status``: open, checked or all."""
    findings = find(user=user, root=unit, rules=[rule] if rule in RULES else None)
    checks = {
        (check.rule, check.key): check
        for check in FlagCheck.objects.for_user(user)
        .within(unit)
        .filter(status=FlagStatus.CHECKED)
        .select_related("checked_by")
    }
    for finding in findings:
        check = checks.get((finding.rule, finding.key))
        if check is not None and check.value == finding.value:
            finding.check = check
    if status == "open":
        return [f for f in findings if not f.is_checked]
    if status == "checked":
        return [f for f in findings if f.is_checked]
    return findings


def open_flag_counts(*, user, unit: AdministrativeUnit) -> list[tuple[str, str, int]]:
    """(rule code, label, open flags) for each rule with open flags in ``unit``."""
    counts = Counter(f.rule for f in flags_for_user(user=user, unit=unit))
    return [(code, str(rule.label), counts[code]) for code, rule in RULES.items() if counts[code]]
