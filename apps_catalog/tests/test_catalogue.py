from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps_catalog.models import App
from apps_catalog.services import app_create

pytestmark = pytest.mark.django_db


def test_the_catalogue_starts_with_the_seven_apps_and_stable_slugs(db):
    assert list(App.objects.values_list("slug", flat=True)) == [
        "c-thainguyen",
        "thainguyen-id",
        "vssid",
        "vneid",
        "so-suc-khoe",
        "so-tay-dang-vien",
        "dvc-quoc-gia",
    ]
    assert list(App.objects.get(slug="vneid").outcomes.values_list("code", flat=True)) == [
        "installed",
        "level-1",
        "level-2",
        "bdhvs",  # Bình dân học vụ số's certificate, counted by its indicator
    ]


def test_a_new_app_gets_a_slug_from_its_vietnamese_name_and_its_outcomes(db):
    app = app_create(name="Sổ tay công dân số", outcomes=["Đã cài đặt", "Đã kích hoạt", ""])
    assert app.slug == "so-tay-cong-dan-so"
    assert list(app.outcomes.values_list("name", flat=True)) == ["Đã cài đặt", "Đã kích hoạt"]


def test_an_app_needs_outcomes_listed_once_and_a_new_name(db):
    with pytest.raises(ValidationError) as info:
        app_create(name="Ứng dụng X", outcomes=["", "  "])
    assert "outcomes" in info.value.error_dict
    with pytest.raises(ValidationError):
        app_create(name="Ứng dụng X", outcomes=["Đã cài đặt", "đã cài đặt"])
    with pytest.raises(ValidationError) as info:
        app_create(name="VNeID", outcomes=["Đã cài đặt"])
    assert "name" in info.value.error_dict


def test_a_province_officer_adds_an_app_from_the_ui(client_for, province_officer):
    response = client_for(province_officer).post(
        reverse("apps_catalog:app-create"),
        {"name": "Sổ tay công dân số", "description": "", "outcomes": "Đã cài đặt\nĐã kích hoạt"},
    )
    assert response.status_code == 302
    assert App.objects.get(slug="so-tay-cong-dan-so").outcomes.count() == 2


def test_an_area_officer_cannot_add_or_retire_apps(client_for, officer_a):
    client = client_for(officer_a)
    create = client.post(reverse("apps_catalog:app-create"), {"name": "X", "outcomes": "Y"})
    vneid = App.objects.get(slug="vneid")
    retire = client.post(reverse("apps_catalog:app-set-active", args=[vneid.pk]), {"active": "0"})
    assert (create.status_code, retire.status_code) == (403, 403)
    vneid.refresh_from_db()
    assert vneid.is_active and not App.objects.filter(name="X").exists()


def test_a_bad_app_form_keeps_what_was_typed(client_for, province_officer):
    response = client_for(province_officer).post(
        reverse("apps_catalog:app-create"),
        {"name": "Ứng dụng Mới", "outcomes": "Đã cài đặt\nđã cài đặt"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="Ứng dụng Mới"' in html and "Mỗi kết quả chỉ ghi một lần." in html


def test_a_retired_app_leaves_the_visit_form_but_stays_in_the_catalogue(
    client_for, province_officer
):
    vneid = App.objects.get(slug="vneid")
    client_for(province_officer).post(
        reverse("apps_catalog:app-set-active", args=[vneid.pk]), {"active": "0"}
    )
    vneid.refresh_from_db()
    assert not vneid.is_active
    assert vneid not in App.objects.active()


def test_the_catalogue_page_queries_do_not_grow_with_apps(
    client_for, officer_a, django_assert_max_num_queries
):
    for i in range(10):
        app_create(name=f"Ứng dụng {i}", outcomes=["Đã cài đặt", "Đã dùng"])
    client = client_for(officer_a)
    # session, user, apps, their outcomes, the menu's scope unit (an area officer is offered
    # "Monthly report" when it is a commune)
    with django_assert_max_num_queries(5):
        response = client.get(reverse("apps_catalog:app-list"))
    assert len(response.context["apps"]) == 17
