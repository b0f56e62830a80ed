"""Every list costs a fixed number of queries, however many rows it shows (21+ here)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps_catalog.services import app_create
from areas.services import hamlet_create
from citizens import services as citizen_services
from teams import services as team_services
from tests.consent import CONSENTED
from training import services as training_services

from .conftest import attended, days_ago, record_visit

pytestmark = pytest.mark.django_db

ROWS = 21


@pytest.fixture
def crowd(tree, world, officer_a):
    """21 more hamlets in district A, each with a team, a member, a household, a citizen and a
    visit with an assistance; 21 more courses, each with a session attended by a trainee;
    21 more apps with two outcomes each."""
    for n in range(ROWS):
        hamlet = hamlet_create(
            commune=tree.commune_a2, name=f"Xóm {n:02d}", valid_from=days_ago(900)
        )
        team = team_services.team_create(hamlet=hamlet)
        member = team_services.member_add(team=team, name=f"Thành viên {n}", joined_on=days_ago(9))
        household = citizen_services.household_create(
            consent_on=CONSENTED, hamlet=hamlet, head_name=f"Chủ hộ {n}"
        )
        citizen = citizen_services.citizen_create(household=household, full_name=f"Công dân {n}")
        record_visit(user=officer_a, household=household, members=[member], citizen=citizen)
        course = training_services.course_create(
            unit=tree.commune_a2, name=f"Lớp {n}", starts_on=days_ago(50)
        )
        attended(course, name=f"Học viên {n}", held_on=days_ago(50))
        app_create(name=f"Ứng dụng {n}", outcomes=["Đã cài đặt", "Đã hướng dẫn"])


# Every list: session, user, the user's scope unit (for the path prefix), COUNT(*) for the
# paginator, then the page itself with its joins; visits and apps add their prefetches.
# Lists of personal data add one INSERT: the audit log's record of the read.
LISTS = {
    "unit": 5,  # page: units under the scope path
    "team": 5,  # page: teams ⨝ hamlet ⨝ commune, COUNT of current members
    "member": 6,  # page: members ⨝ team ⨝ hamlet ⨝ commune
    "household": 6,  # page: households ⨝ hamlet ⨝ commune, COUNT of citizens
    "citizen": 6,  # page: citizens ⨝ household ⨝ hamlet ⨝ commune
    "visit": 8,  # page: visits; + members present; + assistances ⨝ citizen ⨝ app ⨝ outcome
    "course": 5,  # page: courses ⨝ unit, three COUNT subqueries
    "attendance": 6,  # page: attendance ⨝ session ⨝ course ⨝ trainee (courses as a subquery)
    "app": 5,  # session, user, COUNT, the page, + outcomes (no scope unit: one catalogue)
}


@pytest.mark.parametrize("resource", LISTS)
def test_list_queries_do_not_grow_with_the_rows(
    api_for, crowd, officer_a, resource, django_assert_max_num_queries
):
    client = api_for(officer_a)
    with django_assert_max_num_queries(LISTS[resource]):
        response = client.get(reverse(f"api:{resource}-list"), {"page_size": 200})
    assert response.status_code == 200
    assert response.json()["count"] > ROWS


def test_the_unit_filter_costs_one_query_more(
    api_for, crowd, tree, officer_a, django_assert_max_num_queries
):
    client = api_for(officer_a)
    # the visits list (7) + the unit, looked up within the user's scope
    with django_assert_max_num_queries(9):  # + the audit record
        response = client.get(reverse("api:visit-list"), {"unit": tree.commune_a2.pk})
    assert response.json()["count"] == ROWS
