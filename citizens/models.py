"""Households and citizens (the field facts; visits and assistances come with the field issue).

Personal data: a citizen ID number is never stored in full. We keep a keyed hash (to match the
same person across imports) and its last four digits (to show it masked).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from areas.models import AdministrativeUnit, UnitScopedQuerySet
from core.models import TimeStampedModel


class HouseholdQuerySet(UnitScopedQuerySet):
    unit_lookup = "hamlet"


class Household(TimeStampedModel):
    # Set when a phone recorded the household (offline first): a repeated send is stored once.
    client_uuid = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    hamlet = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("hamlet"),
        on_delete=models.PROTECT,
        related_name="households",
        limit_choices_to={"level": "hamlet"},
    )
    head_name = models.CharField(_("head of household"), max_length=150)
    search_key = models.CharField(max_length=250, editable=False, blank=True)
    address = models.CharField(_("house number / address"), max_length=200, blank=True)
    member_count = models.PositiveSmallIntegerField(_("members"), default=1)
    smartphone_count = models.PositiveSmallIntegerField(_("smartphones"), default=0)
    consent_on = models.DateField(
        _("consent to store personal data given on"), null=True, blank=True
    )
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = HouseholdQuerySet.as_manager()
    # Every change kept: who, when, what (readable by the area's officers on its page).
    history = HistoricalRecords(excluded_fields=["search_key", "created_at"])

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["search_key", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(member_count__gte=1) & Q(member_count__lte=60),
                name="household_member_count_plausible",
            ),
            models.CheckConstraint(
                condition=Q(smartphone_count__lte=60), name="household_smartphones_plausible"
            ),
        ]
        indexes = [
            # Households of one hamlet by name (field home, household list of a hamlet).
            models.Index(fields=["hamlet", "search_key"], name="household_hamlet_name"),
            # The few households without consent yet (the list's headline counts).
            models.Index(
                fields=["hamlet"],
                condition=Q(consent_on__isnull=True),
                name="household_no_consent",
            ),
        ]

    def __str__(self) -> str:
        return self.head_name


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class CitizenQuerySet(UnitScopedQuerySet):
    unit_lookup = "household__hamlet"

    def for_user(self, user):
        """The one door, without the records merged into another one (a merged record stays
        in the table, to be unmerged, and appears in no list and no count)."""
        return super().for_user(user).filter(merged_into__isnull=True)


class Citizen(TimeStampedModel):
    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.PROTECT, related_name="citizens"
    )
    full_name = models.CharField(_("full name"), max_length=150)
    search_key = models.CharField(max_length=150, editable=False, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=6, choices=Sex, blank=True)
    phone = models.CharField(_("phone"), max_length=11, blank=True)
    # HMAC of the 12-digit citizen ID number, for matching only; never the number itself.
    id_number_digest = models.CharField(max_length=64, blank=True, editable=False)
    id_number_last4 = models.CharField(max_length=4, blank=True, editable=False)
    # Set when this record was merged into another one of the same person (see CitizenMerge).
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="merged_records",
    )
    merged_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = CitizenQuerySet.as_manager()
    # The ID number's hash stays out of the history; an erasure erases the history too.
    history = HistoricalRecords(excluded_fields=["search_key", "created_at", "id_number_digest"])

    class Meta:
        verbose_name = _("citizen")
        verbose_name_plural = _("citizens")
        ordering = ["search_key", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(birth_year__isnull=True)
                | (Q(birth_year__gte=1900) & Q(birth_year__lte=2100)),
                name="citizen_birth_year_plausible",
            ),
            # One person, one citizen ID number: the services check first and say so kindly;
            # this makes two simultaneous imports unable to store it twice.
            models.UniqueConstraint(
                fields=["id_number_digest"],
                condition=~Q(id_number_digest=""),
                name="citizen_id_number_once",
            ),
        ]
        indexes = [
            # Matching a citizen ID number on import (equality on the digest).
            models.Index(fields=["id_number_digest"], name="citizen_id_digest"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def masked_id_number(self) -> str:
        return f"••••••••{self.id_number_last4}" if self.id_number_last4 else ""


class VisitQuerySet(UnitScopedQuerySet):
    unit_lookup = "household__hamlet"

    def counted(self) -> VisitQuerySet:
        """The visits the figures count: not withdrawn."""
        return self.filter(withdrawn_at__isnull=True)

    def met(self) -> VisitQuerySet:
        """Counted visits that met the household (a household reached)."""
        return self.counted().exclude(kind=VisitKind.NOBODY_HOME)


class VisitStatus(models.TextChoices):
    RECORDED = "recorded", _("Recorded")
    CORRECTED = "corrected", _("Corrected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class VisitKind(models.TextChoices):
    """What happened at the door: a visit without help given says so explicitly."""

    HELPED = "helped", _("Helped with apps")
    INFORMED = "informed", _("Met, information only")
    NOBODY_HOME = "nobody_home", _("Nobody at home")


class Visit(TimeStampedModel):
    """A team's visit to a household on a day: who went, what happened (``kind``) and what
    was done (the assistances).

    Recorded once per ``client_uuid`` (generated on the phone): a repeated submission, even
    after a lost response or from an offline outbox, returns the same visit. A correction or
    a withdrawal raises ``version`` and keeps the earlier content as a ``VisitVersion``.
    """

    client_uuid = models.UUIDField(unique=True, editable=False)
    # SHA-256 of the submission's content: the same uuid with other content is a conflict.
    content_digest = models.CharField(max_length=64, editable=False)
    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.PROTECT, related_name="visits"
    )
    # Derived by the server at recording time, never taken from the client.
    team = models.ForeignKey(
        "teams.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="visits"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="recorded_visits"
    )
    visited_on = models.DateField(_("visited on"))
    kind = models.CharField(_("what happened"), max_length=12, choices=VisitKind)
    version = models.PositiveIntegerField(_("version"), default=1)
    withdrawn_at = models.DateTimeField(_("withdrawn on"), null=True, blank=True)
    members_present = models.ManyToManyField(
        "teams.TeamMember", blank=True, related_name="visits", verbose_name=_("members present")
    )
    notes = models.TextField(_("notes"), blank=True)

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-visited_on", "-pk"]
        indexes = [
            # Visits of a household (field home progress) and by day (roll-ups).
            models.Index(fields=["household", "visited_on"], name="visit_household_day"),
            models.Index(fields=["visited_on"], name="visit_day"),
            # A team leader's recent visits (the visits list, their last sync).
            models.Index(fields=["recorded_by", "created_at"], name="visit_recorder_time"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(version__gte=1), name="visit_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.household} · {self.visited_on:%d/%m/%Y}"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def status(self) -> str:
        """recorded, corrected (changed since), or withdrawn (no longer counted)."""
        if self.withdrawn_at is not None:
            return VisitStatus.WITHDRAWN
        return VisitStatus.CORRECTED if self.version > 1 else VisitStatus.RECORDED

    def get_status_display(self) -> str:
        return str(VisitStatus(self.status).label)

    @property
    def met_household(self) -> bool:
        return self.kind != VisitKind.NOBODY_HOME


class VisitChange(models.TextChoices):
    RECORDED = "recorded", _("Recorded")
    CORRECTED = "corrected", _("Corrected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class VisitVersion(models.Model):
    """One version of a visit as it stood after a change: who changed it, when, why, and the
    whole content (kind, day, members present, notes, each assistance with its names), so
    the history reads without the catalogue or the registry as they are today."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    change = models.CharField(_("change"), max_length=10, choices=VisitChange)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(_("changed at"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    content = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("visit version")
        verbose_name_plural = _("visit versions")
        ordering = ["visit", "number"]
        constraints = [
            models.UniqueConstraint(fields=["visit", "number"], name="visit_version_once"),
        ]

    def __str__(self) -> str:
        return f"{self.visit_id} v{self.number}"


class Assistance(TimeStampedModel):
    """One citizen helped with one app, and what was achieved, during a visit.

    A citizen counts once per app however many visits helped them: figures count distinct
    (citizen, app); repeated help stays recorded here as history.
    """

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="assistances")
    citizen = models.ForeignKey(
        Citizen, verbose_name=_("citizen"), on_delete=models.PROTECT, related_name="assistances"
    )
    app = models.ForeignKey(
        "apps_catalog.App", verbose_name=_("app"), on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.ForeignKey(
        "apps_catalog.Outcome",
        verbose_name=_("outcome"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("assistance")
        verbose_name_plural = _("assistances")
        constraints = [
            models.UniqueConstraint(
                fields=["visit", "citizen", "app", "outcome"], name="assistance_once_per_visit"
            ),
        ]
        indexes = [
            # Distinct citizens per app (figures) and a citizen's history.
            models.Index(fields=["app", "citizen"], name="assistance_app_citizen"),
        ]


class CitizenMergeQuerySet(UnitScopedQuerySet):
    unit_lookup = "kept__household__hamlet"


class CitizenMerge(models.Model):
    """Two records of one person made one: the merged record's help records moved to the
    kept one. What moved and what had to be deleted (the same visit, app and outcome on both
    records) is kept here, so the merge can be undone exactly."""

    kept = models.ForeignKey(
        Citizen, verbose_name=_("kept"), on_delete=models.PROTECT, related_name="merges_kept"
    )
    merged = models.ForeignKey(
        Citizen, verbose_name=_("merged"), on_delete=models.PROTECT, related_name="merges"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("merged on"))
    # Ids of the assistances moved from the merged record to the kept one.
    moved_assistances = models.JSONField(default=list)
    # The merged record's assistances deleted as duplicates: [{visit, app, outcome}, …].
    deleted_duplicates = models.JSONField(default=list)
    undone_at = models.DateTimeField(_("undone on"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = CitizenMergeQuerySet.as_manager()

    class Meta:
        verbose_name = _("merge of citizens")
        verbose_name_plural = _("merges of citizens")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.merged_id} → {self.kept_id}"

    @property
    def is_undone(self) -> bool:
        return self.undone_at is not None
