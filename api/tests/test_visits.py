"""Recording a visit through the API: once per client_uuid, in scope, with clear errors."""

from __future__ import annotations

import datetime
import threading
import uuid

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from areas.services import hamlet_create
from citizens import services as citizen_services
from citizens.models import Assistance, Citizen, Visit
from teams import services as team_services
from tests.consent import CONSENTED

from .conftest import days_ago

URL = "/api/v1/visits/"


def visit_payload(world, **changes) -> dict:
    body = {
        "client_uuid": str(uuid.uuid4()),
        "household": world.household_a.pk,
        "visited_on": days_ago(1).isoformat(),
        "members_present": [world.leader_member_a.pk, world.member_a.pk],
        "notes": "Hướng dẫn cài VNeID mức 2",
        "assistances": [
            {"citizen": world.citizen_a.pk, "app": "vneid", "outcome": "level-2"},
            {"citizen": world.citizen_a.pk, "app": "vssid", "outcome": "installed"},
        ],
    }
    body.update(changes)
    return body


NEW_CITIZEN = {
    "ref": "n1",
    "full_name": "Nguyễn Văn An",
    "birth_year": 1990,
    "sex": "male",
    "phone": "0987 654 321",
}


def post(client, body):
    return client.post(URL, body, format="json")


@pytest.fixture
def leader(api_for, leader_a):
    return api_for(leader_a)


@pytest.mark.django_db
def test_a_leader_records_a_visit_of_their_hamlet(leader, world, leader_a):
    body = visit_payload(world)
    response = post(leader, body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert set(data) == {
        "id",
        "client_uuid",
        "household",
        "visited_on",
        "members_present",
        "notes",
        "team",
        "recorded_by",
        "assistances",
        "kind",
        "version",
        "status",
        "withdrawn_at",
        "created_at",
        "updated_at",
    }
    assert (data["kind"], data["version"], data["status"]) == ("helped", 1, "recorded")
    assert data["client_uuid"] == body["client_uuid"]
    assert (data["household"], data["team"], data["recorded_by"]) == (
        world.household_a.pk,
        world.team_a.pk,
        leader_a.pk,
    )
    assert sorted(data["members_present"]) == sorted(body["members_present"])
    helped = {
        (a["citizen"], a["citizen_name"], a["app"], a["outcome"]) for a in data["assistances"]
    }
    assert helped == {
        (world.citizen_a.pk, "Lưu Thị Hạnh", "vneid", "level-2"),
        (world.citizen_a.pk, "Lưu Thị Hạnh", "vssid", "installed"),
    }


@pytest.mark.django_db
def test_a_new_citizen_is_registered_and_helped_in_the_same_submission(leader, world):
    body = visit_payload(
        world,
        new_citizens=[NEW_CITIZEN],
        assistances=[{"new_citizen": "n1", "app": "vssid", "outcome": "installed"}],
    )
    response = post(leader, body)
    assert response.status_code == 201, response.content
    new_citizen = Citizen.objects.get(household=world.household_a, full_name="Nguyễn Văn An")
    assert new_citizen.phone == "0987654321"
    [assistance] = response.json()["assistances"]
    assert (assistance["citizen"], assistance["app"]) == (new_citizen.pk, "vssid")
    # Sent again (a lost answer): the same visit, and the person is not registered twice.
    again = post(leader, body)
    assert again.status_code == 200
    assert again.json()["id"] == response.json()["id"]
    assert Citizen.objects.filter(full_name="Nguyễn Văn An").count() == 1


@pytest.mark.django_db
def test_a_submission_may_help_recorded_and_new_citizens_together(leader, world):
    body = visit_payload(
        world,
        new_citizens=[NEW_CITIZEN],
        assistances=[
            {"citizen": world.citizen_a.pk, "app": "vneid", "outcome": "level-2"},
            {"new_citizen": "n1", "app": "vssid", "outcome": "installed"},
        ],
    )
    assert post(leader, body).status_code == 201


@pytest.mark.django_db
def test_the_same_submission_sent_five_times_records_one_visit(leader, world):
    body = visit_payload(world)
    responses = [post(leader, body) for _ in range(5)]
    assert [r.status_code for r in responses] == [201, 200, 200, 200, 200]
    assert len({r.json()["id"] for r in responses}) == 1
    assert responses[0].json() == responses[4].json()
    assert Visit.objects.filter(client_uuid=body["client_uuid"]).count() == 1
    assert Assistance.objects.filter(visit_id=responses[0].json()["id"]).count() == 2


@pytest.mark.django_db
def test_the_same_client_uuid_with_other_content_is_a_409_and_changes_nothing(leader, world):
    body = visit_payload(world)
    first = post(leader, body).json()
    citizens_before = Citizen.objects.count()

    changed = {**body, "notes": "Nội dung khác", "assistances": []}
    response = post(leader, changed)

    assert response.status_code == 409
    assert set(response.json()) == {"detail", "visit"}
    assert response.json()["visit"] == first["id"]
    visit = Visit.objects.get(pk=first["id"])
    assert visit.notes == "Hướng dẫn cài VNeID mức 2"
    assert visit.assistances.count() == 2
    assert Citizen.objects.count() == citizens_before


@pytest.mark.django_db
def test_a_conflict_does_not_name_a_visit_outside_the_callers_area(api_for, world, officer_b):
    # officer_b reuses the client_uuid of a visit in district A for a household of their own.
    body = {
        "client_uuid": str(world.visit_a.client_uuid),
        "household": world.household_b.pk,
        "visited_on": days_ago(1).isoformat(),
    }
    response = post(api_for(officer_b), body)
    assert response.status_code == 409
    assert "visit" not in response.json()


@pytest.mark.django_db
def test_a_leader_cannot_record_a_visit_to_a_household_outside_their_hamlet(leader, tree, world):
    other_hamlet = hamlet_create(commune=tree.commune_a, name="Tổ dân phố Hợp Thành")
    neighbour = citizen_services.household_create(
        consent_on=CONSENTED, hamlet=other_hamlet, head_name="Phạm Văn Hải"
    )
    visits_before = Visit.objects.count()

    outside = post(leader, visit_payload(world, household=neighbour.pk, members_present=[]))
    unknown = post(leader, visit_payload(world, household=999999, members_present=[]))

    assert outside.status_code == unknown.status_code == 400
    assert set(outside.json()) == {"household"}
    # The same answer as for an id that does not exist: the portal does not confirm it.
    message = outside.json()["household"][0].replace(str(neighbour.pk), "ID")
    assert message == unknown.json()["household"][0].replace("999999", "ID")
    assert Visit.objects.count() == visits_before


@pytest.mark.django_db
def test_recorded_by_and_team_sent_by_the_client_are_ignored(leader, world, leader_a, officer_b):
    body = visit_payload(world, recorded_by=officer_b.pk, team=world.team_b.pk)
    data = post(leader, body).json()
    assert data["recorded_by"] == leader_a.pk
    assert data["team"] == world.team_a.pk
    visit = Visit.objects.get(pk=data["id"])
    assert (visit.recorded_by_id, visit.team_id) == (leader_a.pk, world.team_a.pk)


def only_assistance(**item) -> list[dict]:
    return [item]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "error_path"),
    [
        # An app that is not in the catalogue.
        (
            lambda w: {
                "assistances": only_assistance(citizen=w.citizen_a.pk, app="zalo", outcome="x")
            },
            ("assistances", "0", "app"),
        ),
        # An outcome of another app (level-2 is VNeID's, not VssID's).
        (
            lambda w: {
                "assistances": only_assistance(
                    citizen=w.citizen_a.pk, app="vssid", outcome="level-2"
                )
            },
            ("assistances", "0", "outcome"),
        ),
        # Both a recorded citizen and a new one.
        (
            lambda w: {
                "assistances": only_assistance(
                    citizen=w.citizen_a.pk, new_citizen="n1", app="vneid", outcome="installed"
                )
            },
            ("assistances", "0", "non_field_errors"),
        ),
        # Neither.
        (
            lambda w: {"assistances": only_assistance(app="vneid", outcome="installed")},
            ("assistances", "0", "non_field_errors"),
        ),
        # A citizen of another district (not found in the caller's scope).
        (
            lambda w: {
                "assistances": only_assistance(
                    citizen=w.citizen_b.pk, app="vneid", outcome="installed"
                )
            },
            ("assistances", "0", "citizen"),
        ),
        # A new citizen the visit does not list.
        (
            lambda w: {
                "new_citizens": [NEW_CITIZEN],
                "assistances": only_assistance(new_citizen="n9", app="vneid", outcome="installed"),
            },
            ("assistances",),
        ),
        # A date in the future (the service's rule).
        (
            lambda w: {
                "visited_on": (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
            },
            ("visited_on",),
        ),
        # Not a date at all.
        (lambda w: {"visited_on": "hôm qua"}, ("visited_on",)),
        # Not a uuid.
        (lambda w: {"client_uuid": "abc"}, ("client_uuid",)),
        # A team member of another district.
        (lambda w: {"members_present": [w.member_b.pk]}, ("members_present",)),
        # A bad phone for the new citizen (the service's rule).
        (
            lambda w: {
                "new_citizens": [{"ref": "n1", "full_name": "Nguyễn Văn An", "phone": "12ab"}],
                "assistances": [],
            },
            ("new_citizens", "0", "phone"),
        ),
        # The same new-citizen reference twice.
        (
            lambda w: {
                "new_citizens": [
                    {"ref": "n1", "full_name": "Nguyễn Văn An"},
                    {"ref": "n1", "full_name": "Nguyễn Văn Bình"},
                ],
                "kind": "informed",
                "assistances": [],
            },
            ("new_citizens",),
        ),
    ],
)
def test_an_invalid_visit_is_a_400_naming_the_field(leader, world, change, error_path):
    visits_before = Visit.objects.count()
    citizens_before = Citizen.objects.count()
    response = post(leader, visit_payload(world, **change(world)))
    assert response.status_code == 400, response.content
    errors = response.json()
    for step in error_path:  # DRF keys the errors of list items by their index: {"0": {…}}
        errors = errors[step]
    assert errors  # a non-empty list of messages (or of per-item errors) at that place
    assert Visit.objects.count() == visits_before
    assert Citizen.objects.count() == citizens_before


@pytest.mark.django_db
def test_a_member_of_another_team_of_the_district_is_refused(api_for, tree, world, officer_a):
    other_team = team_services.team_create(
        hamlet=hamlet_create(commune=tree.commune_a2, name="Thôn Bảo Cường 1")
    )
    stranger = team_services.member_add(team=other_team, name="Hoàng Văn Nam")
    body = visit_payload(world, members_present=[stranger.pk])
    response = post(api_for(officer_a), body)
    assert response.status_code == 400
    assert set(response.json()) == {"members_present"}


@pytest.mark.django_db
def test_missing_fields_and_malformed_json_are_400s(leader, world):
    assert set(post(leader, {}).json()) == {"client_uuid", "household", "visited_on"}
    response = leader.post(URL, "{not json", content_type="application/json")
    assert response.status_code == 400


@pytest.mark.django_db
def test_a_province_officer_reads_visits_but_does_not_record_them(api_for, world, province_officer):
    client = api_for(province_officer)
    assert client.get(URL).status_code == 200
    response = post(client, visit_payload(world))
    assert response.status_code == 403
    assert "detail" in response.json()


@pytest.mark.django_db
def test_an_anonymous_caller_cannot_record_a_visit(api, world):
    assert post(api, visit_payload(world)).status_code == 401
    assert not Visit.objects.filter(notes="Hướng dẫn cài VNeID mức 2").exists()


@pytest.mark.django_db
def test_a_script_records_a_visit_with_its_token(api, world, leader_a):
    from rest_framework.authtoken.models import Token

    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=leader_a).key}")
    assert post(api, visit_payload(world)).status_code == 201


# --- Concurrency (PostgreSQL: SQLite serialises writers anyway) ---------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_five_identical_submissions_in_parallel_record_one_visit(require_postgres, world, leader_a):
    body = visit_payload(
        world,
        new_citizens=[NEW_CITIZEN],
        assistances=[{"new_citizen": "n1", "app": "vssid", "outcome": "installed"}],
    )
    barrier = threading.Barrier(5)
    results: list[tuple[int, dict]] = []
    lock = threading.Lock()

    def send() -> None:
        try:
            client = APIClient()
            client.force_authenticate(user=leader_a)
            barrier.wait(timeout=10)
            response = post(client, body)
            with lock:
                results.append((response.status_code, response.json()))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    statuses = sorted(status for status, _ in results)
    assert statuses == [200, 200, 200, 200, 201], results
    assert len({data["id"] for _, data in results}) == 1
    assert Visit.objects.filter(client_uuid=body["client_uuid"]).count() == 1
    assert Citizen.objects.filter(full_name="Nguyễn Văn An").count() == 1
