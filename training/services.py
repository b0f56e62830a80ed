"""Writes to training: courses, their sessions, trainees, attendance and completion."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from areas.models import AdministrativeUnit, Level
from core.phones import clean_phone
from core.text import clean_text, fold
from teams.models import TeamMember

from .models import Attendance, Course, Session, Trainee

# --- Courses ---------------------------------------------------------------------------------


def _check_course_dates(starts_on: datetime.date, ends_on: datetime.date | None) -> None:
    if ends_on is not None and starts_on is not None and ends_on < starts_on:
        raise ValidationError({"ends_on": _("A course cannot end before it starts.")})


def course_create(
    *,
    unit: AdministrativeUnit,
    name: str,
    audience: str = "",
    description: str = "",
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
) -> Course:
    if unit.level == Level.HAMLET:
        raise ValidationError(
            {"unit": _("A course is organised by a province, a district or a commune.")}
        )
    if not unit.is_current:
        raise ValidationError({"unit": _("This unit is no longer in force.")})
    _check_course_dates(starts_on, ends_on)
    course = Course(
        unit=unit,
        name=clean_text(name),
        audience=clean_text(audience),
        description=(description or "").strip(),
        starts_on=starts_on,
        ends_on=ends_on,
    )
    course.search_key = fold(course.name)
    course.full_clean()
    course.save()
    return course


def course_update(
    *,
    course: Course,
    name: str,
    audience: str = "",
    description: str = "",
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
) -> Course:
    _check_course_dates(starts_on, ends_on)
    first = course.sessions.order_by("held_on").first()
    last = course.sessions.order_by("-held_on").first()
    if first is not None and starts_on > first.held_on:
        raise ValidationError(
            {
                "starts_on": _("A session was held on %(day)s, before this date.")
                % {"day": f"{first.held_on:%d/%m/%Y}"}
            }
        )
    if last is not None and ends_on is not None and ends_on < last.held_on:
        raise ValidationError(
            {
                "ends_on": _("A session is held on %(day)s, after this date.")
                % {"day": f"{last.held_on:%d/%m/%Y}"}
            }
        )
    course.name = clean_text(name)
    course.search_key = fold(course.name)
    course.audience = clean_text(audience)
    course.description = (description or "").strip()
    course.starts_on = starts_on
    course.ends_on = ends_on
    course.full_clean()
    course.save()
    return course


# --- Sessions --------------------------------------------------------------------------------


def session_add(
    *, course: Course, held_on: datetime.date, place: str = "", topic: str = ""
) -> Session:
    if held_on < course.starts_on:
        raise ValidationError(
            {
                "held_on": _("The course starts on %(day)s; a session cannot be earlier.")
                % {"day": f"{course.starts_on:%d/%m/%Y}"}
            }
        )
    if course.ends_on is not None and held_on > course.ends_on:
        raise ValidationError(
            {
                "held_on": _("The course ends on %(day)s; a session cannot be later.")
                % {"day": f"{course.ends_on:%d/%m/%Y}"}
            }
        )
    session = Session(
        course=course, held_on=held_on, place=clean_text(place), topic=clean_text(topic)
    )
    session.full_clean()
    session.save()
    return session


def session_remove(*, session: Session) -> None:
    """Remove a session recorded by mistake; one with attendance stays (it is history)."""
    attended = session.attendances.count()
    if attended:
        raise ValidationError(
            _(
                "%(count)d trainees attended this session; clear its attendance first if the "
                "session really did not take place."
            )
            % {"count": attended}
        )
    session.delete()


# --- Trainees --------------------------------------------------------------------------------


def _trainee_unit(course: Course, unit: AdministrativeUnit | None) -> AdministrativeUnit:
    if unit is None:
        return course.unit
    if not unit.is_within(course.unit):
        raise ValidationError(
            {
                "unit": _("%(unit)s is outside %(course_unit)s, which runs this course.")
                % {"unit": unit.name, "course_unit": course.unit.name}
            }
        )
    return unit


def _check_not_duplicate(trainee: Trainee) -> None:
    if not trainee.name:
        return
    duplicate = Trainee.objects.filter(
        course_id=trainee.course_id, search_key=trainee.search_key, phone=trainee.phone
    ).exclude(pk=trainee.pk)
    if duplicate.exists():
        raise ValidationError({"name": _("This person is already a trainee of this course.")})


def trainee_add(
    *,
    course: Course,
    name: str,
    phone: str = "",
    workplace: str = "",
    unit: AdministrativeUnit | None = None,
    team_member: TeamMember | None = None,
) -> Trainee:
    trainee = Trainee(
        course=course,
        name=clean_text(name),
        phone=clean_phone(phone),
        workplace=clean_text(workplace),
        unit=_trainee_unit(course, unit),
        team_member=team_member,
    )
    trainee.search_key = fold(trainee.name)
    _check_not_duplicate(trainee)
    trainee.full_clean()
    trainee.save()
    return trainee


def trainee_update(
    *,
    trainee: Trainee,
    name: str,
    phone: str = "",
    workplace: str = "",
    unit: AdministrativeUnit | None = None,
) -> Trainee:
    trainee.name = clean_text(name)
    trainee.search_key = fold(trainee.name)
    trainee.phone = clean_phone(phone)
    trainee.workplace = clean_text(workplace)
    trainee.unit = _trainee_unit(trainee.course, unit)
    _check_not_duplicate(trainee)
    trainee.full_clean()
    trainee.save()
    return trainee


# --- Attendance and completion ---------------------------------------------------------------


def _course_trainee_ids(course: Course, ids: Iterable[int]) -> set[int]:
    """``ids`` as a set, after checking that each is a trainee of ``course``."""
    wanted = {int(i) for i in ids}
    found = set(course.trainees.filter(pk__in=wanted).values_list("pk", flat=True))
    if wanted - found:
        raise ValidationError(_("Some of the ticked people are not trainees of this course."))
    return wanted


def attendance_set(
    *, session: Session, trainee_ids: Iterable[int], among: Iterable[int] | None = None
) -> dict[str, int]:
    """The ticked trainees become exactly the attendance of ``session``.

    With ``among`` (the trainees shown on a filtered list), only those are changed: the
    attendance of trainees the list did not show stays as it was.
    """
    course = session.course
    ticked = _course_trainee_ids(course, trainee_ids)
    shown = _course_trainee_ids(course, among) if among is not None else None
    if shown is not None and ticked - shown:
        raise ValidationError(_("Some of the ticked people are not in the list shown."))
    with transaction.atomic():
        current = set(session.attendances.select_for_update().values_list("trainee_id", flat=True))
        scope = current if shown is None else current & shown
        removed = scope - ticked
        added = ticked - current
        session.attendances.filter(trainee_id__in=removed).delete()
        Attendance.objects.bulk_create(
            [Attendance(session=session, trainee_id=pk) for pk in sorted(added)]
        )
    return {"added": len(added), "removed": len(removed), "present": len(current - removed | added)}


def attendance_add(*, session: Session, trainee: Trainee) -> bool:
    """Record that ``trainee`` attended ``session``; False when it was already recorded."""
    if trainee.course_id != session.course_id:
        raise ValidationError(_("This person is not a trainee of this course."))
    _attendance, created = Attendance.objects.get_or_create(session=session, trainee=trainee)
    return created


def trainee_complete(*, trainee: Trainee, completed_on: datetime.date) -> Trainee:
    if completed_on > timezone.localdate():
        raise ValidationError({"completed_on": _("The date cannot be in the future.")})
    if completed_on < trainee.course.starts_on:
        raise ValidationError(
            {
                "completed_on": _("The course starts on %(day)s; nobody completes it earlier.")
                % {"day": f"{trainee.course.starts_on:%d/%m/%Y}"}
            }
        )
    trainee.completed_on = completed_on
    trainee.full_clean()
    trainee.save(update_fields=["completed_on", "updated_at"])
    return trainee


def trainee_uncomplete(*, trainee: Trainee) -> Trainee:
    trainee.completed_on = None
    trainee.save(update_fields=["completed_on", "updated_at"])
    return trainee


def completion_set(
    *,
    course: Course,
    trainee_ids: Iterable[int],
    completed_on: datetime.date,
    among: Iterable[int] | None = None,
) -> dict[str, int]:
    """The ticked trainees have completed the course, the others (of ``among``) have not.

    Trainees who had already completed keep their date; unticking clears it.
    """
    ticked = _course_trainee_ids(course, trainee_ids)
    shown = _course_trainee_ids(course, among) if among is not None else None
    if shown is not None and ticked - shown:
        raise ValidationError(_("Some of the ticked people are not in the list shown."))
    trainees = course.trainees.select_related("course")
    if shown is not None:
        trainees = trainees.filter(pk__in=shown)
    completed = uncompleted = 0
    with transaction.atomic():
        for trainee in trainees.select_for_update(of=("self",)):
            if trainee.pk in ticked and trainee.completed_on is None:
                trainee_complete(trainee=trainee, completed_on=completed_on)
                completed += 1
            elif trainee.pk not in ticked and trainee.completed_on is not None:
                trainee_uncomplete(trainee=trainee)
                uncompleted += 1
    return {"completed": completed, "uncompleted": uncompleted}
