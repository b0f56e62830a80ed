from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _protect(sender, using, **kwargs):
    from django.db import connections

    from .models import protect_table

    protect_table(connections[using])


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit log")

    def ready(self):
        from . import signals  # noqa: F401 - login, logout and failed-login events

        post_migrate.connect(_protect, sender=self, dispatch_uid="audit-append-only")
