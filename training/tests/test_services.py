"""Training services: every write checks its input and says which field is wrong."""

from __future__ import annotations

import datetime
import unicodedata

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from training import services
from training.models import Attendance, Course, Session, Trainee

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Messages are checked in their source language here, whatever translations exist
    (outside a request the portal speaks Vietnamese); test_views checks what users see."""
    with translation.override("en"):
        yield


MARCH_2 = datetime.date(2026, 3, 2)
MARCH_31 = datetime.date(2026, 3, 31)


@pytest.fixture
def course(tree):
    return services.course_create(
        unit=tree.district_a,
        name="Kỹ năng số cho tổ công nghệ số",
        audience="Thành viên tổ",
        starts_on=MARCH_2,
        ends_on=MARCH_31,
    )


def errors_of(excinfo) -> dict[str, list[str]]:
    return excinfo.value.message_dict


# --- Courses ---------------------------------------------------------------------------------


def test_a_course_is_created_with_its_name_in_nfc_and_a_folded_search_key(tree):
    course = services.course_create(
        unit=tree.province,
        name=unicodedata.normalize("NFD", "  Blockchain trong  quản lý "),
        starts_on=MARCH_2,
    )
    assert course.name == "Blockchain trong quản lý"
    assert unicodedata.is_normalized("NFC", course.name)
    assert course.search_key == "blockchain trong quan ly"
    assert course.ends_on is None


def test_a_course_cannot_end_before_it_starts(tree):
    with pytest.raises(ValidationError) as excinfo:
        services.course_create(
            unit=tree.district_a,
            name="Khóa học",
            starts_on=MARCH_31,
            ends_on=MARCH_2,
        )
    assert errors_of(excinfo) == {"ends_on": ["A course cannot end before it starts."]}
    assert not Course.objects.exists()


def test_a_course_needs_a_name(tree):
    with pytest.raises(ValidationError) as excinfo:
        services.course_create(unit=tree.district_a, name="   ", starts_on=MARCH_2)
    assert "name" in errors_of(excinfo)


def test_a_hamlet_cannot_organise_a_course(tree):
    with pytest.raises(ValidationError) as excinfo:
        services.course_create(unit=tree.hamlet_a, name="Khóa học", starts_on=MARCH_2)
    assert errors_of(excinfo) == {
        "unit": ["A course is organised by a province, a district or a commune."]
    }


def test_updating_a_course_changes_its_name_and_search_key(course):
    services.course_update(
        course=course,
        name="Chuyển đổi số",
        audience="",
        description="Mô tả",
        starts_on=MARCH_2,
        ends_on=None,
    )
    course.refresh_from_db()
    assert (course.name, course.search_key, course.ends_on) == (
        "Chuyển đổi số",
        "chuyen doi so",
        None,
    )


def test_a_course_cannot_be_moved_to_start_after_one_of_its_sessions(course):
    services.session_add(course=course, held_on=datetime.date(2026, 3, 5))
    with pytest.raises(ValidationError) as excinfo:
        services.course_update(
            course=course, name=course.name, starts_on=datetime.date(2026, 3, 10), ends_on=None
        )
    assert errors_of(excinfo) == {
        "starts_on": ["A session was held on 05/03/2026, before this date."]
    }


# --- Sessions --------------------------------------------------------------------------------


def test_a_session_is_added_within_the_course_dates(course):
    session = services.session_add(
        course=course, held_on=datetime.date(2026, 3, 5), place=" Hội trường  UBND ", topic="VNeID"
    )
    assert (session.place, session.topic) == ("Hội trường UBND", "VNeID")


def test_a_session_cannot_be_held_before_the_course_starts_or_after_it_ends(course):
    with pytest.raises(ValidationError) as before:
        services.session_add(course=course, held_on=datetime.date(2026, 3, 1))
    with pytest.raises(ValidationError) as after:
        services.session_add(course=course, held_on=datetime.date(2026, 4, 1))
    assert errors_of(before) == {
        "held_on": ["The course starts on 02/03/2026; a session cannot be earlier."]
    }
    assert errors_of(after) == {
        "held_on": ["The course ends on 31/03/2026; a session cannot be later."]
    }
    assert not Session.objects.exists()


def test_a_session_nobody_attended_can_be_removed(course):
    session = services.session_add(course=course, held_on=MARCH_2)
    services.session_remove(session=session)
    assert not Session.objects.exists()


def test_a_session_with_attendance_cannot_be_removed(course):
    session = services.session_add(course=course, held_on=MARCH_2)
    trainee = services.trainee_add(course=course, name="Lưu Văn Bình")
    services.attendance_set(session=session, trainee_ids=[trainee.pk])
    with pytest.raises(ValidationError) as excinfo:
        services.session_remove(session=session)
    assert "1 trainees attended this session" in excinfo.value.messages[0]
    assert Session.objects.filter(pk=session.pk).exists()


# --- Trainees --------------------------------------------------------------------------------


def test_a_trainee_gets_a_normalised_phone_and_the_course_unit_by_default(course):
    trainee = services.trainee_add(
        course=course,
        name=unicodedata.normalize("NFD", "Nguyễn Thị Hằng"),
        phone="+84 912 345 678",
        workplace=" Công chức  văn hóa xã ",
    )
    assert trainee.name == "Nguyễn Thị Hằng"
    assert trainee.search_key == "nguyen thi hang"
    assert trainee.phone == "0912345678"
    assert trainee.workplace == "Công chức văn hóa xã"
    assert trainee.unit == course.unit


def test_a_trainee_may_work_in_a_commune_below_the_course_unit(course, tree):
    trainee = services.trainee_add(course=course, name="Ma Văn Sơn", unit=tree.commune_a2)
    assert trainee.unit == tree.commune_a2


def test_a_trainee_cannot_work_outside_the_course_unit(course, tree):
    with pytest.raises(ValidationError) as excinfo:
        services.trainee_add(course=course, name="Ma Văn Sơn", unit=tree.commune_b)
    assert errors_of(excinfo) == {
        "unit": ["Thị trấn Hùng Sơn is outside Huyện Định Hóa, which runs this course."]
    }


def test_a_bad_phone_is_refused_naming_the_phone_field(course):
    with pytest.raises(ValidationError) as excinfo:
        services.trainee_add(course=course, name="Ma Văn Sơn", phone="12345")
    assert errors_of(excinfo) == {
        "phone": ["“12345” is not a Vietnamese mobile or landline number."]
    }


def test_a_trainee_needs_a_name(course):
    with pytest.raises(ValidationError) as excinfo:
        services.trainee_add(course=course, name="  ")
    assert "name" in errors_of(excinfo)


def test_the_same_person_cannot_join_a_course_twice_whatever_the_accents(course):
    services.trainee_add(course=course, name="Nguyễn Thị Hằng", phone="0912345678")
    with pytest.raises(ValidationError) as excinfo:
        services.trainee_add(course=course, name="nguyen thi hang", phone="912345678")
    assert errors_of(excinfo) == {"name": ["This person is already a trainee of this course."]}
    # Same name with another phone is another person.
    services.trainee_add(course=course, name="Nguyễn Thị Hằng", phone="0987654321")
    assert Trainee.objects.count() == 2


# --- Attendance and completion ---------------------------------------------------------------


@pytest.fixture
def session_and_trainees(course):
    session = services.session_add(course=course, held_on=MARCH_2)
    trainees = [
        services.trainee_add(course=course, name=name)
        for name in ("Lưu Văn Bình", "Nguyễn Thị Hằng", "Hoàng Văn Đức")
    ]
    return session, trainees


def test_the_ticked_trainees_become_exactly_the_attendance_of_a_session(session_and_trainees):
    session, (binh, hang, duc) = session_and_trainees
    services.attendance_set(session=session, trainee_ids=[binh.pk, hang.pk])
    result = services.attendance_set(session=session, trainee_ids=[hang.pk, duc.pk])
    attendees = set(session.attendances.values_list("trainee_id", flat=True))
    assert attendees == {hang.pk, duc.pk}
    assert result == {"added": 1, "removed": 1, "present": 2}


def test_attendance_of_trainees_not_shown_in_a_filtered_list_is_kept(session_and_trainees):
    session, (binh, hang, duc) = session_and_trainees
    services.attendance_set(session=session, trainee_ids=[binh.pk, hang.pk])
    # The list showed only Hằng and Đức; Hằng was unticked, Đức ticked; Bình was not shown.
    services.attendance_set(session=session, trainee_ids=[duc.pk], among=[hang.pk, duc.pk])
    attendees = set(session.attendances.values_list("trainee_id", flat=True))
    assert attendees == {binh.pk, duc.pk}


def test_attendance_refuses_trainees_of_another_course_and_changes_nothing(
    session_and_trainees, tree
):
    session, (binh, _hang, _duc) = session_and_trainees
    other = services.course_create(unit=tree.district_b, name="Khác", starts_on=MARCH_2)
    stranger = services.trainee_add(course=other, name="Trần Văn Lạ")
    with pytest.raises(ValidationError) as excinfo:
        services.attendance_set(session=session, trainee_ids=[binh.pk, stranger.pk])
    assert excinfo.value.messages == ["Some of the ticked people are not trainees of this course."]
    assert not Attendance.objects.exists()


def test_a_trainee_completes_and_uncompletes_a_course(session_and_trainees):
    _session, (binh, _hang, _duc) = session_and_trainees
    services.trainee_complete(trainee=binh, completed_on=MARCH_31)
    binh.refresh_from_db()
    assert binh.completed_on == MARCH_31
    services.trainee_uncomplete(trainee=binh)
    binh.refresh_from_db()
    assert binh.completed_on is None


def test_completion_cannot_be_dated_in_the_future_or_before_the_course(session_and_trainees):
    _session, (binh, _hang, _duc) = session_and_trainees
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as future:
        services.trainee_complete(trainee=binh, completed_on=tomorrow)
    with pytest.raises(ValidationError) as early:
        services.trainee_complete(trainee=binh, completed_on=datetime.date(2026, 1, 1))
    assert errors_of(future) == {"completed_on": ["The date cannot be in the future."]}
    assert errors_of(early) == {
        "completed_on": ["The course starts on 02/03/2026; nobody completes it earlier."]
    }


def test_bulk_completion_ticks_and_unticks_only_the_trainees_shown(session_and_trainees, course):
    _session, (binh, hang, duc) = session_and_trainees
    services.trainee_complete(trainee=binh, completed_on=MARCH_2)
    services.trainee_complete(trainee=hang, completed_on=MARCH_2)
    result = services.completion_set(
        course=course, trainee_ids=[binh.pk, duc.pk], completed_on=MARCH_31, among=[binh.pk, duc.pk]
    )
    dates = dict(course.trainees.values_list("name", "completed_on"))
    assert dates == {
        "Lưu Văn Bình": MARCH_2,  # already completed: keeps its date
        "Nguyễn Thị Hằng": MARCH_2,  # not shown: unchanged
        "Hoàng Văn Đức": MARCH_31,
    }
    assert result == {"completed": 1, "uncompleted": 0}
    services.completion_set(course=course, trainee_ids=[], completed_on=MARCH_31)
    assert not course.trainees.completed().exists()
