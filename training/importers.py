"""Importing a course's attendance sheets: one row per person (and session day).

Rows are matched to the course's trainees by name and phone, so importing the same file twice
changes nothing. A row may name the day it attended ("Ngày học": every session of the course
held that day) and whether the person completed the course ("Hoàn thành": x, có, đạt…).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import policies
from areas.models import AdministrativeUnit
from core.imports import Action, Plan, PlanRow
from core.phones import InvalidPhone, normalize_phone
from core.sheets import Table, cell_text, parse_date
from core.text import clean_text, fold
from teams.importers import PlaceFinder

from . import selectors, services
from .models import Trainee

FIELDS = {
    "name": ["Họ và tên", "Họ tên"],
    "phone": ["Số điện thoại", "SĐT", "Điện thoại"],
    "workplace": ["Chức vụ, đơn vị công tác", "Đơn vị công tác", "Chức vụ", "Đơn vị", "Cơ quan"],
    "commune": ["Xã", "Xã/Phường/Thị trấn", "Đơn vị cấp xã"],
    "session_date": ["Ngày học", "Ngày tham dự", "Buổi học"],
    "completed": ["Hoàn thành", "Kết quả", "Đạt"],
}
REQUIRED = {"name"}

NAME_MAX: int = Trainee._meta.get_field("name").max_length or 0
WORKPLACE_MAX: int = Trainee._meta.get_field("workplace").max_length or 0
COMPLETED_WORDS = {"x", "co", "dat", "hoan thanh", "1", "yes", "true"}


def is_completed(value: object) -> bool:
    return fold(cell_text(value)).strip(" .") in COMPLETED_WORDS


class AttendanceImporter:
    kind = "attendance"
    title = gettext_lazy("Course attendance")
    fields = FIELDS
    required = REQUIRED
    # The template's example row ("commune" comes from the officer's own area).
    example = {
        "name": "Nguyễn Văn An",
        "phone": "0912345678",
        "workplace": "Trưởng thôn",
        "session_date": "05/03/2026",
        "completed": "Đạt",
    }

    def __init__(self, *, user, unit: AdministrativeUnit, course: int) -> None:
        self.user = user
        self.unit = unit
        self.course = selectors.get_course_for_user(user=user, pk=course)

    # Attendance is imported by whoever runs courses: province and area officers.
    policy = staticmethod(policies.can_manage_training)

    @classmethod
    def options_from_request(cls, request) -> dict:
        """Which course the sheet is for (?course=<id>), checked against the user's scope."""
        value = request.GET.get("course", "")
        if not value.isdigit():
            raise Http404
        course = selectors.get_course_for_user(user=request.user, pk=int(value))
        return {"course": course.pk}

    @property
    def default_unit(self) -> AdministrativeUnit:
        """Where a trainee works when the row names no commune: the area of the list when it
        lies inside the course's unit, else the course's unit."""
        return self.unit if self.unit.is_within(self.course.unit) else self.course.unit

    def plan(self, table: Table) -> Plan:
        plan = Plan(headers=table.headers)
        col = lambda name: plan.column(table.columns, name)  # noqa: E731
        course = self.course
        places = PlaceFinder(self.unit)
        sessions: dict[datetime.date, list[int]] = {}
        for session in course.sessions.order_by("held_on", "pk"):
            sessions.setdefault(session.held_on, []).append(session.pk)
        trainees = list(course.trainees.prefetch_related("attendances"))
        attended = {t.pk: {a.session_id for a in t.attendances.all()} for t in trainees}
        seen: dict[tuple, int] = {}
        completing: set[int] = set()  # trainees an earlier row already marks as completed
        # People new to the course, first named by this file: (name key, phone) → row data.
        new_people: dict[tuple[str, str], dict] = {}
        for row in table.rows:
            item = PlanRow(number=row.number, cells=row.cells)
            plan.rows.append(item)
            v = row.values
            name = clean_text(cell_text(v.get("name")))
            if not name:
                item.fail(col("name"), _("the name is empty"))
            elif len(name) > NAME_MAX:
                item.fail(col("name"), _("longer than %(max)d characters") % {"max": NAME_MAX})
            workplace = clean_text(cell_text(v.get("workplace")))
            if len(workplace) > WORKPLACE_MAX:
                item.fail(
                    col("workplace"), _("longer than %(max)d characters") % {"max": WORKPLACE_MAX}
                )
            try:
                phone = normalize_phone(v.get("phone"))
            except InvalidPhone as exc:
                item.fail(col("phone"), str(exc))
                phone = ""
            commune = None
            commune_name = cell_text(v.get("commune"))
            if commune_name:
                commune, error = places.commune(commune_name)
                if commune is None:
                    item.fail(col("commune"), error)
                elif not commune.is_within(course.unit):
                    item.fail(
                        col("commune"),
                        _("“%(name)s” is outside %(unit)s, which runs this course")
                        % {"name": commune_name, "unit": course.unit.name},
                    )
                    commune = None
            day = None
            try:
                day = parse_date(v.get("session_date"))
            except ValueError as exc:
                item.fail(col("session_date"), str(exc))
            if day is not None and day not in sessions:
                item.fail(
                    col("session_date"),
                    _("the course has no session on %(day)s") % {"day": f"{day:%d/%m/%Y}"},
                )
            completed = is_completed(v.get("completed"))
            if completed and not self._can_complete_on(self._completed_on(day)):
                item.fail(
                    col("completed"),
                    _(
                        "completion cannot be dated %(day)s "
                        "(before the course starts or in the future)"
                    )
                    % {"day": f"{self._completed_on(day):%d/%m/%Y}"},
                )
            if item.errors:
                continue
            identity = (fold(name), phone, day)
            if identity in seen:
                item.fail("", _("repeats row %(row)d") % {"row": seen[identity]})
                continue
            seen[identity] = row.number
            data: dict[str, Any] = {
                "name": name,
                "phone": phone,
                "workplace": workplace,
                "unit_id": commune.pk if commune else None,
                "session_ids": sessions.get(day, []) if day else [],
                "day": day,
                "completed": completed,
            }
            item.data = data
            item.summary = name + (f" · {day:%d/%m/%Y}" if day else "")
            trainee = self._match(trainees, data)
            if trainee is not None:
                data["trainee_id"] = trainee.pk
                item.changes = self._changes(trainee, attended[trainee.pk], completing, data)
                item.action = Action.UPDATE if item.changes else Action.UNCHANGED
                continue
            key = (fold(name), phone)
            earlier = new_people.get(key)
            if earlier is None:
                new_people[key] = {
                    "sessions": set(data["session_ids"]),
                    "completed": data["completed"],
                }
                item.action = Action.CREATE
                continue
            # The same new person on another row (another day): more attendance for them.
            changes = []
            if set(data["session_ids"]) - earlier["sessions"]:
                changes.append(_("attendance"))
                earlier["sessions"].update(data["session_ids"])
            if data["completed"] and not earlier["completed"]:
                changes.append(_("completion"))
                earlier["completed"] = True
            item.changes = changes
            item.action = Action.UPDATE if changes else Action.UNCHANGED
        plan.notes = [_("Course: %(name)s") % {"name": course.name}]
        return plan

    @staticmethod
    def _match(trainees: list[Trainee], data: dict) -> Trainee | None:
        """The trainee a row names: same name and phone; or the only one of that name when
        one of the two phones is unknown."""
        key = fold(data["name"])
        same_name = [t for t in trainees if t.search_key == key]
        trainee = next((t for t in same_name if t.phone == data["phone"]), None)
        if (
            trainee is None
            and len(same_name) == 1
            and (not data["phone"] or not same_name[0].phone)
        ):
            trainee = same_name[0]
        return trainee

    @staticmethod
    def _changes(
        trainee: Trainee, attended: set[int], completing: set[int], data: dict
    ) -> list[str]:
        changes = []
        if data["phone"] and data["phone"] != trainee.phone:
            changes.append(_("phone"))
        if data["workplace"] and data["workplace"] != trainee.workplace:
            changes.append(_("workplace"))
        if data["unit_id"] and data["unit_id"] != trainee.unit_id:
            changes.append(_("commune"))
        if set(data["session_ids"]) - attended:
            changes.append(_("attendance"))
            attended.update(data["session_ids"])  # a later row of the same person sees it
        if data["completed"] and trainee.completed_on is None and trainee.pk not in completing:
            changes.append(_("completion"))
            completing.add(trainee.pk)
        return changes

    def _completed_on(self, day: datetime.date | None) -> datetime.date:
        today = timezone.localdate()
        return day or min(self.course.ends_on or today, today)

    def _can_complete_on(self, day: datetime.date) -> bool:
        return self.course.starts_on <= day <= timezone.localdate()

    @transaction.atomic
    def apply(self, plan: Plan) -> dict[str, int]:
        course = self.course
        result = {"created": 0, "updated": 0, "attendances": 0, "completed": 0}
        units = AdministrativeUnit.objects.in_bulk(
            {item.data["unit_id"] for item in plan.good if item.data["unit_id"]}
        )
        sessions = {s.pk: s for s in course.sessions.all()}
        new_people: dict[tuple[str, str], Trainee] = {}
        for item in plan.good:
            d = item.data
            unit = units.get(d["unit_id"]) if d["unit_id"] else None
            key = (fold(d["name"]), d["phone"])
            trainee: Trainee | None
            if d.get("trainee_id"):
                trainee = Trainee.objects.select_related("course", "unit").get(pk=d["trainee_id"])
            else:
                trainee = new_people.get(key)
            if trainee is None:
                trainee = services.trainee_add(
                    course=course,
                    name=d["name"],
                    phone=d["phone"],
                    workplace=d["workplace"],
                    unit=unit or self.default_unit,
                )
                new_people[key] = trainee
                result["created"] += 1
            else:
                changed = (
                    (d["phone"] and d["phone"] != trainee.phone)
                    or (d["workplace"] and d["workplace"] != trainee.workplace)
                    or (unit is not None and unit.pk != trainee.unit_id)
                )
                if changed:
                    services.trainee_update(
                        trainee=trainee,
                        name=trainee.name,
                        phone=d["phone"] or trainee.phone,
                        workplace=d["workplace"] or trainee.workplace,
                        unit=unit or trainee.unit,
                    )
                result["updated"] += 1
            for session_id in d["session_ids"]:
                if services.attendance_add(session=sessions[session_id], trainee=trainee):
                    result["attendances"] += 1
            if d["completed"] and trainee.completed_on is None:
                services.trainee_complete(
                    trainee=trainee, completed_on=self._completed_on(d["day"])
                )
                result["completed"] += 1
        return result
