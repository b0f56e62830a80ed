"""Community digital-technology teams (tổ công nghệ số cộng đồng) and their members."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from areas.models import AdministrativeUnit, UnitScopedQuerySet
from core.models import TimeStampedModel


class TeamStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    DISSOLVED = "dissolved", _("Dissolved")


class TeamQuerySet(UnitScopedQuerySet):
    unit_lookup = "hamlet"

    def active(self) -> TeamQuerySet:
        return self.filter(status=TeamStatus.ACTIVE)


class Team(TimeStampedModel):
    hamlet = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("hamlet"),
        on_delete=models.PROTECT,
        related_name="teams",
        limit_choices_to={"level": "hamlet"},
    )
    name = models.CharField(_("name"), max_length=200)
    search_key = models.CharField(max_length=200, editable=False, blank=True)
    decision_number = models.CharField(_("founding decision number"), max_length=100, blank=True)
    decision_date = models.DateField(_("founding decision date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=TeamStatus, default=TeamStatus.ACTIVE
    )
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)

    objects = TeamQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["search_key", "pk"]
        constraints = [
            # One active team per hamlet; dissolved ones stay as history.
            models.UniqueConstraint(
                fields=["hamlet"],
                condition=Q(status=TeamStatus.ACTIVE),
                name="team_one_active_per_hamlet",
            ),
            models.CheckConstraint(
                condition=(Q(status=TeamStatus.ACTIVE) & Q(dissolved_on__isnull=True))
                | (Q(status=TeamStatus.DISSOLVED) & Q(dissolved_on__isnull=False)),
                name="team_dissolved_on_iff_dissolved",
            ),
        ]
        indexes = [
            # Teams list filtered by status inside a scope (joins hamlet for the path prefix).
            models.Index(fields=["status", "hamlet"], name="team_status_hamlet"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == TeamStatus.ACTIVE


class MemberRole(models.TextChoices):
    LEADER = "leader", _("Leader")
    DEPUTY = "deputy", _("Deputy leader")
    MEMBER = "member", _("Member")


class Affiliation(models.TextChoices):
    HAMLET_HEAD = "hamlet_head", _("Hamlet head")
    YOUTH_UNION = "youth_union", _("Youth Union")
    WOMENS_UNION = "womens_union", _("Women's Union")
    POLICE = "police", _("Police")
    TELECOM = "telecom", _("Telecom staff")
    VOLUNTEER = "volunteer", _("Volunteer")
    OTHER = "other", _("Other")


class TeamMemberQuerySet(UnitScopedQuerySet):
    unit_lookup = "team__hamlet"

    def current(self) -> TeamMemberQuerySet:
        return self.filter(left_on__isnull=True)


class TeamMember(TimeStampedModel):
    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.PROTECT, related_name="members"
    )
    name = models.CharField(_("full name"), max_length=150)
    search_key = models.CharField(max_length=150, editable=False, blank=True)
    phone = models.CharField(_("phone"), max_length=11, blank=True)
    role = models.CharField(
        _("role in the team"), max_length=10, choices=MemberRole, default=MemberRole.MEMBER
    )
    affiliation = models.CharField(
        _("affiliation"), max_length=15, choices=Affiliation, default=Affiliation.OTHER
    )
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="team_memberships",
    )
    # The member agreed to have their name and phone shown in the public team directory.
    listed_publicly = models.BooleanField(_("shown in the public directory"), default=False)

    objects = TeamMemberQuerySet.as_manager()
    # Every change kept with its date: who held which role on any day (the team page).
    history = HistoricalRecords(excluded_fields=["search_key", "created_at"])

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["left_on", "role", "search_key"]
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="member_left_on_not_before_joined_on",
            ),
            # A team has at most one current leader.
            models.UniqueConstraint(
                fields=["team"],
                condition=Q(role="leader", left_on__isnull=True),
                name="member_one_current_leader_per_team",
            ),
        ]
        indexes = [
            # Roster of a team: current members first (team page, public directory).
            models.Index(fields=["team", "left_on"], name="member_team_current"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_current(self) -> bool:
        return self.left_on is None
