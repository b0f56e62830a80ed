"""The visits pages: the list (filters, sorting, export), one visit with its history, its
correction (a stale one refused, what was typed kept) and withdrawal (after a confirmation);
the household page's apps done and left to do."""

from __future__ import annotations

import csv
import datetime
import io
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps_catalog.models import App
from citizens.models import Visit, VisitKind
from citizens.services import visit_correct, visit_record
from dashboards.rollups import rollup_full

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def visits(scene, leader_a):
    helped, _ = visit_record(
        user=leader_a,
        client_uuid=uuid.uuid4(),
        household=scene["household"],
        visited_on=TODAY,
        members_present=[scene["leader"]],
        assistances=[
            {"citizen": scene["citizen"], "app": scene["vneid"], "outcome": scene["level2"]}
        ],
    )
    away, _ = visit_record(
        user=leader_a,
        client_uuid=uuid.uuid4(),
        household=scene["household"],
        visited_on=TODAY - datetime.timedelta(days=3),
        kind=VisitKind.NOBODY_HOME,
    )
    return helped, away


def test_the_list_shows_counted_visits_and_filters_by_kind_and_status(
    client_for, officer_a, visits
):
    helped, away = visits
    Visit.objects.filter(pk=away.pk).update(withdrawn_at=timezone.now())
    client = client_for(officer_a)
    url = reverse("visits:visit-list")
    assert [v.pk for v in client.get(url).context["page"].object_list] == [helped.pk]
    withdrawn = client.get(url, {"status": "withdrawn"}).context["page"].object_list
    assert [v.pk for v in withdrawn] == [away.pk]
    everything = client.get(url, {"status": "all", "kind": "nobody_home"})
    assert [v.pk for v in everything.context["page"].object_list] == [away.pk]


def test_the_list_exports_what_it_shows(client_for, officer_a, visits):
    response = client_for(officer_a).get(reverse("visits:visit-list"), {"export": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 3  # the header and both counted visits
    assert {rows[1][3], rows[2][3]} == {"Nguyễn Văn An"}


def test_the_list_costs_the_same_queries_for_more_visits(client_for, officer_a, scene, leader_a):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            client_for(officer_a).get(reverse("visits:visit-list"))
        return len(queries.captured_queries)

    visit_record(
        user=leader_a,
        client_uuid=uuid.uuid4(),
        household=scene["household"],
        visited_on=TODAY,
        kind=VisitKind.INFORMED,
    )
    count()  # the first request of a session warms caches (content types, the menu)
    few = count()
    for day in range(1, 8):
        visit_record(
            user=leader_a,
            client_uuid=uuid.uuid4(),
            household=scene["household"],
            visited_on=TODAY - datetime.timedelta(days=day),
            kind=VisitKind.INFORMED,
        )
    assert count() == few


def test_a_visit_page_shows_its_versions(client_for, officer_a, visits):
    helped, _ = visits
    visit_correct(
        user=officer_a,
        visit=helped,
        version=1,
        kind=VisitKind.INFORMED,
        visited_on=TODAY,
        reason="Không cài được",
    )
    page = client_for(officer_a).get(reverse("visits:visit-detail", args=[helped.pk]))
    versions = page.context["versions"]
    assert [(v.number, v.change) for v in versions] == [(2, "corrected"), (1, "recorded")]
    assert "Không cài được" in page.content.decode()


def test_correcting_on_the_page_changes_the_visit_and_the_dashboard_follows(
    client_for, officer_a, visits, scene, tree, settings
):
    settings.FIGURES_STALE_AFTER = 0  # the dashboard catches up at once (else within a minute)
    helped, _ = visits
    rollup_full()
    vssid = App.objects.get(slug="vssid")
    installed = vssid.outcomes.get(code="installed")
    client = client_for(officer_a)
    url = reverse("visits:visit-correct", args=[helped.pk])
    form = client.get(url).context["form"]
    assert form.initial[f"help_{scene['citizen'].pk}_{scene['vneid'].pk}"] == [
        str(scene["level2"].pk)
    ]
    response = client.post(
        url,
        {
            "version": 1,
            "kind": "helped",
            "visited_on": TODAY.strftime("%d/%m/%Y"),
            f"help_{scene['citizen'].pk}_{vssid.pk}": [str(installed.pk)],
            "reason": "Nhầm ứng dụng",
        },
    )
    assert response.status_code == 302
    helped.refresh_from_db()
    assert helped.version == 2
    assert list(helped.assistances.values_list("app__slug", flat=True)) == ["vssid"]
    dashboard = client.get(reverse("dashboards:unit", args=[tree.hamlet_a.pk]))
    apps = {row.app.slug for row in dashboard.context["apps"]}
    assert apps == {"vssid"}


def test_a_stale_correction_on_the_page_is_refused_and_keeps_what_was_typed(
    client_for, officer_a, visits
):
    helped, _ = visits
    visit_correct(user=officer_a, visit=helped, version=1, kind="informed", visited_on=TODAY)
    response = client_for(officer_a).post(
        reverse("visits:visit-correct", args=[helped.pk]),
        {
            "version": 1,
            "kind": "nobody_home",
            "visited_on": TODAY.strftime("%d/%m/%Y"),
            "notes": "Ghi chú đã gõ",
            "reason": "Không có ai",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert "Ghi chú đã gõ" in response.content.decode()
    helped.refresh_from_db()
    assert (helped.version, helped.kind) == (2, "informed")


def test_withdrawing_asks_first_and_needs_a_reason(client_for, officer_a, visits):
    helped, _ = visits
    client = client_for(officer_a)
    url = reverse("visits:visit-withdraw", args=[helped.pk])
    assert client.get(url).status_code == 200
    assert Visit.objects.get(pk=helped.pk).withdrawn_at is None  # a GET changes nothing
    refused = client.post(url, {"version": 1, "reason": ""})
    assert refused.status_code == 200 and refused.context["form"].errors
    assert client.post(url, {"version": 1, "reason": "Nhầm hộ"}).status_code == 302
    assert Visit.objects.get(pk=helped.pk).withdrawn_at is not None


def test_the_recorder_loses_the_correct_button_after_the_window(
    client_for, leader_a, visits, settings
):
    helped, _ = visits
    client = client_for(leader_a)
    page = client.get(reverse("visits:visit-detail", args=[helped.pk]))
    assert page.context["may_change"]
    settings.VISIT_CORRECTION_DAYS = 0
    Visit.objects.filter(pk=helped.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=1)
    )
    page = client.get(reverse("visits:visit-detail", args=[helped.pk]))
    assert not page.context["may_change"]
    assert client.get(reverse("visits:visit-correct", args=[helped.pk])).status_code == 403


def test_the_household_page_shows_each_persons_apps_done_and_left(
    client_for, officer_a, visits, scene
):
    page = client_for(officer_a).get(
        reverse("citizens:household-detail", args=[scene["household"].pk])
    )
    rows = dict(page.context["app_rows"])
    cells = dict((app.slug, outcome) for app, outcome in rows[scene["citizen"]])
    assert cells["vneid"] == scene["level2"].name
    assert all(outcome is None for slug, outcome in cells.items() if slug != "vneid")
    assert len(page.context["visits"]) == 2


def test_the_dashboards_visits_figure_opens_the_visits_list(client_for, officer_a, tree, visits):
    rollup_full()
    page = client_for(officer_a).get(reverse("dashboards:unit", args=[tree.district_a.pk]))
    link = f"{reverse('visits:visit-list')}?unit={tree.district_a.pk}"
    assert link in page.content.decode()


@pytest.mark.parametrize("route", ["visits:visit-detail", "visits:visit-correct"])
def test_a_visits_pages_cost_the_same_queries_for_more_versions_and_help(
    client_for, officer_a, visits, scene, route
):
    helped, _ = visits
    client = client_for(officer_a)
    url = reverse(route, args=[helped.pk])
    client.get(url)  # the session's first request warms caches

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries.captured_queries)

    few = count()
    vssid = App.objects.get(slug="vssid")
    for version in (1, 2, 3):  # three corrections, more help each time
        visit_correct(
            user=officer_a,
            visit=helped,
            version=version,
            kind=VisitKind.HELPED,
            visited_on=TODAY,
            assistances=[
                {"citizen": scene["citizen"], "app": app, "outcome": outcome}
                for app in (scene["vneid"], vssid)
                for outcome in app.outcomes.all()[:version]
            ],
        )
        helped.refresh_from_db()
    assert count() == few
