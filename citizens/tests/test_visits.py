"""visit_record: the one way to record a visit; idempotent on the phone's client_uuid."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps_catalog.models import App
from citizens.models import Assistance, Citizen, Visit, VisitKind
from citizens.services import VisitConflict, citizen_create, household_create, visit_record
from teams.services import member_add, team_create

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def record(scene, user, **changes):
    data = {
        "user": user,
        "client_uuid": uuid.UUID("3f0c8a4e-1111-4222-8333-444455556666"),
        "household": scene["household"],
        "visited_on": TODAY,
        "members_present": [scene["leader"]],
        "notes": "Hướng dẫn định danh mức 2",
        "assistances": [
            {"citizen": scene["citizen"], "app": scene["vneid"], "outcome": scene["level2"]}
        ],
    }
    data.update(changes)
    return visit_record(**data)


def test_a_visit_is_recorded_with_who_and_where_derived_by_the_server(scene, leader_a):
    visit, created = record(scene, leader_a)
    assert created
    assert (visit.recorded_by, visit.team) == (leader_a, scene["team"])
    assert list(visit.members_present.all()) == [scene["leader"]]
    assert visit.assistances.get().outcome.code == "level-2"


def test_the_same_submission_five_times_is_one_visit(scene, leader_a):
    results = [record(scene, leader_a) for _ in range(5)]
    assert {v.pk for v, _ in results} == {results[0][0].pk}
    assert [created for _, created in results] == [True, False, False, False, False]
    assert Visit.objects.count() == 1 and Assistance.objects.count() == 1


def test_the_same_submission_in_another_order_is_still_the_same(scene, leader_a):
    second = citizen_create(
        household=scene["household"], full_name="Nguyễn Thị Bé", birth_year=2001
    )
    a1 = {"citizen": scene["citizen"], "app": scene["vneid"], "outcome": scene["level2"]}
    a2 = {"citizen": second, "app": scene["vneid"], "outcome": scene["level2"]}
    first, _ = record(scene, leader_a, assistances=[a1, a2])
    again, created = record(
        scene, leader_a, assistances=[a2, a1], notes="  Hướng dẫn định danh mức 2 "
    )
    assert again.pk == first.pk and not created


def test_the_same_uuid_with_other_content_is_a_conflict_that_changes_nothing(scene, leader_a):
    visit, _ = record(scene, leader_a)
    with pytest.raises(VisitConflict) as info:
        record(scene, leader_a, visited_on=TODAY - datetime.timedelta(days=1))
    assert info.value.visit == visit
    visit.refresh_from_db()
    assert visit.visited_on == TODAY and Visit.objects.count() == 1


def test_a_team_leader_cannot_record_for_a_household_of_another_hamlet(scene, leader_a):
    with pytest.raises(ValidationError) as info:
        record(
            scene,
            leader_a,
            household=scene["other"],
            assistances=[],
            members_present=[],
            kind=VisitKind.INFORMED,
        )
    assert "household" in info.value.error_dict
    assert not Visit.objects.exists()


def test_a_province_officer_does_not_record_visits(scene, province_officer):
    with pytest.raises(ValidationError):
        record(scene, province_officer)


def test_an_area_officer_may_record_inside_their_area(scene, officer_a, officer_b):
    assert record(scene, officer_a)[1]
    with pytest.raises(ValidationError):
        record(scene, officer_b, client_uuid=uuid.uuid4())


def test_a_visit_in_the_future_is_refused(scene, leader_a):
    with pytest.raises(ValidationError) as info:
        record(scene, leader_a, visited_on=TODAY + datetime.timedelta(days=1))
    assert "visited_on" in info.value.error_dict


def test_an_outcome_must_belong_to_its_app(scene, leader_a):
    vssid = App.objects.get(slug="vssid")
    with pytest.raises(ValidationError):
        record(
            scene,
            leader_a,
            assistances=[{"citizen": scene["citizen"], "app": vssid, "outcome": scene["level2"]}],
        )


def test_only_current_team_members_can_be_present(scene, leader_a, tree):
    stranger_team = team_create(hamlet=tree.hamlet_b)
    stranger = member_add(team=stranger_team, name="Người Lạ")
    with pytest.raises(ValidationError) as info:
        record(scene, leader_a, members_present=[stranger])
    assert "members_present" in info.value.error_dict


def test_a_citizen_of_another_household_cannot_be_helped_in_this_visit(scene, leader_a):
    outsider = citizen_create(household=scene["other"], full_name="Trần Văn Tư")
    with pytest.raises(ValidationError):
        record(
            scene,
            leader_a,
            assistances=[{"citizen": outsider, "app": scene["vneid"], "outcome": scene["level2"]}],
        )


def test_a_new_citizen_is_registered_in_the_same_submission(scene, leader_a):
    visit, _ = record(
        scene,
        leader_a,
        new_citizens=[
            {"ref": "n1", "full_name": "Nguyễn Văn Cường", "birth_year": 2005, "sex": "male"}
        ],
        assistances=[{"new_citizen": "n1", "app": scene["vneid"], "outcome": scene["level2"]}],
    )
    cuong = Citizen.objects.get(full_name="Nguyễn Văn Cường")
    assert cuong.household == scene["household"]
    assert visit.assistances.get().citizen == cuong
    # Sent again (the phone never saw the answer): no second Cường.
    record(
        scene,
        leader_a,
        new_citizens=[
            {"ref": "n1", "full_name": "Nguyễn Văn Cường", "birth_year": 2005, "sex": "male"}
        ],
        assistances=[{"new_citizen": "n1", "app": scene["vneid"], "outcome": scene["level2"]}],
    )
    assert Citizen.objects.filter(full_name="Nguyễn Văn Cường").count() == 1


def test_helping_a_citizen_twice_with_one_app_keeps_both_visits(scene, leader_a):
    record(scene, leader_a)
    record(scene, leader_a, client_uuid=uuid.uuid4(), visited_on=TODAY - datetime.timedelta(days=3))
    assert Visit.objects.count() == 2
    helped = Assistance.objects.filter(app=scene["vneid"]).values("citizen").distinct().count()
    assert helped == 1  # counts once in figures


def test_a_visit_to_a_household_of_a_closed_hamlet_is_refused(scene, leader_a, tree):
    from areas.models import AdministrativeUnit

    AdministrativeUnit.objects.filter(pk=tree.hamlet_a.pk).update(valid_to=TODAY)
    scene["household"].hamlet.refresh_from_db()
    with pytest.raises(ValidationError):
        record(scene, leader_a)


def test_a_person_registered_at_the_door_by_two_phones_is_one_citizen(scene, leader_a):
    new = [{"ref": "n1", "full_name": "Nguyễn Văn Cường", "birth_year": 2005}]
    help_new = [{"new_citizen": "n1", "app": scene["vneid"], "outcome": scene["level2"]}]
    record(scene, leader_a, new_citizens=new, assistances=help_new)
    _, created = record(
        scene, leader_a, client_uuid=uuid.uuid4(), new_citizens=new, assistances=help_new
    )
    assert created
    assert Citizen.objects.filter(full_name="Nguyễn Văn Cường").count() == 1
    assert Assistance.objects.filter(citizen__full_name="Nguyễn Văn Cường").count() == 2


def test_new_people_need_the_households_consent_which_can_be_given_at_the_door(
    scene, leader_a, tree
):
    household = household_create(hamlet=tree.hamlet_a, head_name="Hà Văn Dũng", address="Số 2")
    person = {"ref": "n1", "full_name": "Hà Thị Hoa", "birth_year": 1990}
    help_her = [{"new_citizen": "n1", "app": scene["vneid"], "outcome": scene["level2"]}]
    with pytest.raises(ValidationError) as exc:
        record(scene, leader_a, household=household, new_citizens=[person], assistances=help_her)
    assert "new_citizens" in exc.value.message_dict
    assert not Visit.objects.filter(household=household).exists()
    assert not Citizen.objects.filter(household=household).exists()

    day = TODAY - datetime.timedelta(days=2)
    visit, created = record(
        scene,
        leader_a,
        household=household,
        visited_on=day,
        new_citizens=[person],
        assistances=help_her,
        consent_given=True,
    )
    household.refresh_from_db()
    assert created and (household.consent_on, household.consent_recorded_by) == (day, leader_a)
    assert visit.assistances.get().citizen.full_name == "Hà Thị Hoa"
    # The phone sends it again: the same visit, the consent as first recorded.
    again, created = record(
        scene,
        leader_a,
        household=household,
        visited_on=day,
        new_citizens=[person],
        assistances=help_her,
        consent_given=True,
    )
    assert (again, created) == (visit, False)


def test_a_visit_without_new_people_needs_no_consent(scene, leader_a, tree):
    household = household_create(hamlet=tree.hamlet_a, head_name="Hà Văn Dũng", address="Số 2")
    visit, created = record(
        scene, leader_a, household=household, assistances=[], kind=VisitKind.INFORMED
    )
    assert created and visit.household == household
    household.refresh_from_db()
    assert household.consent_on is None
