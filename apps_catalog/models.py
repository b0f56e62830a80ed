"""The catalogue of public apps the teams help citizens with, and what can be achieved in each."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel


class AppQuerySet(models.QuerySet):
    def active(self) -> AppQuerySet:
        return self.filter(is_active=True)


class App(TimeStampedModel):
    # Stable identifier used by the API and imports; never changes once created.
    slug = models.SlugField(_("identifier"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("in use"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=100)

    objects = AppQuerySet.as_manager()

    class Meta:
        verbose_name = _("app")
        verbose_name_plural = _("apps")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Outcome(TimeStampedModel):
    """What a team can achieve with a citizen in an app: installed, level-2 identity, …"""

    app = models.ForeignKey(App, on_delete=models.CASCADE, related_name="outcomes")
    code = models.SlugField(_("identifier"), max_length=50)
    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveSmallIntegerField(_("position"), default=100)

    class Meta:
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        ordering = ["app", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["app", "code"], name="outcome_code_unique_per_app"),
        ]

    def __str__(self) -> str:
        return f"{self.app.name}: {self.name}"
