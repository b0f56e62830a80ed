from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

from dashboards.models import Report
from dashboards.rollups import rollup_full

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(client_for, officer_a, random_province, tree, django_capture_on_commit_callbacks):
    rollup_full()
    client = client_for(officer_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("dashboards:report-request", args=[tree.district_a.pk]))
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
    # session, user, the user's reports with their unit
    with django_assert_max_num_queries(3):
        response = client.get(reverse("dashboards:reports"))
    assert len(response.context["reports"]) == 1
