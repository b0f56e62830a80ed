"""What happened at the door, and mistakes put right: kinds, corrections and withdrawals with
every version kept, the recorder's window, stale edits refused, a resend after a correction."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

from apps_catalog.models import App
from citizens.models import Visit, VisitChange, VisitKind
from citizens.services import visit_correct, visit_record, visit_withdraw
from citizens.services.visits import _visit_digest
from dashboards.models import UnitAppFigures, UnitFigures
from dashboards.rollups import rollup, rollup_full

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
UUID = uuid.UUID("7d2b0c8e-1111-4222-8333-444455556666")


def help_with(scene, outcome=None):
    return [
        {"citizen": scene["citizen"], "app": scene["vneid"], "outcome": outcome or scene["level2"]}
    ]


def record(scene, user, **changes):
    data = {
        "user": user,
        "client_uuid": UUID,
        "household": scene["household"],
        "visited_on": TODAY,
        "members_present": [scene["leader"]],
        "assistances": help_with(scene),
    }
    data.update(changes)
    return visit_record(**data)


def test_a_visit_with_nothing_recorded_and_no_kind_is_refused(scene, leader_a):
    with pytest.raises(ValidationError) as info:
        record(scene, leader_a, assistances=[], members_present=[])
    assert "kind" in info.value.error_dict
    assert not Visit.objects.exists()


@pytest.mark.parametrize("kind", [VisitKind.INFORMED, VisitKind.NOBODY_HOME])
def test_a_visit_without_help_is_recorded_only_as_an_explicit_kind(scene, leader_a, kind):
    visit, created = record(scene, leader_a, assistances=[], kind=kind)
    assert created and visit.kind == kind and not visit.assistances.exists()


def test_help_given_makes_a_visit_helped_and_contradictions_are_refused(scene, leader_a):
    visit, _ = record(scene, leader_a)
    assert visit.kind == VisitKind.HELPED
    with pytest.raises(ValidationError):  # "nobody at home", yet someone was helped
        record(scene, leader_a, client_uuid=uuid.uuid4(), kind=VisitKind.NOBODY_HOME)
    with pytest.raises(ValidationError):  # "helped", with nobody helped
        record(scene, leader_a, client_uuid=uuid.uuid4(), kind=VisitKind.HELPED, assistances=[])


def test_only_visits_that_met_the_household_reach_it(scene, leader_a, tree):
    record(scene, leader_a, assistances=[], kind=VisitKind.NOBODY_HOME)
    rollup_full()
    hamlet = UnitFigures.objects.get(unit=tree.hamlet_a)
    assert (hamlet.visits, hamlet.visits_nobody_home, hamlet.households_reached) == (1, 1, 0)
    record(scene, leader_a, client_uuid=uuid.uuid4(), assistances=[], kind=VisitKind.INFORMED)
    rollup()
    hamlet = UnitFigures.objects.get(unit=tree.hamlet_a)  # rows are rewritten by a run
    assert (hamlet.visits, hamlet.visits_informed, hamlet.households_reached) == (2, 1, 1)


def test_one_visit_is_bounded(scene, leader_a):
    people = [{"ref": f"n{i}", "full_name": f"Người {i}"} for i in range(21)]
    with pytest.raises(ValidationError) as info:
        record(scene, leader_a, new_citizens=people, kind=VisitKind.INFORMED, assistances=[])
    assert "new_citizens" in info.value.error_dict
    with pytest.raises(ValidationError) as info:
        record(scene, leader_a, notes="x" * 1001)
    assert "notes" in info.value.error_dict
    assert not Visit.objects.exists()


def test_a_correction_keeps_every_version_and_the_figures_follow(scene, leader_a, tree):
    visit, _ = record(scene, leader_a)
    rollup_full()
    installed = App.objects.get(slug="vssid").outcomes.get(code="installed")
    vssid = installed.app
    corrected = visit_correct(
        user=leader_a,
        visit=visit,
        version=1,
        kind=VisitKind.HELPED,
        visited_on=TODAY - datetime.timedelta(days=1),
        members_present=[scene["leader"]],
        notes="Nhầm ứng dụng",
        assistances=[{"citizen": scene["citizen"], "app": vssid, "outcome": installed}],
        reason="Chọn nhầm VNeID",
    )
    assert corrected.version == 2
    versions = list(corrected.versions.order_by("number"))
    assert [(v.number, v.change) for v in versions] == [
        (1, VisitChange.RECORDED),
        (2, VisitChange.CORRECTED),
    ]
    assert versions[0].content["assistances"][0]["app"] == "vneid"
    assert versions[1].content["assistances"][0]["app"] == "vssid"
    assert versions[1].reason == "Chọn nhầm VNeID" and versions[1].changed_by == leader_a
    rollup()
    apps = set(
        UnitAppFigures.objects.filter(unit=tree.hamlet_a).values_list("app__slug", flat=True)
    )
    assert apps == {"vssid"}


def test_a_withdrawn_visit_leaves_the_figures_and_keeps_what_it_said(scene, leader_a, tree):
    visit, _ = record(scene, leader_a)
    rollup_full()
    assert UnitFigures.objects.get(unit=tree.hamlet_a).visits == 1
    withdrawn = visit_withdraw(user=leader_a, visit=visit, version=1, reason="Nhầm hộ")
    assert withdrawn.is_withdrawn and withdrawn.version == 2
    assert not withdrawn.assistances.exists()
    last = withdrawn.versions.get(number=2)
    assert last.change == VisitChange.WITHDRAWN and last.content["assistances"]
    rollup()
    figures = UnitFigures.objects.get(unit=tree.hamlet_a)
    assert (figures.visits, figures.households_reached, figures.citizens_helped) == (0, 0, 0)
    with pytest.raises(ValidationError):  # a withdrawn visit stays withdrawn
        visit_withdraw(user=leader_a, visit=visit, version=2, reason="lại")


def test_a_withdrawal_needs_a_reason(scene, leader_a):
    visit, _ = record(scene, leader_a)
    with pytest.raises(ValidationError) as info:
        visit_withdraw(user=leader_a, visit=visit, version=1, reason="  ")
    assert "reason" in info.value.error_dict


def test_a_stale_correction_is_refused_and_changes_nothing(scene, leader_a, officer_a):
    visit, _ = record(scene, leader_a)
    visit_correct(user=officer_a, visit=visit, version=1, kind=VisitKind.INFORMED, visited_on=TODAY)
    with pytest.raises(ValidationError) as info:
        visit_withdraw(user=leader_a, visit=visit, version=1, reason="Nhầm")
    assert info.value.code == "stale"
    visit.refresh_from_db()
    assert (visit.version, visit.kind, visit.withdrawn_at) == (2, VisitKind.INFORMED, None)


def test_the_recorder_corrects_for_a_set_number_of_days_officers_at_any_time(
    scene, leader_a, officer_a, province_officer
):
    visit, _ = record(scene, leader_a)
    Visit.objects.filter(pk=visit.pk).update(created_at=timezone.now() - datetime.timedelta(days=8))
    visit.refresh_from_db()
    with override_settings(VISIT_CORRECTION_DAYS=7), pytest.raises(ValidationError) as info:
        visit_withdraw(user=leader_a, visit=visit, version=1, reason="Nhầm")
    assert info.value.code == "not_allowed"
    with override_settings(VISIT_CORRECTION_DAYS=10):
        visit_correct(
            user=leader_a, visit=visit, version=1, kind=VisitKind.INFORMED, visited_on=TODAY
        )
    with pytest.raises(ValidationError):  # reads everything, changes nothing
        visit_withdraw(user=province_officer, visit=visit, version=2, reason="Nhầm")
    assert visit_withdraw(user=officer_a, visit=visit, version=2, reason="Nhầm").is_withdrawn


def test_an_officer_of_another_area_cannot_change_a_visit(scene, leader_a, officer_b):
    visit, _ = record(scene, leader_a)
    with pytest.raises(ValidationError):
        visit_withdraw(user=officer_b, visit=visit, version=1, reason="Nhầm")
    visit.refresh_from_db()
    assert visit.version == 1


def test_a_resend_of_the_original_after_a_correction_is_one_visit_the_corrected_one(
    scene, leader_a, officer_a
):
    visit, _ = record(scene, leader_a)
    visit_correct(user=officer_a, visit=visit, version=1, kind=VisitKind.INFORMED, visited_on=TODAY)
    again, created = record(scene, leader_a)  # the phone's outbox sends the original again
    assert not created and again.pk == visit.pk
    assert (again.version, again.kind) == (2, VisitKind.INFORMED)
    assert Visit.objects.count() == 1


def test_a_resend_of_a_visit_recorded_before_kinds_is_still_recognised(scene, leader_a):
    """An outbox from before kinds holds a visit with nothing ticked: its resend is the same
    visit (200), not a refusal."""
    visit, _ = record(scene, leader_a, assistances=[], kind=VisitKind.INFORMED)
    old = _visit_digest(
        household=scene["household"],
        visited_on=TODAY,
        members_present=[scene["leader"]],
        notes="",
        assistances=[],
        new_citizens=[],
    )
    Visit.objects.filter(pk=visit.pk).update(content_digest=old, kind=VisitKind.INFORMED)
    again, created = record(scene, leader_a, assistances=[])
    assert again.pk == visit.pk and not created
