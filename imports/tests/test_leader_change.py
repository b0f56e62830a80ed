"""A roster naming a new leader for a team that has one: shown in the preview, done on confirm."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from imports.models import ImportBatch
from imports.tests.test_places import HEADERS, plan_of
from teams import services
from teams.models import MemberRole, TeamMember
from tests.workbooks import workbook

pytestmark = pytest.mark.django_db

CHO_CHU, TRUNG_KIEN = "Thị trấn Chợ Chu", "Tổ dân phố Trung Kiên"


@pytest.fixture
def team(tree):
    team = services.team_create(hamlet=tree.hamlet_a)
    services.member_add(team=team, name="Lưu Văn Bình", phone="0912345678", role="leader")
    services.member_add(team=team, name="Ma Thị Lan", phone="0912345679")
    return team


def change_text(new: str, old: str) -> str:
    with translation.override("vi"):
        return translation.gettext("%(new)s becomes the team leader; %(old)s becomes a member") % {
            "new": new,
            "old": old,
        }


@pytest.mark.parametrize("newcomer", [False, True])
def test_a_roster_naming_a_new_leader_makes_the_change_on_confirm(
    client_for, officer_a, tree, team, newcomer
):
    name = "Hoàng Văn Đức" if newcomer else "Ma Thị Lan"
    phone = "0912000111" if newcomer else "0912345679"
    rows = [[1, CHO_CHU, TRUNG_KIEN, name, phone, "Tổ trưởng"]]
    client = client_for(officer_a)
    preview, batch = plan_of(client, "roster", workbook(HEADERS, rows), tree.district_a)
    assert preview.context["n_error"] == 0
    (row,) = preview.context["plan"].rows
    assert row.action == ("create" if newcomer else "update")
    text = change_text(name, "Lưu Văn Bình")
    assert text in row.changes
    assert text in preview.content.decode()
    assert TeamMember.objects.get(name="Lưu Văn Bình").role == MemberRole.LEADER  # not yet

    client.post(reverse("imports:confirm", args=[batch.pk]))
    roles = dict(team.members.current().values_list("name", "role"))
    assert roles[name] == MemberRole.LEADER
    assert roles["Lưu Văn Bình"] == MemberRole.MEMBER  # still in the team
    assert ImportBatch.objects.get().status == "applied"


def test_two_leaders_for_one_team_in_a_file_are_still_refused(client_for, officer_a, tree, team):
    rows = [
        [1, CHO_CHU, TRUNG_KIEN, "Hoàng Văn Đức", "0912000111", "Tổ trưởng"],
        [2, CHO_CHU, TRUNG_KIEN, "Ma Thị Lan", "0912345679", "Tổ trưởng"],
    ]
    preview, _batch = plan_of(
        client_for(officer_a), "roster", workbook(HEADERS, rows), tree.district_a
    )
    assert [row.action for row in preview.context["plan"].rows] == ["create", "error"]


def test_the_result_page_says_what_the_confirmation_did(client_for, officer_a, tree, team):
    rows = [
        [1, CHO_CHU, TRUNG_KIEN, "Lưu Văn Bình", "0912345678", "Tổ trưởng"],  # already there
        [2, CHO_CHU, TRUNG_KIEN, "Hoàng Văn Đức", "0912000111", "Thành viên"],
        [3, CHO_CHU, TRUNG_KIEN, "Đinh Văn Hải", "0912000222", "Thành viên"],
        [4, CHO_CHU, TRUNG_KIEN, "Lò Văn Sáng", "09123", "Thành viên"],
    ]
    client = client_for(officer_a)
    _preview, batch = plan_of(client, "roster", workbook(HEADERS, rows), tree.district_a)
    result = client.post(reverse("imports:confirm", args=[batch.pk]), follow=True)
    (banner,) = [str(m) for m in result.context["messages"]]
    with translation.override("vi"):
        expected = translation.gettext(
            "Import done: %(new)d new, %(updated)d updated, %(errors)d rows with errors not "
            "imported."
        ) % {"new": 2, "updated": 0, "errors": 1}
    assert banner == expected
    context = result.context
    assert (context["n_create"], context["n_update"], context["n_unchanged"]) == (2, 0, 1)
    assert context["n_error"] == 1
