"""Adding households and citizens through the API: the registry services, the UI's roles."""

from __future__ import annotations

import pytest

from citizens.models import Citizen, Household

pytestmark = pytest.mark.django_db


def household_body(hamlet, **changes) -> dict:
    return {"hamlet": hamlet.pk, "head_name": "Ma Văn Dũng", "address": "Xóm Nà Mòn"} | changes


def test_an_officer_adds_a_household_in_their_district(api_for, tree, world, officer_a):
    response = api_for(officer_a).post(
        "/api/v1/households/", household_body(tree.hamlet_a, consent_on="2026-01-05"), format="json"
    )
    assert response.status_code == 201, response.content
    household = Household.objects.get(pk=response.json()["id"])
    assert household.hamlet == tree.hamlet_a
    assert household.consent_recorded_by == officer_a
    assert response.json()["citizen_count"] == 0


def test_a_hamlet_of_another_district_is_refused_as_unknown(api_for, tree, world, officer_b):
    response = api_for(officer_b).post(
        "/api/v1/households/", household_body(tree.hamlet_a), format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"hamlet"}


def test_the_services_rules_come_back_as_field_errors(api_for, tree, world, officer_a):
    client = api_for(officer_a)
    # A commune is not a hamlet; the same household twice; an implausible member count.
    not_a_hamlet = client.post("/api/v1/households/", household_body(tree.commune_a), format="json")
    assert not_a_hamlet.status_code == 400 and "hamlet" in not_a_hamlet.json()
    twice = client.post(
        "/api/v1/households/",
        household_body(tree.hamlet_a, head_name="Lưu Văn Bình", address="Số 12"),
        format="json",
    )
    assert twice.status_code == 400 and "head_name" in twice.json()
    too_many = client.post(
        "/api/v1/households/", household_body(tree.hamlet_a, member_count=99), format="json"
    )
    assert too_many.status_code == 400 and "member_count" in too_many.json()


def test_a_province_officer_reads_households_but_does_not_add_them(
    api_for, tree, world, province_officer
):
    client = api_for(province_officer)
    assert client.get("/api/v1/households/").status_code == 200
    response = client.post("/api/v1/households/", household_body(tree.hamlet_a), format="json")
    assert response.status_code == 403


def test_a_leader_adds_a_citizen_to_a_household_of_their_hamlet(api_for, world, leader_a):
    body = {
        "household": world.household_a.pk,
        "full_name": "Lưu Minh Khoa",
        "birth_year": 2001,
        "sex": "male",
        "phone": "+84 912 111 222",
        "id_number": "019201001234",
    }
    response = api_for(leader_a).post("/api/v1/citizens/", body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["phone"] == "0912•••222"
    assert data["masked_id_number"] == "••••••••1234"
    assert "id_number" not in data
    citizen = Citizen.objects.get(pk=data["id"])
    assert citizen.phone == "0912111222" and citizen.id_number_last4 == "1234"


def test_a_citizen_cannot_be_added_to_a_household_outside_ones_area(api_for, world, leader_a):
    body = {"household": world.household_b.pk, "full_name": "Hà Thị Lan"}
    response = api_for(leader_a).post("/api/v1/citizens/", body, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"household"}


def test_a_bad_citizen_id_number_is_a_field_error(api_for, world, leader_a):
    body = {"household": world.household_a.pk, "full_name": "Hà Thị Lan", "id_number": "123"}
    response = api_for(leader_a).post("/api/v1/citizens/", body, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"id_number"}


def test_a_number_registered_in_another_area_answers_as_a_bad_number_does(
    api_for, world, leader_a, officer_b
):
    from citizens import services

    services.citizen_create(
        household=world.household_b, full_name="Hà Thị Mai", id_number="019185004242"
    )
    api = api_for(leader_a)

    def answer(number: str):
        body = {"household": world.household_a.pk, "full_name": "Hà Thị Lan", "id_number": number}
        response = api.post("/api/v1/citizens/", body, format="json")
        return response.status_code, response.json()

    # Registered in district B (outside the leader's area) vs. not a number at all: no oracle.
    assert answer("019185004242") == answer("123")
