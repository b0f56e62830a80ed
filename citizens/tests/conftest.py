"""The visits' scene: a hamlet with its team and leader, a household with one citizen, and a
household of another district."""

from __future__ import annotations

import pytest

from apps_catalog.models import App
from citizens.services import citizen_create, household_create
from teams.models import MemberRole
from teams.services import member_add, team_create
from tests.consent import CONSENTED


@pytest.fixture
def scene(tree, leader_a):
    team = team_create(hamlet=tree.hamlet_a)
    leader = member_add(team=team, name="Lưu Văn Bình", role=MemberRole.LEADER, user=leader_a)
    household = household_create(
        consent_on=CONSENTED, hamlet=tree.hamlet_a, head_name="Nguyễn Văn An", address="Số 1"
    )
    citizen = citizen_create(household=household, full_name="Nguyễn Văn An", birth_year=1980)
    vneid = App.objects.get(slug="vneid")
    other = household_create(
        consent_on=CONSENTED, hamlet=tree.hamlet_b, head_name="Trần Văn Tư", address="Số 9"
    )
    return {
        "team": team,
        "leader": leader,
        "household": household,
        "citizen": citizen,
        "vneid": vneid,
        "level2": vneid.outcomes.get(code="level-2"),
        "other": other,
    }
