from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from dashboards.rollups import rollup_full

TODAY = timezone.localdate()

pytestmark = pytest.mark.django_db


def test_each_user_lands_on_their_own_areas_dashboard(client_for, officer_a, tree):
    response = client_for(officer_a).get(reverse("dashboards:home"))
    assert response["Location"] == reverse("dashboards:unit", args=[tree.district_a.pk])


def test_the_province_dashboard_shows_computed_figures_and_drills_down(
    client_for, province_officer, random_province, tree
):
    rollup_full()
    response = client_for(province_officer).get(reverse("dashboards:unit", args=[tree.province.pk]))
    assert response.status_code == 200
    figures = response.context["figures"]
    assert figures.teams_active == sum(c.teams_active for c in response.context["children"])
    html = response.content.decode()
    assert reverse("dashboards:unit", args=[tree.district_a.pk]) in html
    assert "Số liệu tính lúc" in html


def test_a_district_officer_gets_404_on_another_districts_dashboard(client_for, officer_a, tree):
    client = client_for(officer_a)
    assert client.get(reverse("dashboards:unit", args=[tree.district_b.pk])).status_code == 404
    assert client.get(reverse("dashboards:unit", args=[tree.commune_a.pk])).status_code == 200


def test_a_hamlet_dashboard_links_to_the_records_it_counts(
    client_for, officer_a, random_province, tree
):
    rollup_full()
    html = (
        client_for(officer_a)
        .get(reverse("dashboards:unit", args=[tree.hamlet_a.pk]))
        .content.decode()
    )
    assert f"/households/?unit={tree.hamlet_a.pk}" in html


def test_dashboard_queries_do_not_grow_with_the_data(
    client_for, province_officer, random_province, tree, django_assert_max_num_queries
):
    rollup_full()
    client = client_for(province_officer)
    # session, user, scope unit, unit, breadcrumbs, figures, children (current and former),
    # apps, state, trends (10); the indicators: the tree, the facts (8), bases, targets,
    # indicators, units, the level above (16); the data-quality panel (quality: open_flags)
    # adds 22: scope unit, units, its own figures and bases (14), six rules, the checks
    with django_assert_max_num_queries(48):
        response = client.get(reverse("dashboards:unit", args=[tree.province.pk]))
    assert len(response.context["children"]) == 2


def test_an_officer_can_ask_for_fresh_figures_and_sees_them_being_computed(
    client_for, officer_a, random_province, tree, django_capture_on_commit_callbacks
):
    from dashboards.models import RollupState, UnitFigures

    client = client_for(officer_a)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("dashboards:refresh", args=[tree.district_a.pk]))
    assert response.status_code == 302
    # Asked, not yet run: the page and the status say so.
    assert client.get(reverse("dashboards:status")).json()["refreshing"] is True
    page = client.get(reverse("dashboards:unit", args=[tree.district_a.pk])).content.decode()
    assert 'data-refreshing="1"' in page and "Đang tính lại" in page
    for callback in callbacks:
        callback()  # the task (in-process here; on a worker in production)
    assert UnitFigures.objects.filter(unit=tree.district_a).exists()
    status = client.get(reverse("dashboards:status")).json()
    assert status["refreshing"] is False
    assert status["computed_at"] == RollupState.objects.get(key="figures").computed_at.isoformat()


def test_trends_show_every_week_and_month_with_the_rolled_up_numbers(
    client_for, province_officer, random_province, tree
):
    from citizens.models import Visit
    from dashboards.rollups import period_start

    rollup_full()
    context = (
        client_for(province_officer)
        .get(reverse("dashboards:unit", args=[tree.province.pk]))
        .context
    )
    weeks, months = context["weeks"], context["months"]
    assert len(weeks) == len(months) == 12
    for row in weeks:
        week = Visit.objects.counted().filter(
            visited_on__gte=row["starts_on"],
            visited_on__lt=row["starts_on"] + datetime.timedelta(days=7),
        )
        assert row["visits"] == week.count()
        assert row["households_visited"] == week.met().values("household").distinct().count()
    assert weeks[-1]["starts_on"] == period_start("week", timezone.localdate())
    this_month = Visit.objects.counted().filter(visited_on__gte=months[-1]["starts_on"]).count()
    assert months[-1]["visits"] == this_month
    charts = context["charts"]
    assert charts["weeks"]["visits"] == [row["visits"] for row in weeks]


def test_indicators_show_count_over_base_and_say_when_a_base_is_missing(
    client_for, province_officer, admin_user, random_province, tree
):
    from decimal import Decimal

    from django.db.models import Sum

    from citizens.models import Household
    from dashboards.services import population_record

    rollup_full()
    client = client_for(province_officer)
    url = reverse("dashboards:unit", args=[tree.province.pk])
    before = client.get(url).context["indicators"]
    assert before["missing_bases"] == sum(1 for row in before["rows"] if row.measured)
    population_record(
        actor=admin_user, unit=tree.province, as_of=TODAY, source="Cục Thống kê", adults=900
    )
    response = client.get(url)
    rows = {row.indicator.code: row for row in response.context["indicators"]["rows"]}
    phones = Household.objects.aggregate(s=Sum("smartphone_count"))["s"]
    smartphones = rows["smartphone-adults"]
    assert (smartphones.count, smartphones.base.value) == (phones, 900)
    assert smartphones.value == (Decimal(100) * phones / 900).quantize(Decimal("0.01"))
    assert rows["fibre-households"].count is None
    html = response.content.decode()
    assert "Quyết định 411/QĐ-TTg" in html and "Cục Thống kê" in html


def test_units_are_ranked_by_the_share_of_households_reached(
    client_for, province_officer, random_province, tree
):
    rollup_full()
    children = (
        client_for(province_officer)
        .get(reverse("dashboards:unit", args=[tree.district_a.pk]))
        .context["children"]
    )
    shares = [child.reach or 0 for child in children]
    assert shares == sorted(shares, reverse=True)


def test_the_page_uses_the_vendored_chart_library_and_no_inline_script(
    client_for, province_officer, random_province, tree
):
    rollup_full()
    html = (
        client_for(province_officer)
        .get(reverse("dashboards:unit", args=[tree.province.pk]))
        .content.decode()
    )
    assert "/static/vendor/chart.js/chart.umd.min.js" in html
    assert '<script id="dashboard-charts" type="application/json">' in html
    assert "<script>" not in html and "https://" not in html.split("<body")[1]


def test_the_vendored_chart_library_is_the_version_in_the_lockfile():
    import json
    from pathlib import Path

    from django.conf import settings

    root = Path(settings.BASE_DIR)
    locked = json.loads((root / "package-lock.json").read_text())
    version = locked["packages"]["node_modules/chart.js"]["version"]
    vendored = (root / "static/vendor/chart.js/chart.umd.min.js").read_text()[:200]
    assert f"Chart.js v{version}" in vendored


def test_the_status_answer_costs_the_same_few_queries(
    client_for, officer_a, random_province, django_assert_max_num_queries
):
    rollup_full()
    client = client_for(officer_a)
    with django_assert_max_num_queries(3):  # session, user, the two state rows
        assert client.get(reverse("dashboards:status")).json()["refreshing"] is False


def test_scripts_are_deferred_and_the_chart_library_loads_only_where_there_are_charts(
    client_for, province_officer, tree
):
    client = client_for(province_officer)
    home = client.get(reverse("home")).content.decode()
    assert "chart.umd.min.js" not in home
    rollup_full()
    page = client.get(reverse("dashboards:unit", args=[tree.province.pk])).content.decode()
    assert "chart.umd.min.js" in page
    for html in (home, page):
        scripts = re.findall(r"<script src=[^>]*>", html)
        assert scripts and all(" defer" in script for script in scripts), scripts


def test_pages_are_sent_compressed(client_for, officer_a):
    response = client_for(officer_a).get(reverse("home"), HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
