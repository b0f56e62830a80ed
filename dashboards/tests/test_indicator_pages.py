"""The indicator pages from each persona: population bases, targets, the registry."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from dashboards.models import Indicator, Population, Target

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_an_officer_states_a_population_base_and_the_dashboard_counts_against_it(
    client_for, officer_a, tree
):
    client = client_for(officer_a)
    url = reverse("dashboards:population", args=[tree.district_a.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert {u.pk for u in page.context["form"].units.values()} == {
        tree.district_a.pk,
        tree.commune_a.pk,
        tree.commune_a2.pk,
    }
    response = client.post(
        url,
        {
            "unit": tree.commune_a.pk,
            "as_of": TODAY.isoformat(),
            "source": "Công an xã, 30/06/2026",
            "total": "12.400",
            "adults": "8.950",
        },
    )
    assert response.status_code == 302
    row = Population.objects.get(unit=tree.commune_a)
    assert (row.total, row.adults, row.recorded_by) == (12400, 8950, officer_a)
    html = client.get(url).content.decode()
    assert "8.950" in html and "Công an xã, 30/06/2026" in html


def test_a_bad_population_form_keeps_what_was_typed_and_says_why(client_for, officer_a, tree):
    client = client_for(officer_a)
    response = client.post(
        reverse("dashboards:population", args=[tree.district_a.pk]),
        {
            "unit": tree.commune_a.pk,
            "as_of": TODAY.isoformat(),
            "source": "Công an xã",
            "total": "100",
            "adults": "150",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Không thể lớn hơn dân số." in html and 'value="150"' in html
    assert not Population.objects.exists()


def test_population_and_targets_stay_in_the_officers_area(client_for, officer_a, leader_a, tree):
    client = client_for(officer_a)
    assert (
        client.get(reverse("dashboards:population", args=[tree.district_b.pk])).status_code == 404
    )
    # A unit of another district posted into this district's form is not offered.
    response = client.post(
        reverse("dashboards:population", args=[tree.district_a.pk]),
        {"unit": tree.commune_b.pk, "as_of": TODAY.isoformat(), "source": "x", "total": "5"},
    )
    assert response.status_code == 200 and not Population.objects.exists()
    leader = client_for(leader_a)
    assert leader.get(reverse("dashboards:population", args=[tree.hamlet_a.pk])).status_code == 403
    assert leader.get(reverse("dashboards:targets", args=[tree.hamlet_a.pk])).status_code == 403


def test_the_province_sets_a_target_for_a_commune_and_sees_it_ranked(
    client_for, province_officer, tree
):
    client = client_for(province_officer)
    url = reverse("dashboards:targets", args=[tree.district_a.pk])
    indicator = Indicator.objects.get(code="vneid-level-2")
    due = TODAY + datetime.timedelta(days=60)
    response = client.post(
        url,
        {
            "unit": tree.commune_a.pk,
            "indicator": indicator.pk,
            "value": "80",
            "due_on": due.isoformat(),
        },
    )
    assert response.status_code == 302
    target = Target.objects.get()
    assert (target.unit, target.value, target.set_by) == (tree.commune_a, 80, province_officer)
    client.post(
        url,
        {
            "unit": tree.commune_a.pk,
            "indicator": indicator.pk,
            "value": "85",
            "due_on": due.isoformat(),
        },
    )
    page = client.get(url)
    html = page.content.decode()
    assert "85 %" in html and "80 %" in html  # the earlier value is kept
    dashboard = client.get(reverse("dashboards:unit", args=[tree.district_a.pk]))
    ranking = dashboard.context["indicators"]["ranking"]
    assert dashboard.context["indicators"]["ranked"] == indicator
    assert ranking[0].unit == tree.commune_a and ranking[0].item.target.value == 85


def test_only_the_province_keeps_the_registry(client_for, province_officer, officer_a):
    url = reverse("dashboards:indicators")
    assert client_for(officer_a).get(url).status_code == 403
    client = client_for(province_officer)
    from apps_catalog.models import Outcome

    outcome = Outcome.objects.get(app__slug="vssid", code="account")
    response = client.post(
        url,
        {
            "name": "Người dân có tài khoản VssID",
            "code": "vssid-account",
            "outcome": outcome.pk,
            "base": "working_age",
            "source": "province",
        },
    )
    assert response.status_code == 302
    assert Indicator.objects.get(code="vssid-account").app == outcome.app
    again = client.post(
        url,
        {
            "name": "x",
            "code": "vssid-account",
            "outcome": outcome.pk,
            "base": "total",
            "source": "province",
        },
    )
    assert "Đã có chỉ tiêu với mã này." in again.content.decode()
