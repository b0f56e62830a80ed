"""Each rule fires on data built to trigger it and stays silent otherwise; evaluating again
never notifies twice; muted kinds are not stored."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import User
from conftest import _make_user
from dashboards.models import Filing, FilingStatus, Indicator, Population
from dashboards.services import target_set
from imports.models import BatchStatus, ImportBatch
from notifications.models import Notification, Rule
from notifications.services import notifications_evaluate, preference_set

from .builders import household, recording_team, visit, vneid_level_2

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def hamlet(name, tree):
    from areas.services import hamlet_create
    from conftest import SINCE

    return hamlet_create(commune=tree.commune_a2, name=name, valid_from=SINCE)


def told(user, rule) -> list[Notification]:
    return list(Notification.objects.filter(user=user, rule=rule))


@pytest.fixture
def leader(tree):
    return _make_user("totruong", "team_leader", tree.hamlet_a, "Lưu Văn Bình")


@pytest.fixture
def commune_officer(tree):
    return _make_user("xachochu", "area_officer", tree.commune_a, "Ma Thị Hương")


def test_a_team_that_stopped_recording_is_told_to_the_officers_of_its_area(
    tree, leader, officer_a, officer_b
):
    team = recording_team(tree.hamlet_a, leader)
    house = household(tree.hamlet_a)
    visit(team, leader, house, TODAY - datetime.timedelta(days=30))
    notifications_evaluate(rules={Rule.TEAM_INACTIVE})
    (notice,) = told(officer_a, Rule.TEAM_INACTIVE)
    assert team.name in notice.message
    assert (TODAY - datetime.timedelta(days=30)).strftime("%d/%m/%Y") in notice.message
    assert told(officer_b, Rule.TEAM_INACTIVE) == []  # another district's officer
    assert notifications_evaluate(rules={Rule.TEAM_INACTIVE}) == 0  # told once
    officer_a.refresh_from_db()
    assert officer_a.unread_notifications == 1


def test_a_withdrawn_visit_does_not_count_as_recording(tree, leader, officer_a):
    team = recording_team(tree.hamlet_a, leader)
    recent = visit(team, leader, household(tree.hamlet_a), TODAY - datetime.timedelta(days=2))
    notifications_evaluate(rules={Rule.TEAM_INACTIVE})
    assert told(officer_a, Rule.TEAM_INACTIVE) == []
    type(recent).objects.filter(pk=recent.pk).update(withdrawn_at=timezone.now())
    notifications_evaluate(rules={Rule.TEAM_INACTIVE})
    assert len(told(officer_a, Rule.TEAM_INACTIVE)) == 1


def test_a_team_that_recorded_lately_or_cannot_record_is_not_told(tree, leader, officer_a):
    team = recording_team(tree.hamlet_a, leader)
    visit(team, leader, household(tree.hamlet_a), TODAY - datetime.timedelta(days=3))
    silent = recording_team(hamlet("Xóm Một", tree), None)  # its leader has no account
    assert silent.pk
    young = recording_team(
        hamlet("Xóm Hai", tree), leader, founded=TODAY - datetime.timedelta(days=5)
    )
    assert young.pk
    notifications_evaluate(rules={Rule.TEAM_INACTIVE})
    assert told(officer_a, Rule.TEAM_INACTIVE) == []


def test_a_unit_behind_its_target_is_told_and_one_on_track_is_not(
    tree, leader, province_officer, officer_a
):
    team = recording_team(tree.hamlet_a, leader)
    app, outcome = vneid_level_2()
    indicator = Indicator.objects.get(code="vneid-level-2")
    Population.objects.create(
        unit=tree.commune_a, as_of=datetime.date(2025, 1, 1), adults=10, source="test"
    )
    target_set(
        actor=province_officer,
        unit=tree.commune_a,
        indicator=indicator,
        value=Decimal(80),
        due_on=TODAY + datetime.timedelta(days=60),
        starts_on=TODAY - datetime.timedelta(days=1),
    )
    visit(team, leader, household(tree.hamlet_a), TODAY, app=app, outcome=outcome)
    notifications_evaluate(rules={Rule.BEHIND_TARGET})
    (notice,) = told(officer_a, Rule.BEHIND_TARGET)
    assert tree.commune_a.name in notice.message
    assert "hiện đạt 10 %, chỉ tiêu 80 %" in notice.message  # Vietnamese numbers
    assert len(told(province_officer, Rule.BEHIND_TARGET)) == 1  # who set it hears too

    Notification.objects.all().delete()
    # Nine more adults helped: 100 % of 10 adults, the target is reached.
    for n in range(9):
        visit(team, leader, household(tree.hamlet_a, f"Người {n}"), TODAY, app=app, outcome=outcome)
    notifications_evaluate(rules={Rule.BEHIND_TARGET})
    assert told(officer_a, Rule.BEHIND_TARGET) == []


def _last_month() -> datetime.date:
    return (TODAY.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def test_last_months_report_is_due_until_it_is_submitted(tree, commune_officer, officer_a):
    notifications_evaluate(rules={Rule.REPORT_DUE})
    (notice,) = told(commune_officer, Rule.REPORT_DUE)
    assert _last_month().strftime("%m/%Y") in notice.message
    assert told(officer_a, Rule.REPORT_DUE) == []  # a district does not file
    Notification.objects.all().delete()
    Filing.objects.create(
        unit=tree.commune_a,
        month=_last_month(),
        cut_off=TODAY,
        status=FilingStatus.SUBMITTED,
        round=1,
    )
    notifications_evaluate(rules={Rule.REPORT_DUE})
    assert told(commune_officer, Rule.REPORT_DUE) == []


def test_a_returned_report_is_told_to_its_commune_and_a_submitted_one_to_the_province(
    tree, commune_officer, province_officer
):
    filing = Filing.objects.create(
        unit=tree.commune_a, month=_last_month(), cut_off=TODAY, status=FilingStatus.DRAFT
    )
    notifications_evaluate(rules={Rule.REPORT_RETURNED, Rule.REPORT_SUBMITTED})
    assert Notification.objects.count() == 0  # a draft concerns nobody yet
    Filing.objects.filter(pk=filing.pk).update(status=FilingStatus.SUBMITTED, round=1)
    notifications_evaluate(rules={Rule.REPORT_RETURNED, Rule.REPORT_SUBMITTED})
    assert len(told(province_officer, Rule.REPORT_SUBMITTED)) == 1
    assert told(commune_officer, Rule.REPORT_RETURNED) == []
    Filing.objects.filter(pk=filing.pk).update(
        status=FilingStatus.RETURNED, comment="Thiếu số liệu tập huấn"
    )
    notifications_evaluate(rules={Rule.REPORT_RETURNED, Rule.REPORT_SUBMITTED})
    (notice,) = told(commune_officer, Rule.REPORT_RETURNED)
    assert "Thiếu số liệu tập huấn" in notice.message
    # Resubmitted and returned again: a new round, told again.
    Filing.objects.filter(pk=filing.pk).update(round=2)
    notifications_evaluate(rules={Rule.REPORT_RETURNED})
    assert len(told(commune_officer, Rule.REPORT_RETURNED)) == 2


def test_the_uploader_hears_that_an_import_finished(tree, officer_a, officer_b):
    def batch(user, status):
        return ImportBatch.objects.create(
            kind="roster",
            created_by=user,
            unit=tree.district_a,
            filename="to-cnscd.xlsx",
            data=b"",
            status=status,
            result={"created": 12, "updated": 3},
            applied_at=timezone.now() if status == BatchStatus.APPLIED else None,
        )

    batch(officer_b, BatchStatus.PREVIEWED)
    notifications_evaluate(rules={Rule.IMPORT_FINISHED})
    assert Notification.objects.count() == 0
    batch(officer_a, BatchStatus.APPLIED)
    notifications_evaluate(rules={Rule.IMPORT_FINISHED})
    (notice,) = told(officer_a, Rule.IMPORT_FINISHED)
    assert "to-cnscd.xlsx" in notice.message and "12" in notice.message
    assert told(officer_b, Rule.IMPORT_FINISHED) == []


def test_probable_duplicates_are_told_to_the_officer_of_their_area(tree, officer_a, officer_b):
    household(tree.hamlet_a, "Nguyễn Văn An", 1980)
    household(tree.hamlet_a, "Nguyễn Văn Bình", 1980)
    notifications_evaluate(rules={Rule.DUPLICATES_WAITING})
    assert Notification.objects.count() == 0  # two different people
    household(tree.hamlet_a, "Nguyen Van An", 1980)  # the same person typed again
    notifications_evaluate(rules={Rule.DUPLICATES_WAITING})
    (notice,) = told(officer_a, Rule.DUPLICATES_WAITING)
    assert "1" in notice.message
    assert told(officer_b, Rule.DUPLICATES_WAITING) == []


def test_accounts_of_a_closed_unit_are_told_to_the_province(db):
    from reorganizations.tests.test_views import applied, small_map

    units = small_map()
    province = _make_user("so", "province_officer", units["91"], "Sở")
    waiting = User.objects.create_user(
        username="huyen", password="x", role="area_officer", scope_unit=units["910"]
    )
    notifications_evaluate(rules={Rule.ACCOUNTS_WAITING})
    assert Notification.objects.count() == 0  # nothing closed yet
    applied()
    notifications_evaluate(rules={Rule.ACCOUNTS_WAITING})
    (notice,) = told(province, Rule.ACCOUNTS_WAITING)
    assert str(waiting) in notice.message


def test_a_muted_kind_is_not_stored(tree, leader, officer_a):
    team = recording_team(tree.hamlet_a, leader)
    assert team.pk
    preference_set(user=officer_a, receive=set(Rule.values) - {Rule.TEAM_INACTIVE}, digest=True)
    notifications_evaluate(rules={Rule.TEAM_INACTIVE})
    assert told(officer_a, Rule.TEAM_INACTIVE) == []
