"""A unit's dashboard is served from what was computed: its shared figures are rendered once
per unit, language, day and roll-up (dashboards.views.dashboard_unit); the per-user parts
(the indicators' level above, the quality panel) are read for each user."""

from __future__ import annotations

import datetime
import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dashboards.rollups import rollup_full

pytestmark = pytest.mark.django_db


def _queries(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def _figure(html: str, name: str) -> str:
    match = re.search(rf'data-figure="{name}">([^<]*)<', html)
    assert match, name
    return match.group(1)


def test_a_warm_dashboard_reads_fewer_queries_and_shows_the_same_page(
    client_for, province_officer, random_province, tree, django_assert_max_num_queries
):
    rollup_full()
    client = client_for(province_officer)
    url = reverse("dashboards:unit", args=[tree.province.pk])
    cold, cold_html = _queries(client, url)
    client.get(url)  # the per-user panels, kept
    # session, user, its second factor, unit, breadcrumbs, state, whether anything changed;
    # the indicators' definitions and inputs (dashboards.selectors.indicator_panel_key), the
    # quality panel's run and checks (quality.selectors.cases): no figures, children, apps,
    # trends, facts or rules read again.
    with django_assert_max_num_queries(11):
        warm_response = client.get(url)
    warm, warm_html = _queries(client, url)
    assert warm <= cold - 4  # figures, children and former units, apps, trends
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')
    assert strip.sub("", warm_html) == strip.sub("", cold_html)
    assert warm_response.status_code == 200


def test_a_new_rollup_changes_what_the_dashboard_shows(
    client_for, province_officer, random_province, tree
):
    from citizens.models import Visit

    rollup_full()
    client = client_for(province_officer)
    url = reverse("dashboards:unit", args=[tree.province.pk])
    before = _figure(client.get(url).content.decode(), "visits")
    assert before != "0"
    assert _figure(client.get(url).content.decode(), "visits") == before  # from the cache
    Visit.objects.all().delete()
    rollup_full()
    assert _figure(client.get(url).content.decode(), "visits") == "0"


def test_vietnamese_and_english_pages_are_kept_apart(
    client_for, province_officer, random_province, tree
):
    rollup_full()
    client = client_for(province_officer)
    url = reverse("dashboards:unit", args=[tree.province.pk])
    vi = client.get(url).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    en = client.get(url).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    vi_again = client.get(url).content.decode()
    assert "Hoạt động theo tuần" in vi and "Hoạt động theo tuần" in vi_again
    assert "Activity by week" in en and "Hoạt động theo tuần" not in en


def test_each_user_sees_their_own_per_user_parts_from_the_shared_figures(
    client_for, province_officer, officer_a, random_province, tree
):
    rollup_full()
    url = reverse("dashboards:unit", args=[tree.district_a.pk])
    first = client_for(officer_a).get(url)
    assert first.context["indicators"]["parent"] is None  # the province is not theirs
    warm = client_for(province_officer).get(url)  # served from officer A's figures
    assert "children" not in warm.context
    assert warm.context["indicators"]["parent"] == tree.province
    again = client_for(officer_a).get(url)
    assert again.context["indicators"]["parent"] is None
    assert _figure(again.content.decode(), "teams") == _figure(first.content.decode(), "teams")


def test_another_day_is_not_served_from_todays_figures(
    client_for, province_officer, random_province, tree, monkeypatch
):
    from dashboards import views

    rollup_full()
    client = client_for(province_officer)
    url = reverse("dashboards:unit", args=[tree.province.pk])
    client.get(url)
    # A past day's structure is counted afresh, not taken from today's page.
    past = client.get(url, {"as_of": (timezone.localdate() - datetime.timedelta(days=1))})
    assert "children" in past.context and 'id="as-of-notice"' in past.content.decode()
    # Tomorrow's page (its weeks and months end tomorrow) does not reuse today's.
    assert "children" not in client.get(url).context
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr(views.timezone, "localdate", lambda *args: tomorrow)
    assert "children" in client.get(url).context


def _vneid_row(response):
    [row] = [
        r for r in response.context["indicators"]["rows"] if r.indicator.code == "vneid-level-2"
    ]
    return row


def test_a_warm_dashboards_indicators_follow_targets_and_bases_at_once(
    client_for, province_officer, admin_user, random_province, tree, django_assert_max_num_queries
):
    """The indicators panel is kept for the run too, yet a target or a population base set
    between runs shows at the next page."""
    from decimal import Decimal

    from dashboards.models import Indicator
    from dashboards.services import population_record, target_set

    rollup_full()
    client = client_for(province_officer)
    url = reverse("dashboards:unit", args=[tree.commune_a.pk])
    client.get(url)  # cold: the shared figures
    client.get(url)  # the panel, kept
    with django_assert_max_num_queries(11):
        warm = client.get(url)  # read back, not counted again
    assert _vneid_row(warm).target is None
    target_set(
        actor=province_officer,
        unit=tree.commune_a,
        indicator=Indicator.objects.get(code="vneid-level-2"),
        value=Decimal(80),
        due_on=timezone.localdate() + datetime.timedelta(days=90),
    )
    assert _vneid_row(client.get(url)).target.value == Decimal(80)
    before = _vneid_row(client.get(url)).base.value
    population_record(
        actor=admin_user,
        unit=tree.commune_a,
        as_of=timezone.localdate(),
        source="Công an xã",
        adults=(before or 0) + 1000,
    )
    assert _vneid_row(client.get(url)).base.value == (before or 0) + 1000


def test_an_unknown_ranking_is_served_from_the_default_panel(
    client_for, province_officer, random_province, tree, django_assert_max_num_queries
):
    """?indicator= names no indicator: the default ranking, kept once, not a panel counted
    and kept for every value a link (or a script) puts there."""
    rollup_full()
    client = client_for(province_officer)
    url = reverse("dashboards:unit", args=[tree.province.pk])
    client.get(url)
    client.get(url)  # the default panel, kept
    with django_assert_max_num_queries(11):
        response = client.get(url, {"indicator": "no-such-indicator"})
    assert response.context["indicators"]["ranked"] is not None
