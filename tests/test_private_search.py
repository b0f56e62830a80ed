"""Search text (names, phones) never travels in a URL: search forms are POSTed, the text is kept
in the session under a token and the list is shown at ``?s=<token>`` (core.search)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from citizens import services
from tests.consent import CONSENTED

pytestmark = pytest.mark.django_db


@pytest.fixture
def households(tree):
    for name in ("Nguyễn Văn An", "Nguyễn Văn Bình", "Trần Thị Cúc"):
        household = services.household_create(
            consent_on=CONSENTED, hamlet=tree.hamlet_a, head_name=name
        )
        services.citizen_create(household=household, full_name=name, phone="0912 345 678")


def test_a_search_is_posted_and_the_list_url_holds_only_a_token(client_for, officer_a, households):
    client = client_for(officer_a)
    url = reverse("citizens:citizen-list")
    response = client.post(url, {"_search": "1", "q": "nguyen van", "sex": "", "sort": "name"})
    assert response.status_code == 303
    location = response["Location"]
    assert location.startswith(url + "?") and "s=" in location and "sort=name" in location
    assert "nguyen" not in location.lower() and "0912" not in location

    listing = client.get(location)
    assert [c.full_name for c in listing.context["page"]] == ["Nguyễn Văn An", "Nguyễn Văn Bình"]
    html = listing.content.decode()
    assert 'value="nguyen van"' in html  # the box shows what was typed
    token = location.split("s=")[1].split("&")[0]
    assert f"s={token}" in html and "q=nguyen" not in html  # sort and export links keep it
    assert all("nguyen" not in (e.route + e.detail).lower() for e in AuditEvent.objects.all())


def test_a_phone_number_typed_in_the_search_stays_out_of_the_url(client_for, officer_a, households):
    client = client_for(officer_a)
    response = client.post(reverse("citizens:citizen-list"), {"_search": "1", "q": "0912345678"})
    assert "0912" not in response["Location"]
    assert len(client.get(response["Location"]).context["page"].object_list) == 3


def test_an_old_link_with_the_search_in_it_is_redirected_to_a_token(
    client_for, officer_a, households
):
    client = client_for(officer_a)
    response = client.get(reverse("citizens:household-list"), {"q": "tran thi", "page": "1"})
    assert response.status_code == 303 and "tran" not in response["Location"]
    found = client.get(response["Location"]).context["page"]
    assert [h.head_name for h in found] == ["Trần Thị Cúc"]


def test_a_token_from_another_session_is_refused_not_taken_for_no_search(
    client_for, officer_a, households
):
    response = client_for(officer_a).post(
        reverse("citizens:citizen-list"), {"_search": "1", "q": "tran thi", "sex": "female"}
    )
    other = Client()  # another browser, signed in to the same account
    other.force_login(officer_a)
    refused = other.get(response["Location"] + "&export=xlsx")
    assert refused.status_code == 303  # no export of the whole list in its place
    assert refused["Location"] == reverse("citizens:citizen-list") + "?sex=female"
    page = other.get(refused["Location"]).content.decode()
    assert "Kết quả tìm kiếm đó không còn: hãy tìm lại." in page


def test_the_admin_keeps_its_own_search(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/admin/areas/administrativeunit/", {"q": "thai"})
    assert response.status_code != 303 and "s=" not in response.get("Location", "")


def test_an_empty_search_clears_the_token(client_for, officer_a, households):
    client = client_for(officer_a)
    response = client.post(reverse("citizens:citizen-list"), {"_search": "1", "q": "  "})
    assert response["Location"] == reverse("citizens:citizen-list")


def test_the_public_directory_keeps_its_plain_search(client, tree):
    response = client.get(reverse("directory"), {"q": "trung kien"})
    assert response.status_code == 200
