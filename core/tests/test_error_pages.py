"""Refusals speak Vietnamese on the portal's own layout, with the way back; the API answers
them in JSON."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_record_outside_the_officers_area_gets_the_portals_own_404(client_for, officer_a, tree):
    response = client_for(officer_a).get(reverse("areas:unit-detail", args=[tree.commune_b.pk]))
    html = response.content.decode()
    assert response.status_code == 404
    assert "Không tìm thấy trang" in html
    assert "Huyện Định Hóa" in html  # the area the officer does see
    assert 'id="main-nav"' in html  # the portal's layout, its menu
    assert f'href="{reverse("home")}"' in html
    assert "Not Found" not in html


def test_a_page_the_role_may_not_open_gets_the_portals_own_403(client_for, leader_a):
    response = client_for(leader_a).get(reverse("audit:event-list"))
    html = response.content.decode()
    assert response.status_code == 403
    assert "Không được phép" in html
    assert "Tổ trưởng" in html  # says which role the account has
    assert "403 Forbidden" not in html


def test_a_visitor_on_a_missing_page_is_offered_the_sign_in(client):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert reverse("account_login") in response.content.decode()


def test_the_api_answers_a_missing_route_in_json(client_for, officer_a):
    response = client_for(officer_a).get("/api/v1/khong-co/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


def test_a_form_sent_without_its_token_is_refused_in_vietnamese(officer_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer_a)
    response = client.post(reverse("teams:team-create"), {"hamlet": "1"})
    assert response.status_code == 403
    assert "Biểu mẫu đã hết hạn" in response.content.decode()


def test_a_server_error_in_the_api_is_json_and_on_a_page_is_the_portals_page():
    from core.views import server_error

    factory = RequestFactory()
    api = server_error(factory.get("/api/v1/visits/"))
    assert api.status_code == 500 and api["Content-Type"] == "application/json"
    page = server_error(factory.get("/teams/"))
    assert page.status_code == 500 and "Đã xảy ra lỗi" in page.content.decode()
