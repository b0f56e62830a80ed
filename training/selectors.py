"""Reads of courses, sessions and trainees, each starting from the user's scope."""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from areas.models import AdministrativeUnit, Level
from core.text import fold

from .models import Attendance, Course, Session, Trainee

COURSE_SORTS = {
    "name": ("search_key", "pk"),
    "-name": ("-search_key", "-pk"),
    "unit": ("unit__search_key", "-starts_on", "pk"),
    "-unit": ("-unit__search_key", "-starts_on", "pk"),
    "starts": ("starts_on", "pk"),
    "-starts": ("-starts_on", "-pk"),
    "trainees": ("trainee_count", "pk"),
    "-trainees": ("-trainee_count", "pk"),
}


def _count(queryset: QuerySet, field: str = "course") -> Coalesce:
    """A correlated COUNT(*) subquery grouped on ``field`` (no join fan-out between counts)."""
    counts = (
        queryset.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))


def _with_counts(courses: QuerySet[Course]) -> QuerySet[Course]:
    return courses.annotate(
        trainee_count=_count(Trainee.objects.all()),
        completed_count=_count(Trainee.objects.completed()),
        session_count=_count(Session.objects.all()),
    )


def courses_for_user(*, user, search: str = "", sort: str = "-starts") -> QuerySet[Course]:
    """Courses run inside the user's scope, with their counts of trainees, completions and
    sessions (one query)."""
    courses = _with_counts(Course.objects.for_user(user).select_related("unit"))
    if search:
        courses = courses.filter(search_key__contains=fold(search))
    return courses.order_by(*COURSE_SORTS.get(sort, COURSE_SORTS["-starts"]))


def get_course_for_user(*, user, pk: int) -> Course:
    """Fetch and authorise (404 outside the scope), with the same counts as the list."""
    return get_object_or_404(
        _with_counts(Course.objects.for_user(user).select_related("unit")), pk=pk
    )


def get_session_for_user(*, user, pk: int) -> Session:
    sessions = Session.objects.for_user(user)
    return get_object_or_404(sessions.select_related("course__unit"), pk=pk)


def get_trainee_for_user(*, user, pk: int) -> Trainee:
    return get_object_or_404(
        Trainee.objects.for_user(user).select_related("course__unit", "unit"), pk=pk
    )


def course_sessions(*, course: Course) -> list[Session]:
    """The course's sessions in date order, each with its number of attendees (one query)."""
    return list(
        course.sessions.annotate(attendance_count=Count("attendances")).order_by("held_on", "pk")
    )


def trainees_for_course(*, course: Course, search: str = "") -> QuerySet[Trainee]:
    """The course's trainees with the number of sessions each attended; search by name
    (accents and case ignored) or phone."""
    trainees = course.trainees.select_related("unit").annotate(
        attended_count=_count(Attendance.objects.all(), "trainee")
    )
    if search:
        trainees = trainees.filter(
            Q(search_key__contains=fold(search)) | Q(phone__contains=search.strip())
        )
    return trainees.order_by("search_key", "pk")


def attendee_ids(*, session: Session) -> set[int]:
    return set(session.attendances.values_list("trainee_id", flat=True))


def course_units_for_user(*, user) -> QuerySet[AdministrativeUnit]:
    """Units that may run a course: current provinces, districts and communes in the scope."""
    return (
        AdministrativeUnit.objects.for_user(user)
        .current()
        .filter(level__in=[Level.PROVINCE, Level.DISTRICT, Level.COMMUNE])
        .order_by("path")
    )


def trainee_units(*, course: Course) -> QuerySet[AdministrativeUnit]:
    """Where a trainee of ``course`` may work: the organising unit and the units below it
    down to communes."""
    return (
        AdministrativeUnit.objects.current()
        .within(course.unit)
        .exclude(level=Level.HAMLET)
        .order_by("path")
    )
