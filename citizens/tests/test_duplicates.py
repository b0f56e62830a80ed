"""Probable duplicate people: found, merged, unmerged, with every figure following."""

from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from apps_catalog.models import App
from areas.services import hamlet_create
from citizens import selectors
from citizens.models import Assistance, Citizen, CitizenMerge
from citizens.services import (
    citizen_create,
    citizen_merge,
    citizen_unmerge,
    household_create,
    visit_record,
)
from dashboards.models import FIGURES, UnitFigures
from dashboards.rollups import rollup, rollup_full
from dashboards.tests import test_rollups
from tests.consent import CONSENTED

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def assert_figures_equal_a_recount():
    """dashboards' recount (a person merged into another one counts once)."""
    test_rollups.assert_every_figure_equals_a_recount()


def figures(unit) -> dict:
    stored = UnitFigures.objects.get(unit=unit)
    return {f: getattr(stored, f) for f in FIGURES}


@pytest.fixture
def world(tree, officer_a):
    """One person recorded twice in two hamlets of commune A, each helped; a namesake of
    another year, and one in another commune."""
    second = hamlet_create(commune=tree.commune_a, name="Tổ dân phố Hòa Bình", valid_from=None)
    home = household_create(consent_on=CONSENTED, hamlet=tree.hamlet_a, head_name="Hà Văn Lâm")
    away = household_create(consent_on=CONSENTED, hamlet=second, head_name="Hà Thị Hoa")
    far = household_create(consent_on=CONSENTED, hamlet=tree.hamlet_b, head_name="Lý Văn Sơn")
    keep = citizen_create(
        household=home, full_name="Hà Văn Lâm", birth_year=1960, phone="0912345678"
    )
    merge = citizen_create(household=away, full_name="Ha Van Lam", birth_year=1960)
    other_year = citizen_create(household=away, full_name="Hà Văn Lâm", birth_year=1961)
    other_commune = citizen_create(household=far, full_name="Hà Văn Lâm", birth_year=1960)
    vneid = App.objects.get(slug="vneid")
    level2 = vneid.outcomes.get(code="level-2")
    visits = {}
    for name, household, person in (("home", home, keep), ("away", away, merge)):
        visits[name], _ = visit_record(
            user=officer_a,
            client_uuid=uuid.uuid4(),
            household=household,
            visited_on=TODAY,
            assistances=[{"citizen": person, "app": vneid, "outcome": level2}],
        )
    # The same help recorded on both records of the person (a collision on merging).
    Assistance.objects.create(visit=visits["home"], citizen=merge, app=vneid, outcome=level2)
    return {
        "keep": keep,
        "merge": merge,
        "other_year": other_year,
        "other_commune": other_commune,
        "visits": visits,
    }


def rows(citizen) -> list[tuple]:
    return sorted(citizen.assistances.values_list("visit_id", "app_id", "outcome_id"))


def test_the_review_list_finds_one_name_and_year_in_one_commune_only(world, officer_a, admin_user):
    for user in (officer_a, admin_user):
        groups = selectors.duplicate_groups(user=user)
        found = selectors.duplicate_group_members(user=user, groups=groups)
        assert [{c.pk for c in g["citizens"]} for g in found] == [
            {world["keep"].pk, world["merge"].pk}
        ]


def test_a_merge_moves_the_help_and_an_unmerge_restores_it_exactly(world, officer_a):
    keep, merge = world["keep"], world["merge"]
    before = {c.pk: rows(c) for c in (keep, merge)}
    record = citizen_merge(actor=officer_a, keep=keep, merge=merge)
    merge.refresh_from_db()
    assert merge.merged_into == keep and merge.merged_at is not None
    assert not merge.assistances.exists()
    assert len(record.moved_assistances) == 1
    assert record.deleted_duplicates == [
        {
            "visit": world["visits"]["home"].pk,
            "app": before[keep.pk][0][1],
            "outcome": before[keep.pk][0][2],
        }
    ]
    assert len(rows(keep)) == 2
    assert not Citizen.objects.for_user(officer_a).filter(pk=merge.pk).exists()
    assert merge not in selectors.household_citizens(household=merge.household)

    citizen_unmerge(actor=officer_a, merge=record)
    merge.refresh_from_db()
    assert merge.merged_into is None
    assert {c.pk: rows(c) for c in (keep, merge)} == before
    record.refresh_from_db()
    assert record.is_undone and record.undone_by == officer_a
    with pytest.raises(ValidationError):
        citizen_unmerge(actor=officer_a, merge=record)


def test_every_figure_follows_a_merge_and_an_unmerge(world, tree, officer_a):
    rollup_full()
    start = figures(tree.commune_a)
    assert (start["citizens"], start["citizens_helped"]) == (3, 2)
    record = citizen_merge(actor=officer_a, keep=world["keep"], merge=world["merge"])
    rollup()
    assert_figures_equal_a_recount()
    merged = figures(tree.commune_a)
    assert (merged["citizens"], merged["citizens_helped"]) == (2, 1)
    citizen_unmerge(actor=officer_a, merge=record)
    rollup()
    assert_figures_equal_a_recount()
    assert figures(tree.commune_a) | {"computed_at": None} == start | {"computed_at": None}


def test_refusals(world, officer_a, officer_b, leader_a, admin_user):
    keep = world["keep"]
    with pytest.raises(ValidationError):
        citizen_merge(actor=officer_a, keep=keep, merge=keep)
    with pytest.raises(ValidationError):
        citizen_merge(actor=admin_user, keep=keep, merge=world["other_commune"])
    with pytest.raises(PermissionDenied):
        citizen_merge(actor=officer_b, keep=keep, merge=world["merge"])
    with pytest.raises(PermissionDenied):
        citizen_merge(actor=leader_a, keep=keep, merge=world["merge"])
    citizen_merge(actor=officer_a, keep=keep, merge=world["merge"])
    with pytest.raises(ValidationError):
        citizen_merge(actor=officer_a, keep=world["other_year"], merge=world["merge"])
    assert CitizenMerge.objects.count() == 1


def test_the_pages_confirm_then_merge_then_undo(world, client, officer_a, officer_b):
    keep, merge = world["keep"], world["merge"]
    client.force_login(officer_a)
    page = client.get(reverse("citizens:duplicate-list"))
    assert page.status_code == 200
    assert "Ha Van Lam" in page.text and "0912345678" not in page.text
    url = reverse("citizens:duplicate-merge", args=[keep.pk])
    assert client.get(url, {"merge": merge.pk}).status_code == 200
    assert not CitizenMerge.objects.exists()
    client.force_login(officer_b)
    assert client.get(url, {"merge": merge.pk}).status_code == 404
    assert client.post(url, {"merge": merge.pk}).status_code == 404
    client.force_login(officer_a)
    assert client.post(url, {"merge": merge.pk}).status_code == 302
    record = CitizenMerge.objects.get()
    assert Citizen.objects.get(pk=merge.pk).merged_into_id == keep.pk
    assert client.get(reverse("citizens:merge-list")).status_code == 200
    undo = reverse("citizens:merge-undo", args=[record.pk])
    assert client.get(undo).status_code == 200
    assert Citizen.objects.get(pk=merge.pk).merged_into_id == keep.pk
    assert client.post(undo).status_code == 302
    assert Citizen.objects.get(pk=merge.pk).merged_into_id is None
    from audit.models import AuditEvent

    actions = AuditEvent.objects.filter(action__in=["merge", "unmerge"]).order_by("pk")
    assert [a.action for a in actions] == ["merge", "unmerge"]
    assert actions[0].detail.startswith("merged") and actions[1].detail.startswith("undid")
