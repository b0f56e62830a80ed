"""A reorganization of the administrative map (the 2025 two-tier reform and any later one):
an event with an effective date, loaded from a new-units file and an old → new commune
mapping, previewed, completed by officers where a commune was split, then applied once."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from areas.models import AdministrativeUnit


class Status(models.TextChoices):
    DRAFT = "draft", _("Being prepared")
    APPLIED = "applied", _("Applied")


class Reorganization(models.Model):
    name = models.CharField(_("name"), max_length=200)
    # The province whose map it re-draws (the province of the new file, in force before):
    # its officers prepare and apply it.
    province = models.ForeignKey(
        AdministrativeUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    effective_on = models.DateField(_("effective from"))
    units_file = models.TextField()  # the CSV texts as uploaded: the event's own record
    mapping_file = models.TextField()
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    applied_at = models.DateTimeField(null=True, blank=True)
    # What applying did: counts, shown on the page afterwards.
    result = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("reorganization")
        verbose_name_plural = _("reorganizations")
        ordering = ["-effective_on", "-pk"]
        constraints = [
            # One applied reorganization per effective date: applying twice is impossible
            # even for two requests at the same moment.
            models.UniqueConstraint(
                fields=["effective_on"],
                condition=models.Q(status="applied"),
                name="reorganization_applied_once_per_date",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_applied(self) -> bool:
        return self.status == Status.APPLIED


class HamletAssignment(models.Model):
    """A hamlet whose commune was split (or is missing from the mapping): officers choose
    which new commune it joins; the reorganization cannot be applied until each is chosen.
    ``new_commune_code`` is a code of the new-units file (the unit exists only once applied)."""

    reorganization = models.ForeignKey(
        Reorganization, on_delete=models.CASCADE, related_name="assignments"
    )
    hamlet = models.ForeignKey(AdministrativeUnit, on_delete=models.CASCADE, related_name="+")
    # The new communes it may join (codes of the units file), from the mapping's rows.
    choices = models.JSONField(default=list)
    new_commune_code = models.CharField(max_length=20, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["reorganization", "hamlet"], name="assignment_once_per_hamlet"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.hamlet_id} → {self.new_commune_code or '?'}"
