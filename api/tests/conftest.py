"""API fixtures: an API client, and a small world on top of the root conftest's ``tree``.

District A (Định Hóa) and district B (Đại Từ) each get a team with members, a household with
citizens, a visit, and a course with a session attended by a trainee.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from apps_catalog.models import App
from citizens import services as citizen_services
from teams import services as team_services
from tests.consent import CONSENTED
from training import services as training_services


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Autouse fixtures run before the personas are created: hash their passwords cheaply.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_throttles():
    # The token endpoint's throttle counts in the cache; each test starts from zero.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def api_for(api):
    """api_for(user) → an API client with a session for that user (as the browser has)."""

    def login(user) -> APIClient:
        api.force_login(user)
        return api

    return login


@dataclass
class World:
    team_a: object
    team_b: object
    leader_member_a: object
    member_a: object
    member_b: object
    household_a: object
    household_b: object
    citizen_a: object
    citizen_b: object
    visit_a: object
    visit_b: object
    course_a: object
    course_b: object
    session_a: object
    attendance_a: object
    attendance_b: object


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def record_visit(*, user, household, members=(), citizen=None, days: int = 3, notes: str = ""):
    app = App.objects.get(slug="vneid")
    assistances = []
    if citizen is not None:
        assistances.append(
            {"citizen": citizen, "app": app, "outcome": app.outcomes.get(code="installed")}
        )
    visit, _created = citizen_services.visit_record(
        user=user,
        client_uuid=uuid.uuid4(),
        household=household,
        visited_on=days_ago(days),
        members_present=list(members),
        notes=notes,
        assistances=assistances,
    )
    return visit


def attended(course, *, name: str, held_on: datetime.date):
    session = training_services.session_add(course=course, held_on=held_on, topic="VNeID")
    trainee = training_services.trainee_add(course=course, name=name, phone="0987654321")
    training_services.attendance_add(session=session, trainee=trainee)
    return session, trainee.attendances.get()


@pytest.fixture
def world(tree, officer_a, officer_b) -> World:
    team_a = team_services.team_create(hamlet=tree.hamlet_a, decision_date=days_ago(400))
    team_b = team_services.team_create(hamlet=tree.hamlet_b)
    leader_member_a = team_services.member_add(
        team=team_a, name="Lưu Văn Bình", phone="0912000001", role="leader", joined_on=days_ago(300)
    )
    member_a = team_services.member_add(
        team=team_a, name="Đặng Thị Mai", phone="0912000002", joined_on=days_ago(30)
    )
    member_b = team_services.member_add(
        team=team_b, name="Trần Văn Sơn", phone="0912000003", joined_on=days_ago(30)
    )
    household_a = citizen_services.household_create(
        consent_on=CONSENTED,
        hamlet=tree.hamlet_a,
        head_name="Lưu Văn Bình",
        address="Số 12",
        member_count=3,
    )
    household_b = citizen_services.household_create(
        consent_on=CONSENTED,
        hamlet=tree.hamlet_b,
        head_name="Hà Văn Tuấn",
        address="Số 5",
        member_count=2,
    )
    citizen_a = citizen_services.citizen_create(
        household=household_a,
        full_name="Lưu Thị Hạnh",
        birth_year=1985,
        sex="female",
        phone="0912345678",
        id_number="019085007799",
    )
    citizen_b = citizen_services.citizen_create(
        household=household_b, full_name="Hà Văn Tuấn", birth_year=1970, sex="male"
    )
    visit_a = record_visit(
        user=officer_a, household=household_a, members=[member_a], citizen=citizen_a, days=10
    )
    visit_b = record_visit(user=officer_b, household=household_b, citizen=citizen_b, days=2)
    course_a = training_services.course_create(
        unit=tree.district_a, name="Kỹ năng số Định Hóa", starts_on=days_ago(60)
    )
    course_b = training_services.course_create(
        unit=tree.district_b, name="Kỹ năng số Đại Từ", starts_on=days_ago(20)
    )
    session_a, attendance_a = attended(course_a, name="Lưu Văn Bình", held_on=days_ago(60))
    _session_b, attendance_b = attended(course_b, name="Trần Văn Sơn", held_on=days_ago(20))
    return World(
        team_a=team_a,
        team_b=team_b,
        leader_member_a=leader_member_a,
        member_a=member_a,
        member_b=member_b,
        household_a=household_a,
        household_b=household_b,
        citizen_a=citizen_a,
        citizen_b=citizen_b,
        visit_a=visit_a,
        visit_b=visit_b,
        course_a=course_a,
        course_b=course_b,
        session_a=session_a,
        attendance_a=attendance_a,
        attendance_b=attendance_b,
    )
