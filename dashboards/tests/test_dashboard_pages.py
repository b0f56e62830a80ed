from __future__ import annotations

import pytest
from django.urls import reverse

from dashboards.rollups import rollup_full

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
    # session, user, scope unit, unit, breadcrumbs, figures, children, apps, state
    with django_assert_max_num_queries(9):
        response = client.get(reverse("dashboards:unit", args=[tree.province.pk]))
    assert len(response.context["children"]) == 2


def test_an_officer_can_ask_for_fresh_figures(client_for, officer_a, random_province, tree):
    from dashboards.models import UnitFigures

    response = client_for(officer_a).post(reverse("dashboards:refresh", args=[tree.district_a.pk]))
    assert response.status_code == 302
    assert UnitFigures.objects.filter(unit=tree.district_a).exists()
