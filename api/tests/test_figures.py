# ruff: noqa: F811 - the API tests' fixtures (world) are imported to be used
"""The figures API: the dashboards' figures and indicators, in the same scopes."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from api.tests.conftest import days_ago, world  # noqa: F401  (fixture)
from dashboards.indicators import Indicators
from dashboards.models import UnitFigures
from dashboards.rollups import rollup_full
from dashboards.services import population_record

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_totals_and_indicators_are_the_dashboards(world, tree, officer_a, admin_user, client):
    rollup_full()
    population_record(
        actor=admin_user, unit=tree.commune_a, as_of=TODAY, source="Công an xã", adults=40
    )
    client.force_login(officer_a)
    totals = client.get(f"/api/v1/figures/units/{tree.commune_a.pk}/").json()
    row = UnitFigures.objects.get(unit=tree.commune_a)
    assert totals["figures"]["households"] == row.households
    assert totals["figures"]["citizens_helped"] == row.citizens_helped
    body = client.get(f"/api/v1/figures/units/{tree.commune_a.pk}/indicators/").json()
    by_code = {i["code"]: i for i in body["indicators"]}
    engine = {
        i.indicator.code: i
        for i in Indicators(unit_id=tree.commune_a.pk, day=TODAY).of(tree.commune_a.pk)
    }
    for code, item in by_code.items():
        assert item["count"] == engine[code].count
        assert item["base"]["value"] == engine[code].base.value
    assert by_code["vneid-level-2"]["base"] == {
        "value": 40,
        "as_of": TODAY.isoformat(),
        "source": "Công an xã",
        "missing": 0,
    }
    assert by_code["fibre-households"]["measured"] is False
    registry = client.get("/api/v1/figures/indicators/").json()
    assert "vneid-level-2" in [i["code"] for i in registry["results"]]


def test_a_past_day_counts_the_records_made_by_then(world, tree, officer_a, client):
    client.force_login(officer_a)
    url = f"/api/v1/figures/units/{tree.commune_a.pk}/"
    long_ago = (TODAY - datetime.timedelta(days=3000)).isoformat()
    then = client.get(url, {"as_of": long_ago}).json()
    assert then["figures"]["households"] == 0 and then["as_of"] == long_ago
    now = client.get(url, {"as_of": TODAY.isoformat()}).json()
    assert now["figures"] == Indicators(unit_id=tree.commune_a.pk, day=TODAY).figures()


def test_scope_methods_and_bad_input(world, tree, officer_a, client):
    assert client.get(f"/api/v1/figures/units/{tree.commune_a.pk}/").status_code in (401, 403)
    client.force_login(officer_a)
    assert client.get(f"/api/v1/figures/units/{tree.commune_b.pk}/").status_code == 404
    assert client.get(f"/api/v1/figures/units/{tree.commune_b.pk}/indicators/").status_code == 404
    assert client.post(f"/api/v1/figures/units/{tree.commune_a.pk}/").status_code == 405
    bad = client.get(f"/api/v1/figures/units/{tree.commune_a.pk}/", {"as_of": "31/02/2026"})
    assert bad.status_code == 400 and "as_of" in bad.json()
    future = (TODAY + datetime.timedelta(days=2)).isoformat()
    assert (
        client.get(f"/api/v1/figures/units/{tree.commune_a.pk}/", {"as_of": future}).status_code
        == 400
    )
    periods = f"/api/v1/figures/units/{tree.commune_a.pk}/periods/"
    assert client.get(periods, {"period": "year"}).status_code == 400
    unknown = client.get(
        f"/api/v1/figures/units/{tree.commune_a.pk}/indicators/", {"indicator": "nope"}
    )
    assert unknown.status_code == 400


def test_periods_are_the_roll_up_rows(world, tree, officer_a, client):
    rollup_full()
    client.force_login(officer_a)
    rows = client.get(
        f"/api/v1/figures/units/{tree.commune_a.pk}/periods/", {"period": "month"}
    ).json()
    from dashboards.models import UnitPeriodFigures

    stored = UnitPeriodFigures.objects.filter(unit=tree.commune_a, period="month")
    assert len(rows) == stored.count()
    assert sum(r["figures"]["visits"] for r in rows) == sum(s.visits for s in stored)


def test_figures_queries_do_not_grow_with_the_children(
    world, tree, officer_a, client, django_assert_max_num_queries
):
    client.force_login(officer_a)
    with django_assert_max_num_queries(22):
        client.get(f"/api/v1/figures/units/{tree.district_a.pk}/indicators/")
