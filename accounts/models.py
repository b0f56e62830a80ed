"""Users, their role and their scope: the one unit inside which they see and change things."""

from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from areas.models import AdministrativeUnit, Level, UnitScopedQuerySet


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    PROVINCE_OFFICER = "province_officer", _("Province officer")
    AREA_OFFICER = "area_officer", _("Area officer")
    TEAM_LEADER = "team_leader", _("Team leader")


# The levels a scope unit may have for each role.
SCOPE_LEVELS = {
    Role.PROVINCE_OFFICER: {Level.PROVINCE},
    Role.AREA_OFFICER: {Level.DISTRICT, Level.COMMUNE},
    Role.TEAM_LEADER: {Level.HAMLET},
}

# Which roles each role may create from the UI (always inside its own scope).
CREATABLE_ROLES = {
    Role.ADMIN: [Role.PROVINCE_OFFICER, Role.AREA_OFFICER, Role.TEAM_LEADER],
    Role.PROVINCE_OFFICER: [Role.AREA_OFFICER, Role.TEAM_LEADER],
    Role.AREA_OFFICER: [Role.TEAM_LEADER],
    Role.TEAM_LEADER: [],
}


class LockReason(models.TextChoices):
    """Why an account was locked by the portal itself (an officer's lock has none)."""

    LEFT_TEAM = "left_team", _("they left the team")


class UserQuerySet(UnitScopedQuerySet):
    unit_lookup = "scope_unit"

    def for_user(self, user) -> UserQuerySet:
        """Accounts a user may see: those scoped inside their own scope (never admins)."""
        visible = super().for_user(user)
        return visible if user.is_superuser else visible.exclude(role=Role.ADMIN)


class PortalUserManager(UserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    # Vietnamese names don't split into first and last: one field, written as people write it.
    first_name = None  # type: ignore[assignment]  # the field removed
    last_name = None  # type: ignore[assignment]
    name = models.CharField(_("full name"), max_length=150, blank=True)
    # fold(name): what accent-insensitive search matches against.
    search_key = models.CharField(max_length=150, blank=True, editable=False)
    role = models.CharField(_("role"), max_length=20, choices=Role)
    scope_unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("scope"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The unit inside which this account sees and changes data."),
    )
    created_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # When this account's phone last reached the server from the field app (its list or a
    # send): what officers look at to see whose visits may still wait on a phone.
    field_synced_at = models.DateTimeField(_("last field sync"), null=True, blank=True)
    # Kept by notifications.services (each page shows it with no query of its own).
    unread_notifications = models.PositiveIntegerField(default=0, editable=False)
    # Set when an officer resets the password to a one-time code (or creates the account
    # with one): every page sends the account to change it until it does.
    must_change_password = models.BooleanField(_("must change password"), default=False)
    # When the account was last locked, and why when the portal did it (the daily job locks
    # the accounts of members who left their team): the accounts list tells the officer.
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True)
    locked_reason = models.CharField(
        _("locked because"), max_length=20, choices=LockReason, blank=True
    )

    objects: ClassVar[PortalUserManager] = PortalUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # Only administrators may exist without a scope; everyone else sees one subtree.
            models.CheckConstraint(
                condition=Q(role=Role.ADMIN) | Q(scope_unit__isnull=False),
                name="user_scope_required_unless_admin",
            ),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="user_role_is_known"),
        ]

    def __str__(self) -> str:
        return self.name or self.username

    def get_full_name(self) -> str:
        return self.name or self.username

    def get_short_name(self) -> str:
        return self.name or self.username
