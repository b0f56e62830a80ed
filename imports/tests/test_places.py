"""An import never re-draws the map: a place the file names must be one the officer may use."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from areas.models import AdministrativeUnit
from citizens.models import Household
from imports.models import ImportBatch
from teams.models import Team, TeamMember
from tests.workbooks import read_rows, workbook

pytestmark = pytest.mark.django_db

NO_HAMLET = (
    "no hamlet “%(name)s” in %(commune)s; an import does not create hamlets "
    "(add it on the commune's page first)"
)
HEADERS = ["STT", "Xã", "Thôn/Tổ dân phố", "Họ và tên", "Số điện thoại", "Chức vụ"]


def vi(message: str) -> str:
    """A message as the (Vietnamese-first) pages show it, translated or not yet."""
    with translation.override("vi"):
        return translation.gettext(message)


def plan_of(client, kind: str, content: bytes, unit):
    response = client.post(
        reverse("imports:upload", args=[kind]),
        {"file": SimpleUploadedFile("ds.xlsx", content), "unit": unit.pk},
    )
    assert response.status_code == 302, response.content.decode()[:1000]
    preview = client.get(response["Location"])
    return preview, ImportBatch.objects.latest("pk")


def confirm(client, batch):
    return client.post(reverse("imports:confirm", args=[batch.pk]))


def test_a_misspelt_hamlet_is_refused_with_a_suggestion_and_nothing_is_created(
    client_for, officer_a, tree
):
    rows = [
        [
            1,
            "Thị trấn Chợ Chu",
            "Tổ dân phố Trung Kiêng",
            "Lưu Văn Bình",
            "0912345678",
            "Tổ trưởng",
        ],
        [2, "Thị trấn Chợ Chu", "Xóm Không Có Thật", "Ma Văn Sơn", "0912345679", "Thành viên"],
    ]
    client = client_for(officer_a)
    units_before = AdministrativeUnit.objects.count()
    preview, batch = plan_of(client, "roster", workbook(HEADERS, rows), tree.district_a)
    plan = preview.context["plan"]
    assert [row.action for row in plan.rows] == ["error", "error"]
    misspelt, unknown = plan.rows
    assert misspelt.errors[0].column == "Thôn/Tổ dân phố"
    assert misspelt.errors[0].reason.startswith(
        vi(NO_HAMLET) % {"name": "Tổ dân phố Trung Kiêng", "commune": "Thị trấn Chợ Chu"}
    )
    assert misspelt.errors[0].reason.endswith(
        vi("did you mean %(names)s?") % {"names": "“Tổ dân phố Trung Kiên”"}
    )
    assert "Xóm Không Có Thật" in unknown.reason
    assert "Tổ dân phố Trung Kiên" in preview.content.decode()
    confirm(client, batch)
    assert AdministrativeUnit.objects.count() == units_before
    assert not Team.objects.exists() and not TeamMember.objects.exists()


def test_a_commune_outside_the_area_is_refused_for_what_it_is(client_for, officer_a, tree):
    rows = [[1, "Xã Hùng Sơn", "Tổ dân phố Sơn Tập", "Trần Văn Tú", "0912345678", "Thành viên"]]
    client = client_for(officer_a)
    preview, _batch = plan_of(client, "roster", workbook(HEADERS, rows), tree.district_a)
    (row,) = preview.context["plan"].rows
    assert row.errors[0].column == "Xã"
    assert row.errors[0].reason == vi("“%(name)s” is outside your area") % {"name": "Xã Hùng Sơn"}


def test_a_hamlet_of_another_district_without_a_commune_column_is_outside(
    client_for, officer_a, tree
):
    headers = ["Thôn", "Họ và tên", "Chức vụ"]
    rows = [["Tổ dân phố Sơn Tập", "Trần Văn Tú", "Thành viên"]]
    preview, _batch = plan_of(
        client_for(officer_a), "roster", workbook(headers, rows), tree.district_a
    )
    (row,) = preview.context["plan"].rows
    assert row.errors[0].reason == vi("“%(name)s” is outside your area") % {
        "name": "Tổ dân phố Sơn Tập"
    }


def test_a_formula_like_hamlet_name_never_becomes_a_unit(client_for, officer_a, tree):
    # As a CSV: in an .xlsx the cell would be a formula, read as empty.
    text = "Xã;Thôn;Họ và tên;Chức vụ\nXã Bảo Cường;=cmd|' /C calc'!A0;Ma Văn Sơn;Thành viên\n"
    client = client_for(officer_a)
    response = client.post(
        reverse("imports:upload", args=["roster"]),
        {"file": SimpleUploadedFile("ds.csv", text.encode()), "unit": tree.district_a.pk},
    )
    preview = client.get(response["Location"])
    (row,) = preview.context["plan"].rows
    assert row.errors[0].column == "Thôn"
    assert row.errors[0].reason.startswith(
        vi(NO_HAMLET) % {"name": "=cmd|' /C calc'!A0", "commune": "Xã Bảo Cường"}
    )
    confirm(client, ImportBatch.objects.get())
    assert not AdministrativeUnit.objects.filter(name__startswith="=").exists()
    assert not Team.objects.exists()


def test_a_household_list_naming_an_unknown_hamlet_creates_no_hamlet(client_for, officer_a, tree):
    headers = ["Xã", "Thôn", "Chủ hộ"]
    rows = [["Xã Bảo Cường", "Xóm Đồng Tâm", "Ma Văn Sơn"]]
    client = client_for(officer_a)
    preview, batch = plan_of(client, "households", workbook(headers, rows), tree.district_a)
    assert preview.context["n_error"] == 1
    assert "Xóm Đồng Tâm" in preview.context["plan"].rows[0].reason
    confirm(client, batch)
    assert not AdministrativeUnit.objects.filter(name="Xóm Đồng Tâm").exists()
    assert not Household.objects.exists()


def test_the_preview_names_the_columns_it_does_not_read_and_whose_each_bad_row_is(
    client_for, officer_a, tree
):
    headers = [*HEADERS, "Năm sinh", "Ghi chú"]
    rows = [
        [1, "Thị trấn Chợ Chu", "Tổ dân phố Trung Kiên", "Lưu Văn Bình", "0912345678", "Tổ trưởng"],
        [2, "Thị trấn Chợ Chu", "Tổ dân phố Trung Kiên", "Ma Thị Lan", "09123", "Thành viên"],
    ]
    rows = [[*row, 1970, "ghi chú"] for row in rows]
    client = client_for(officer_a)
    preview, batch = plan_of(client, "roster", workbook(headers, rows), tree.district_a)
    plan = preview.context["plan"]
    assert plan.unused == ["Năm sinh", "Ghi chú"]  # STT is never read, and not listed
    page = preview.content.decode()
    assert "Năm sinh" in page and "Ghi chú" in page
    (bad,) = plan.errors
    assert bad.person == "Ma Thị Lan"
    assert ">Ma Thị Lan</td>" in page  # in the error table, beside its row number
    content = client.get(reverse("imports:errors", args=[batch.pk])).content
    (header, row) = read_rows(content)
    assert row[header.index("Họ và tên")] == "Ma Thị Lan"
