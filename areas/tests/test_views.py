from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from areas.models import AdministrativeUnit

pytestmark = pytest.mark.django_db


def detail(unit):
    return reverse("areas:unit-detail", args=[unit.pk])


# --- The units browser: each user sees their own subtree, and nothing else ---------------


def test_anonymous_visitors_are_sent_to_sign_in(client, tree):
    response = client.get(detail(tree.province))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_browser_opens_on_the_users_own_scope(client_for, officer_a, tree):
    response = client_for(officer_a).get(reverse("areas:browse"))
    assert response["Location"] == detail(tree.district_a)


def test_province_officer_sees_the_districts(client_for, province_officer, tree):
    html = client_for(province_officer).get(detail(tree.province)).content.decode()
    assert "Huyện Định Hóa" in html and "Huyện Đại Từ" in html


def test_area_officer_sees_their_communes_with_child_counts(client_for, officer_a, tree):
    response = client_for(officer_a).get(detail(tree.district_a))
    children = list(response.context["page"].object_list)
    assert [(c.name, c.child_count) for c in children] == [
        ("Thị trấn Chợ Chu", 1),
        ("Xã Bảo Cường", 0),
    ]


def test_area_officer_cannot_see_the_province_above_them(client_for, officer_a, tree):
    assert client_for(officer_a).get(detail(tree.province)).status_code == 404


def test_area_officer_of_dinh_hoa_gets_404_for_a_commune_of_dai_tu(client_for, officer_a, tree):
    assert client_for(officer_a).get(detail(tree.commune_b)).status_code == 404


def test_area_officer_of_dai_tu_sees_their_own_commune(client_for, officer_b, tree):
    assert client_for(officer_b).get(detail(tree.commune_b)).status_code == 200


def test_team_leader_sees_their_hamlet_but_not_its_commune(client_for, leader_a, tree):
    client = client_for(leader_a)
    assert client.get(detail(tree.hamlet_a)).status_code == 200
    assert client.get(detail(tree.commune_a)).status_code == 404


def test_breadcrumbs_stop_at_the_users_scope(client_for, officer_a, tree):
    response = client_for(officer_a).get(detail(tree.hamlet_a))
    assert [u.name for u in response.context["breadcrumbs"]] == [
        "Huyện Định Hóa",
        "Thị trấn Chợ Chu",
    ]


def test_search_ignores_accents(client_for, officer_a, tree):
    response = client_for(officer_a).get(detail(tree.district_a), {"q": "cho chu"}, follow=True)
    assert [c.name for c in response.context["page"].object_list] == ["Thị trấn Chợ Chu"]


def test_closed_units_are_hidden_unless_asked_for(client_for, officer_a, tree):
    AdministrativeUnit.objects.filter(pk=tree.commune_a2.pk).update(valid_to=timezone.localdate())
    client = client_for(officer_a)
    assert [c.name for c in client.get(detail(tree.district_a)).context["page"].object_list] == [
        "Thị trấn Chợ Chu"
    ]
    shown = client.get(detail(tree.district_a), {"closed": "1"}).context["page"].object_list
    assert len(shown) == 2


def test_unit_page_queries_stay_fixed_as_children_grow(
    client_for, province_officer, tree, django_assert_max_num_queries
):
    from areas.services import hamlets_bulk_create

    client = client_for(province_officer)
    hamlets_bulk_create(
        commune=tree.commune_a2,
        hamlets=[(f"05569-{i:02d}", f"Xóm {i}") for i in range(1, 60)],
        valid_from=tree.commune_a2.valid_from,
    )
    # session, user, user's scope unit, unit (+parent), breadcrumbs, count,
    # one page of children with counts
    with django_assert_max_num_queries(8):
        response = client.get(detail(tree.commune_a2))
    assert response.context["page"].paginator.count == 59
    assert len(response.context["page"].object_list) == 50


# --- Hamlets: area officers create, edit and close them inside their area ----------------


def test_area_officer_creates_a_hamlet_in_their_commune(client_for, officer_a, tree):
    response = client_for(officer_a).post(
        reverse("areas:hamlet-create", args=[tree.commune_a.pk]),
        {"name": "Tổ dân phố Hợp Thành", "code": ""},
    )
    assert response.status_code == 302
    hamlet = AdministrativeUnit.objects.get(name="Tổ dân phố Hợp Thành")
    assert hamlet.parent == tree.commune_a and hamlet.code == "05536-02"


def test_area_officer_cannot_create_a_hamlet_in_another_district(client_for, officer_a, tree):
    response = client_for(officer_a).post(
        reverse("areas:hamlet-create", args=[tree.commune_b.pk]), {"name": "Xóm Lạ"}
    )
    assert response.status_code == 404
    assert not AdministrativeUnit.objects.filter(name="Xóm Lạ").exists()


def test_team_leader_cannot_create_hamlets(client_for, leader_a, tree):
    response = client_for(leader_a).post(
        reverse("areas:hamlet-create", args=[tree.hamlet_a.pk]), {"name": "Xóm Lạ"}
    )
    assert response.status_code == 403


def test_province_officer_cannot_create_hamlets(client_for, province_officer, tree):
    response = client_for(province_officer).post(
        reverse("areas:hamlet-create", args=[tree.commune_a.pk]), {"name": "Xóm Lạ"}
    )
    assert response.status_code == 403


def test_a_duplicate_hamlet_name_is_explained_in_vietnamese_and_keeps_what_was_typed(
    client_for, officer_a, tree
):
    response = client_for(officer_a).post(
        reverse("areas:hamlet-create", args=[tree.commune_a.pk]),
        {"name": "to dan pho trung kien", "code": "TK-9"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Xã này đã có thôn, xóm, tổ dân phố trùng tên." in html
    assert 'value="to dan pho trung kien"' in html
    assert 'value="TK-9"' in html


def test_an_empty_hamlet_name_is_refused_in_vietnamese(client_for, officer_a, tree):
    response = client_for(officer_a).post(
        reverse("areas:hamlet-create", args=[tree.commune_a.pk]), {"name": ""}
    )
    assert "Trường này là bắt buộc." in response.content.decode()


def test_area_officer_renames_a_hamlet(client_for, officer_a, tree):
    client_for(officer_a).post(
        reverse("areas:hamlet-edit", args=[tree.hamlet_a.pk]),
        {"name": "Tổ dân phố Trung Kiên 2", "code": "05536-01"},
    )
    tree.hamlet_a.refresh_from_db()
    assert tree.hamlet_a.name == "Tổ dân phố Trung Kiên 2"


def test_area_officer_of_another_district_cannot_rename_it(client_for, officer_b, tree):
    response = client_for(officer_b).post(
        reverse("areas:hamlet-edit", args=[tree.hamlet_a.pk]), {"name": "Bị đổi", "code": ""}
    )
    assert response.status_code == 404


def test_closing_a_hamlet_asks_for_confirmation_first(client_for, officer_a, tree):
    client = client_for(officer_a)
    url = reverse("areas:hamlet-close", args=[tree.hamlet_a.pk])
    page = client.get(url)
    assert "Đồng ý đóng" in page.content.decode()
    tree.hamlet_a.refresh_from_db()
    assert tree.hamlet_a.is_current
    client.post(url, {"closed_on": timezone.localdate().strftime("%d/%m/%Y")})
    tree.hamlet_a.refresh_from_db()
    assert not tree.hamlet_a.is_current


def test_a_future_closing_date_is_refused_and_the_hamlet_stays_open(client_for, officer_a, tree):
    response = client_for(officer_a).post(
        reverse("areas:hamlet-close", args=[tree.hamlet_a.pk]), {"closed_on": "31/12/2099"}
    )
    assert "Ngày đóng không được ở tương lai." in response.content.decode()
    tree.hamlet_a.refresh_from_db()
    assert tree.hamlet_a.is_current


def test_the_units_list_exports_what_it_shows(client_for, officer_a, tree):
    from tests.workbooks import read_rows

    response = client_for(officer_a).get(
        detail(tree.district_a), {"export": "xlsx", "q": "cho chu"}, follow=True
    )
    rows = read_rows(b"".join(response.streaming_content))
    assert [r[:2] for r in rows[1:]] == [["Thị trấn Chợ Chu", "05536"]]
