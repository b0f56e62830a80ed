"""The households list at province scale: a page costs the same whatever the number of
households, the citizens are counted for the page's rows only, and without a search the
totals come from the roll-up."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from citizens import services
from dashboards.rollups import rollup_full
from tests.consent import CONSENTED

pytestmark = [pytest.mark.django_db, pytest.mark.urls("citizens.tests.urls")]


def _households(hamlet, count: int, start: int = 0) -> None:
    for i in range(start, start + count):
        household = services.household_create(
            consent_on=CONSENTED if i % 5 else None,
            hamlet=hamlet,
            head_name=f"Hộ số {i:02d}",
            member_count=3,
            smartphone_count=1,
        )
        for j in range(i % 3 if i % 5 else 0):  # citizens only with the household's consent
            services.citizen_create(household=household, full_name=f"Người {i} {j}")


def _queries(client, **params) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("citizens:household-list"), params)
    assert response.status_code == 200
    citizens = [q["sql"] for q in captured if '"citizens_citizen"' in q["sql"]]
    # the citizens are counted for the page's households only
    assert len(citizens) == 1 and '"household_id" IN (' in citizens[0], citizens
    return len(captured), response


@pytest.mark.parametrize("rolled_up", [False, True])
def test_a_page_costs_the_same_queries_for_5_and_60_households(
    client_for, officer_a, tree, rolled_up
):
    counts = []
    for start, size in ((0, 5), (5, 55)):  # 5, then 60 in all
        _households(tree.hamlet_a, size, start)
        if rolled_up:
            rollup_full()
        n, response = _queries(client_for(officer_a))
        counts.append(n)
    assert counts[0] == counts[1]
    # session, user, scope unit, the unit's roll-up row, the households without consent (or,
    # before a roll-up, one aggregate), the scope's hamlets in order, their households per
    # hamlet, one page with hamlet and commune, the page's citizens, hamlets for the menu …:
    # no count of the whole list, no citizens of the whole scope, no sort of the whole scope
    assert counts[0] == 11
    assert response.context["page"].paginator.count == 60
    assert len(response.context["page"].object_list) == 50


def test_the_page_shows_each_households_citizens_counted(client_for, officer_a, tree):
    _households(tree.hamlet_a, 6)
    rollup_full()
    response = client_for(officer_a).get(reverse("citizens:household-list"), {"sort": "name"})
    shown = {h.head_name: h.citizen_count for h in response.context["page"].object_list}
    assert shown == {f"Hộ số {i:02d}": i % 3 if i % 5 else 0 for i in range(6)}
    # sorted by citizens: the whole list, still right
    response = client_for(officer_a).get(reverse("citizens:household-list"), {"sort": "-citizens"})
    assert [h.citizen_count for h in response.context["page"].object_list] == [
        2,
        1,
        1,
        0,
        0,
        0,
    ]


def test_without_a_search_the_totals_come_from_the_rollup(client_for, officer_a, tree):
    _households(tree.hamlet_a, 10)
    rollup_full()
    services.household_create(hamlet=tree.hamlet_a, head_name="Hộ mới", member_count=4)
    response = client_for(officer_a).get(reverse("citizens:household-list"))
    # as of the roll-up: 10 households, 30 members, 10 smartphones
    assert response.context["counts"] == {
        "households": 10,
        "members": 30,
        "smartphones": 10,
        "consented": 10 - 3,  # the new household without consent is counted live
    }
    assert response.context["page"].paginator.count == 10


def test_a_search_counts_the_rows_it_finds(client_for, officer_a, tree):
    _households(tree.hamlet_a, 10)
    rollup_full()
    response = client_for(officer_a).get(
        reverse("citizens:household-list"), {"q": "so 03"}, follow=True
    )
    assert response.context["counts"] == {
        "households": 1,
        "members": 3,
        "smartphones": 1,
        "consented": 1,
    }
    assert response.context["page"].paginator.count == 1


def test_read_hamlet_by_hamlet_the_pages_are_those_of_the_sorted_list(
    officer_a, province_officer, tree
):
    import datetime

    from areas.services import hamlet_create
    from citizens.selectors import households_for_user, households_page_source

    other = hamlet_create(
        commune=tree.commune_a, name="Tổ dân phố An Bình", valid_from=datetime.date(2000, 1, 1)
    )
    _households(tree.hamlet_a, 9)
    _households(other, 7, start=20)
    _households(tree.hamlet_b, 8, start=40)
    for user in (officer_a, province_officer):
        households = households_for_user(user=user, citizen_counts=False)
        source = households_page_source(households, user=user)
        expected = list(households.values_list("pk", flat=True))
        assert len(expected) in (16, 24)
        for start in range(0, len(expected) + 5, 5):
            assert [h.pk for h in source[start : start + 5]] == expected[start : start + 5]
