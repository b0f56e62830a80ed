"""The field page: who may open it, what its data holds, what it costs."""

from __future__ import annotations

import datetime
import json
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from apps_catalog.models import App
from citizens.models import Citizen, Household
from citizens.services import citizen_create, household_create, visit_record
from field.tests.builders import hamlet_with_households
from teams.models import MemberRole
from teams.services import member_add, member_retire, team_create
from tests.consent import CONSENTED

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(tree, leader_a):
    team = team_create(hamlet=tree.hamlet_a)
    leader = member_add(team=team, name="Lưu Văn Bình", role=MemberRole.LEADER, user=leader_a)
    deputy = member_add(team=team, name="Nguyễn Thị Hằng", role=MemberRole.DEPUTY)
    former = member_add(team=team, name="Ma Văn Cũ", joined_on=datetime.date(2023, 1, 1))
    member_retire(member=former, left_on=datetime.date(2024, 1, 1))
    visited = household_create(
        consent_on=CONSENTED, hamlet=tree.hamlet_a, head_name="Đinh Văn Hải", address="Số 12"
    )
    hai = citizen_create(household=visited, full_name="Đinh Văn Hải", birth_year=1980)
    lan = citizen_create(household=visited, full_name="Ma Thị Lan", birth_year=1984)
    other = household_create(
        consent_on=CONSENTED, hamlet=tree.hamlet_a, head_name="Hà Thị Mai", address="Số 3"
    )
    household_create(
        consent_on=CONSENTED, hamlet=tree.hamlet_b, head_name="Trần Văn Tư", address="Số 9"
    )
    vneid, vssid = App.objects.get(slug="vneid"), App.objects.get(slug="vssid")
    visit_record(
        user=leader_a,
        client_uuid=uuid.uuid4(),
        household=visited,
        visited_on=timezone.localdate() - datetime.timedelta(days=3),
        members_present=[leader],
        assistances=[
            {"citizen": hai, "app": vneid, "outcome": vneid.outcomes.get(code="level-2")},
            {"citizen": lan, "app": vneid, "outcome": vneid.outcomes.get(code="installed")},
            {"citizen": lan, "app": vssid, "outcome": vssid.outcomes.get(code="installed")},
        ],
    )
    return {"leader": leader, "deputy": deputy, "visited": visited, "other": other}


def get_data(client, **params):
    return client.get(reverse("field:data"), params)


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse("field:home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert get_data(client).status_code == 302


def test_team_leader_gets_the_shell_in_vietnamese(client_for, leader_a):
    response = client_for(leader_a).get(reverse("field:home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert "Tìm theo tên hoặc số nhà" in html
    assert "Lưu lượt thăm" in html
    strings = json.loads(html.split('id="field-strings" type="application/json">')[1].split("<")[0])
    assert strings["outbox"] == "Chờ gửi: %(count)s"
    assert strings["progress"] == "Đã thăm %(done)s/%(total)s hộ"
    # CSP: no inline script or style; the CSRF cookie is set for the script's POSTs.
    assert "style=" not in html and "onclick" not in html
    assert "<script>" not in html
    assert "csrftoken" in response.cookies


def test_province_officer_has_no_field_page(client_for, province_officer):
    # Province officers read figures; visits are recorded by team leaders and area officers.
    assert client_for(province_officer).get(reverse("field:home")).status_code == 404


def test_team_leader_gets_their_hamlet_with_progress(client_for, leader_a, scene, tree):
    response = get_data(client_for(leader_a))
    assert response.status_code == 200
    data = response.json()
    assert data["hamlet"] == {
        "id": tree.hamlet_a.pk,
        "name": "Tổ dân phố Trung Kiên",
        "commune": "Thị trấn Chợ Chu",
    }
    assert data["me"] == scene["leader"].pk
    # Current members only, the leader first.
    assert [m["name"] for m in data["members"]] == ["Lưu Văn Bình", "Nguyễn Thị Hằng"]
    vneid = next(a for a in data["apps"] if a["slug"] == "vneid")
    assert {"code": "level-2", "name": "Định danh mức 2"} in vneid["outcomes"]
    by_name = {h["head_name"]: h for h in data["households"]}
    assert set(by_name) == {"Đinh Văn Hải", "Hà Thị Mai"}
    hai = by_name["Đinh Văn Hải"]
    assert hai["visited"] is True
    assert hai["last_visited_on"] == (timezone.localdate() - datetime.timedelta(days=3)).isoformat()
    assert hai["apps_helped"] == 2  # VNeID and VssID, however many citizens and outcomes
    assert hai["key"] == "dinh van hai so 12"
    assert [c["full_name"] for c in hai["citizens"]] == ["Đinh Văn Hải", "Ma Thị Lan"]
    assert by_name["Hà Thị Mai"] == {
        **by_name["Hà Thị Mai"],
        "visited": False,
        "last_visited_on": None,
        "apps_helped": 0,
        "citizens": [],
    }


def test_area_officer_opens_a_hamlet_of_their_district(client_for, officer_a, scene, tree):
    response = get_data(client_for(officer_a), hamlet=tree.hamlet_a.pk)
    assert response.status_code == 200
    assert response.json()["me"] is None
    assert len(response.json()["households"]) == 2


def test_area_officer_gets_404_for_a_hamlet_of_another_district(client_for, officer_b, scene, tree):
    assert get_data(client_for(officer_b), hamlet=tree.hamlet_a.pk).status_code == 404
    # …and must name a hamlet: their scope is a district.
    assert get_data(client_for(officer_b)).status_code == 404


def test_team_leader_cannot_open_another_hamlet(client_for, leader_a, scene, tree):
    assert get_data(client_for(leader_a), hamlet=tree.hamlet_b.pk).status_code == 404


def test_leader_of_another_hamlet_sees_none_of_it(client_for, scene, tree):
    from conftest import _make_user

    leader_b = _make_user("sontap", "team_leader", tree.hamlet_b, "Trần Văn Tư")
    data = get_data(client_for(leader_b)).json()
    assert data["hamlet"]["id"] == tree.hamlet_b.pk
    assert [h["head_name"] for h in data["households"]] == ["Trần Văn Tư"]
    assert data["members"] == [] and data["team"] is None
    assert get_data(client_for(leader_b), hamlet=tree.hamlet_a.pk).status_code == 404


def test_data_costs_the_same_queries_for_a_hamlet_of_any_size(
    client_for, leader_a, tree, django_assert_max_num_queries
):
    hamlet_with_households(hamlet=tree.hamlet_a, leader_user=leader_a, households=60)
    client = client_for(leader_a)
    # session, user, the user's scope unit (for_user), the hamlet, current members with their
    # team, active apps, their outcomes, households with last visit and apps helped, citizens
    with django_assert_max_num_queries(10):
        response = get_data(client)
    assert len(response.json()["households"]) == 60
    assert Household.objects.count() == 60 and Citizen.objects.count() == 240


def test_service_worker_is_served_as_script_for_the_field_scope(client):
    response = client.get(reverse("field:sw"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/field/"
    assert "no-cache" in response["Cache-Control"]
    body = response.content.decode()
    assert '"/static/field/field.js"' in body and 'const SHELL = "/field/"' in body
