"""Fixtures shared by the dashboard tests."""

from __future__ import annotations

import datetime
import random
import uuid

import pytest
from django.utils import timezone

from apps_catalog.models import App
from areas.services import hamlet_create
from citizens.models import Assistance, Citizen, Household, Visit, VisitKind
from teams.services import member_add, member_retire, team_create, team_dissolve
from tests.consent import CONSENTED
from training.models import Course, Trainee

TODAY = timezone.localdate()


@pytest.fixture
def random_province(tree, leader_a):
    """A few hamlets per commune with random teams, members, households, visits, trainees."""
    rng = random.Random(2255)
    hamlets = [tree.hamlet_a, tree.hamlet_b]
    for commune in (tree.commune_a, tree.commune_a2, tree.commune_b):
        hamlets += [
            hamlet_create(commune=commune, name=f"Xóm {i}") for i in range(rng.randint(1, 3))
        ]
    apps = list(App.objects.prefetch_related("outcomes"))
    for hamlet in hamlets:
        if rng.random() < 0.8:
            team = team_create(hamlet=hamlet)
            for i in range(rng.randint(1, 5)):
                member = member_add(team=team, name=f"TV {hamlet.pk}-{i}", joined_on=TODAY)
                if rng.random() < 0.2:
                    member_retire(member=member, left_on=TODAY)
            if rng.random() < 0.15:
                team_dissolve(team=team, dissolved_on=TODAY)
        for h in range(rng.randint(0, 6)):
            household = Household.objects.create(
                consent_on=CONSENTED,
                hamlet=hamlet,
                head_name=f"Chủ hộ {h}",
                member_count=rng.randint(1, 7),
                smartphone_count=rng.randint(0, 3),
            )
            citizens = [
                Citizen.objects.create(household=household, full_name=f"Người {household.pk}-{c}")
                for c in range(rng.randint(1, 4))
            ]
            for _ in range(rng.choice([0, 0, 1, 2, 3])):
                visit = Visit.objects.create(
                    client_uuid=uuid.uuid4(),
                    content_digest="x",
                    household=household,
                    recorded_by=leader_a,
                    visited_on=TODAY - datetime.timedelta(days=rng.randrange(90)),
                )
                for citizen in rng.sample(citizens, rng.randint(1, len(citizens))):
                    app = rng.choice(apps)
                    Assistance.objects.create(
                        visit=visit,
                        citizen=citizen,
                        app=app,
                        outcome=rng.choice(list(app.outcomes.all())),
                    )
    # Visits of every kind (their own random sequence, so the rest of the world stays as it
    # was): some found nobody, some only informed, some were withdrawn.
    kinds = random.Random(15)
    for visit in list(Visit.objects.order_by("pk")):
        draw = kinds.random()
        if draw < 0.15:
            visit.assistances.all().delete()
            Visit.objects.filter(pk=visit.pk).update(withdrawn_at=timezone.now())
        elif draw < 0.3:
            Visit.objects.create(
                client_uuid=uuid.uuid4(),
                content_digest="x",
                household=visit.household,
                recorded_by=leader_a,
                kind=kinds.choice([VisitKind.NOBODY_HOME, VisitKind.INFORMED]),
                visited_on=TODAY - datetime.timedelta(days=kinds.randrange(90)),
            )
    nobody_only = Household.objects.filter(visits__isnull=True).first()
    if nobody_only is not None:  # a household where nobody was ever found is not reached
        Visit.objects.create(
            client_uuid=uuid.uuid4(),
            content_digest="x",
            household=nobody_only,
            recorded_by=leader_a,
            kind=VisitKind.NOBODY_HOME,
            visited_on=TODAY,
        )
    course = Course.objects.create(name="Kỹ năng số", unit=tree.district_a, starts_on=TODAY)
    for unit in (tree.commune_a, tree.district_a, tree.province, tree.commune_b, tree.hamlet_a):
        for i in range(rng.randint(1, 4)):
            Trainee.objects.create(
                course=course,
                name=f"HV {unit.pk}-{i}",
                unit=unit,
                completed_on=TODAY - datetime.timedelta(days=rng.randrange(60))
                if rng.random() < 0.5
                else None,
            )
    return hamlets
