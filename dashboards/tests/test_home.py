from __future__ import annotations

import pytest
from django.urls import reverse

from teams.models import MemberRole
from teams.services import member_add, members_bulk_add, team_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def teams(tree):
    team_a = team_create(hamlet=tree.hamlet_a)
    member_add(team=team_a, name="Lưu Văn Bình", role=MemberRole.LEADER)
    members_bulk_add(
        members=[
            {
                "team": team_a,
                "name": f"Thành viên {i}",
                "phone": "",
                "joined_on": team_a.created_at.date(),
            }
            for i in range(1254)
        ]
    )
    team_b = team_create(hamlet=tree.hamlet_b)
    member_add(team=team_b, name="Trần Văn Tư", role=MemberRole.LEADER)
    return team_a, team_b


def test_home_shows_the_figures_of_the_users_own_area_the_vietnamese_way(
    client_for, officer_a, teams
):
    response = client_for(officer_a).get(reverse("home"))
    ((_unit, _counts, figures),) = response.context["scopes"]
    assert figures["teams"] == 1 and figures["members"] == 1255
    assert "1.255" in response.content.decode()


def test_province_officer_home_counts_every_district(client_for, province_officer, teams):
    ((_unit, _counts, figures),) = (
        client_for(province_officer).get(reverse("home")).context["scopes"]
    )
    assert figures["teams"] == 2 and figures["members"] == 1256


def test_home_queries_do_not_grow_with_the_data(
    client_for, officer_a, teams, django_assert_max_num_queries
):
    client = client_for(officer_a)
    # session, user, scope unit, top unit, level counts, no roll-up yet, then live: teams,
    # members, households, citizens
    with django_assert_max_num_queries(10):
        response = client.get(reverse("home"))
    ((_unit, _counts, figures),) = response.context["scopes"]
    assert figures["members"] == 1255


def test_after_a_rollup_the_home_shows_the_rolled_up_figures_and_their_time(
    client_for, province_officer, officer_a, teams, tree
):
    from dashboards.rollups import rollup_full

    rollup_full()
    member_add(team=teams[0], name="Người mới", role=MemberRole.MEMBER)  # not rolled up yet
    response = client_for(province_officer).get(reverse("home"))
    ((_unit, _counts, figures),) = response.context["scopes"]
    assert figures["teams"] == 2 and figures["members"] == 1256
    assert figures["computed_at"] is not None
    assert 'class="meta"' in response.content.decode()


def test_home_from_the_rollup_reads_one_row(
    client_for, officer_a, teams, django_assert_max_num_queries
):
    from dashboards.rollups import rollup_full

    rollup_full()
    client = client_for(officer_a)
    # session, user, scope unit, top unit, level counts, the unit's figures
    with django_assert_max_num_queries(6):
        response = client.get(reverse("home"))
    ((_unit, _counts, figures),) = response.context["scopes"]
    assert figures["members"] == 1255
