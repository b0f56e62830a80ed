"""Through the API: explicit kinds, corrections and withdrawals with versions (409 when
stale), a resend after a correction, bounds on one visit and on JSON nesting, households sent
from a phone stored once."""

from __future__ import annotations

import json
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from citizens.models import Citizen, Household, Visit

from .conftest import days_ago
from .test_visits import URL, post, visit_payload

pytestmark = pytest.mark.django_db


@pytest.fixture
def leader(api_for, leader_a):
    return api_for(leader_a)


def test_an_empty_visit_is_refused_and_explicit_kinds_are_recorded(leader, world):
    empty = visit_payload(world, assistances=[], members_present=[])
    response = post(leader, empty)
    assert response.status_code == 400 and set(response.json()) == {"kind"}
    for kind in ("informed", "nobody_home"):
        body = visit_payload(world, assistances=[], kind=kind)
        answer = post(leader, body)
        assert answer.status_code == 201 and answer.json()["kind"] == kind


def correct_body(world, version, **changes):
    body = {
        "version": version,
        "kind": "helped",
        "visited_on": days_ago(2).isoformat(),
        "members_present": [world.leader_member_a.pk],
        "assistances": [{"citizen": world.citizen_a.pk, "app": "vssid", "outcome": "installed"}],
        "reason": "Nhầm ứng dụng",
    }
    body.update(changes)
    return body


def test_a_correction_answers_the_new_version_and_a_stale_one_is_a_409(
    api_for, leader, world, officer_a
):
    recorded = post(leader, visit_payload(world)).json()
    url = f"{URL}{recorded['id']}/correct/"
    answer = leader.post(url, correct_body(world, 1), format="json")
    assert answer.status_code == 200, answer.content
    data = answer.json()
    assert (data["version"], data["status"]) == (2, "corrected")
    assert [(a["app"], a["outcome"]) for a in data["assistances"]] == [("vssid", "installed")]
    stale = api_for(officer_a).post(
        url, correct_body(world, 1, kind="informed", assistances=[]), format="json"
    )
    assert stale.status_code == 409 and stale.json()["code"] == "stale"
    assert Visit.objects.get(pk=recorded["id"]).kind == "helped"


def test_a_resend_after_a_withdrawal_is_one_visit_and_says_it_was_withdrawn(
    api_for, leader, world, officer_a
):
    body = visit_payload(world)
    recorded = post(leader, body).json()
    withdrawn = api_for(officer_a).post(
        f"{URL}{recorded['id']}/withdraw/", {"version": 1, "reason": "Nhầm hộ"}, format="json"
    )
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    again = post(leader, body)  # the phone's outbox, with the original
    assert again.status_code == 200
    assert (again.json()["id"], again.json()["status"], again.json()["version"]) == (
        recorded["id"],
        "withdrawn",
        2,
    )
    assert Visit.objects.filter(client_uuid=body["client_uuid"]).count() == 1


def test_only_those_the_policy_allows_change_a_visit(api_for, world, province_officer, leader):
    """world.visit_a was recorded by the district officer: the leader may not change it, nor
    the province officer (who reads everything)."""
    url = f"{URL}{world.visit_a.pk}/withdraw/"
    for client in (leader, api_for(province_officer)):
        answer = client.post(url, {"version": 1, "reason": "Nhầm"}, format="json")
        assert answer.status_code == 403
    assert Visit.objects.get(pk=world.visit_a.pk).withdrawn_at is None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (
            lambda w: {
                "kind": "informed",
                "assistances": [],
                "new_citizens": [{"ref": f"n{i}", "full_name": f"Người {i}"} for i in range(3000)],
            },
            "new_citizens",
        ),
        (
            lambda w: {
                "assistances": [{"citizen": w.citizen_a.pk, "app": "vneid", "outcome": "level-2"}]
                * 201
            },
            "assistances",
        ),
        (lambda w: {"members_present": list(range(1, 32))}, "members_present"),
        (lambda w: {"notes": "x" * 4_000_000}, "notes"),
    ],
)
def test_one_visit_is_bounded_and_refused_before_any_lookup(leader, world, change, field):
    before = Visit.objects.count(), Citizen.objects.count()
    with CaptureQueriesContext(connection) as queries:
        response = post(leader, visit_payload(world, **change(world)))
    assert response.status_code == 400
    assert field in response.json()
    assert len(queries.captured_queries) < 15  # the session and user, not one per item
    assert (Visit.objects.count(), Citizen.objects.count()) == before


@pytest.mark.parametrize("url", [URL, "/api/v1/households/", "/api/v1/citizens/"])
def test_a_body_nested_too_deep_is_a_clear_400(leader, url):
    for body in ("[" * 5000 + "]" * 5000, json.dumps({"a": [[[[[[[[[[[1]]]]]]]]]]]})):
        response = leader.post(url, body, content_type="application/json")
        assert response.status_code == 400, (url, response.status_code)
        assert "nested" in response.json()["detail"] or "lồng" in response.json()["detail"]


def test_a_household_sent_twice_from_a_phone_is_stored_once(leader, world, tree):
    body = {
        "client_uuid": str(uuid.uuid4()),
        "hamlet": tree.hamlet_a.pk,
        "head_name": "Ma Văn Khánh",
        "address": "Số 40",
        "member_count": 4,
        "consent_on": days_ago(0).isoformat(),
    }
    first = leader.post("/api/v1/households/", body, format="json")
    second = leader.post("/api/v1/households/", body, format="json")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert Household.objects.filter(head_name="Ma Văn Khánh").count() == 1


def test_sending_from_the_field_stamps_the_accounts_last_sync(leader, world, leader_a):
    assert leader_a.field_synced_at is None
    post(leader, visit_payload(world))
    leader_a.refresh_from_db()
    assert leader_a.field_synced_at is not None


def test_the_visit_list_filters_by_kind_and_withdrawal(api_for, leader, world, officer_a):
    away = post(leader, visit_payload(world, assistances=[], kind="nobody_home")).json()
    helped = post(leader, visit_payload(world)).json()
    client = api_for(officer_a)
    client.post(f"{URL}{helped['id']}/withdraw/", {"version": 1, "reason": "Nhầm"}, format="json")

    def ids(**params) -> set[int]:
        return {v["id"] for v in client.get(URL, params).json()["results"]}

    assert ids(kind="nobody_home") == {away["id"]}
    assert ids(withdrawn="true") == {helped["id"]}
    assert helped["id"] not in ids(withdrawn="false") and away["id"] in ids(withdrawn="false")


def test_a_member_id_beyond_any_id_is_a_400_not_an_overflow(leader, world):
    response = post(leader, visit_payload(world, members_present=[2**70]))
    assert response.status_code == 400 and "members_present" in response.json()
