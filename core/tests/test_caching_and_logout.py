"""What browsers and proxies may keep: nothing of a signed-in page, a few minutes of the public
ones; signing out clears the site's storage (the field app's offline copy included)."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("route", ["home", "directory"])
def test_public_pages_may_be_kept_a_few_minutes_by_anyone(client, route):
    response = client.get(reverse(route))
    assert response.status_code == 200
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]
    assert "Cookie" in response["Vary"]  # the language is chosen by a cookie
    assert "csrfmiddlewaretoken" not in response.content.decode()  # no token to share


def test_pages_of_a_signed_in_user_are_never_kept(client_for, officer_a):
    response = client_for(officer_a).get(reverse("home"))
    assert "no-store" in response["Cache-Control"] and "public" not in response["Cache-Control"]


def test_signing_out_asks_the_browser_to_forget_the_sites_cache_and_storage(client_for, leader_a):
    response = client_for(leader_a).post(reverse("account_logout"))
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    assert "no-store" in response["Cache-Control"]


def test_the_language_switch_is_a_link_that_remembers_the_choice(client):
    response = client.get(reverse("language", args=["en"]) + "?next=/directory/")
    assert response.status_code == 302 and response["Location"] == "/directory/"
    assert client.get(reverse("directory")).content.decode().count('lang="en"') >= 1
    assert client.get(reverse("home"))["Content-Language"] == "en"
    away = client.get(reverse("language", args=["vi"]) + "?next=https://evil.example/")
    assert away["Location"] == "/"  # never sends anyone off-site
    assert client.get(reverse("language", args=["xx"])).status_code == 404
