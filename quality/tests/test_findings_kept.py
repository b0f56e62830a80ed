"""The dashboard's data-quality panel reads the rules' findings as counted after the last
roll-up run: a second dashboard costs a few queries instead of the rules' reads, a new run is
counted again (by the worker, at once in tests), checks show at once, and the flags page
itself stays live."""

from __future__ import annotations

import pytest
from celery import current_app
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from areas.services import hamlet_create
from conftest import SINCE
from dashboards.models import RollupState
from dashboards.rollups import rollup_full
from quality.selectors import cases, open_flag_counts
from teams.services import team_create

pytestmark = pytest.mark.django_db


def a_run(minutes_ago: int = 0) -> None:
    when = timezone.now() - timezone.timedelta(minutes=minutes_ago)
    RollupState.objects.update_or_create(key="figures", defaults={"computed_at": when})


def open_leaderless(user, unit) -> int:
    rows, _counted_at = open_flag_counts(user=user, unit=unit)
    return dict((code, n) for code, _label, n in rows).get("team_without_leader", 0)


def test_a_second_count_reads_what_was_kept(
    tree, officer_a, django_assert_max_num_queries, django_assert_num_queries
):
    team_create(hamlet=tree.hamlet_a)
    a_run()
    with django_assert_max_num_queries(60) as first:
        open_flag_counts(user=officer_a, unit=tree.district_a)
    # the roll-up run, the officers' checks: not the rules' reads again
    with django_assert_num_queries(2):
        assert open_leaderless(officer_a, tree.district_a) == 1
    assert len(first.captured_queries) > 10


def test_before_any_run_the_rules_count_at_every_call(tree, officer_a):
    assert open_leaderless(officer_a, tree.district_a) == 0
    team_create(hamlet=tree.hamlet_a)
    assert open_leaderless(officer_a, tree.district_a) == 1


def test_a_record_added_after_a_run_shows_after_the_next_run(tree, officer_a):
    a_run(minutes_ago=5)
    assert open_leaderless(officer_a, tree.district_a) == 0
    team_create(hamlet=tree.hamlet_a)
    assert open_leaderless(officer_a, tree.district_a) == 0  # kept since that run
    a_run()
    # The first read after the run recounts (the worker runs at once in tests).
    assert open_leaderless(officer_a, tree.district_a) == 1
    hamlet_a2 = hamlet_create(commune=tree.commune_a2, name="Xóm Mới", valid_from=SINCE)
    team_create(hamlet=hamlet_a2)
    assert open_leaderless(officer_a, tree.district_a) == 1
    a_run(minutes_ago=-1)
    assert open_leaderless(officer_a, tree.district_a) == 2


def test_a_checked_flag_leaves_the_panel_at_once(client_for, officer_a, tree):
    team = team_create(hamlet=tree.hamlet_a)
    a_run()
    assert open_leaderless(officer_a, tree.district_a) == 1
    response = client_for(officer_a).post(
        reverse("quality:flag-list"),
        {
            "rule": "team_without_leader",
            "key": str(team.pk),
            "unit": team.hamlet_id,
            "note": "Đang bầu.",
        },
    )
    assert response.status_code == 302
    assert open_leaderless(officer_a, tree.district_a) == 0


def test_the_flags_page_is_live_and_refreshes_the_panel(client_for, officer_a, tree):
    a_run()
    assert open_leaderless(officer_a, tree.district_a) == 0
    team = team_create(hamlet=tree.hamlet_a)
    html = client_for(officer_a).get(reverse("quality:flag-list")).content.decode()
    assert reverse("teams:team-detail", args=[team.pk]) in html
    assert open_leaderless(officer_a, tree.district_a) == 1


def test_areas_are_kept_apart(tree, officer_a, officer_b):
    team_create(hamlet=tree.hamlet_a)
    a_run()
    assert open_leaderless(officer_b, tree.district_b) == 0
    assert open_leaderless(officer_a, tree.district_a) == 1
    assert [rule for rule, _key, _value in cases(user=officer_a, unit=tree.district_a).cases] == [
        "team_without_leader"
    ]
    assert cases(user=officer_b, unit=tree.district_b).cases == []


def test_english_explanations_on_the_flags_page_after_a_vietnamese_dashboard(
    client_for, officer_a, tree
):
    team_create(hamlet=tree.hamlet_a)
    rollup_full()
    client = client_for(officer_a)
    client.get(reverse("dashboards:unit", args=[tree.district_a.pk]))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("quality:flag-list")).content.decode()
    assert "is active but has no current leader" in html
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    html = client.get(reverse("quality:flag-list")).content.decode()
    assert "chưa có tổ trưởng" in html


def test_the_panel_says_when_the_records_were_checked(client_for, officer_a, tree):
    rollup_full()
    with translation.override("vi"):
        html = client_for(officer_a).get(reverse("dashboards:unit", args=[tree.district_a.pk]))
    panel = html.content.decode().split('id="quality-flags"', 1)[1].split("</section>", 1)[0]
    assert "Dữ liệu được rà soát lúc" in panel
    assert timezone.localtime().strftime("%d/%m/%Y") in panel


def test_with_a_worker_the_first_read_after_a_run_answers_the_last_count_and_queues_one(
    tree, officer_a, with_a_worker, django_capture_on_commit_callbacks
):
    a_run(minutes_ago=5)
    assert open_leaderless(officer_a, tree.district_a) == 0
    team_create(hamlet=tree.hamlet_a)
    a_run()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert open_leaderless(officer_a, tree.district_a) == 0  # the last count, at once
        assert open_leaderless(officer_a, tree.district_a) == 0
    assert len(callbacks) == 1  # one recount for the worker, not one per read
    current_app.conf.task_always_eager = True  # the worker's turn
    callbacks[0]()
    assert open_leaderless(officer_a, tree.district_a) == 1
