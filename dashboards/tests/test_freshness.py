# ruff: noqa: F811 - the API tests' fixtures (world, api_for) are imported to be used
"""Figures are never stale for want of a worker or of someone pressing "Recompute"."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from api.tests.conftest import api, api_for, days_ago, world  # noqa: F401  (fixtures)
from dashboards.models import ChangeMark, RollupState, UnitFigures
from dashboards.rollups import rollup_full

pytestmark = pytest.mark.django_db


def hamlet_visits(client, hamlet) -> int:
    response = client.get(reverse("dashboards:unit", args=[hamlet.pk]))
    assert response.status_code == 200
    return response.context["figures"].visits


def record_from_the_phone(api, world) -> None:
    """What the field app sends for a visit (POST /api/v1/visits/)."""
    body = {
        "client_uuid": str(uuid.uuid4()),
        "household": world.household_a.pk,
        "visited_on": days_ago(0).isoformat(),
        "members_present": [world.leader_member_a.pk],
        "assistances": [{"citizen": world.citizen_a.pk, "app": "vneid", "outcome": "level-2"}],
    }
    assert api.post("/api/v1/visits/", body, format="json").status_code == 201


@pytest.fixture
def later(monkeypatch):
    """later(minutes): the clock moves on (no sleeping)."""

    def move(minutes: int) -> None:
        moved = timezone.now() + datetime.timedelta(minutes=minutes)
        monkeypatch.setattr(timezone, "now", lambda: moved)

    return move


def test_figures_never_computed_are_computed_when_a_dashboard_opens(
    client_for, officer_a, world, tree
):
    assert not UnitFigures.objects.exists()
    assert hamlet_visits(client_for(officer_a), tree.hamlet_a) == 1


def test_a_visit_from_the_phone_reaches_the_dashboard_within_minutes_without_a_button(
    api_for, client_for, leader_a, officer_a, world, tree, later
):
    rollup_full()
    officer = client_for(officer_a)
    assert hamlet_visits(officer, tree.hamlet_a) == 1
    record_from_the_phone(api_for(leader_a), world)
    later(2)
    assert hamlet_visits(client_for(officer_a), tree.hamlet_a) == 2
    assert not ChangeMark.objects.exists()


def test_a_dashboard_opened_right_after_a_run_does_not_run_again(
    client_for, officer_a, world, tree, django_assert_max_num_queries
):
    rollup_full()
    ChangeMark.objects.create(unit_id=tree.hamlet_a.pk, day=days_ago(0))
    client = client_for(officer_a)
    # session, user, scope unit, unit, breadcrumbs, state, figures, children, apps, trends:
    # the page's own queries, and the indicators' (tree, facts, bases, targets): no roll-up;
    # the data-quality panel (quality: open_flags) adds 22, whatever the data; the
    # indicators' facts, counted once per run, look the run up (2: today and the trend), and
    # so does the panel, whose cases are then kept for that run
    with django_assert_max_num_queries(52):
        client.get(reverse("dashboards:unit", args=[tree.hamlet_a.pk]))
    assert ChangeMark.objects.exists()


def test_with_a_worker_whose_beat_stopped_the_dashboard_queues_a_run_and_shows_it(
    client_for, officer_a, world, tree, later, with_a_worker, django_capture_on_commit_callbacks
):
    rollup_full()
    ChangeMark.objects.create(unit_id=tree.hamlet_a.pk, day=days_ago(0))
    later(15)  # beat runs every 5 minutes: three runs missed
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        page = client_for(officer_a).get(reverse("dashboards:unit", args=[tree.hamlet_a.pk]))
    assert len(callbacks) == 1  # the roll-up task, sent to the worker
    assert RollupState.objects.get(key="refresh").requested_at is not None
    assert 'data-refreshing="1"' in page.content.decode()


def test_with_a_worker_and_beat_on_time_the_dashboard_leaves_the_run_to_beat(
    client_for, officer_a, world, tree, later, with_a_worker, django_capture_on_commit_callbacks
):
    rollup_full()
    ChangeMark.objects.create(unit_id=tree.hamlet_a.pk, day=days_ago(0))
    later(3)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client_for(officer_a).get(reverse("dashboards:unit", args=[tree.hamlet_a.pk]))
    assert callbacks == []
    assert not RollupState.objects.filter(key="refresh").exists()
