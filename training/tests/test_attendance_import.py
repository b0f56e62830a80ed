"""Importing attendance sheets: awkward real-world files, exact errors, nothing duplicated."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from core.imports import Action, looks_like_footer
from core.sheets import read_table
from imports.models import ImportBatch
from tests.workbooks import first_data_row, nfd, workbook
from training import services
from training.importers import AttendanceImporter, is_completed
from training.models import Attendance, Trainee

pytestmark = pytest.mark.django_db

HEADERS = [
    "STT",
    "Họ và tên",
    "Số điện thoại",
    "Chức vụ, đơn vị công tác",
    "Xã",
    "Ngày học",
    "Hoàn thành",
]
FIRST = first_data_row()
MARCH_5 = datetime.date(2026, 3, 5)
MARCH_12 = datetime.date(2026, 3, 12)


@pytest.fixture(autouse=True)
def _english():
    """Row errors are checked in their source language (outside a request the portal speaks
    Vietnamese, and some of these messages are shared with translated apps)."""
    with translation.override("en"):
        yield


@pytest.fixture
def course_a(tree):
    course = services.course_create(
        unit=tree.district_a,
        name="Kỹ năng số cho tổ công nghệ số",
        starts_on=datetime.date(2026, 3, 2),
        ends_on=datetime.date(2026, 3, 31),
    )
    services.session_add(course=course, held_on=MARCH_5, place="Hội trường UBND huyện")
    services.session_add(course=course, held_on=MARCH_12)
    services.trainee_add(course=course, name="Lưu Văn Bình", phone="0912345678")
    return course


def good_rows():
    return [
        [1, "Lưu Văn Bình", "0912.345.678", "Tổ trưởng tổ CNS", "Thị trấn Chợ Chu",
         "05/03/2026", ""],
        [2, nfd("Nguyễn Thị Hằng"), 912345679, "Công chức VH-XH", "Xã Bảo Cường",
         datetime.datetime(2026, 3, 5), "x"],  # noqa: DTZ001 - a real Excel date: naive
        [3, "nguyễn thị hằng", "0912345679", "", "bảo cường", "12/03/2026", "Đạt"],
        [4, "Hoàng Văn Đức", "", "VNPT Định Hóa", "", "", ""],
    ]  # fmt: skip


def importer_for(user, unit, course) -> AttendanceImporter:
    return AttendanceImporter(user=user, unit=unit, course=course.pk)


def plan_of(importer: AttendanceImporter, content: bytes):
    """As imports.services.batch_plan does: read the sheet, drop signature rows, plan."""
    table = read_table(
        content, "diem-danh.xlsx", fields=importer.fields, required=importer.required
    )
    table.rows = [row for row in table.rows if not looks_like_footer(row.cells)]
    return importer.plan(table)


def errors_of(plan) -> dict[int, list[tuple[str, str]]]:
    return {row.number: [(e.column, e.reason) for e in row.errors] for row in plan.errors}


def test_a_real_looking_attendance_sheet_is_planned_then_applied(officer_a, tree, course_a):
    importer = importer_for(officer_a, tree.district_a, course_a)
    plan = plan_of(importer, workbook(HEADERS, good_rows()))
    assert [row.action for row in plan.rows] == [
        Action.UPDATE,  # Bình: workplace, commune, attendance
        Action.CREATE,  # Hằng, new to the course
        Action.UPDATE,  # Hằng again, on the second day
        Action.CREATE,  # Đức, no day given
    ]
    assert plan.rows[0].changes == ["workplace", "commune", "attendance"]
    assert plan.errors == []
    assert Trainee.objects.count() == 1  # planning writes nothing

    result = importer.apply(plan)

    assert result == {"created": 2, "updated": 2, "attendances": 3, "completed": 1}
    people = {t.name: t for t in course_a.trainees.all()}
    assert set(people) == {"Lưu Văn Bình", "Nguyễn Thị Hằng", "Hoàng Văn Đức"}  # NFC names
    hang = people["Nguyễn Thị Hằng"]
    assert hang.phone == "0912345679"  # Excel had stored it as a number, without its 0
    assert hang.unit == tree.commune_a2
    assert hang.completed_on == MARCH_5
    assert set(hang.attendances.values_list("session__held_on", flat=True)) == {MARCH_5, MARCH_12}
    binh = people["Lưu Văn Bình"]
    assert (binh.workplace, binh.unit, binh.completed_on) == (
        "Tổ trưởng tổ CNS",
        tree.commune_a,
        None,
    )
    assert list(binh.attendances.values_list("session__held_on", flat=True)) == [MARCH_5]
    duc = people["Hoàng Văn Đức"]
    assert (duc.unit, duc.attendances.count()) == (tree.district_a, 0)


def test_importing_the_same_sheet_twice_changes_nothing(officer_a, tree, course_a):
    content = workbook(HEADERS, good_rows())
    first = importer_for(officer_a, tree.district_a, course_a)
    first.apply(plan_of(first, content))
    before = (
        list(Trainee.objects.order_by("pk").values_list("name", "phone", "unit", "completed_on")),
        Attendance.objects.count(),
    )
    again = importer_for(officer_a, tree.district_a, course_a)
    plan = plan_of(again, content)
    assert {row.action for row in plan.rows} == {Action.UNCHANGED}
    assert again.apply(plan) == {"created": 0, "updated": 0, "attendances": 0, "completed": 0}
    after = (
        list(Trainee.objects.order_by("pk").values_list("name", "phone", "unit", "completed_on")),
        Attendance.objects.count(),
    )
    assert after == before


def test_bad_rows_are_named_with_row_column_and_reason_and_only_good_rows_are_applied(
    officer_a, tree, course_a
):
    rows = good_rows() + [
        [5, "Trần Văn Lỗi", "12345", "", "", "05/03/2026", ""],
        [6, "Đinh Thị Mai", "0388111222", "", "", "20/03/2026", ""],
        [7, "Người Huyện Khác", "", "", "Thị trấn Hùng Sơn", "05/03/2026", ""],
        [8, "Hoàng Văn Đức", "", "VNPT Định Hóa", "", "", ""],
        [9, "", "0912000222", "", "", "05/03/2026", ""],
        [10, "Ma Văn Sơn", "", "", "", "31/02/2026", ""],
    ]
    importer = importer_for(officer_a, tree.district_a, course_a)
    plan = plan_of(importer, workbook(HEADERS, rows))
    assert errors_of(plan) == {
        FIRST + 4: [("Số điện thoại", "“12345” is not a Vietnamese mobile or landline number.")],
        FIRST + 5: [("Ngày học", "the course has no session on 20/03/2026")],
        FIRST + 6: [("Xã", "“Thị trấn Hùng Sơn” is outside your area")],
        FIRST + 7: [("", f"repeats row {FIRST + 3}")],
        FIRST + 8: [("Họ và tên", "the name is empty")],
        FIRST + 9: [("Ngày học", "“31/02/2026” is not a date (dd/mm/yyyy).")],
    }
    importer.apply(plan)
    names = set(Trainee.objects.values_list("name", flat=True))
    assert names == {"Lưu Văn Bình", "Nguyễn Thị Hằng", "Hoàng Văn Đức"}


def test_a_commune_outside_the_course_unit_is_an_error(officer_a, tree):
    course = services.course_create(
        unit=tree.commune_a, name="Lớp Chợ Chu", starts_on=datetime.date(2026, 3, 2)
    )
    rows = [[1, "Ma Văn Sơn", "", "", "Xã Bảo Cường", "", ""]]
    importer = importer_for(officer_a, tree.district_a, course)
    plan = plan_of(importer, workbook(HEADERS, rows))
    assert errors_of(plan) == {
        FIRST: [("Xã", "“Xã Bảo Cường” is outside Thị trấn Chợ Chu, which runs this course")]
    }


def test_a_trainee_without_a_phone_in_the_file_is_matched_by_name(officer_a, tree, course_a):
    rows = [[1, "LƯU VĂN BÌNH", "", "", "", "12/03/2026", "hoàn thành"]]
    importer = importer_for(officer_a, tree.district_a, course_a)
    plan = plan_of(importer, workbook(HEADERS, rows))
    assert plan.rows[0].action == Action.UPDATE
    assert plan.rows[0].changes == ["attendance", "completion"]
    importer.apply(plan)
    binh = Trainee.objects.get()
    assert (binh.phone, binh.completed_on) == ("0912345678", MARCH_12)


def test_headers_are_recognised_by_their_other_usual_names(officer_a, tree, course_a):
    headers = ["TT", "Họ tên", "SĐT", "Cơ quan", "Ngày tham dự", "Kết quả"]
    rows = [[1, "Lò Thị Mai", "+84 98 765 4321", "UBND xã", "05/03/2026", "Đạt"]]
    importer = importer_for(officer_a, tree.district_a, course_a)
    importer.apply(plan_of(importer, workbook(headers, rows)))
    mai = Trainee.objects.get(name="Lò Thị Mai")
    assert (mai.phone, mai.workplace, mai.completed_on) == ("0987654321", "UBND xã", MARCH_5)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("x", True), ("X", True), ("Có", True), ("Đạt", True), ("Hoàn thành", True), (1, True),
     ("yes", True), ("", False), ("Không", False), ("Chưa đạt", False), (0, False)],
)  # fmt: skip
def test_the_completed_cell_is_read_as_people_write_it(cell, expected):
    assert is_completed(cell) is expected


def test_the_course_comes_from_the_query_string_and_must_be_in_scope(
    officer_a, officer_b, tree, course_a
):
    factory = RequestFactory()
    request = factory.get("/imports/attendance/", {"course": course_a.pk})
    request.user = officer_a
    assert AttendanceImporter.options_from_request(request) == {"course": course_a.pk}
    request.user = officer_b
    with pytest.raises(Http404):
        AttendanceImporter.options_from_request(request)
    with pytest.raises(Http404):
        AttendanceImporter(user=officer_b, unit=tree.district_b, course=course_a.pk)
    missing = factory.get("/imports/attendance/")
    missing.user = officer_a
    with pytest.raises(Http404):
        AttendanceImporter.options_from_request(missing)


def test_the_whole_upload_preview_confirm_flow_works(client_for, officer_a, tree, course_a):
    client = client_for(officer_a)
    upload_url = reverse("imports:upload", args=["attendance"]) + f"?course={course_a.pk}"
    response = client.post(
        upload_url,
        {
            "file": SimpleUploadedFile("diem-danh.xlsx", workbook(HEADERS, good_rows())),
            "unit": tree.district_a.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    batch = ImportBatch.objects.get()
    assert batch.options == {"course": course_a.pk}
    preview = client.get(response["Location"])
    assert (preview.context["n_create"], preview.context["n_update"]) == (2, 2)
    client.post(reverse("imports:confirm", args=[batch.pk]))
    assert course_a.trainees.count() == 3


def test_an_officer_of_another_district_cannot_upload_attendance_for_the_course(
    client_for, officer_b, course_a
):
    upload_url = reverse("imports:upload", args=["attendance"]) + f"?course={course_a.pk}"
    assert client_for(officer_b).get(upload_url).status_code == 404


def test_a_province_officer_opens_the_attendance_import_for_a_province_course(
    client_for, province_officer, tree
):
    course = services.course_create(
        unit=tree.province, name="Blockchain trong quản lý", starts_on=datetime.date(2026, 3, 2)
    )
    upload_url = reverse("imports:upload", args=["attendance"]) + f"?course={course.pk}"
    assert client_for(province_officer).get(upload_url).status_code == 200
