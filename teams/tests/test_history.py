"""The registry remembers: who held which role on any day, every change kept with who made it
and what, and a save over someone else's later change refused with their change shown."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from teams.models import MemberRole, TeamMember
from teams.selectors import role_history, role_holders, team_changes
from teams.services import member_add, member_update, team_create

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def edit(member, **changes):
    data = {
        "member": member,
        "name": member.name,
        "phone": member.phone,
        "role": member.role,
        "affiliation": member.affiliation,
        "listed_publicly": member.listed_publicly,
    }
    data.update(changes)
    return member_update(**data)


def at(day: datetime.date):
    """Pretend the versions saved so far were saved on ``day``."""
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))
    TeamMember.history.filter(history_date__gt=moment).update(history_date=moment)


def test_who_held_the_leaders_role_on_any_day(tree):
    team = team_create(hamlet=tree.hamlet_a)
    march = datetime.date(TODAY.year - 1, 3, 15)
    old = member_add(
        team=team, name="Lưu Văn Bình", role=MemberRole.LEADER, joined_on=march.replace(day=1)
    )
    new = member_add(team=team, name="Hà Thị Mai", joined_on=march.replace(day=1))
    at(march.replace(day=1))
    # In June the leadership changes hands.
    june = march.replace(month=6)
    edit(old, role=MemberRole.MEMBER)
    edit(new, role=MemberRole.LEADER)
    at(june)
    assert role_holders(team=team, day=march) == ["Lưu Văn Bình"]
    assert role_holders(team=team, day=june + datetime.timedelta(days=1)) == ["Hà Thị Mai"]
    spells = {(s.name, s.role): (s.since, s.until) for s in role_history(team=team)}
    assert spells[("Lưu Văn Bình", "leader")] == (
        march.replace(day=1),
        june - datetime.timedelta(1),
    )
    assert spells[("Hà Thị Mai", "leader")] == (june, None)


def test_every_change_is_kept_with_who_and_what(tree, officer_a, client_for):
    team = team_create(hamlet=tree.hamlet_a)
    member = member_add(team=team, name="Lưu Văn Bình", phone="0912345678")
    client = client_for(officer_a)
    url = reverse("teams:member-edit", args=[member.pk])
    form = client.get(url).context["form"]
    client.post(
        url,
        {
            **{k: v for k, v in form.initial.items() if v is not None},
            "name": "Lưu Văn Bính",
            "role": "deputy",
            "affiliation": "other",
        },
    )
    change = team_changes(team=team)[0]
    assert change["who"] == officer_a
    labels = {f["label"]: (f["old"], f["new"]) for f in change["fields"]}
    assert labels["họ và tên"] == ("Lưu Văn Bình", "Lưu Văn Bính")
    page = client.get(reverse("teams:team-detail", args=[team.pk]))
    assert "Lưu Văn Bính" in page.content.decode() and page.context["roles"]


def test_a_stale_member_save_is_refused_showing_the_other_change_and_losing_nothing(
    tree, officer_a, client_for
):
    team = team_create(hamlet=tree.hamlet_a)
    member = member_add(team=team, name="Lưu Văn Bình")
    client = client_for(officer_a)
    url = reverse("teams:member-edit", args=[member.pk])
    opened = client.get(url).context["form"]["opened_at"].value()
    edit(member, name="Lưu Văn Bình (đã sửa)")  # someone else saves first
    typed = {
        "opened_at": opened,
        "name": "Lưu Văn Bình",
        "phone": "0912000111",
        "role": "member",
        "affiliation": "other",
        "joined_on": member.joined_on.strftime("%d/%m/%Y") if member.joined_on else "",
    }
    refused = client.post(url, typed)
    assert refused.status_code == 200
    errors = " ".join(refused.context["form"].non_field_errors())
    assert "Lưu Văn Bình (đã sửa)" in errors
    assert "0912000111" in refused.content.decode()  # what was typed is still there
    member.refresh_from_db()
    assert member.name == "Lưu Văn Bình (đã sửa)" and member.phone == ""
    # Having seen it, saving again keeps theirs over mine: the form was re-armed.
    typed["opened_at"] = refused.context["form"]["opened_at"].value()
    assert client.post(url, typed).status_code == 302
    member.refresh_from_db()
    assert member.phone == "0912000111"
