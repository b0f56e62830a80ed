"""Read-only resources: scoped lists and details, filters, pagination, what citizens show."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIRequestFactory

from api.pagination import ApiPagination

from .conftest import days_ago

pytestmark = pytest.mark.django_db

# Each scoped resource with its row in district A and its row in district B.
SCOPED = {
    "unit": lambda tree, w: (tree.hamlet_a, tree.hamlet_b),
    "team": lambda tree, w: (w.team_a, w.team_b),
    "member": lambda tree, w: (w.member_a, w.member_b),
    "household": lambda tree, w: (w.household_a, w.household_b),
    "citizen": lambda tree, w: (w.citizen_a, w.citizen_b),
    "visit": lambda tree, w: (w.visit_a, w.visit_b),
    "course": lambda tree, w: (w.course_a, w.course_b),
    "attendance": lambda tree, w: (w.attendance_a, w.attendance_b),
}
ALL_LISTS = [*SCOPED, "app"]


def list_url(resource: str) -> str:
    return reverse(f"api:{resource}-list")


def detail_url(resource: str, pk: int) -> str:
    return reverse(f"api:{resource}-detail", args=[pk])


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize("resource", ALL_LISTS)
def test_anonymous_callers_are_refused_every_list(api, world, resource):
    response = api.get(list_url(resource))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize("resource", SCOPED)
def test_an_officer_lists_the_rows_of_their_district_and_none_of_another(
    api_for, tree, world, officer_a, officer_b, resource
):
    row_a, row_b = SCOPED[resource](tree, world)
    seen_by_a = ids(api_for(officer_a).get(list_url(resource)))
    seen_by_b = ids(api_for(officer_b).get(list_url(resource)))
    assert row_a.pk in seen_by_a and row_b.pk not in seen_by_a
    assert row_b.pk in seen_by_b and row_a.pk not in seen_by_b


@pytest.mark.parametrize("resource", SCOPED)
def test_an_officer_reads_a_row_of_their_district(api_for, tree, world, officer_a, resource):
    row_a, _row_b = SCOPED[resource](tree, world)
    response = api_for(officer_a).get(detail_url(resource, row_a.pk))
    assert response.status_code == 200
    assert response.json()["id"] == row_a.pk


@pytest.mark.parametrize("resource", SCOPED)
def test_an_officer_of_another_district_gets_404_on_a_row_of_district_a(
    api_for, tree, world, officer_b, resource
):
    row_a, _row_b = SCOPED[resource](tree, world)
    response = api_for(officer_b).get(detail_url(resource, row_a.pk))
    assert response.status_code == 404


@pytest.mark.parametrize("resource", SCOPED)
def test_the_province_officer_sees_both_districts(api_for, tree, world, province_officer, resource):
    row_a, row_b = SCOPED[resource](tree, world)
    assert {row_a.pk, row_b.pk} <= ids(api_for(province_officer).get(list_url(resource)))


def test_a_team_leader_sees_only_their_own_hamlet(api_for, world, leader_a):
    client = api_for(leader_a)
    assert ids(client.get(list_url("household"))) == {world.household_a.pk}
    assert client.get(detail_url("household", world.household_b.pk)).status_code == 404


def test_the_app_catalogue_with_its_outcomes_is_open_to_any_signed_in_user(
    api_for, world, leader_a, officer_b
):
    for user in (leader_a, officer_b):
        rows = api_for(user).get(list_url("app"), {"page_size": 200}).json()["results"]
        vneid = next(row for row in rows if row["slug"] == "vneid")
        assert {"installed", "level-2"} <= {outcome["code"] for outcome in vneid["outcomes"]}
    response = api_for(leader_a).get(detail_url("app", vneid["id"]))
    assert response.status_code == 200


def test_a_citizen_shows_a_masked_phone_and_id_number_and_never_the_digest(
    api_for, world, officer_a
):
    response = api_for(officer_a).get(detail_url("citizen", world.citizen_a.pk))
    body = response.json()
    assert body["phone"] == "0912•••678"
    assert body["masked_id_number"] == "••••••••7799"
    assert "id_number_digest" not in body
    assert world.citizen_a.id_number_digest not in response.content.decode()
    assert "0912345678" not in response.content.decode()


def test_a_member_shows_their_phone_to_officers(api_for, world, officer_a):
    body = api_for(officer_a).get(detail_url("member", world.member_a.pk)).json()
    assert body["phone"] == "0912000002"
    assert body["team"] == world.team_a.pk


def test_a_visit_shows_who_went_and_what_was_done(api_for, world, officer_a):
    body = api_for(officer_a).get(detail_url("visit", world.visit_a.pk)).json()
    assert body["members_present"] == [world.member_a.pk]
    assert body["team"] == world.team_a.pk
    assert body["recorded_by"] == officer_a.pk
    [assistance] = body["assistances"]
    assert assistance["citizen"] == world.citizen_a.pk
    assert assistance["citizen_name"] == "Lưu Thị Hạnh"
    assert (assistance["app"], assistance["outcome"]) == ("vneid", "installed")


# --- Filters -------------------------------------------------------------------------------------


def test_the_unit_filter_keeps_the_rows_inside_that_unit(api_for, tree, world, province_officer):
    client = api_for(province_officer)
    for resource in ("team", "member", "household", "citizen", "visit"):
        row_a, row_b = SCOPED[resource](tree, world)
        seen = ids(client.get(list_url(resource), {"unit": tree.district_a.pk}))
        assert row_a.pk in seen and row_b.pk not in seen
    assert ids(client.get(list_url("course"), {"unit": tree.district_a.pk})) == {world.course_a.pk}
    assert ids(client.get(list_url("attendance"), {"unit": tree.district_a.pk})) == {
        world.attendance_a.pk
    }


@pytest.mark.parametrize("resource", SCOPED)
def test_a_unit_outside_ones_scope_filters_to_nothing(api_for, tree, world, officer_b, resource):
    response = api_for(officer_b).get(list_url(resource), {"unit": tree.district_a.pk})
    assert ids(response) == set()


def test_a_non_numeric_unit_is_a_400_not_a_500(api_for, world, officer_a):
    response = api_for(officer_a).get(list_url("team"), {"unit": "abc"})
    assert response.status_code == 400
    assert "unit" in response.json()


def test_the_hamlet_filter(api_for, tree, world, province_officer):
    client = api_for(province_officer)
    hamlet = {"hamlet": tree.hamlet_b.pk}
    assert ids(client.get(list_url("household"), hamlet)) == {world.household_b.pk}
    assert ids(client.get(list_url("citizen"), hamlet)) == {world.citizen_b.pk}
    assert ids(client.get(list_url("team"), hamlet)) == {world.team_b.pk}
    assert ids(client.get(list_url("member"), hamlet)) == {world.member_b.pk}
    assert ids(client.get(list_url("visit"), hamlet)) == {world.visit_b.pk}


def search(client, kind: str, text: str, **filters):
    """People are searched by POST (the words stay out of URLs and access logs)."""
    url = list_url(kind).rstrip("/") + "/search/"
    if filters:
        url += "?" + "&".join(f"{k}={v}" for k, v in filters.items())
    return client.post(url, {"search": text}, format="json")


def test_search_ignores_accents_and_case(api_for, world, province_officer):
    client = api_for(province_officer)
    assert ids(search(client, "household", "LUU van")) == {world.household_a.pk}
    assert ids(search(client, "citizen", "hanh")) == {world.citizen_a.pk}
    assert ids(search(client, "member", "dang thi")) == {world.member_a.pk}
    assert ids(client.get(list_url("course"), {"search": "dai tu"})) == {world.course_b.pk}
    assert ids(search(client, "visit", "ha van")) == {world.visit_b.pk}
    assert ids(search(client, "attendance", "tran")) == {world.attendance_b.pk}
    units = ids(client.get(list_url("unit"), {"search": "dinh hoa"}))
    assert world.team_a.hamlet.parent.parent_id in units


def test_date_ranges_filter_visits_courses_and_members(api_for, world, province_officer):
    client = api_for(province_officer)
    since_5 = days_ago(5).isoformat()
    assert ids(client.get(list_url("visit"), {"visited_from": since_5})) == {world.visit_b.pk}
    assert ids(client.get(list_url("visit"), {"visited_to": since_5})) == {world.visit_a.pk}
    since_40 = days_ago(40).isoformat()
    assert ids(client.get(list_url("course"), {"starts_from": since_40})) == {world.course_b.pk}
    assert ids(client.get(list_url("course"), {"starts_to": since_40})) == {world.course_a.pk}
    joined = ids(client.get(list_url("member"), {"joined_to": days_ago(100).isoformat()}))
    assert joined == {world.leader_member_a.pk}
    joined = ids(client.get(list_url("member"), {"joined_from": days_ago(100).isoformat()}))
    assert joined == {world.member_a.pk, world.member_b.pk}


def test_a_bad_date_is_a_400(api_for, world, officer_a):
    response = api_for(officer_a).get(list_url("visit"), {"visited_from": "yesterday"})
    assert response.status_code == 400
    assert "visited_from" in response.json()


def test_units_filter_by_level_and_validity(api_for, tree, world, officer_a):
    client = api_for(officer_a)
    assert ids(client.get(list_url("unit"), {"level": "hamlet"})) == {tree.hamlet_a.pk}
    current = ids(client.get(list_url("unit"), {"current": "true"}))
    assert tree.district_a.pk in current
    assert ids(client.get(list_url("unit"), {"current": "false"})) == set()


def test_teams_filter_by_status(api_for, world, officer_a):
    client = api_for(officer_a)
    assert ids(client.get(list_url("team"), {"status": "active"})) == {world.team_a.pk}
    assert ids(client.get(list_url("team"), {"status": "dissolved"})) == set()


def test_lists_are_paginated_with_a_page_size_of_at_most_200(api_for, world, officer_a):
    body = api_for(officer_a).get(list_url("unit"), {"page_size": 1}).json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert len(body["results"]) == 1 and body["next"]

    request = APIRequestFactory().get("/", {"page_size": 5000})
    from rest_framework.request import Request

    assert ApiPagination().get_page_size(Request(request)) == 200


@pytest.mark.parametrize("kind", ["household", "citizen", "member", "visit", "attendance"])
def test_people_are_never_searched_in_a_url(api_for, world, province_officer, kind):
    response = api_for(province_officer).get(list_url(kind), {"search": "luu"})
    assert response.status_code == 400
    assert "/search/" in response.json()["search"][0]


def test_a_search_keeps_the_lists_other_filters_and_its_scope_and_is_audited(
    api_for, world, officer_a
):
    from audit.models import Action, AuditEvent

    client = api_for(officer_a)
    assert ids(search(client, "citizen", "")) == {world.citizen_a.pk}  # never district B's
    assert ids(search(client, "citizen", "ha van")) == set()  # B's Hà Văn Tuấn: out of scope
    assert ids(search(client, "household", "luu", hamlet=world.household_a.hamlet_id)) == {
        world.household_a.pk
    }
    assert AuditEvent.objects.filter(action=Action.READ, route="api:citizen-search").count() == 2


def test_a_province_officer_may_search_households_though_not_add_them(
    api_for, world, province_officer
):
    client = api_for(province_officer)
    assert search(client, "household", "luu").status_code == 200
    assert client.post(list_url("household"), {}, format="json").status_code == 403
