"""What the portal tells a user: one row per (user, rule, subject), never twice for the same
thing, and each user's choice of what they receive."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from areas.models import AdministrativeUnit


class Rule(models.TextChoices):
    TEAM_INACTIVE = "team_inactive", _("A team recorded no visit for weeks")
    BEHIND_TARGET = "behind_target", _("A unit is behind its target")
    REPORT_DUE = "report_due", _("The month's report is due")
    REPORT_RETURNED = "report_returned", _("A report was returned")
    REPORT_SUBMITTED = "report_submitted", _("A commune submitted its report")
    IMPORT_FINISHED = "import_finished", _("An import finished")
    ACCOUNTS_WAITING = "accounts_waiting", _("Accounts wait for a new unit")
    DUPLICATES_WAITING = "duplicates_waiting", _("Probable duplicate people wait")


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user) -> NotificationQuerySet:
        """A user's own notifications, and of those only the ones about their area today (an
        account moved to another unit no longer sees the old unit's)."""
        if not user.is_authenticated:
            return self.none()
        mine = self.filter(user=user)
        if user.is_superuser:
            return mine
        if user.scope_unit_id is None:
            return mine.filter(unit__isnull=True)
        inside = AdministrativeUnit.objects.for_user(user).values("pk")
        return mine.filter(models.Q(unit__isnull=True) | models.Q(unit__in=inside))

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    rule = models.CharField(_("kind"), max_length=30, choices=Rule)
    key = models.CharField(max_length=120)  # the subject: never notified twice
    unit = models.ForeignKey(
        AdministrativeUnit, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    params = models.JSONField(default=dict, blank=True)  # the message's values
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(_("on"), auto_now_add=True)
    read_at = models.DateTimeField(_("read on"), null=True, blank=True)
    digested_at = models.DateTimeField(null=True, blank=True)  # sent in a digest

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "rule", "key"], name="notification_once")
        ]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return f"{self.rule} {self.key} → {self.user_id}"

    @property
    def message(self) -> str:
        from .rules import message

        return message(self)


class Preference(models.Model):
    """What a user receives: the kinds they muted, and whether the weekly digest comes by
    e-mail. No row: everything, digest on."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    muted = models.JSONField(default=list, blank=True)
    digest = models.BooleanField(_("weekly digest by e-mail"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"preferences of {self.user_id}"
