"""Every import offers the list to fill in, and what it offers imports as it is."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from citizens.models import Household
from imports.models import ImportBatch
from teams.models import TeamMember
from tests.workbooks import read_rows
from training import services as training

pytestmark = pytest.mark.django_db


def download(client, kind: str) -> bytes:
    response = client.get(reverse("imports:template", args=[kind]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="mau-{kind}.xlsx"'
    return response.content


def upload(client, kind: str, content: bytes, unit, query: str = ""):
    response = client.post(
        reverse("imports:upload", args=[kind]) + query,
        {"file": SimpleUploadedFile(f"mau-{kind}.xlsx", content), "unit": unit.pk},
    )
    assert response.status_code == 302, response.content.decode()[:1000]
    return client.get(response["Location"]), ImportBatch.objects.latest("pk")


@pytest.mark.parametrize("kind", ["roster", "households", "attendance"])
def test_each_upload_page_links_its_template(client_for, officer_a, tree, kind):
    course = training.course_create(
        unit=tree.district_a, name="Kỹ năng số", starts_on=datetime.date(2026, 3, 2)
    )
    query = f"?course={course.pk}" if kind == "attendance" else ""
    page = client_for(officer_a).get(reverse("imports:upload", args=[kind]) + query)
    assert reverse("imports:template", args=[kind]) in page.content.decode()


def test_the_roster_template_has_instructions_headers_and_an_example_row(
    client_for, officer_a, tree
):
    title, headers, example = read_rows(download(client_for(officer_a), "roster"))
    assert title[0] and "*" in title[0]  # a line saying how to fill it in
    assert headers[:4] == ["Xã", "Thôn *", "Họ và tên *", "Số điện thoại"]
    assert example[:3] == ["Thị trấn Chợ Chu", "Tổ dân phố Trung Kiên", "Nguyễn Văn An"]


def test_the_roster_template_imports_as_it_is(client_for, officer_a, tree):
    client = client_for(officer_a)
    preview, batch = upload(client, "roster", download(client, "roster"), tree.district_a)
    assert (preview.context["n_create"], preview.context["n_error"]) == (1, 0)
    assert preview.context["plan"].unused == []
    client.post(reverse("imports:confirm", args=[batch.pk]))
    assert TeamMember.objects.get().name == "Nguyễn Văn An"


def test_the_household_template_imports_as_it_is(client_for, officer_a, tree):
    client = client_for(officer_a)
    preview, batch = upload(client, "households", download(client, "households"), tree.district_a)
    assert (preview.context["n_create"], preview.context["n_error"]) == (1, 0)
    client.post(reverse("imports:confirm", args=[batch.pk]))
    assert Household.objects.get().head_name == "Nguyễn Văn An"


def test_the_attendance_template_is_read_and_its_example_reported_cleanly(
    client_for, officer_a, tree
):
    course = training.course_create(
        unit=tree.district_a, name="Kỹ năng số", starts_on=datetime.date(2026, 3, 2)
    )
    client = client_for(officer_a)
    content = download(client, "attendance")
    preview, _batch = upload(client, "attendance", content, tree.district_a, f"?course={course.pk}")
    (row,) = preview.context["plan"].rows
    # The course has no session on the example's date: the row says so, and nothing else.
    assert [e.column for e in row.errors] == ["Ngày học"]


def test_a_team_leader_gets_no_template(client_for, leader_a, tree):
    response = client_for(leader_a).get(reverse("imports:template", args=["roster"]))
    assert response.status_code == 403
