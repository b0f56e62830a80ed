"""Roll-up tables: figures per administrative unit, computed from the facts by
``dashboards.rollups``. Dashboard pages read only these tables."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from apps_catalog.models import App, Outcome
from areas.models import AdministrativeUnit

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

    unit = models.ForeignKey(
        AdministrativeUnit, on_delete=models.CASCADE, related_name="app_figures"
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

    unit = models.ForeignKey(
        AdministrativeUnit, on_delete=models.CASCADE, related_name="period_figures"
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
