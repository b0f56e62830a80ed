"""The map the 2025 mapping replaces (Thái Nguyên and Bắc Kạn as of March 2025, the real GSO
files), with hamlets and a little of everything recorded in them."""

from __future__ import annotations

import datetime
import random
import uuid
from pathlib import Path

from apps_catalog.models import App
from areas.models import AdministrativeUnit, Level
from areas.services import hamlets_bulk_create, units_import
from citizens.models import Assistance, Citizen, Household, Visit
from field.tests.builders import ensure_app_catalogue
from teams.models import Team, TeamMember
from tests.consent import CONSENTED

EFFECTIVE = datetime.date(2025, 7, 1)
BEFORE = datetime.date(2025, 6, 30)
SPLIT = {"05461", "05467", "05932"}  # the three communes split between two new ones


def files(shared: Path) -> tuple[bytes, bytes]:
    return (
        (shared / "thai_nguyen_units_2025.csv").read_bytes(),
        (shared / "thai_nguyen_commune_mapping_2025.csv").read_bytes(),
    )


def old_map(shared: Path, *, hamlets_per_commune: int = 2, leader=None) -> None:
    for name in ("thai_nguyen_units_2025_03.csv", "bac_kan_units_2025_03.csv"):
        result = units_import(data=(shared / name).read_bytes())
        assert not result.errors, result.errors
    for commune in AdministrativeUnit.objects.current().filter(level=Level.COMMUNE):
        hamlets_bulk_create(
            commune=commune,
            hamlets=[
                (f"{commune.code}-{n:02d}", f"Thôn {n}") for n in range(1, hamlets_per_commune + 1)
            ],
            valid_from=datetime.date(2020, 1, 1),
        )
    if leader is not None:
        record_activity(leader)


def record_activity(leader, seed: str = "reform") -> None:
    """Teams, members, households, citizens, visits with assistances, in bulk."""
    ensure_app_catalogue()
    rng = random.Random(seed)
    app = App.objects.get(slug="vneid")
    outcome = app.outcomes.first()
    hamlets = list(AdministrativeUnit.objects.current().filter(level=Level.HAMLET))
    teams = Team.objects.bulk_create(
        Team(hamlet=h, name=f"Tổ {h.code}") for h in hamlets if rng.random() < 0.8
    )
    TeamMember.objects.bulk_create(
        TeamMember(team=t, name=f"Thành viên {t.pk}-{i}", joined_on=datetime.date(2023, 1, 1))
        for t in teams
        for i in range(rng.randint(1, 4))
    )
    households = Household.objects.bulk_create(
        Household(
            hamlet=h,
            head_name=f"Chủ hộ {h.code}-{i}",
            search_key=f"chu ho {h.code}-{i}",
            member_count=rng.randint(1, 5),
            smartphone_count=rng.randint(0, 2),
            consent_on=CONSENTED,
        )
        for h in hamlets
        for i in range(rng.randint(0, 3))
    )
    citizens = Citizen.objects.bulk_create(
        Citizen(household=h, full_name=f"Người {h.pk}-{i}", search_key=f"nguoi {h.pk}-{i}")
        for h in households
        for i in range(rng.randint(1, 3))
    )
    visits = Visit.objects.bulk_create(
        Visit(
            client_uuid=uuid.uuid4(),
            content_digest="x",
            household=c.household,
            recorded_by=leader,
            visited_on=datetime.date(2025, 5, 1) + datetime.timedelta(days=rng.randrange(60)),
        )
        for c in citizens
        if rng.random() < 0.6
    )
    # Recorded before the re-drawing (the figures as of a day count records made by then).
    stamp = datetime.datetime(2024, 1, 1, 8, tzinfo=datetime.UTC)
    Team.objects.filter(pk__in=[t.pk for t in teams]).update(created_at=stamp)
    Household.objects.filter(pk__in=[h.pk for h in households]).update(created_at=stamp)
    Citizen.objects.filter(pk__in=[c.pk for c in citizens]).update(created_at=stamp)
    by_household = {}
    for c in citizens:
        by_household.setdefault(c.household_id, c)
    Assistance.objects.bulk_create(
        Assistance(visit=v, citizen=by_household[v.household_id], app=app, outcome=outcome)
        for v in visits
    )
