"""Household and citizen pages: who sees and changes what, what they show, what they cost."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from citizens import services
from citizens.models import Citizen, Household
from tests.consent import CONSENTED

pytestmark = [pytest.mark.django_db, pytest.mark.urls("citizens.tests.urls")]

ID_NUMBER = "019085007799"


@pytest.fixture
def household_a(tree):
    household = services.household_create(
        consent_on=CONSENTED,
        hamlet=tree.hamlet_a,
        head_name="Lưu Văn Bình",
        address="Số 12, đường Trung Kiên",
        member_count=3,
        smartphone_count=2,
    )
    services.citizen_create(
        household=household,
        full_name="Lưu Văn Bình",
        birth_year=1970,
        sex="male",
        phone="0912345678",
        id_number=ID_NUMBER,
    )
    services.citizen_create(
        household=household, full_name="Nguyễn Thị Hằng", birth_year=1975, sex="female"
    )
    return household


@pytest.fixture
def household_b(tree):
    household = services.household_create(
        consent_on=CONSENTED, hamlet=tree.hamlet_b, head_name="Trần Văn Nam"
    )
    services.citizen_create(household=household, full_name="Trần Văn Nam", birth_year=1960)
    return household


@pytest.fixture
def other_hamlet_household(tree):
    """A household of Định Hóa outside Tổ dân phố Trung Kiên (leader_a's hamlet)."""
    from areas.services import hamlet_create

    hamlet = hamlet_create(commune=tree.commune_a2, name="Xóm Đồng Tâm")
    return services.household_create(consent_on=CONSENTED, hamlet=hamlet, head_name="Ma Văn Sơn")


def many_households(hamlet, count: int = 32) -> None:
    for i in range(count):
        household = services.household_create(
            consent_on=CONSENTED,
            hamlet=hamlet,
            head_name=f"Hộ số {i}",
            address=f"Số {i}",
            member_count=2,
        )
        services.citizen_create(household=household, full_name=f"Người {i}", phone="0912345678")
        services.citizen_create(household=household, full_name=f"Con {i}", birth_year=2010)


def page(response) -> str:
    return response.content.decode()


# --- households list ----------------------------------------------------------------------------


def test_area_officer_sees_the_households_of_their_district_only(
    client_for, officer_a, household_a, household_b
):
    response = client_for(officer_a).get(reverse("citizens:household-list"))
    assert response.status_code == 200
    assert "Lưu Văn Bình" in page(response)
    assert "Trần Văn Nam" not in page(response)
    assert response.context["counts"]["households"] == 1
    assert response.context["page"].object_list[0].citizen_count == 2


def test_team_leader_sees_only_the_households_of_their_hamlet(
    client_for, leader_a, household_a, other_hamlet_household
):
    response = client_for(leader_a).get(reverse("citizens:household-list"))
    assert [h.head_name for h in response.context["page"]] == ["Lưu Văn Bình"]


def test_anonymous_visitors_are_sent_to_sign_in(client, household_a):
    response = client.get(reverse("citizens:household-list"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_households_search_ignores_accents_and_matches_the_house_number(
    client_for, officer_a, household_a, tree
):
    services.household_create(
        consent_on=CONSENTED, hamlet=tree.hamlet_a, head_name="Hoàng Văn Đức", address="Số 7"
    )
    client = client_for(officer_a)
    url = reverse("citizens:household-list")
    for words in ("luu van", "LƯU VĂN", "so 12", "12", "Số 12"):
        found = [h.head_name for h in client.get(url, {"q": words}, follow=True).context["page"]]
        assert found == ["Lưu Văn Bình"], words
    assert "Không có hộ nào phù hợp." in page(client.get(url, {"q": "khong co"}, follow=True))


def test_households_can_be_filtered_by_hamlet(client_for, officer_a, household_a, tree):
    other = services.household_create(
        consent_on=CONSENTED, hamlet=tree.hamlet_a, head_name="Ma Văn Sơn"
    ).hamlet
    from areas.services import hamlet_create

    dong_tam = hamlet_create(commune=tree.commune_a2, name="Xóm Đồng Tâm")
    services.household_create(consent_on=CONSENTED, hamlet=dong_tam, head_name="Hà Thị Lan")
    client = client_for(officer_a)
    url = reverse("citizens:household-list")
    response = client.get(url, {"unit": dong_tam.pk})
    assert [h.head_name for h in response.context["page"]] == ["Hà Thị Lan"]
    response = client.get(url, {"unit": other.pk})
    assert {h.head_name for h in response.context["page"]} == {"Lưu Văn Bình", "Ma Văn Sơn"}
    # The menu offers the hamlets of the area, grouped by commune.
    assert "Xóm Đồng Tâm" in page(response) and "Bảo Cường" in page(response)


def test_an_empty_area_shows_how_to_start(client_for, officer_a):
    response = client_for(officer_a).get(reverse("citizens:household-list"))
    assert "Địa bàn của bạn chưa ghi nhận hộ nào." in page(response)
    assert reverse("imports:upload", args=["households"]) in page(response)


def test_province_officers_read_but_get_no_buttons_to_change(
    client_for, province_officer, household_a
):
    response = client_for(province_officer).get(reverse("citizens:household-list"))
    assert "Lưu Văn Bình" in page(response)
    assert reverse("citizens:household-create") not in page(response)
    assert reverse("imports:upload", args=["households"]) not in page(response)


def test_the_households_list_does_not_grow_in_queries_with_the_data(
    client_for, officer_a, tree, django_assert_max_num_queries
):
    many_households(tree.hamlet_a)
    client = client_for(officer_a)
    # session, user, user's scope unit, no roll-up yet, the headline counts (the paginator's
    # total too), the scope's hamlets in order, their households per hamlet, one page of
    # households with their hamlet and commune, the page's citizen counts, hamlets for the menu
    with django_assert_max_num_queries(11):
        response = client.get(reverse("citizens:household-list"))
    assert response.context["page"].paginator.count == 32


def test_the_households_list_exports_to_excel_and_csv(client_for, officer_a, household_a):
    client = client_for(officer_a)
    url = reverse("citizens:household-list")
    response = client.get(url, {"export": "xlsx"})
    assert response["Content-Disposition"].endswith('ho-gia-dinh.xlsx"')
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:7] == (
        "Thị trấn Chợ Chu",
        "Tổ dân phố Trung Kiên",
        "Lưu Văn Bình",
        "Số 12, đường Trung Kiên",
        3,
        2,
        2,
    )
    response = client.get(url, {"export": "csv", "q": "luu"}, follow=True)
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert len(lines) == 2 and lines[1][2] == "Lưu Văn Bình"


# --- household detail ---------------------------------------------------------------------------


def test_area_officer_sees_a_household_of_their_district_with_masked_phones_and_ids(
    client_for, officer_a, household_a
):
    response = client_for(officer_a).get(
        reverse("citizens:household-detail", args=[household_a.pk])
    )
    assert response.status_code == 200
    html = page(response)
    assert "Nguyễn Thị Hằng" in html
    assert "0912•••678" in html and "0912345678" not in html
    assert "••••••••7799" in html and ID_NUMBER not in html


def test_area_officer_gets_404_for_a_household_of_another_district(
    client_for, officer_b, household_a
):
    response = client_for(officer_b).get(
        reverse("citizens:household-detail", args=[household_a.pk])
    )
    assert response.status_code == 404


def test_team_leader_sees_a_household_of_their_hamlet(client_for, leader_a, household_a):
    response = client_for(leader_a).get(reverse("citizens:household-detail", args=[household_a.pk]))
    assert response.status_code == 200


def test_team_leader_gets_404_for_a_household_of_another_hamlet(
    client_for, leader_a, other_hamlet_household
):
    response = client_for(leader_a).get(
        reverse("citizens:household-detail", args=[other_hamlet_household.pk])
    )
    assert response.status_code == 404


def test_the_household_page_does_not_grow_in_queries_with_its_citizens(
    client_for, officer_a, household_a, django_assert_max_num_queries
):
    for i in range(30):
        services.citizen_create(household=household_a, full_name=f"Người {i}", phone="0912345678")
    client = client_for(officer_a)
    # session, user, user's scope unit, the household with its hamlet, commune and recorder,
    # its citizens, the breadcrumbs, the apps, what each citizen has per app, its visits,
    # the versions of the household and of its citizens
    with django_assert_max_num_queries(12):
        response = client.get(reverse("citizens:household-detail", args=[household_a.pk]))
    assert len(response.context["citizens"]) == 32


# --- household create and edit ------------------------------------------------------------------


def test_area_officer_records_a_household_in_a_hamlet_of_their_area(client_for, officer_a, tree):
    response = client_for(officer_a).post(
        reverse("citizens:household-create"),
        {
            "hamlet": tree.hamlet_a.pk,
            "head_name": "Hoàng Văn Đức",
            "address": "Số 3",
            "member_count": "4",
            "smartphone_count": "1",
            "consent_on": "05/03/2026",
        },
    )
    household = Household.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("citizens:household-detail", args=[household.pk])
    assert household.consent_on.isoformat() == "2026-03-05"
    assert household.consent_recorded_by == officer_a


def test_the_hamlet_menu_offers_only_hamlets_of_the_users_area(client_for, officer_b, tree):
    client = client_for(officer_b)
    response = client.get(reverse("citizens:household-create"))
    assert list(response.context["form"].fields["hamlet"].queryset) == [tree.hamlet_b]
    response = client.post(
        reverse("citizens:household-create"),
        {
            "hamlet": tree.hamlet_a.pk,
            "head_name": "Hoàng Văn Đức",
            "member_count": "1",
            "smartphone_count": "0",
        },
    )
    assert response.status_code == 200
    assert not Household.objects.exists()


def test_team_leader_records_a_household_in_their_hamlet(client_for, leader_a, tree):
    response = client_for(leader_a).post(
        reverse("citizens:household-create"),
        {
            "hamlet": tree.hamlet_a.pk,
            "head_name": "Hoàng Văn Đức",
            "member_count": "1",
            "smartphone_count": "0",
        },
    )
    assert response.status_code == 302
    assert Household.objects.get().hamlet == tree.hamlet_a


def test_province_officer_cannot_record_a_household(client_for, province_officer, tree):
    response = client_for(province_officer).get(reverse("citizens:household-create"))
    assert response.status_code == 403


def test_household_form_errors_keep_what_was_typed(client_for, officer_a, household_a, tree):
    response = client_for(officer_a).post(
        reverse("citizens:household-create"),
        {
            "hamlet": tree.hamlet_a.pk,
            "head_name": "Lưu Văn Bình",
            "address": "Số 12, đường Trung Kiên",
            "member_count": "3",
            "smartphone_count": "nhiều",
            "consent_on": "",
        },
    )
    assert response.status_code == 200
    html = page(response)
    assert 'value="Số 12, đường Trung Kiên"' in html
    assert 'value="nhiều"' in html
    assert "Hãy nhập số bằng chữ số, ví dụ 3." in html  # not Django's "Nhập một số tổng thể."
    response = client_for(officer_a).post(
        reverse("citizens:household-create"),
        {
            "hamlet": tree.hamlet_a.pk,
            "head_name": "Lưu Văn Bình",
            "address": "Số 12, đường Trung Kiên",
            "member_count": "3",
            "smartphone_count": "0",
        },
    )
    assert "Hộ này (cùng chủ hộ và địa chỉ) đã có trong thôn, tổ." in page(response)
    assert Household.objects.count() == 1


def test_area_officer_edits_a_household_of_their_district(client_for, officer_a, household_a, tree):
    response = client_for(officer_a).post(
        reverse("citizens:household-edit", args=[household_a.pk]),
        {
            "hamlet": tree.hamlet_a.pk,
            "head_name": "Lưu Văn Bình",
            "address": "Số 14",
            "member_count": "5",
            "smartphone_count": "2",
            "consent_on": "05/01/2026",
        },
    )
    assert response.status_code == 302
    household_a.refresh_from_db()
    assert (household_a.address, household_a.member_count) == ("Số 14", 5)


def test_area_officer_gets_404_editing_a_household_of_another_district(
    client_for, officer_b, household_a
):
    response = client_for(officer_b).get(reverse("citizens:household-edit", args=[household_a.pk]))
    assert response.status_code == 404


def test_team_leader_gets_404_editing_a_household_of_another_hamlet(
    client_for, leader_a, other_hamlet_household
):
    response = client_for(leader_a).get(
        reverse("citizens:household-edit", args=[other_hamlet_household.pk])
    )
    assert response.status_code == 404


# --- citizen add and edit -----------------------------------------------------------------------


def test_area_officer_adds_a_citizen_to_a_household_of_their_district(
    client_for, officer_a, household_a
):
    response = client_for(officer_a).post(
        reverse("citizens:citizen-add", args=[household_a.pk]),
        {
            "full_name": "Lưu Thị Mai",
            "birth_year": "2001",
            "sex": "female",
            "phone": "0388 111 222",
            "id_number": "019.301.004.321",
        },
    )
    assert response.status_code == 302
    citizen = household_a.citizens.get(full_name="Lưu Thị Mai")
    assert citizen.phone == "0388111222"
    assert citizen.masked_id_number == "••••••••4321"


def test_area_officer_gets_404_adding_a_citizen_to_a_household_of_another_district(
    client_for, officer_b, household_a
):
    response = client_for(officer_b).post(
        reverse("citizens:citizen-add", args=[household_a.pk]), {"full_name": "Lưu Thị Mai"}
    )
    assert response.status_code == 404
    assert household_a.citizens.count() == 2


def test_team_leader_adds_a_citizen_in_their_hamlet(client_for, leader_a, household_a):
    response = client_for(leader_a).post(
        reverse("citizens:citizen-add", args=[household_a.pk]), {"full_name": "Lưu Thị Mai"}
    )
    assert response.status_code == 302
    assert household_a.citizens.count() == 3


def test_province_officer_cannot_add_a_citizen(client_for, province_officer, household_a):
    response = client_for(province_officer).post(
        reverse("citizens:citizen-add", args=[household_a.pk]), {"full_name": "Lưu Thị Mai"}
    )
    assert response.status_code == 403


def test_citizen_form_errors_keep_what_was_typed(client_for, officer_a, household_a):
    response = client_for(officer_a).post(
        reverse("citizens:citizen-add", args=[household_a.pk]),
        {
            "full_name": "Lưu Thị Mai",
            "birth_year": "1850",
            "sex": "female",
            "phone": "0388 111 222",
            "id_number": "0193",
        },
    )
    assert response.status_code == 200
    html = page(response)
    assert 'value="Lưu Thị Mai"' in html and 'value="0388 111 222"' in html
    assert 'value="1850"' in html
    # The service stops at the first problem it finds; the ID number is checked first.
    assert "Kiểm tra lại số CCCD: đủ 12 chữ số, đúng của người này." in html
    assert household_a.citizens.count() == 2


def test_a_duplicate_citizen_id_number_is_shown_beside_the_field(
    client_for, officer_a, household_a
):
    response = client_for(officer_a).post(
        reverse("citizens:citizen-add", args=[household_a.pk]),
        {"full_name": "Lưu Thị Mai", "id_number": ID_NUMBER},
    )
    assert "Số CCCD này đã được ghi nhận tại Tổ dân phố Trung Kiên." in page(response)


def test_an_empty_citizen_name_gets_djangos_required_message(client_for, officer_a, household_a):
    response = client_for(officer_a).post(
        reverse("citizens:citizen-add", args=[household_a.pk]), {"full_name": ""}
    )
    assert "Trường này là bắt buộc." in page(response)


def test_citizen_edit_never_shows_the_id_number_only_its_last_digits(
    client_for, officer_a, household_a
):
    citizen = household_a.citizens.get(full_name="Lưu Văn Bình")
    client = client_for(officer_a)
    response = client.get(reverse("citizens:citizen-edit", args=[citizen.pk]))
    assert ID_NUMBER not in page(response)
    assert "••••••••7799" in page(response)
    response = client.post(
        reverse("citizens:citizen-edit", args=[citizen.pk]),
        {
            "full_name": "Lưu Văn Bình",
            "birth_year": "1971",
            "sex": "male",
            "phone": "",
            "id_number": "",
        },
    )
    assert response.status_code == 302
    citizen.refresh_from_db()
    assert citizen.birth_year == 1971 and citizen.id_number_last4 == "7799"


def test_area_officer_gets_404_editing_a_citizen_of_another_district(
    client_for, officer_b, household_a
):
    citizen = household_a.citizens.first()
    response = client_for(officer_b).get(reverse("citizens:citizen-edit", args=[citizen.pk]))
    assert response.status_code == 404


def test_team_leader_gets_404_editing_a_citizen_of_another_hamlet(
    client_for, leader_a, other_hamlet_household
):
    citizen = services.citizen_create(household=other_hamlet_household, full_name="Ma Văn Sơn")
    response = client_for(leader_a).get(reverse("citizens:citizen-edit", args=[citizen.pk]))
    assert response.status_code == 404


# --- citizens list ------------------------------------------------------------------------------


def test_area_officer_lists_the_citizens_of_their_district_with_masked_phones(
    client_for, officer_a, household_a, household_b
):
    response = client_for(officer_a).get(reverse("citizens:citizen-list"))
    names = [c.full_name for c in response.context["page"]]
    assert sorted(names) == ["Lưu Văn Bình", "Nguyễn Thị Hằng"]
    assert "0912•••678" in page(response) and "0912345678" not in page(response)


def test_team_leader_lists_only_the_citizens_of_their_hamlet(
    client_for, leader_a, household_a, other_hamlet_household
):
    services.citizen_create(household=other_hamlet_household, full_name="Ma Văn Sơn")
    response = client_for(leader_a).get(reverse("citizens:citizen-list"))
    assert "Ma Văn Sơn" not in [c.full_name for c in response.context["page"]]
    assert response.context["page"].paginator.count == 2


def test_citizens_search_ignores_accents_and_finds_phones_but_not_id_numbers(
    client_for, officer_a, household_a
):
    client = client_for(officer_a)
    url = reverse("citizens:citizen-list")
    assert [
        c.full_name for c in client.get(url, {"q": "nguyen thi"}, follow=True).context["page"]
    ] == ["Nguyễn Thị Hằng"]
    assert [
        c.full_name for c in client.get(url, {"q": "0912 345"}, follow=True).context["page"]
    ] == ["Lưu Văn Bình"]
    # A list that answered "is this ID number here?" would let anyone who sees the last
    # digits try the rest: the citizen ID is never a search key.
    assert list(client.get(url, {"q": "019 085 007 799"}, follow=True).context["page"]) == []
    assert [c.full_name for c in client.get(url, {"sex": "female"}).context["page"]] == [
        "Nguyễn Thị Hằng"
    ]


def test_the_citizens_list_does_not_grow_in_queries_with_the_data(
    client_for, officer_a, tree, django_assert_max_num_queries
):
    many_households(tree.hamlet_a)
    client = client_for(officer_a)
    # session, user, user's scope unit, count for the paginator, one page of citizens with
    # their household, hamlet and commune, hamlets for the menu
    with django_assert_max_num_queries(7):
        response = client.get(reverse("citizens:citizen-list"))
    assert response.context["page"].paginator.count == 64


def test_the_citizens_export_masks_phones_as_the_list_does_and_never_has_the_id_number(
    client_for, officer_a, household_a
):
    client = client_for(officer_a)
    url = reverse("citizens:citizen-list")
    response = client.get(url, {"export": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "0912345678" not in text and "0912•••678" in text
    assert ID_NUMBER not in text and "7799" not in text


def test_full_phone_numbers_are_exported_only_when_asked_and_the_audit_log_says_so(
    client_for, officer_a, household_a
):
    from audit.models import Action, AuditEvent

    client = client_for(officer_a)
    url = reverse("citizens:citizen-list")
    response = client.get(url, {"export": "xlsx", "numbers": "full"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 3
    values = {str(v) for row in rows for v in row}
    assert "0912345678" in values and not any("7799" in v for v in values)
    assert Citizen.objects.count() == 2
    event = AuditEvent.objects.get(action=Action.EXPORT, route="citizens:citizen-list")
    assert event.detail == "full numbers"


def test_consent_cannot_be_withdrawn_while_members_are_identifiable(
    client_for, officer_a, household_a, tree
):
    response = client_for(officer_a).post(
        reverse("citizens:household-edit", args=[household_a.pk]),
        {
            "hamlet": tree.hamlet_a.pk,
            "head_name": "Lưu Văn Bình",
            "address": "Số 14",
            "member_count": "5",
            "smartphone_count": "2",
            "consent_on": "",
        },
    )
    assert response.status_code == 200
    assert "ẩn danh họ trước khi rút lại sự đồng ý" in page(response)
    assert 'value="Số 14"' in page(response)  # what was typed stays
    household_a.refresh_from_db()
    assert household_a.consent_on == CONSENTED and household_a.address != "Số 14"
