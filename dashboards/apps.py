from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _install_triggers(sender, using, **kwargs):
    """After every migrate (and test database creation): (re)create the change-mark
    triggers. SQLite rebuilds a table to alter it, which drops its triggers, so they are
    installed after migrations rather than by one of them."""
    from django.db import connections

    from .triggers import install

    install(connections[using])


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = _("Dashboards")

    def ready(self):
        from citizens.selectors import register_household_figures

        from .selectors import unit_household_figures

        register_household_figures(unit_household_figures)
        post_migrate.connect(_install_triggers, sender=self, dispatch_uid="dashboards-triggers")
