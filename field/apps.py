from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FieldConfig(AppConfig):
    """The team leaders' mobile web page: their hamlet's households and the visit form,
    working offline (service worker + an outbox on the phone)."""

    name = "field"
    verbose_name = _("Field work (mobile)")
