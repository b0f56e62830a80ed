"""The visits POST in its query budget (issue 19, P4), answering exactly as before: the body
built from what is in hand equals the visit read back, its first version equals what
``visit_content`` reads, and a resend is recognised without being checked again."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

from areas.models import AdministrativeUnit
from citizens.models import Visit, VisitVersion
from citizens.services.visits import visit_content

from .conftest import days_ago

pytestmark = pytest.mark.django_db

URL = "/api/v1/visits/"


@pytest.fixture
def phone(api, leader_a):
    """The field app: a team leader's token, as the phones send it."""
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=leader_a).key}")
    return api


def three_helps(world, **changes) -> dict:
    body = {
        "client_uuid": str(uuid.uuid4()),
        "household": world.household_a.pk,
        "visited_on": days_ago(1).isoformat(),
        "notes": "  Hướng dẫn   cài VNeID ",
        "assistances": [
            {"citizen": world.citizen_a.pk, "app": "vneid", "outcome": "level-2"},
            {"citizen": world.citizen_a.pk, "app": "vneid", "outcome": "installed"},
            {"citizen": world.citizen_a.pk, "app": "vssid", "outcome": "installed"},
        ],
    }
    body.update(changes)
    return body


def post(client, body):
    return client.post(URL, body, format="json")


# A new visit: the token with its account and scope (one query, shared with the password-change
# check); the household with its hamlet and active team; the payload's citizens; the apps with
# their outcomes; then, in a transaction (a savepoint in tests), INSERT … ON CONFLICT DO NOTHING
# RETURNING the visit, one INSERT of the help records, one of the first version; and the
# audit record of the answer (it shows a visit). No re-read: the answer is what is in hand.
NEW_VISIT = 10  # 4 reads + SAVEPOINT + 3 INSERTs + RELEASE + the audit INSERT
# A resend: the same 4 reads, the insert that finds the visit recorded (in its savepoint),
# the visit by client_uuid (its fingerprint), then the visit as it is now with its members and
# help records (3), and the audit record.
REPEAT = 12


def test_a_new_visit_with_three_helps_costs_ten_queries(
    phone, world, leader_a, django_assert_num_queries
):
    assert post(phone, three_helps(world)).status_code == 201  # the account's sync is noted
    with django_assert_num_queries(NEW_VISIT):
        response = post(phone, three_helps(world))
    assert response.status_code == 201, response.content
    assert len(response.json()["assistances"]) == 3


def test_a_resend_costs_twelve_queries(phone, world, django_assert_num_queries):
    body = three_helps(world)
    first = post(phone, body)
    assert first.status_code == 201
    with django_assert_num_queries(REPEAT):
        again = post(phone, body)
    assert again.status_code == 200
    assert again.json() == first.json()


def test_members_present_cost_one_lookup_and_one_insert(phone, world, django_assert_num_queries):
    post(phone, three_helps(world))
    body = three_helps(world, members_present=[world.member_a.pk, world.leader_member_a.pk])
    # + the members within the caller's scope, + the team's current members, + their INSERT
    with django_assert_num_queries(NEW_VISIT + 3):
        response = post(phone, body)
    assert response.status_code == 201, response.content
    assert sorted(response.json()["members_present"]) == sorted(body["members_present"])


def test_the_answer_built_in_hand_is_the_visit_read_back(phone, world):
    body = three_helps(world, members_present=[world.member_a.pk, world.leader_member_a.pk])
    created = post(phone, body).json()
    detail = phone.get(reverse("api:visit-detail", args=[created["id"]])).json()
    assert created == detail
    assert created["notes"] == "Hướng dẫn cài VNeID"  # as stored, cleaned
    assert created["members_present"] == detail["members_present"]  # the same order


def test_the_first_version_is_what_visit_content_reads(phone, world):
    body = three_helps(world, members_present=[world.member_a.pk, world.leader_member_a.pk])
    created = post(phone, body).json()
    visit = Visit.objects.get(pk=created["id"])
    [version] = VisitVersion.objects.filter(visit=visit)
    assert (version.number, version.change) == (1, "recorded")
    assert version.content == visit_content(visit)
    assert len(version.content["assistances"]) == 3


def test_a_resend_is_recognised_even_once_it_would_be_refused(phone, world, tree):
    body = three_helps(world)
    first = post(phone, body).json()
    # The hamlet closes after the visit was recorded: a new visit there is refused, the phone's
    # resend of the recorded one is still answered with it.
    AdministrativeUnit.objects.filter(pk=tree.hamlet_a.pk).update(valid_to=days_ago(0))
    refused = post(phone, three_helps(world))
    assert refused.status_code == 400
    assert set(refused.json()) == {"household"}
    again = post(phone, body)
    assert again.status_code == 200, again.content
    assert again.json()["id"] == first["id"]
    changed = post(phone, {**body, "notes": "Nội dung khác"})
    assert changed.status_code == 409
    assert changed.json()["visit"] == first["id"]


def test_an_unknown_app_and_an_outcome_of_another_app_answer_as_before(phone, world):
    body = three_helps(
        world,
        assistances=[
            {"citizen": world.citizen_a.pk, "app": "zalo", "outcome": "installed"},
            {"citizen": world.citizen_a.pk, "app": "vssid", "outcome": "level-2"},
            {"citizen": world.citizen_b.pk, "app": "vneid", "outcome": "installed"},
        ],
    )
    errors = post(phone, body).json()["assistances"]  # keyed by each item's index
    assert {index: set(fields) for index, fields in errors.items()} == {
        "0": {"app"},
        "1": {"outcome"},
        "2": {"citizen"},
    }
    assert Visit.objects.filter(client_uuid=body["client_uuid"]).count() == 0
