"""Roll-up tables: figures per administrative unit, computed from the facts by
``dashboards.rollups``. Dashboard pages read only these tables."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apps_catalog.models import App, Outcome
from areas.models import AdministrativeUnit, UnitScopedQuerySet

FIGURES = (
    "teams_active",
    "members_active",
    "households",
    "people",
    "smartphones",
    "citizens",
    "households_reached",
    "citizens_helped",
    "visits",
    "visits_informed",
    "visits_nobody_home",
    "trainees",
    "trainees_completed",
)


class UnitFigures(models.Model):
    """Everything inside a unit (its whole subtree), as of ``computed_at``."""

    unit = models.OneToOneField(
        AdministrativeUnit, on_delete=models.CASCADE, related_name="figures"
    )
    teams_active = models.PositiveIntegerField(default=0)
    members_active = models.PositiveIntegerField(default=0)
    households = models.PositiveIntegerField(default=0)
    people = models.PositiveIntegerField(default=0)  # household members, as declared
    smartphones = models.PositiveIntegerField(default=0)  # smartphones in households
    citizens = models.PositiveIntegerField(default=0)  # people registered by name
    # Met at a counted visit at least once (a "nobody at home" visit reaches no household).
    households_reached = models.PositiveIntegerField(default=0)
    citizens_helped = models.PositiveIntegerField(default=0)  # distinct citizens, ever
    visits = models.PositiveIntegerField(default=0)  # counted: not withdrawn
    visits_informed = models.PositiveIntegerField(default=0)  # of which met, information only
    visits_nobody_home = models.PositiveIntegerField(default=0)  # of which nobody at home
    trainees = models.PositiveIntegerField(default=0)
    trainees_completed = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.unit_id} @ {self.computed_at:%Y-%m-%d %H:%M}"


class UnitAppFigures(models.Model):
    """Distinct citizens inside a unit who reached ``outcome`` in ``app`` (counted once)."""

    unit = models.ForeignKey(  # derived rows: as UnitPeriodFigures.unit
        AdministrativeUnit,
        on_delete=models.CASCADE,
        related_name="app_figures",
        db_constraint=False,
        db_index=False,
    )
    app = models.ForeignKey(App, on_delete=models.CASCADE, related_name="+")
    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="+")
    citizens = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "app", "outcome"], name="app_figures_once_per_unit_outcome"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} · {self.app_id}/{self.outcome_id}: {self.citizens}"


class Period(models.TextChoices):
    DAY = "day", _("day")
    WEEK = "week", _("week")
    MONTH = "month", _("month")


PERIOD_FIGURES = (
    "visits",
    "visits_nobody_home",
    "households_visited",
    "citizens_helped",
    "assistances",
    "trainees_completed",
)


class UnitPeriodFigures(models.Model):
    """Activity inside a unit during one day, week (from Monday) or month: each period is
    counted from the facts, so distinct households and citizens are distinct in the period."""

    # Derived rows, rewritten by every full run (about a million at province scale): no
    # foreign-key check queued per row, and no index of its own beside the unique one, which
    # starts with the unit. The ORM still deletes them with their unit.
    unit = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.CASCADE,
        related_name="period_figures",
        db_constraint=False,
        db_index=False,
    )
    period = models.CharField(max_length=5, choices=Period)
    starts_on = models.DateField()
    visits = models.PositiveIntegerField(default=0)
    visits_nobody_home = models.PositiveIntegerField(default=0)
    households_visited = models.PositiveIntegerField(default=0)  # met at a visit
    citizens_helped = models.PositiveIntegerField(default=0)
    assistances = models.PositiveIntegerField(default=0)
    trainees_completed = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "period", "starts_on"], name="period_figures_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} · {self.period} {self.starts_on}"


class ChangeMark(models.Model):
    """Written by database triggers whenever a fact changes: which unit (a hamlet, or a
    trainee's unit) and which day's figures it touches. ``day`` empty: only the running
    totals; ``unit`` empty: the structure changed, recompute everything. The incremental
    roll-up consumes these marks, so its cost follows what changed."""

    unit_id = models.IntegerField(null=True)
    day = models.DateField(null=True)

    def __str__(self) -> str:
        return f"{self.unit_id} {self.day}"


class RollupScope(models.Model):
    """Scratch table filled inside one roll-up run (under its lock): the units to recompute."""

    unit_id = models.IntegerField(primary_key=True)
    periods = models.BooleanField(default=False)  # their period rows too

    def __str__(self) -> str:
        return str(self.unit_id)


class RollupPeriod(models.Model):
    """Scratch table: the periods an incremental run recomputes."""

    period = models.CharField(max_length=5)
    starts_on = models.DateField()

    def __str__(self) -> str:
        return f"{self.period} {self.starts_on}"


class RollupState(models.Model):
    """One row: when figures were last computed. Locked while a run writes, so two runs at
    once (beat and an officer's refresh) take turns instead of mixing their rows."""

    key = models.CharField(max_length=20, unique=True, default="figures")
    computed_at = models.DateTimeField(null=True, blank=True)
    full_computed_at = models.DateTimeField(null=True, blank=True)
    # On the row keyed "refresh" (never locked by a run, so asking never waits): when an
    # officer last asked for fresh figures; "being recomputed" until a run finishes after it.
    requested_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.computed_at}"

    @classmethod
    def figures_run(cls) -> datetime.datetime | None:
        """When the figures were last computed (None: never): what caches of anything counted
        from them are keyed by, so a new run is never answered from an older one."""
        return cls.objects.filter(key="figures").values_list("computed_at", flat=True).first()


class ReportStatus(models.TextChoices):
    PENDING = "pending", "pending"
    DONE = "done", "done"
    FAILED = "failed", "failed"


class ReportQuerySet(models.QuerySet):
    def for_user(self, user) -> ReportQuerySet:
        """A report file is for the person who asked for it, and nobody else."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(requested_by=user)


class Report(models.Model):
    """An official report of a unit's figures, made by a Celery task (xlsx and PDF)."""

    requested_by = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.CASCADE, related_name="+")
    # The month reported on (its first day); the running totals are as of the build.
    month = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=ReportStatus, default="pending")
    progress = models.PositiveSmallIntegerField(default=0)  # percent, while being built
    xlsx = models.BinaryField(blank=True, default=b"")
    pdf = models.BinaryField(blank=True, default=b"")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.unit_id} · {self.created_at:%Y-%m-%d}"


# ---------------------------------------------------------------------------------------
# Official indicators: population bases with their date and source, the indicator registry,
# targets handed down by the level above, and the monthly report a commune files.


class PopulationQuerySet(UnitScopedQuerySet):
    unit_lookup = "unit"


class Population(models.Model):
    """A unit's population base as stated on ``as_of`` by ``source`` (the statistics office,
    the police's residence data, the commune's own count…). Every figure may be missing: a
    source rarely gives all five. Attached to the unit of that day, so a re-drawing of the map
    keeps it with the former unit; units with none of their own sum their children's."""

    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="populations",
    )
    as_of = models.DateField(_("as of"))
    total = models.PositiveIntegerField(_("population"), null=True, blank=True)
    adults = models.PositiveIntegerField(_("adults (18 and over)"), null=True, blank=True)
    aged_15_plus = models.PositiveIntegerField(_("aged 15 and over"), null=True, blank=True)
    working_age = models.PositiveIntegerField(_("working age"), null=True, blank=True)
    households = models.PositiveIntegerField(
        _("households (official count)"), null=True, blank=True
    )
    source = models.CharField(_("source"), max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    objects = PopulationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("population base")
        verbose_name_plural = _("population bases")
        ordering = ["unit_id", "-as_of"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "as_of"], name="population_once_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} @ {self.as_of}"


class Base(models.TextChoices):
    """What an indicator is counted against: a population base (``Population``) or a figure
    the portal itself records."""

    TOTAL = "total", _("population")
    ADULTS = "adults", _("adults (18 and over)")
    AGED_15_PLUS = "aged_15_plus", _("aged 15 and over")
    WORKING_AGE = "working_age", _("working age")
    HOUSEHOLDS = "households", _("households (official count)")


POPULATION_BASES = tuple(Base.values)


class Numerator(models.TextChoices):
    APP_OUTCOME = "app_outcome", _("citizens who reached an outcome in an app")
    FIGURE = "figure", _("a figure the portal counts")
    NONE = "none", _("not recorded by the portal")


class CountedFigure(models.TextChoices):
    """Figures an indicator may count (each with a date, so it can be counted as of a day)."""

    SMARTPHONES = "smartphones", _("smartphones declared in households")
    HOUSEHOLDS_WITH_SMARTPHONE = "households_with_smartphone", _("households with a smartphone")
    HOUSEHOLDS_REACHED = "households_reached", _("households met at a visit")
    CITIZENS_HELPED = "citizens_helped", _("citizens helped")
    MEMBERS_ACTIVE = "members_active", _("team members")
    TEAMS_ACTIVE = "teams_active", _("teams")
    TRAINEES_COMPLETED = "trainees_completed", _("people who completed a course")


class Source(models.TextChoices):
    DECISION_411 = "411", _("Decision 411/QĐ-TTg")
    DE_AN_06 = "06", _("Project 06")
    DTI = "dti", _("DTI")
    BDHVS = "bdhvs", _("Bình dân học vụ số")
    PROVINCE = "province", _("The province")


class IndicatorQuerySet(models.QuerySet):
    def active(self) -> IndicatorQuerySet:
        return self.filter(is_active=True)


class Indicator(models.Model):
    """One official indicator, defined once: what is counted (citizens who reached an outcome
    in an app, or a figure), over which base, against which national target. Value =
    numerator / denominator × 100 (a percentage, or "per 100 people")."""

    code = models.SlugField(_("identifier"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("how it is counted"), blank=True)
    numerator = models.CharField(_("counts"), max_length=12, choices=Numerator)
    app = models.ForeignKey(
        App,
        verbose_name=_("app"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    outcome = models.ForeignKey(
        Outcome,
        verbose_name=_("outcome"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    figure = models.CharField(_("figure"), max_length=30, choices=CountedFigure, blank=True)
    base = models.CharField(_("counted against"), max_length=15, choices=Base)
    per_hundred = models.BooleanField(_("per 100 people (not a percentage)"), default=False)
    national_target = models.DecimalField(
        _("national target"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    target_year = models.PositiveSmallIntegerField(_("target year"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source)
    position = models.PositiveSmallIntegerField(_("position"), default=100)
    is_active = models.BooleanField(_("in use"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = IndicatorQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(numerator="app_outcome", app__isnull=False, outcome__isnull=False)
                    | Q(numerator="figure") & ~Q(figure="")
                    | Q(numerator="none")
                ),
                name="indicator_numerator_complete",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def measured(self) -> bool:
        return self.numerator != Numerator.NONE


class TargetQuerySet(UnitScopedQuerySet):
    unit_lookup = "unit"


class Target(models.Model):
    """A quota handed down by the level above: ``value`` (in the indicator's unit) for
    ``unit`` by ``due_on``. Changing it keeps the earlier versions (history)."""

    unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="targets"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="targets"
    )
    value = models.DecimalField(_("target"), max_digits=6, decimal_places=2)
    starts_on = models.DateField(_("from"))
    due_on = models.DateField(_("due by"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    set_at = models.DateTimeField(auto_now=True)

    objects = TargetQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["due_on", "indicator__position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "indicator", "due_on"], name="target_once_per_unit_due_day"
            ),
            models.CheckConstraint(
                condition=Q(due_on__gte=models.F("starts_on")), name="target_due_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} · {self.indicator_id} {self.value} by {self.due_on}"


class FilingStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved")


class FilingQuerySet(UnitScopedQuerySet):
    unit_lookup = "unit"


class Filing(models.Model):
    """The month's report a commune files with the province: its official header (number,
    addressee), its text (difficulties, proposals), and, once submitted, the figures and
    files as they stood then (``figures``, ``xlsx``, ``pdf``), so the province reads what was
    filed whatever is recorded afterwards. Returned reports are corrected and submitted again
    (``round`` counts the submissions)."""

    unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="filings"
    )
    month = models.DateField(_("month"))  # its first day
    number = models.CharField(_("number"), max_length=50, blank=True)  # "15/BC-UBND"
    addressee = models.CharField(_("to"), max_length=300, blank=True)
    cut_off = models.DateField(_("figures as of"))
    difficulties = models.TextField(_("difficulties"), blank=True)
    proposals = models.TextField(_("proposals"), blank=True)
    signer_name = models.CharField(_("signed by"), max_length=150, blank=True)
    signer_title = models.CharField(_("signer's title"), max_length=150, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=FilingStatus, default=FilingStatus.DRAFT
    )
    round = models.PositiveSmallIntegerField(default=0)
    figures = models.JSONField(default=dict, blank=True)  # frozen at submission
    xlsx = models.BinaryField(blank=True, default=b"")
    pdf = models.BinaryField(blank=True, default=b"")
    comment = models.TextField(_("province's comment"), blank=True)
    version = models.PositiveIntegerField(default=1)  # refuses stale edits
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted on"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed on"), null=True, blank=True)

    objects = FilingQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["xlsx", "pdf", "figures"])

    class Meta:
        verbose_name = _("filed report")
        verbose_name_plural = _("filed reports")
        ordering = ["-month", "unit__search_key"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "month"], name="filing_once_per_unit_month"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} · {self.month:%m/%Y} · {self.status}"
