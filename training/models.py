"""Training: courses, their sessions, who took part (trainees), who attended which session."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from areas.models import AdministrativeUnit, UnitScopedQuerySet
from core.models import TimeStampedModel
from teams.models import TeamMember


class CourseQuerySet(UnitScopedQuerySet):
    unit_lookup = "unit"


class Course(TimeStampedModel):
    name = models.CharField(_("name"), max_length=200)
    search_key = models.CharField(max_length=200, editable=False, blank=True)
    # The unit that runs the course; it and the officers above it manage it.
    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("organised by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    audience = models.CharField(_("for whom"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)

    objects = CourseQuerySet.as_manager()

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["-starts_on", "search_key"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="course_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SessionQuerySet(UnitScopedQuerySet):
    unit_lookup = "course__unit"


class Session(TimeStampedModel):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    topic = models.CharField(_("topic"), max_length=200, blank=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["held_on", "pk"]

    def __str__(self) -> str:
        return f"{self.course.name} · {self.held_on:%d/%m/%Y}"


class TraineeQuerySet(UnitScopedQuerySet):
    unit_lookup = "course__unit"

    def completed(self) -> TraineeQuerySet:
        return self.filter(completed_on__isnull=False)


class Trainee(TimeStampedModel):
    """A person taking part in a course: a team member or another official."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="trainees")
    name = models.CharField(_("full name"), max_length=150)
    search_key = models.CharField(max_length=150, editable=False, blank=True)
    phone = models.CharField(_("phone"), max_length=11, blank=True)
    workplace = models.CharField(_("position and workplace"), max_length=200, blank=True)
    # Where the person works (for figures by area); defaults to the course's unit.
    unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    team_member = models.ForeignKey(
        TeamMember, null=True, blank=True, on_delete=models.SET_NULL, related_name="trainings"
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)

    objects = TraineeQuerySet.as_manager()

    class Meta:
        verbose_name = _("trainee")
        verbose_name_plural = _("trainees")
        ordering = ["search_key", "pk"]
        indexes = [
            # Finding a person already in the course (imports, attendance ticking).
            models.Index(fields=["course", "search_key"], name="trainee_course_name"),
        ]

    def __str__(self) -> str:
        return self.name


class AttendanceQuerySet(UnitScopedQuerySet):
    unit_lookup = "session__course__unit"


class Attendance(TimeStampedModel):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendances")
    trainee = models.ForeignKey(Trainee, on_delete=models.CASCADE, related_name="attendances")

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "trainee"], name="attendance_once_per_session"
            ),
        ]
