"""Training pages: who may see and change what, what the pages show, how many queries."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from training import services
from training.models import Attendance, Course, Session, Trainee

pytestmark = pytest.mark.django_db

MARCH_2 = datetime.date(2026, 3, 2)


@pytest.fixture
def course_a(tree):
    """A course run by Huyện Định Hóa (district A)."""
    return services.course_create(
        unit=tree.district_a,
        name="Kỹ năng số cho tổ công nghệ số",
        audience="Thành viên tổ",
        starts_on=MARCH_2,
        ends_on=datetime.date(2026, 3, 31),
    )


@pytest.fixture
def session_a(course_a):
    return services.session_add(
        course=course_a, held_on=datetime.date(2026, 3, 5), place="Hội trường UBND huyện"
    )


@pytest.fixture
def trainees_a(course_a, tree):
    return [
        services.trainee_add(course=course_a, name="Lưu Văn Bình", phone="0912345678"),
        services.trainee_add(course=course_a, name="Nguyễn Thị Hằng", unit=tree.commune_a2),
        services.trainee_add(course=course_a, name="Hoàng Văn Đức", workplace="VNPT Định Hóa"),
    ]


def url(name: str, *args) -> str:
    return reverse(f"training:{name}", args=args)


def sheet_rows(content: bytes) -> list[list]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [list(r) for r in book.active.iter_rows(values_only=True)]


def streamed(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8-sig")


# --- Course list -----------------------------------------------------------------------------


def test_an_anonymous_visitor_is_sent_to_sign_in(client, course_a):
    response = client.get(url("course-list"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_an_area_officer_sees_the_courses_of_their_district_with_their_counts(
    client_for, officer_a, course_a, session_a, trainees_a
):
    services.trainee_complete(trainee=trainees_a[0], completed_on=datetime.date(2026, 3, 31))
    response = client_for(officer_a).get(url("course-list"))
    assert response.status_code == 200
    row = response.context["page"].object_list[0]
    assert (row.session_count, row.trainee_count, row.completed_count) == (1, 3, 1)
    assert "Kỹ năng số cho tổ công nghệ số" in response.content.decode()


def test_an_officer_of_another_district_does_not_see_the_course_in_the_list(
    client_for, officer_b, course_a
):
    response = client_for(officer_b).get(url("course-list"))
    assert list(response.context["page"].object_list) == []
    assert "Kỹ năng số" not in response.content.decode()


def test_the_province_officer_sees_district_and_province_courses(
    client_for, province_officer, course_a, tree
):
    services.course_create(unit=tree.province, name="Blockchain trong quản lý", starts_on=MARCH_2)
    response = client_for(province_officer).get(url("course-list"))
    names = {c.name for c in response.context["page"].object_list}
    assert names == {"Kỹ năng số cho tổ công nghệ số", "Blockchain trong quản lý"}


def test_the_course_list_search_ignores_accents_and_case(client_for, officer_a, course_a, tree):
    services.course_create(unit=tree.district_a, name="An toàn thông tin", starts_on=MARCH_2)
    response = client_for(officer_a).get(url("course-list"), {"q": "KY NANG SO"}, follow=True)
    assert [c.name for c in response.context["page"].object_list] == [
        "Kỹ năng số cho tổ công nghệ số"
    ]


def test_the_course_list_sorts_by_name(client_for, officer_a, course_a, tree):
    services.course_create(unit=tree.district_a, name="An toàn thông tin", starts_on=MARCH_2)
    response = client_for(officer_a).get(url("course-list"), {"sort": "name"})
    assert [c.name for c in response.context["page"].object_list] == [
        "An toàn thông tin",
        "Kỹ năng số cho tổ công nghệ số",
    ]


def test_an_empty_course_list_offers_to_create_a_course(client_for, officer_a, tree):
    response = client_for(officer_a).get(url("course-list"))
    body = response.content.decode()
    assert "Địa bàn của bạn chưa có khóa tập huấn nào." in body
    assert url("course-create") in body


def test_a_team_leader_sees_an_empty_course_list_without_a_create_button(
    client_for, leader_a, course_a
):
    response = client_for(leader_a).get(url("course-list"))
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == []
    assert url("course-create") not in response.content.decode()


def test_the_course_list_exports_to_excel_and_csv(
    client_for, officer_a, course_a, session_a, trainees_a
):
    client = client_for(officer_a)
    rows = sheet_rows(client.get(url("course-list"), {"export": "xlsx"}).getvalue())
    assert rows[1][:3] == ["Kỹ năng số cho tổ công nghệ số", "Huyện Định Hóa", "Thành viên tổ"]
    assert rows[1][5:] == [1, 3, 0]
    text = streamed(client.get(url("course-list"), {"export": "csv"}))
    assert "Kỹ năng số cho tổ công nghệ số,Huyện Định Hóa,Thành viên tổ,02/03/2026" in text


def test_course_list_queries_do_not_grow_with_the_courses(
    client_for, officer_a, tree, django_assert_max_num_queries
):
    for n in range(30):
        course = services.course_create(unit=tree.district_a, name=f"Khóa {n}", starts_on=MARCH_2)
        services.session_add(course=course, held_on=MARCH_2)
        services.trainee_add(course=course, name=f"Học viên {n}")
    client = client_for(officer_a)
    # session, user, user's scope unit, count of courses, one page of courses with their
    # organising unit and three counts (subqueries)
    with django_assert_max_num_queries(5):
        response = client.get(url("course-list"))
    assert response.context["page"].paginator.count == 30


# --- Course create and edit ------------------------------------------------------------------


def test_an_area_officer_creates_a_course_of_their_district(client_for, officer_a, tree):
    response = client_for(officer_a).post(
        url("course-create"),
        {
            "unit": tree.district_a.pk,
            "name": "Kỹ năng số",
            "starts_on": "02/03/2026",
            "ends_on": "31/03/2026",
        },
    )
    course = Course.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("course-detail", course.pk)
    assert (course.unit, course.starts_on) == (tree.district_a, MARCH_2)


def test_the_province_officer_creates_a_province_wide_course(client_for, province_officer, tree):
    response = client_for(province_officer).post(
        url("course-create"),
        {
            "unit": tree.province.pk,
            "name": "Blockchain trong quản lý",
            "audience": "250 cán bộ công nghệ thông tin",
            "starts_on": "02/03/2026",
        },
    )
    assert response.status_code == 302
    assert Course.objects.get().unit == tree.province


def test_an_officer_cannot_create_a_course_for_another_district(client_for, officer_a, tree):
    response = client_for(officer_a).post(
        url("course-create"),
        {"unit": tree.district_b.pk, "name": "Kỹ năng số", "starts_on": "02/03/2026"},
    )
    assert response.status_code == 200
    assert not Course.objects.exists()
    assert response.context["form"].errors["unit"]


def test_a_team_leader_may_not_create_a_course(client_for, leader_a):
    assert client_for(leader_a).get(url("course-create")).status_code == 403


def test_course_form_errors_keep_what_the_user_typed(client_for, officer_a, tree):
    response = client_for(officer_a).post(
        url("course-create"),
        {
            "unit": tree.district_a.pk,
            "name": "Chuyển đổi số cộng đồng",
            "starts_on": "31/03/2026",
            "ends_on": "02/03/2026",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Ngày kết thúc không được trước ngày bắt đầu." in body
    assert 'value="Chuyển đổi số cộng đồng"' in body
    assert 'value="02/03/2026"' in body
    assert not Course.objects.exists()


def test_a_missing_course_name_shows_django_s_vietnamese_message(client_for, officer_a, tree):
    response = client_for(officer_a).post(
        url("course-create"), {"unit": tree.district_a.pk, "starts_on": "02/03/2026"}
    )
    assert "Trường này là bắt buộc." in response.content.decode()


def test_an_area_officer_edits_a_course_of_their_district(client_for, officer_a, course_a):
    response = client_for(officer_a).post(
        url("course-edit", course_a.pk),
        {"name": "Kỹ năng số nâng cao", "starts_on": "02/03/2026"},
    )
    assert response.status_code == 302
    course_a.refresh_from_db()
    assert (course_a.name, course_a.ends_on) == ("Kỹ năng số nâng cao", None)


def test_an_officer_of_another_district_gets_404_editing_the_course(
    client_for, officer_b, course_a
):
    assert client_for(officer_b).get(url("course-edit", course_a.pk)).status_code == 404


# --- Course page -----------------------------------------------------------------------------


def test_the_course_page_shows_sessions_trainees_and_attendance_counts(
    client_for, officer_a, course_a, session_a, trainees_a
):
    services.attendance_set(session=session_a, trainee_ids=[trainees_a[0].pk])
    services.trainee_complete(trainee=trainees_a[0], completed_on=datetime.date(2026, 3, 31))
    response = client_for(officer_a).get(url("course-detail", course_a.pk))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Hội trường UBND huyện" in body
    assert [s.attendance_count for s in response.context["sessions"]] == [1]
    attended = {t.name: t.attended_count for t in response.context["page"].object_list}
    assert attended == {"Lưu Văn Bình": 1, "Nguyễn Thị Hằng": 0, "Hoàng Văn Đức": 0}
    assert "Hoàn thành ngày 31/03/2026" in body
    assert f"{reverse('imports:upload', args=['attendance'])}?course={course_a.pk}" in body
    assert url("session-attendance", session_a.pk) in body


def test_an_officer_of_another_district_gets_404_for_a_course_run_by_dinh_hoa(
    client_for, officer_b, course_a
):
    assert client_for(officer_b).get(url("course-detail", course_a.pk)).status_code == 404


def test_a_team_leader_gets_404_for_a_district_course(client_for, leader_a, course_a):
    assert client_for(leader_a).get(url("course-detail", course_a.pk)).status_code == 404


def test_the_course_page_searches_trainees_without_accents(
    client_for, officer_a, course_a, trainees_a
):
    response = client_for(officer_a).get(
        url("course-detail", course_a.pk), {"q": "hang"}, follow=True
    )
    assert [t.name for t in response.context["page"].object_list] == ["Nguyễn Thị Hằng"]


def test_the_trainees_of_a_course_export_to_excel_and_csv(
    client_for, officer_a, course_a, session_a, trainees_a
):
    services.attendance_set(session=session_a, trainee_ids=[trainees_a[0].pk])
    client = client_for(officer_a)
    rows = sheet_rows(client.get(url("course-detail", course_a.pk), {"export": "xlsx"}).getvalue())
    assert rows[0][0] == "Họ và tên"  # "Full name", already translated
    assert ["Hoàng Văn Đức", None, "VNPT Định Hóa", "Huyện Định Hóa", 0, None] in rows
    assert ["Lưu Văn Bình", "0912•••678", None, "Huyện Định Hóa", 1, None] in rows  # masked
    full = client.get(url("course-detail", course_a.pk), {"export": "xlsx", "numbers": "full"})
    assert ["Lưu Văn Bình", "0912345678", None, "Huyện Định Hóa", 1, None] in sheet_rows(
        full.getvalue()
    )
    text = streamed(client.get(url("course-detail", course_a.pk), {"export": "csv"}))
    assert "Nguyễn Thị Hằng,,,Xã Bảo Cường,0," in text


def test_course_page_queries_do_not_grow_with_the_trainees(
    client_for, officer_a, course_a, django_assert_max_num_queries
):
    sessions = [
        services.session_add(course=course_a, held_on=datetime.date(2026, 3, day))
        for day in (2, 9, 16)
    ]
    trainees = [services.trainee_add(course=course_a, name=f"Học viên {n}") for n in range(30)]
    for session in sessions:
        services.attendance_set(session=session, trainee_ids=[t.pk for t in trainees])
    client = client_for(officer_a)
    # session, user, user's scope unit, the course with its unit and counts, sessions with
    # attendance counts, count of trainees, one page of trainees with their unit and number
    # of sessions attended, units for the "add a trainee" form
    with django_assert_max_num_queries(9):
        response = client.get(url("course-detail", course_a.pk))
    assert len(response.context["page"].object_list) == 30
    assert {t.attended_count for t in response.context["page"].object_list} == {3}


# --- Sessions --------------------------------------------------------------------------------


def test_an_area_officer_adds_a_session(client_for, officer_a, course_a):
    response = client_for(officer_a).post(
        url("session-add", course_a.pk),
        {"held_on": "05/03/2026", "place": "Nhà văn hóa", "topic": "VNeID"},
    )
    assert response.status_code == 302
    assert Session.objects.get().held_on == datetime.date(2026, 3, 5)


def test_a_session_outside_the_course_dates_is_refused_keeping_the_input(
    client_for, officer_a, course_a
):
    response = client_for(officer_a).post(
        url("session-add", course_a.pk), {"held_on": "05/04/2026", "place": "Nhà văn hóa"}
    )
    body = response.content.decode()
    assert "Khóa học kết thúc ngày 31/03/2026; buổi học không thể muộn hơn." in body
    assert 'value="Nhà văn hóa"' in body
    assert not Session.objects.exists()


def test_an_officer_of_another_district_gets_404_adding_a_session(client_for, officer_b, course_a):
    response = client_for(officer_b).post(
        url("session-add", course_a.pk), {"held_on": "05/03/2026"}
    )
    assert response.status_code == 404


def test_a_team_leader_may_not_add_a_session(client_for, leader_a, course_a):
    assert client_for(leader_a).get(url("session-add", course_a.pk)).status_code == 403


def test_removing_a_session_asks_for_confirmation_first(client_for, officer_a, session_a):
    client = client_for(officer_a)
    page = client.get(url("session-remove", session_a.pk))
    assert page.status_code == 200
    assert "Đồng ý xóa buổi học" in page.content.decode()
    assert Session.objects.exists()
    response = client.post(url("session-remove", session_a.pk))
    assert response.status_code == 302
    assert not Session.objects.exists()


def test_a_session_with_attendance_is_not_removed(client_for, officer_a, session_a, trainees_a):
    services.attendance_set(session=session_a, trainee_ids=[trainees_a[0].pk])
    response = client_for(officer_a).post(url("session-remove", session_a.pk))
    assert response.status_code == 200
    assert "1 học viên đã dự buổi này" in response.content.decode()
    assert Session.objects.exists()


def test_an_officer_of_another_district_gets_404_removing_a_session(
    client_for, officer_b, session_a
):
    assert client_for(officer_b).post(url("session-remove", session_a.pk)).status_code == 404
    assert Session.objects.exists()


# --- Attendance ------------------------------------------------------------------------------


def test_the_attendance_page_shows_who_already_attended_as_ticked(
    client_for, officer_a, session_a, trainees_a
):
    binh = trainees_a[0]
    services.attendance_set(session=session_a, trainee_ids=[binh.pk])
    response = client_for(officer_a).get(url("session-attendance", session_a.pk))
    body = response.content.decode()
    assert response.status_code == 200
    assert f'value="{binh.pk}" id="ticked-{binh.pk}" checked' in body
    assert f'value="{trainees_a[1].pk}" id="ticked-{trainees_a[1].pk}">' in body


def test_ticking_names_records_exactly_who_attended(client_for, officer_a, session_a, trainees_a):
    binh, hang, duc = trainees_a
    services.attendance_set(session=session_a, trainee_ids=[binh.pk])
    response = client_for(officer_a).post(
        url("session-attendance", session_a.pk),
        {"shown": [binh.pk, hang.pk, duc.pk], "ticked": [hang.pk, duc.pk]},
    )
    assert response.status_code == 302
    assert set(session_a.attendances.values_list("trainee_id", flat=True)) == {hang.pk, duc.pk}


def test_the_attendance_search_ignores_accents_and_keeps_the_others_ticks(
    client_for, officer_a, session_a, trainees_a
):
    binh, hang, duc = trainees_a
    services.attendance_set(session=session_a, trainee_ids=[binh.pk])
    client = client_for(officer_a)
    searched = client.post(url("session-attendance", session_a.pk), {"_search": "1", "q": "DUC"})
    listing = searched["Location"]
    assert "DUC" not in listing and "?s=" in listing
    page = client.get(listing)
    assert [t.name for t in page.context["trainees"]] == ["Hoàng Văn Đức"]
    response = client.post(listing, {"shown": [duc.pk], "ticked": [duc.pk]})
    assert response["Location"] == listing
    assert set(session_a.attendances.values_list("trainee_id", flat=True)) == {binh.pk, duc.pk}


def test_attendance_cannot_tick_a_trainee_of_another_course(
    client_for, officer_a, session_a, trainees_a, tree
):
    other = services.course_create(unit=tree.district_a, name="Khác", starts_on=MARCH_2)
    stranger = services.trainee_add(course=other, name="Trần Văn Lạ")
    response = client_for(officer_a).post(
        url("session-attendance", session_a.pk), {"shown": [stranger.pk], "ticked": [stranger.pk]}
    )
    assert response.status_code == 200
    assert not Attendance.objects.exists()


def test_an_officer_of_another_district_gets_404_for_the_attendance_page(
    client_for, officer_b, session_a
):
    assert client_for(officer_b).get(url("session-attendance", session_a.pk)).status_code == 404


def test_a_team_leader_may_not_record_attendance(client_for, leader_a, session_a):
    assert client_for(leader_a).get(url("session-attendance", session_a.pk)).status_code == 403


# --- Trainees and completion -----------------------------------------------------------------


def test_an_area_officer_adds_a_trainee_from_the_course_page(client_for, officer_a, course_a, tree):
    response = client_for(officer_a).post(
        url("trainee-add", course_a.pk),
        {"name": "Ma Văn Sơn", "phone": "0388 111 222", "unit": tree.commune_a.pk},
    )
    assert response.status_code == 302
    trainee = Trainee.objects.get()
    assert (trainee.phone, trainee.unit) == ("0388111222", tree.commune_a)


def test_a_duplicate_trainee_is_refused_keeping_what_was_typed(
    client_for, officer_a, course_a, trainees_a
):
    response = client_for(officer_a).post(
        url("trainee-add", course_a.pk),
        {"name": "luu van binh", "phone": "912345678", "workplace": "Công an xã"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Người này đã là học viên của khóa học." in body
    assert 'value="Công an xã"' in body
    assert Trainee.objects.count() == 3


def test_a_trainee_of_another_district_cannot_be_chosen(client_for, officer_a, course_a, tree):
    response = client_for(officer_a).post(
        url("trainee-add", course_a.pk), {"name": "Ma Văn Sơn", "unit": tree.commune_b.pk}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["unit"]
    assert not Trainee.objects.exists()


def test_an_officer_of_another_district_gets_404_adding_a_trainee(client_for, officer_b, course_a):
    response = client_for(officer_b).post(url("trainee-add", course_a.pk), {"name": "Ma Văn Sơn"})
    assert response.status_code == 404
    assert not Trainee.objects.exists()


def test_a_team_leader_may_not_add_a_trainee(client_for, leader_a, course_a):
    assert client_for(leader_a).post(url("trainee-add", course_a.pk)).status_code == 403


def test_completion_is_recorded_for_the_ticked_trainees(
    client_for, officer_a, course_a, trainees_a
):
    binh, hang, duc = trainees_a
    client = client_for(officer_a)
    response = client.post(
        url("completion", course_a.pk),
        {
            "shown": [binh.pk, hang.pk, duc.pk],
            "ticked": [binh.pk, duc.pk],
            "completed_on": "31/03/2026",
        },
    )
    assert response.status_code == 302
    completed = dict(Trainee.objects.values_list("name", "completed_on"))
    assert completed == {
        "Lưu Văn Bình": datetime.date(2026, 3, 31),
        "Nguyễn Thị Hằng": None,
        "Hoàng Văn Đức": datetime.date(2026, 3, 31),
    }
    page = client.get(url("completion", course_a.pk))
    assert page.context["ticked"] == {binh.pk, duc.pk}


def test_a_completion_date_in_the_future_is_refused_keeping_the_ticks(
    client_for, officer_a, course_a, trainees_a
):
    binh = trainees_a[0]
    response = client_for(officer_a).post(
        url("completion", course_a.pk),
        {"shown": [binh.pk], "ticked": [binh.pk], "completed_on": "01/01/2099"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Ngày không được ở tương lai." in body  # shared with teams, already translated
    assert f'id="ticked-{binh.pk}" checked' in body
    assert not Trainee.objects.completed().exists()


def test_an_officer_of_another_district_gets_404_for_the_completion_page(
    client_for, officer_b, course_a
):
    assert client_for(officer_b).get(url("completion", course_a.pk)).status_code == 404


def test_a_team_leader_may_not_record_completion(client_for, leader_a, course_a):
    assert client_for(leader_a).get(url("completion", course_a.pk)).status_code == 403
