from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReorganizationsConfig(AppConfig):
    name = "reorganizations"
    verbose_name = _("Reorganizations")
