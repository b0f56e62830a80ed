"""How a test is written here: read this first.

1. Test through a stable interface (a URL, a service, a management command), against the
   real database (SQLite on a laptop, PostgreSQL in CI). Mock only what leaves the machine.
2. Name the test as a sentence that says the rule, so a failure reads like a bug report.
3. Use the personas from the root conftest.py (province_officer, officer_a, officer_b,
   leader_a, and the anonymous ``client``) and the small real-coded ``tree``.
4. Every permission rule has two tests: a persona who may, and one who may not.
5. List pages pin their number of queries, with a comment listing them, so an N+1 fails.
"""

from __future__ import annotations

from django.urls import reverse


def test_area_officer_sees_a_commune_of_their_own_district(client_for, officer_a, tree):
    # Arrange: the persona logs in (force_login skips the login form; it has its own tests).
    client = client_for(officer_a)

    # Act: through the URL, as the browser would.
    response = client.get(reverse("areas:unit-detail", args=[tree.commune_a.pk]))

    # Assert on what the user sees, not on internals.
    assert response.status_code == 200
    assert "Tổ dân phố Trung Kiên" in response.content.decode()


def test_area_officer_gets_404_for_a_commune_of_another_district(client_for, officer_a, tree):
    # The forbidden persona of the pair: outside one's scope an object does not exist (404,
    # not 403, so the portal does not even confirm that it is there).
    response = client_for(officer_a).get(reverse("areas:unit-detail", args=[tree.commune_b.pk]))
    assert response.status_code == 404


def test_units_page_queries_do_not_grow_with_the_children(
    client_for, officer_a, tree, django_assert_max_num_queries
):
    client = client_for(officer_a)
    url = reverse("areas:unit-detail", args=[tree.district_a.pk])
    # session, user, user's scope unit, the unit, breadcrumbs, count of children,
    # one page of children with their counts
    with django_assert_max_num_queries(7):
        response = client.get(url)
    assert response.status_code == 200
    assert [u.name for u in response.context["page"].object_list] == [
        "Thị trấn Chợ Chu",
        "Xã Bảo Cường",
    ]
