from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from dashboards.models import Report
from dashboards.rollups import rollup_full

pytestmark = pytest.mark.django_db
THIS_MONTH = timezone.localdate().replace(day=1)


@pytest.fixture
def report(client_for, officer_a, random_province, tree, django_capture_on_commit_callbacks):
    rollup_full()
    client = client_for(officer_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("dashboards:report-request", args=[tree.district_a.pk]),
            {"month": THIS_MONTH.strftime("%Y-%m")},
        )
    assert response["Location"] == reverse("dashboards:reports")
    return Report.objects.get()


def test_a_report_is_built_as_excel_and_pdf_for_the_person_who_asked(client_for, officer_a, report):
    client = client_for(officer_a)
    page = client.get(reverse("dashboards:reports"))
    assert "PDF" in page.content.decode()
    pdf = client.get(reverse("dashboards:report-download", args=[report.pk, "pdf"]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    xlsx = client.get(reverse("dashboards:report-download", args=[report.pk, "xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    texts = [c for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert "BÁO CÁO KẾT QUẢ HOẠT ĐỘNG TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG" in texts
    assert "Số tổ công nghệ số cộng đồng đang hoạt động" in texts


def test_anyone_else_gets_404_for_a_report_file(client_for, province_officer, officer_b, report):
    for user in (province_officer, officer_b):
        response = client_for(user).get(
            reverse("dashboards:report-download", args=[report.pk, "pdf"])
        )
        assert response.status_code == 404


def test_a_report_cannot_be_asked_for_another_area(client_for, officer_a, tree):
    response = client_for(officer_a).post(
        reverse("dashboards:report-request", args=[tree.district_b.pk])
    )
    assert response.status_code == 404
    assert not Report.objects.exists()


def test_the_reports_page_queries_stay_fixed(
    client_for, officer_a, report, django_assert_max_num_queries
):
    client = client_for(officer_a)
    # session, user, the user's reports with their unit, the officer's scope unit (the menu
    # offers "Monthly report" only to a commune's officers)
    with django_assert_max_num_queries(4):
        response = client.get(reverse("dashboards:reports"))
    assert len(response.context["reports"]) == 1


def test_the_report_gives_the_months_activity_and_the_running_totals(
    client_for, officer_a, report, tree
):
    from citizens.models import Visit

    report.refresh_from_db()
    assert (report.status, report.progress, report.month) == ("done", 100, THIS_MONTH)
    client = client_for(officer_a)
    xlsx = client.get(reverse("dashboards:report-download", args=[report.pk, "xlsx"]))
    assert f"{THIS_MONTH:%Y-%m}.xlsx" in xlsx["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    rows = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row[0]}
    visits_this_month = (
        Visit.objects.within(tree.district_a).counted().filter(visited_on__gte=THIS_MONTH).count()
    )
    assert rows["Số lượt thăm hộ trong tháng"] == visits_this_month
    assert rows["Số lượt thăm hộ"] == Visit.objects.within(tree.district_a).counted().count()
    # Which visits met nobody is said (the last row of that name is the running total).
    nobody = Visit.objects.within(tree.district_a).counted().filter(kind="nobody_home")
    assert rows["Trong đó: không gặp ai ở nhà"] == nobody.count() > 0
    assert f"{tree.district_a.name} · Tháng {THIS_MONTH:%m/%Y}" in rows


def test_a_month_outside_the_offered_ones_is_refused_with_a_message(client_for, officer_a, tree):
    response = client_for(officer_a).post(
        reverse("dashboards:report-request", args=[tree.district_a.pk]),
        {"month": "2019-01"},
        follow=True,
    )
    assert not Report.objects.exists()
    assert "Hãy chọn một trong các tháng" in response.content.decode()


def test_a_report_being_built_shows_its_progress_and_the_page_refreshes(
    client_for, officer_a, tree
):
    Report.objects.create(
        requested_by=officer_a, unit=tree.district_a, month=THIS_MONTH, progress=30
    )
    html = client_for(officer_a).get(reverse("dashboards:reports")).content.decode()
    assert 'value="30"' in html and 'http-equiv="refresh"' in html


def test_a_failed_build_says_so_instead_of_waiting_for_ever(officer_a, tree, monkeypatch):
    from dashboards import reports
    from dashboards.tasks import build_report

    report = Report.objects.create(requested_by=officer_a, unit=tree.district_a, month=THIS_MONTH)
    monkeypatch.setattr(reports, "month_figures", lambda **kw: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        build_report(report.pk)
    report.refresh_from_db()
    assert report.status == "failed"
