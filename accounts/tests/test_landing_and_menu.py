"""Each role lands on its work after signing in, and its menu starts with its main task."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from conftest import PASSWORD

pytestmark = pytest.mark.django_db


def sign_in(client, username: str, next_url: str = ""):
    url = reverse("account_login") + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"login": username, "password": PASSWORD})


def menu_labels(html: str) -> list[str]:
    nav = html.split('id="main-nav"', 1)[1].split("</nav>", 1)[0]
    return re.findall(r'<a href="[^"]*"(?: aria-current="page")?>([^<]+)</a>', nav)


def test_a_team_leader_lands_on_the_field_app_after_signing_in(client, leader_a):
    response = sign_in(client, leader_a.username)
    assert response.status_code == 302
    assert response["Location"] == reverse("field:home")


def test_an_area_officer_lands_on_the_home_page_of_their_area(client, officer_a):
    response = sign_in(client, officer_a.username)
    assert response["Location"] == reverse("home")


def test_a_page_asked_for_before_signing_in_wins_over_the_landing_page(client, leader_a):
    response = sign_in(client, leader_a.username, next_url=reverse("citizens:household-list"))
    assert response["Location"] == reverse("citizens:household-list")


def test_the_team_leaders_menu_and_home_page_start_with_visiting_households(client_for, leader_a):
    html = client_for(leader_a).get(reverse("home")).content.decode()
    assert menu_labels(html)[0] == "Thăm hộ gia đình"
    tasks = html.split('class="tasks"', 1)[1]
    assert f'class="task task-main" href="{reverse("field:home")}"' in tasks
    assert "Thăm hộ gia đình" in tasks.split("</a>", 1)[0]


def test_the_province_officers_menu_starts_with_the_figures_and_keeps_the_rest_under_more(
    client_for, province_officer
):
    html = client_for(province_officer).get(reverse("home")).content.decode()
    labels = menu_labels(html)
    assert labels[0] == "Số liệu"
    more = html.split('class="nav-more"', 1)[1].split("</details>", 1)[0]
    assert "Nhật ký truy cập" in more or reverse("audit:event-list") in more


@pytest.mark.parametrize("persona", ["leader_a", "officer_a", "province_officer", "admin_user"])
def test_every_roles_bar_holds_at_most_four_items_so_it_fits_one_line(client_for, persona, request):
    html = client_for(request.getfixturevalue(persona)).get(reverse("home")).content.decode()
    bar = html.split('class="nav-list"', 1)[1].split('class="nav-more"', 1)[0]
    assert 1 <= bar.count("<li>") <= 4


def test_the_area_officers_menu_starts_with_the_teams_and_has_no_audit_log(client_for, officer_a):
    html = client_for(officer_a).get(reverse("home")).content.decode()
    assert menu_labels(html)[0] == "Tổ CNSCĐ"
    assert reverse("audit:event-list") not in html
    assert reverse("field:home") not in html


def test_the_current_page_is_marked_in_the_menu(client_for, officer_a):
    html = client_for(officer_a).get(reverse("teams:member-list")).content.decode()
    assert f'<a href="{reverse("teams:member-list")}" aria-current="page">' in html
    assert f'<a href="{reverse("teams:team-list")}" aria-current="page">' not in html


def test_the_field_app_links_back_to_the_portal(client_for, leader_a):
    html = client_for(leader_a).get(reverse("field:home")).content.decode()
    assert f'class="link bar-home" href="{reverse("home")}"' in html
    assert '<h1 id="hamlet">' in html


def test_the_field_app_is_installable_from_its_manifest(client):
    manifest = client.get(reverse("field:manifest")).json()
    assert manifest["start_url"] == reverse("field:home")
    assert manifest["display"] == "standalone"
    assert {"192x192", "512x512"} <= {icon["sizes"] for icon in manifest["icons"]}
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).status_code == 200
