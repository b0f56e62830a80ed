"""One rule for the days a record states (joined, left, founded, dissolved, consent given):
not in the future and not before 1945, checked the same way by every service."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

EARLIEST = datetime.date(1945, 1, 1)


def check_past_day(value: datetime.date | None, *, field: str) -> None:
    """A day that has happened: refused when after today or before 1945."""
    if value is None:
        return
    if value > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")}, code="future")
    if value < EARLIEST:
        raise ValidationError(
            {field: _("The date cannot be before %(year)d.") % {"year": EARLIEST.year}},
            code="too_early",
        )
