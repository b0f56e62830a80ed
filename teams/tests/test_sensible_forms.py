"""Forms that do not make mistakes for the user: days checked the same way everywhere (not in
the future, not before 1945), role and affiliation chosen, not defaulted."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from citizens.services import household_create
from teams.forms import MemberForm
from teams.services import member_add, member_retire, team_create

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
FUTURE = TODAY + datetime.timedelta(days=1)
TOO_EARLY = datetime.date(1890, 1, 1)


@pytest.mark.parametrize("day", [FUTURE, datetime.date(2099, 1, 1), TOO_EARLY])
def test_a_join_date_must_have_happened_and_not_before_1945(tree, day):
    team = team_create(hamlet=tree.hamlet_a)
    with pytest.raises(ValidationError) as info:
        member_add(team=team, name="Lưu Văn Bình", joined_on=day)
    assert "joined_on" in info.value.error_dict


@pytest.mark.parametrize(
    "write",
    [
        lambda tree: team_create(hamlet=tree.hamlet_a, decision_date=TOO_EARLY),
        lambda tree: household_create(
            hamlet=tree.hamlet_a, head_name="Hà Văn Dũng", consent_on=TOO_EARLY
        ),
        lambda tree: member_retire(
            member=member_add(team=team_create(hamlet=tree.hamlet_b), name="Hà Thị Mai"),
            left_on=FUTURE,
        ),
    ],
)
def test_the_same_rule_holds_for_every_day_a_record_states(tree, write):
    with pytest.raises(ValidationError):
        write(tree)


def test_the_member_form_starts_with_no_role_and_no_affiliation(client_for, officer_a, tree):
    team = team_create(hamlet=tree.hamlet_a)
    page = client_for(officer_a).get(reverse("teams:member-add", args=[team.pk]))
    form = page.context["form"]
    assert form["role"].value() in (None, "") and form["affiliation"].value() in (None, "")
    unbound = MemberForm(data={"name": "Hà Thị Mai", "joined_on": TODAY.strftime("%d/%m/%Y")})
    assert not unbound.is_valid()
    assert {"role", "affiliation"} <= set(unbound.errors)
