"""National 2025 targets (Decision 411/QĐ-TTg on the digital economy and society), and what
the portal's figures can say about each. Where the portal records nothing that measures a
target, it says so instead of showing a made-up number."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Target:
    key: str
    label: str | Promise
    goal: int  # percent
    measure: str | Promise  # what the portal counts for it, or why it cannot


TARGETS = [
    Target(
        "smartphones",
        _("Adults with a smartphone"),
        80,
        _("Smartphones declared per 100 household members (all ages)."),
    ),
    Target(
        "ehealth",
        _("People with an electronic health record"),
        90,
        _("Registered citizens helped to activate the e-health book, per 100 registered."),
    ),
    Target(
        "skills",
        _("Working-age people trained in basic digital skills"),
        70,
        _("Not recorded by the portal: its courses train officials and team members."),
    ),
    Target(
        "payments",
        _("People aged 15 and over with a payment account"),
        80,
        _("Not recorded by the portal."),
    ),
]

EHEALTH_APP, EHEALTH_OUTCOME = "so-suc-khoe", "account"


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def target_progress(*, figures, apps) -> list[dict]:
    """Each target with the unit's value (a percentage) or None when there is no data."""
    ehealth = sum(
        row.citizens
        for row in apps
        if row.app.slug == EHEALTH_APP and row.outcome.code == EHEALTH_OUTCOME
    )
    values = {
        "smartphones": _percent(figures.smartphones, figures.people) if figures else None,
        "ehealth": _percent(ehealth, figures.citizens) if figures else None,
    }
    rows = []
    for target in TARGETS:
        value = values.get(target.key)
        rows.append(
            {
                "target": target,
                "value": value,
                "measured": target.key in values,
                "reached": value is not None and value >= target.goal,
                "meter": min(value, 100) if value is not None else None,
            }
        )
    return rows
