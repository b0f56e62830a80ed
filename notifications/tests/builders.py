from __future__ import annotations

import datetime
import hashlib
import uuid

from django.utils import timezone

from citizens.models import Assistance, Citizen, Household, Visit, VisitKind
from core.text import fold
from field.tests.builders import ensure_app_catalogue
from teams.models import MemberRole, Team
from teams.services import member_add, team_create
from tests.consent import CONSENTED


def recording_team(hamlet, leader_user, *, founded: datetime.date | None = None) -> Team:
    """A team whose leader has an account, founded ``founded`` (default: 60 days ago)."""
    team = team_create(hamlet=hamlet)
    member_add(team=team, name="Lưu Văn Bình", role=MemberRole.LEADER, user=leader_user)
    founded = founded or timezone.localdate() - datetime.timedelta(days=60)
    Team.objects.filter(pk=team.pk).update(decision_date=founded)
    team.refresh_from_db()
    return team


def household(hamlet, head: str = "Nguyễn Văn An", birth_year: int = 1980) -> Household:
    h = Household.objects.create(
        hamlet=hamlet,
        head_name=head,
        address="Số 1",
        search_key=fold(f"{head} Số 1"),
        member_count=1,
        consent_on=CONSENTED,
    )
    Citizen.objects.create(
        household=h, full_name=head, search_key=fold(head), birth_year=birth_year
    )
    return h


def visit(team, user, house, day: datetime.date, *, app=None, outcome=None) -> Visit:
    v = Visit.objects.create(
        kind=VisitKind.HELPED,
        client_uuid=uuid.uuid4(),
        content_digest=hashlib.sha256(f"{house.pk}-{day}-{uuid.uuid4()}".encode()).hexdigest(),
        household=house,
        team=team,
        recorded_by=user,
        visited_on=day,
    )
    if app is not None:
        for citizen in house.citizens.all():
            Assistance.objects.create(visit=v, citizen=citizen, app=app, outcome=outcome)
    return v


def vneid_level_2():
    from apps_catalog.models import App

    ensure_app_catalogue()
    app = App.objects.get(slug="vneid")
    return app, app.outcomes.get(code="level-2")
