"""An uploaded spreadsheet between its preview and its confirmation.

The file is kept (it is small: uploads are capped) so that the preview, the confirmation and
the error workbook all read the same bytes; each re-plans against the database as it is then.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from areas.models import AdministrativeUnit
from core.models import TimeStampedModel


class BatchStatus(models.TextChoices):
    PREVIEWED = "previewed", _("Waiting for confirmation")
    APPLIED = "applied", _("Imported")


class ImportBatchQuerySet(models.QuerySet):
    def for_user(self, user) -> ImportBatchQuerySet:
        """An upload is seen only by the person who made it."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(created_by=user)


class ImportBatch(TimeStampedModel):
    kind = models.CharField(max_length=20)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    options = models.JSONField(default=dict, blank=True)  # e.g. {"course": 12}
    filename = models.CharField(max_length=255)
    data = models.BinaryField()
    status = models.CharField(max_length=10, choices=BatchStatus, default=BatchStatus.PREVIEWED)
    result = models.JSONField(default=dict, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # "My recent imports" on the upload page.
            models.Index(fields=["created_by", "-created_at"], name="import_by_user_recent"),
        ]
