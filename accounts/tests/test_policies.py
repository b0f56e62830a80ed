"""Every question of accounts.policies, asked of every persona: the one door, each branch
tested (the permission matrix, tests/test_permission_matrix.py, stays the end-to-end net)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts import policies

PERSONAS = ("anon", "leader_a", "officer_a", "province_officer", "admin_user")
# predicate: who gets True, in the order of PERSONAS.
EXPECTED = {
    "is_administrator": (0, 0, 0, 0, 1),
    "works_in_the_field": (0, 1, 0, 0, 0),
    "can_manage_registry": (0, 0, 1, 0, 1),
    "can_manage_hamlets": (0, 0, 1, 0, 1),
    "can_edit_households": (0, 1, 1, 0, 1),
    "can_export_people": (0, 0, 1, 1, 1),
    "can_review_duplicates": (0, 0, 1, 1, 1),
    "can_record_visits": (0, 1, 1, 0, 1),
    "can_manage_training": (0, 0, 1, 1, 1),
    "can_manage_apps": (0, 0, 0, 1, 1),
    "can_reorganize": (0, 0, 0, 1, 1),
    "can_read_audit": (0, 0, 0, 1, 1),
    "can_read_reports": (0, 0, 1, 1, 1),
    "can_manage_accounts": (0, 0, 1, 1, 1),
    "can_create_leader_accounts": (0, 0, 1, 1, 1),
    "can_record_population": (0, 0, 1, 1, 1),
    "can_set_target": (0, 0, 1, 1, 1),  # any unit at all (below: which ones)
    "can_manage_indicators": (0, 0, 0, 1, 1),
    "can_file_report": (0, 0, 1, 0, 1),  # any commune at all (below: which ones)
    "can_review_filings": (0, 0, 0, 1, 1),
    "can_check_flags": (0, 0, 1, 1, 1),  # any unit at all (below: which ones)
}


def persona(request, name):
    return AnonymousUser() if name == "anon" else request.getfixturevalue(name)


@pytest.mark.django_db
@pytest.mark.parametrize("question", sorted(EXPECTED))
def test_each_question_has_its_answer_for_every_persona(request, question):
    predicate = getattr(policies, question)
    answers = tuple(int(predicate(persona(request, name))) for name in PERSONAS)
    assert answers == EXPECTED[question]


# Questions about one object, tested below with their objects.
OBJECT_QUESTIONS = {"can_correct_visit", "can_manage_account"}


def test_every_question_in_the_module_is_tested():
    asked = {
        name
        for name in dir(policies)
        if (name.startswith("can_") or name in ("is_administrator", "works_in_the_field"))
    }
    assert asked == set(EXPECTED) | OBJECT_QUESTIONS


@pytest.mark.django_db
def test_a_visit_is_corrected_by_its_recorder_for_a_while_and_by_officers_always(
    request, leader_a, officer_a, settings
):
    import datetime
    import types

    from django.utils import timezone

    settings.VISIT_CORRECTION_DAYS = 7
    recent = types.SimpleNamespace(recorded_by_id=leader_a.pk, created_at=timezone.now())
    old = types.SimpleNamespace(
        recorded_by_id=leader_a.pk, created_at=timezone.now() - datetime.timedelta(days=8)
    )
    someone_elses = types.SimpleNamespace(recorded_by_id=officer_a.pk, created_at=timezone.now())
    answers = {
        name: tuple(
            int(policies.can_correct_visit(persona(request, name), v))
            for v in (recent, old, someone_elses)
        )
        for name in PERSONAS
    }
    assert answers == {
        "anon": (0, 0, 0),
        "leader_a": (1, 0, 0),
        "officer_a": (1, 1, 1),
        "province_officer": (0, 0, 0),
        "admin_user": (1, 1, 1),
    }


@pytest.mark.django_db
def test_the_roles_each_persona_may_create(leader_a, officer_a, province_officer, admin_user):
    assert policies.creatable_roles(leader_a) == []
    assert policies.creatable_roles(officer_a) == ["team_leader"]
    assert policies.creatable_roles(province_officer) == ["area_officer", "team_leader"]
    assert policies.creatable_roles(admin_user) == [
        "province_officer",
        "area_officer",
        "team_leader",
    ]


@pytest.mark.django_db
def test_templates_and_lower_apps_ask_the_same_door(officer_a, province_officer):
    may = policies.May(officer_a)
    assert may.manage_registry is True and may.read_audit is False
    assert may.works_in_the_field is False
    # areas and audit (below accounts) ask through Django's has_perm, answered here.
    assert officer_a.has_perm("portal.manage_hamlets") is True
    assert officer_a.has_perm("portal.read_audit") is False
    assert province_officer.has_perm("portal.read_audit") is True
    with pytest.raises(AttributeError):
        _ = may.fly


@pytest.mark.django_db
def test_an_account_is_managed_by_those_who_create_its_role_never_by_itself(
    request, leader_a, officer_a, province_officer
):
    answers = {
        name: tuple(
            int(policies.can_manage_account(persona(request, name), account))
            for account in (leader_a, officer_a)
        )
        for name in PERSONAS
        if name != "anon"
    }
    assert answers == {
        "leader_a": (0, 0),
        "officer_a": (1, 0),  # a team leader yes; themselves no
        "province_officer": (1, 1),
        "admin_user": (1, 1),
    }


@pytest.mark.django_db
def test_a_communes_report_is_filed_by_its_own_officers_only(
    tree, leader_a, officer_a, province_officer, admin_user
):
    from conftest import _make_user

    commune_officer = _make_user("chochu", "area_officer", tree.commune_a, "Ma Thị Hương")
    assert policies.can_file_report(commune_officer, tree.commune_a)
    assert not policies.can_file_report(commune_officer, tree.commune_a2)  # a neighbour
    assert not policies.can_file_report(commune_officer, tree.hamlet_a)  # not a commune
    assert not policies.can_file_report(officer_a, tree.commune_a)  # the district's officer
    assert not policies.can_file_report(officer_a, tree.district_a)  # a district files none
    assert not policies.can_file_report(province_officer, tree.commune_a)
    assert not policies.can_file_report(leader_a, tree.commune_a)
    assert policies.can_file_report(admin_user, tree.commune_a)


@pytest.mark.django_db
def test_targets_are_handed_down_never_set_for_ones_own_unit(
    tree, officer_a, province_officer, admin_user, leader_a
):
    assert policies.can_set_target(province_officer, tree.commune_a)
    assert not policies.can_set_target(province_officer, tree.province)  # its own unit
    assert policies.can_set_target(officer_a, tree.commune_a)
    assert not policies.can_set_target(officer_a, tree.district_a)
    assert not policies.can_set_target(officer_a, tree.commune_b)  # another district
    assert not policies.can_set_target(leader_a, tree.hamlet_a)
    assert policies.can_set_target(admin_user, tree.province)


@pytest.mark.django_db
def test_flags_are_checked_by_officers_inside_their_own_scope(
    tree, leader_a, officer_a, province_officer, admin_user
):
    assert policies.can_check_flags(officer_a, tree.hamlet_a)
    assert policies.can_check_flags(officer_a, tree.district_a)
    assert not policies.can_check_flags(officer_a, tree.hamlet_b)  # another district
    assert not policies.can_check_flags(officer_a, tree.province)  # the level above
    assert policies.can_check_flags(province_officer, tree.hamlet_b)
    assert not policies.can_check_flags(leader_a, tree.hamlet_a)
    assert policies.can_check_flags(admin_user, tree.hamlet_b)
