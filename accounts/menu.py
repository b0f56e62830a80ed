"""The menu and the home page's first tasks, per role: each role's main task comes first.

Items name routes by their URL name (no import of the apps above this one). Who sees an item
is decided by ``accounts.policies`` and the ``User.can_*`` questions, never here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from . import policies
from .models import Role


@dataclass(frozen=True)
class Item:
    key: str
    label: str | Promise
    route: str
    description: str | Promise = ""
    # Which pages count as this item's (for aria-current): "app:" for a whole app, names.
    current: tuple[str, ...] = ()

    @property
    def url(self) -> str:
        return reverse(self.route)

    def is_current(self, match) -> bool:
        if match is None:
            return False
        for pattern in self.current or (self.route,):
            if pattern.endswith(":") and match.app_name == pattern[:-1]:
                return True
            if match.view_name == pattern:
                return True
        return False


ITEMS = {
    item.key: item
    for item in (
        Item(
            "field",
            _("Visit households"),
            "field:home",
            _("Record who was helped with which app, from your phone, even offline."),
            ("field:",),
        ),
        Item(
            "figures",
            _("Figures"),
            "dashboards:home",
            _("Teams, households reached and citizens helped in your area, by unit."),
            ("dashboards:home", "dashboards:unit"),
        ),
        Item(
            "reports",
            _("Reports"),
            "dashboards:reports",
            _("The monthly report of your area, as PDF and Excel."),
            ("dashboards:reports",),
        ),
        Item(
            "filing",
            _("Monthly report"),
            "filings:mine",
            _("Your commune's report for the month: fill it in, submit it to the province."),
            ("filings:mine", "filings:month", "filings:submit"),
        ),
        Item(
            "filings",
            _("Reports of the communes"),
            "filings:submissions",
            _("Which communes have filed the month's report; return or approve them."),
            ("filings:submissions", "filings:review", "filings:return", "filings:approve"),
        ),
        Item(
            "teams",
            _("Teams"),
            "teams:team-list",
            _("Found teams, keep their members, import your Excel lists."),
            ("teams:team-list", "teams:team-detail", "teams:team-create", "teams:team-edit"),
        ),
        Item("members", _("Members"), "teams:member-list", current=("teams:member-list",)),
        Item("households", _("Households"), "citizens:household-list", current=("citizens:",)),
        Item("visits", _("Visits"), "visits:visit-list", current=("visits:",)),
        Item("training", _("Training"), "training:course-list", current=("training:",)),
        Item("units", _("Units"), "areas:browse", current=("areas:",)),
        Item(
            "indicators",
            _("Indicators"),
            "dashboards:indicators",
            current=("dashboards:indicators",),
        ),
        Item("quality", _("Data quality"), "quality:flag-list", current=("quality:",)),
        Item("apps", _("Apps"), "apps_catalog:app-list", current=("apps_catalog:",)),
        Item(
            "notifications",
            _("Notifications"),
            "notifications:list",
            current=("notifications:",),
        ),
        Item("help", _("Help"), "help", current=("help",)),
        Item("accounts", _("Accounts"), "accounts:user-list", current=("accounts:",)),
        Item("audit", _("Audit log"), "audit:event-list", current=("audit:",)),
        Item("admin", _("Administration"), "admin:index", current=("admin:",)),
    )
}

# Per role: the items in the bar (main task first), then those under "More".
LAYOUT: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    Role.TEAM_LEADER: (
        ("field", "households", "teams", "figures"),
        ("visits", "members", "training", "apps", "help"),
    ),
    Role.AREA_OFFICER: (
        ("teams", "members", "households", "figures"),
        (
            "filing",
            "visits",
            "quality",
            "training",
            "reports",
            "units",
            "apps",
            "accounts",
            "notifications",
            "help",
        ),
    ),
    Role.PROVINCE_OFFICER: (
        ("figures", "reports", "teams", "training"),
        (
            "filings",
            "indicators",
            "quality",
            "members",
            "households",
            "visits",
            "units",
            "apps",
            "accounts",
            "audit",
            "notifications",
            "help",
        ),
    ),
    Role.ADMIN: (
        ("figures", "teams", "households", "training"),
        (
            "reports",
            "filings",
            "indicators",
            "quality",
            "members",
            "visits",
            "units",
            "apps",
            "accounts",
            "audit",
            "notifications",
            "admin",
            "help",
        ),
    ),
}

# Items shown only to those a policy lets in.
GATES = {
    "field": policies.can_record_visits,
    "reports": policies.can_read_reports,
    # Only an officer whose own area is a commune files (its scope unit is read once).
    "filing": lambda user: bool(
        policies.can_file_report(user)
        and user.scope_unit_id
        and policies.can_file_report(user, user.scope_unit)
    ),
    "filings": policies.can_review_filings,
    "accounts": policies.can_manage_accounts,
    "audit": policies.can_read_audit,
    "admin": policies.is_administrator,
    "indicators": policies.can_manage_indicators,
    "quality": policies.can_check_flags,
}


def _role(user) -> str:
    return Role.ADMIN if user.is_superuser else user.role


def menu_for(user) -> tuple[list[Item], list[Item]]:
    """The bar's items and the "More" items of a signed-in user."""
    primary, more = LAYOUT.get(_role(user), ((), ()))

    def allowed(keys):
        return [ITEMS[k] for k in keys if GATES.get(k, lambda u: True)(user)]

    return allowed(primary), allowed(more)


# What the home page offers first, per role, in large described buttons.
FIRST_TASKS: dict[str, tuple[str, ...]] = {
    Role.TEAM_LEADER: ("field",),
    Role.AREA_OFFICER: ("teams", "figures"),
    Role.PROVINCE_OFFICER: ("figures", "reports"),
    Role.ADMIN: ("figures", "teams"),
}


def first_tasks(user) -> list[Item]:
    """The role's main tasks, for its home page."""
    keys = FIRST_TASKS.get(_role(user), ())
    return [ITEMS[k] for k in keys if GATES.get(k, lambda u: True)(user)]
