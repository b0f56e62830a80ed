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


def official_date(day: datetime.date) -> str:
    """ "ngày 05 tháng 02 năm 2026", "ngày 28 tháng 11 năm 2026": the date line of an official
    paper; days below 10 and the months January and February take a leading zero (Nghị định
    30/2020/NĐ-CP). Vietnamese whatever the page's language, as the paper is."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"
