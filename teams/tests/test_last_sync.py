"""Officers see when each team leader's phone last reached the server."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.services import user_field_synced
from teams.services import member_add, team_create

pytestmark = pytest.mark.django_db


def test_the_team_page_shows_when_each_leader_last_synced_from_the_field(
    client_for, officer_a, tree, leader_a
):
    team = team_create(hamlet=tree.hamlet_a)
    member_add(team=team, name="Lưu Văn Bình", role="leader", user=leader_a)
    page = client_for(officer_a).get(reverse("teams:team-detail", args=[team.pk]))
    assert 'data-synced=""' in page.content.decode()  # never synced
    user_field_synced(user=leader_a)
    page = client_for(officer_a).get(reverse("teams:team-detail", args=[team.pk]))
    stamp = timezone.localtime(leader_a.field_synced_at).strftime("%H:%M %d/%m/%Y")
    assert stamp in page.content.decode()
