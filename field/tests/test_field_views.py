"""The field page: who may open it, what its data holds, what it costs."""

from __future__ import annotations

import datetime
import json
import uuid

import pytest
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from apps_catalog.models import App
from citizens.models import Citizen, Household, VisitKind
from citizens.services import citizen_create, household_create, visit_record, visit_withdraw
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
    return {
        "leader": leader,
        "deputy": deputy,
        "visited": visited,
        "other": other,
        "hai": hai,
        "lan": lan,
    }


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
    assert hai["last_kind"] == "helped"
    assert hai["last_visited_on"] == (timezone.localdate() - datetime.timedelta(days=3)).isoformat()
    assert hai["apps_helped"] == 2  # VNeID and VssID, however many citizens and outcomes
    assert hai["key"] == "dinh van hai so 12"
    assert [c["full_name"] for c in hai["citizens"]] == ["Đinh Văn Hải", "Ma Thị Lan"]
    assert by_name["Hà Thị Mai"] == {
        **by_name["Hà Thị Mai"],
        "visited": False,
        "last_kind": None,
        "last_visited_on": None,
        "apps_helped": 0,
        "citizens": [],
    }


def test_each_citizen_carries_what_is_done_per_app_and_a_missing_app_is_left(
    client_for, leader_a, scene
):
    data = get_data(client_for(leader_a)).json()
    hai = next(h for h in data["households"] if h["id"] == scene["visited"].pk)
    apps = {c["full_name"]: c["apps"] for c in hai["citizens"]}
    # The latest outcome's name per app; VssID and the five others are left for Hải.
    assert apps == {
        "Đinh Văn Hải": {"vneid": "Định danh mức 2"},
        "Ma Thị Lan": {"vneid": "Đã cài đặt", "vssid": "Đã cài đặt"},
    }


def test_the_latest_outcome_of_an_app_is_the_one_shown(client_for, leader_a, scene):
    vneid = App.objects.get(slug="vneid")
    visit_record(
        user=leader_a,
        client_uuid=uuid.uuid4(),
        household=scene["visited"],
        visited_on=timezone.localdate(),
        assistances=[
            {"citizen": scene["lan"], "app": vneid, "outcome": vneid.outcomes.get(code="level-2")}
        ],
    )
    data = get_data(client_for(leader_a)).json()
    citizens = next(h for h in data["households"] if h["id"] == scene["visited"].pk)["citizens"]
    lan = next(c for c in citizens if c["id"] == scene["lan"].pk)
    assert lan["apps"] == {"vneid": "Định danh mức 2", "vssid": "Đã cài đặt"}


def test_an_inactive_app_is_not_listed_as_done(client_for, leader_a, scene):
    App.objects.filter(slug="vssid").update(is_active=False)
    data = get_data(client_for(leader_a)).json()
    citizens = next(h for h in data["households"] if h["id"] == scene["visited"].pk)["citizens"]
    assert {c["full_name"]: c["apps"] for c in citizens}["Ma Thị Lan"] == {"vneid": "Đã cài đặt"}


def test_a_household_where_nobody_was_at_home_is_not_visited(client_for, leader_a, scene):
    visit_record(
        user=leader_a,
        client_uuid=uuid.uuid4(),
        household=scene["other"],
        visited_on=timezone.localdate(),
        kind=VisitKind.NOBODY_HOME,
    )
    data = get_data(client_for(leader_a)).json()
    mai = next(h for h in data["households"] if h["id"] == scene["other"].pk)
    assert mai["visited"] is False
    assert mai["last_kind"] == "nobody_home"
    assert mai["last_visited_on"] is None


def test_a_household_met_for_information_only_is_visited(client_for, leader_a, scene):
    visit_record(
        user=leader_a,
        client_uuid=uuid.uuid4(),
        household=scene["other"],
        visited_on=timezone.localdate(),
        kind=VisitKind.INFORMED,
    )
    data = get_data(client_for(leader_a)).json()
    mai = next(h for h in data["households"] if h["id"] == scene["other"].pk)
    assert (mai["visited"], mai["last_kind"]) == (True, "informed")
    assert mai["last_visited_on"] == timezone.localdate().isoformat()


def test_nobody_at_home_after_a_visit_that_met_them_keeps_the_household_visited(
    client_for, leader_a, scene
):
    visit_record(
        user=leader_a,
        client_uuid=uuid.uuid4(),
        household=scene["visited"],
        visited_on=timezone.localdate(),
        kind=VisitKind.NOBODY_HOME,
    )
    data = get_data(client_for(leader_a)).json()
    hai = next(h for h in data["households"] if h["id"] == scene["visited"].pk)
    assert (hai["visited"], hai["last_kind"]) == (True, "nobody_home")
    # The day it was last met, not the day nobody answered.
    assert hai["last_visited_on"] == (timezone.localdate() - datetime.timedelta(days=3)).isoformat()


def test_a_household_whose_only_visit_was_withdrawn_is_not_visited(client_for, leader_a, scene):
    visit, _ = visit_record(
        user=leader_a,
        client_uuid=uuid.uuid4(),
        household=scene["other"],
        visited_on=timezone.localdate(),
        kind=VisitKind.INFORMED,
    )
    visit_withdraw(user=leader_a, visit=visit, version=visit.version, reason="Nhầm hộ")
    data = get_data(client_for(leader_a)).json()
    mai = next(h for h in data["households"] if h["id"] == scene["other"].pk)
    assert (mai["visited"], mai["last_kind"], mai["last_visited_on"]) == (False, None, None)


def test_fetching_the_household_list_stamps_the_accounts_field_sync(client_for, leader_a, tree):
    assert leader_a.field_synced_at is None
    before = timezone.now()
    assert get_data(client_for(leader_a)).status_code == 200
    synced = User.objects.get(pk=leader_a.pk).field_synced_at
    assert synced is not None and synced >= before


def test_a_database_too_busy_for_the_stamp_still_serves_the_list(
    client_for, leader_a, scene, monkeypatch
):
    def busy(*, user):
        raise OperationalError("database table is locked: accounts_user")

    monkeypatch.setattr("field.views.user_field_synced", busy)
    response = get_data(client_for(leader_a))
    assert response.status_code == 200
    assert len(response.json()["households"]) == 2


def test_a_refused_data_fetch_stamps_nothing(client_for, leader_a, tree):
    assert get_data(client_for(leader_a), hamlet=tree.hamlet_b.pk).status_code == 404
    assert User.objects.get(pk=leader_a.pk).field_synced_at is None


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
    some_progress(leader_a, Household.objects.order_by("pk")[:20])
    client = client_for(leader_a)
    # session, user, the user's scope unit (for_user), the hamlet, the field-sync stamp (at
    # most once a minute), current members with their team, active apps, their outcomes, what
    # each citizen has per app, households with their visits and apps helped, citizens, the
    # audit record
    with django_assert_max_num_queries(12):
        response = get_data(client)
    assert len(response.json()["households"]) == 60
    assert Household.objects.count() == 60 and Citizen.objects.count() == 240
    assert sum(bool(c["apps"]) for h in response.json()["households"] for c in h["citizens"]) == 20


def some_progress(user, households) -> None:
    vneid = App.objects.get(slug="vneid")
    installed = vneid.outcomes.get(code="installed")
    for household in households:
        visit_record(
            user=user,
            client_uuid=uuid.uuid4(),
            household=household,
            visited_on=timezone.localdate(),
            assistances=[
                {"citizen": household.citizens.first(), "app": vneid, "outcome": installed}
            ],
        )


def test_service_worker_is_served_as_script_for_the_field_scope(client):
    response = client.get(reverse("field:sw"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/field/"
    assert "no-cache" in response["Cache-Control"]
    body = response.content.decode()
    assert '"/static/field/field.js"' in body and 'const SHELL = "/field/"' in body
