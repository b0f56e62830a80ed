"""What an officer said about a data-quality flag.

The flags themselves are not stored: the rules (quality.rules) find them live in the records.
A check remembers one finding by its rule and key, with the numbers it had when it was
checked; the same finding with other numbers is open again.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from areas.models import AdministrativeUnit, UnitScopedQuerySet
from core.models import TimeStampedModel


class FlagStatus(models.TextChoices):
    OPEN = "open", _("Not checked yet")
    CHECKED = "checked", _("Checked")


class FlagCheckQuerySet(UnitScopedQuerySet):
    unit_lookup = "unit"


class FlagCheck(TimeStampedModel):
    rule = models.CharField(_("rule"), max_length=40)
    # Which case of the rule (a unit, a team, a day…): the same case has the same key each run.
    key = models.CharField(_("key"), max_length=120)
    unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    # The finding's numbers when it was checked: other numbers open the flag again.
    value = models.CharField(_("numbers checked"), max_length=120, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=FlagStatus, default=FlagStatus.CHECKED
    )
    note = models.TextField(_("note"))
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    checked_at = models.DateTimeField(_("checked at"))

    objects = FlagCheckQuerySet.as_manager()
    # Each earlier check of the same finding stays readable.
    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        verbose_name = _("data-quality check")
        verbose_name_plural = _("data-quality checks")
        ordering = ["-checked_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "key"], name="flag_check_once_per_finding"),
            models.CheckConstraint(condition=~models.Q(note=""), name="flag_check_note_required"),
        ]

    def __str__(self) -> str:
        return f"{self.rule} {self.key}"
