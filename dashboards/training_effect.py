"""From training to results: what a course's trainees did in the field before and after it,
against comparable team members who were not trained, and each member's work since their
courses.

Read-only figures counted straight from the registry (visits, their members present and
their assistances), with a constant number of grouped queries whatever the number of
trainees.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from citizens.models import Visit
from teams.models import TeamMember, TeamStatus
from training.models import Course, Trainee

# The visit ↔ member link: one row per member present at a visit.
Presence = Visit.members_present.through

BEFORE, AFTER = "before", "after"


@dataclass(frozen=True)
class Window:
    """A closed range of days; ``days_elapsed`` counts those already lived (up to today)."""

    starts_on: datetime.date
    ends_on: datetime.date
    days_elapsed: int

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1

    @property
    def complete(self) -> bool:
        return self.days_elapsed >= self.days

    @property
    def started(self) -> bool:
        return self.days_elapsed > 0


@dataclass(frozen=True)
class Measure:
    """A per-member average in the window before and the window after."""

    before: float
    after: float

    @property
    def difference(self) -> float:
        return self.after - self.before


@dataclass(frozen=True)
class AppMeasure:
    app_id: int
    app_name: str
    trained: Measure
    comparison: Measure


@dataclass(frozen=True)
class Group:
    size: int
    visits: Measure
    citizens: Measure
    # app id → distinct citizens helped with that app, per member.
    apps: dict[int, Measure] = field(default_factory=dict)


@dataclass(frozen=True)
class CourseEffect:
    course: Course
    weeks: int
    completed_only: bool
    before: Window
    after: Window
    trained: Group
    comparison: Group
    apps: list[AppMeasure]
    # Trainees of the course who are not linked to a team member (other officials).
    unlinked_trainees: int
    communes: int

    @property
    def course_finished(self) -> bool:
        return self.after.started


def course_windows(course: Course, weeks: int, today: datetime.date) -> tuple[Window, Window]:
    """``weeks`` weeks ending the day before the course starts, and ``weeks`` weeks starting
    the day after it ends (a course without an end date lasts its first day)."""
    span = datetime.timedelta(days=7 * weeks)
    day = datetime.timedelta(days=1)
    ends_on = course.ends_on or course.starts_on
    windows = []
    for start in (course.starts_on - span, ends_on + day):
        end = start + span - day
        elapsed = max(0, min((today - start).days + 1, (end - start).days + 1))
        windows.append(Window(start, end, elapsed))
    return windows[0], windows[1]


def _counted_visits(user, before: Window, after: Window) -> QuerySet[Visit]:
    visits = Visit.objects.counted().filter(
        Q(visited_on__range=(before.starts_on, before.ends_on))
        | Q(visited_on__range=(after.starts_on, after.ends_on))
    )
    return visits.for_user(user) if user is not None else visits


def course_effect(
    course: Course,
    *,
    weeks: int = 8,
    user=None,
    completed_only: bool = False,
    today: datetime.date | None = None,
) -> CourseEffect:
    """Per-member averages of the course's trained members over the ``weeks`` weeks before
    the course started and the ``weeks`` weeks after it ended, against a comparison group.

    - **Trained**: team members linked to a trainee of the course (only those who completed
      it with ``completed_only``).
    - **Comparison**: current members of the active teams in the same communes as the trained
      members' teams (the same local conditions: population, network, campaigns), who were not
      trainees of this course at all (a trainee who did not complete it is in neither group).
      Members trained in other courses stay in the comparison; the trained members' own
      untrained team-mates are in it (they may have learnt from them: the comparison then
      understates the effect).
    - **Figures**, per window: counted (not withdrawn) visits the member was present at;
      distinct citizens helped at those visits; distinct citizens helped per app. Each is
      summed over the group's members and divided by the group's size, members without
      visits included. The days of the course itself are in neither window.
    - **Scope**: with ``user``, only members and visits inside ``.for_user(user)`` count.

    Four queries: the trainees, the comparison members, the visits per member and window,
    the citizens per member, window and app.
    """
    today = today or timezone.localdate()
    before, after = course_windows(course, weeks, today)

    members = TeamMember.objects.all() if user is None else TeamMember.objects.for_user(user)
    trainees = Trainee.objects.filter(course=course).filter(
        Q(team_member__isnull=True) | Q(team_member__in=members)
    )
    trained: set[int] = set()
    communes: set[int] = set()
    unlinked = 0
    for member_id, commune_id, completed_on in trainees.values_list(
        "team_member_id", "team_member__team__hamlet__parent_id", "completed_on"
    ):
        if member_id is None:
            unlinked += 1
        elif completed_on is not None or not completed_only:
            trained.add(member_id)
            if commune_id is not None:
                communes.add(commune_id)

    comparison: set[int] = set()
    if communes:
        comparison = set(
            members.current()
            .filter(team__status=TeamStatus.ACTIVE, team__hamlet__parent_id__in=communes)
            .exclude(
                pk__in=Trainee.objects.filter(course=course, team_member__isnull=False).values(
                    "team_member_id"
                )
            )
            .values_list("pk", flat=True)
        )

    everyone = trained | comparison
    visits: dict[tuple[bool, str], int] = defaultdict(int)
    citizens: dict[tuple[bool, str], int] = defaultdict(int)
    per_app: dict[tuple[int, bool, str], int] = defaultdict(int)
    app_names: dict[int, tuple[int, str]] = {}
    if everyone:
        presence = Presence.objects.filter(
            teammember_id__in=everyone,
            visit_id__in=_counted_visits(user, before, after).values("pk"),
        )
        # Which window a presence row falls in: before and after never overlap.
        in_before = Q(visit__visited_on__lte=before.ends_on)
        rows = (
            presence.values("teammember_id")
            .annotate(
                visits_before=Count("visit_id", filter=in_before, distinct=True),
                visits_after=Count("visit_id", filter=~in_before, distinct=True),
                citizens_before=Count(
                    "visit__assistances__citizen_id", filter=in_before, distinct=True
                ),
                citizens_after=Count(
                    "visit__assistances__citizen_id", filter=~in_before, distinct=True
                ),
            )
            .order_by()
        )
        for row in rows:
            is_trained = row["teammember_id"] in trained
            visits[is_trained, BEFORE] += row["visits_before"]
            visits[is_trained, AFTER] += row["visits_after"]
            citizens[is_trained, BEFORE] += row["citizens_before"]
            citizens[is_trained, AFTER] += row["citizens_after"]
        app_rows = (
            presence.values(
                "teammember_id",
                "visit__assistances__app_id",
                "visit__assistances__app__name",
                "visit__assistances__app__position",
            )
            .annotate(
                before=Count("visit__assistances__citizen_id", filter=in_before, distinct=True),
                after=Count("visit__assistances__citizen_id", filter=~in_before, distinct=True),
            )
            .order_by()
        )
        for app_row in app_rows:
            app_id = app_row["visit__assistances__app_id"]
            if app_id is None:  # visits without help given (the outer join's empty side)
                continue
            app_names[app_id] = (
                app_row["visit__assistances__app__position"],
                app_row["visit__assistances__app__name"],
            )
            is_trained = app_row["teammember_id"] in trained
            per_app[app_id, is_trained, BEFORE] += app_row["before"]
            per_app[app_id, is_trained, AFTER] += app_row["after"]

    def average(total: int, size: int) -> float:
        return total / size if size else 0.0

    def measure(totals: dict, key: tuple, size: int) -> Measure:
        return Measure(
            before=average(totals[(*key, BEFORE)], size), after=average(totals[(*key, AFTER)], size)
        )

    def group(is_trained: bool, size: int) -> Group:
        return Group(
            size=size,
            visits=measure(visits, (is_trained,), size),
            citizens=measure(citizens, (is_trained,), size),
            apps={app_id: measure(per_app, (app_id, is_trained), size) for app_id in app_names},
        )

    trained_group = group(True, len(trained))
    comparison_group = group(False, len(comparison))
    apps = [
        AppMeasure(
            app_id=app_id,
            app_name=name,
            trained=trained_group.apps[app_id],
            comparison=comparison_group.apps[app_id],
        )
        for app_id, (_position, name) in sorted(app_names.items(), key=lambda item: item[1])
    ]
    return CourseEffect(
        course=course,
        weeks=weeks,
        completed_only=completed_only,
        before=before,
        after=after,
        trained=trained_group,
        comparison=comparison_group,
        apps=apps,
        unlinked_trainees=unlinked,
        communes=len(communes),
    )


@dataclass(frozen=True)
class MemberCourse:
    trainee: Trainee
    course: Course
    completed_on: datetime.date | None
    # The first day counted: the day after the course ended.
    since: datetime.date
    ended: bool
    visits: int
    citizens: int


def member_courses_and_work(
    member: TeamMember, *, user=None, today: datetime.date | None = None
) -> list[MemberCourse]:
    """The member's courses (oldest first, with their completion) and, for each, the counted
    visits they were present at and the distinct citizens helped at them since the day after
    the course ended (nothing yet for a course not ended). With ``user``, only visits inside
    the user's scope count.

    Two queries: the member's trainee rows with their courses, and one aggregate with a pair
    of conditional counts per course.
    """
    today = today or timezone.localdate()
    trainees = list(
        Trainee.objects.filter(team_member=member)
        .select_related("course__unit")
        .order_by("course__starts_on", "course_id", "pk")
    )
    if not trainees:
        return []
    day = datetime.timedelta(days=1)
    since = [(t.course.ends_on or t.course.starts_on) + day for t in trainees]
    visits = Visit.objects.counted()
    if user is not None:
        visits = visits.for_user(user)
    presence = Presence.objects.filter(teammember_id=member.pk, visit_id__in=visits.values("pk"))
    aggregates: dict[str, Count] = {}
    for i, first_day in enumerate(since):
        counted = Q(visit__visited_on__gte=first_day, visit__visited_on__lte=today)
        aggregates[f"visits_{i}"] = Count("visit_id", filter=counted, distinct=True)
        aggregates[f"citizens_{i}"] = Count(
            "visit__assistances__citizen_id", filter=counted, distinct=True
        )
    counts = presence.aggregate(**aggregates)
    return [
        MemberCourse(
            trainee=trainee,
            course=trainee.course,
            completed_on=trainee.completed_on,
            since=first_day,
            ended=first_day <= today,
            visits=counts[f"visits_{i}"] or 0,
            citizens=counts[f"citizens_{i}"] or 0,
        )
        for i, (trainee, first_day) in enumerate(zip(trainees, since, strict=True))
    ]
