"""The province at full scale, for the benchmark: households, citizens, visits and
assistances in every hamlet, written with PostgreSQL COPY in a few minutes.

At ``fraction=1`` (``seed_demo --scale province``): about 400,000 households, 1,300,000
citizens, 1,000,000 visits and 3,000,000 assistances over the last 18 months, on top of the
ordinary demo (units, hamlets, 2,255 teams, ~7,200 members, training). Deterministic: the
same seed gives the same province.

Rows are generated with explicit ids (the sequences are moved past them afterwards), and
the change-mark triggers are switched off for the session (``session_replication_role``):
a bulk load is followed by a full roll-up anyway.
"""

from __future__ import annotations

import datetime
import hashlib
import random
import uuid
from collections.abc import Callable

from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Role, User
from apps_catalog.models import App
from areas.models import AdministrativeUnit, Level
from citizens.models import Household
from core.text import fold
from teams.models import Team

from .registry import person

HOUSEHOLDS = 400_000
VISITS_PER_HOUSEHOLD = 2.5  # 1,000,000 visits
ASSISTANCES_PER_VISIT = 3  # 3,000,000 assistances
DAYS = 540

SCALES = {"quarter": 0.25, "half": 0.5, "province": 1.0}


def _next_id(cursor, table: str) -> int:
    cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")
    return cursor.fetchone()[0]


def _move_sequence(cursor, table: str) -> None:
    cursor.execute(
        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
        f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
    )


def seed_scale(fraction: float, log: Callable[[str], None]) -> dict[str, int]:
    """Fill every hamlet that has no households yet; returns the rows written per table."""
    if connection.vendor != "postgresql":
        raise RuntimeError("seed_demo --scale needs PostgreSQL (DATABASE_URL): it uses COPY.")
    rng = random.Random(f"scale-{fraction}")
    today = timezone.localdate()
    now = timezone.now()
    filled = set(Household.objects.values_list("hamlet_id", flat=True).distinct())
    hamlets = list(
        AdministrativeUnit.objects.current()
        .filter(level=Level.HAMLET)
        .exclude(pk__in=filled)
        .order_by("pk")
        .values_list("pk", "name")
    )
    teams = dict(Team.objects.active().values_list("hamlet_id", "pk"))
    recorder, _ = User.objects.get_or_create(
        username="nhap-lieu-tinh",
        defaults={
            "name": "Nhập liệu tổng hợp",
            "role": Role.PROVINCE_OFFICER,
            "scope_unit": AdministrativeUnit.objects.current().get(level=Level.PROVINCE),
            "is_active": False,
        },
    )
    apps = [(app.pk, [o.pk for o in app.outcomes.all()]) for app in App.objects.all()]
    per_hamlet = max(1, round(HOUSEHOLDS * fraction / max(1, len(hamlets) + len(filled))))
    written = dict.fromkeys(("households", "citizens", "visits", "assistances"), 0)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        household_id = _next_id(cursor, "citizens_household")
        citizen_id = _next_id(cursor, "citizens_citizen")
        visit_id = _next_id(cursor, "citizens_visit")
        households, citizens, visits, assistances = [], [], [], []
        for hamlet_pk, hamlet_name in hamlets:
            for n in range(1, rng.randint(per_hamlet * 3 // 4, per_hamlet * 5 // 4) + 1):
                head, _ = person(rng)
                size = rng.choice((1, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 6))
                address = f"Nhà {n}, {hamlet_name}"
                households.append(
                    (
                        household_id,
                        hamlet_pk,
                        head,
                        fold(f"{head} {address}"),
                        address,
                        size,
                        min(size, rng.choice((0, 1, 1, 2, 2, 3))),
                        datetime.date(2024, 4, 1),
                        now,
                        now,
                    )
                )
                people = []
                for i in range(size):
                    name = head if i == 0 else person(rng)[0]
                    citizens.append(
                        (
                            citizen_id,
                            household_id,
                            name,
                            fold(name),
                            rng.randrange(1940, 2020),
                            *("", "", "", ""),  # sex, phone, ID digest and last 4 unknown
                            now,
                            now,
                        )
                    )
                    people.append(citizen_id)
                    citizen_id += 1
                for _ in range(_visits(rng)):
                    day = today - datetime.timedelta(days=rng.randrange(DAYS))
                    visits.append(
                        (
                            visit_id,
                            uuid.UUID(int=rng.getrandbits(128), version=4),
                            hashlib.sha256(f"scale-{visit_id}".encode()).hexdigest(),
                            household_id,
                            teams.get(hamlet_pk),
                            recorder.pk,
                            day,
                            now,
                            now,
                        )
                    )
                    done = set()
                    for _ in range(_assistances(rng)):
                        app, outcomes = rng.choice(apps)
                        key = (rng.choice(people), app, rng.choice(outcomes))
                        if key not in done:
                            done.add(key)
                            assistances.append((visit_id, *key, now, now))
                    visit_id += 1
                household_id += 1
            if len(assistances) > 200_000:
                _flush(cursor, households, citizens, visits, assistances, written)
        _flush(cursor, households, citizens, visits, assistances, written)
        for table in (
            "citizens_household",
            "citizens_citizen",
            "citizens_visit",
            "citizens_assistance",
        ):
            _move_sequence(cursor, table)
    with connection.cursor() as cursor:
        cursor.execute(
            "ANALYZE citizens_household, citizens_citizen, citizens_visit, citizens_assistance"
        )
    log(
        f"Scale {fraction:g}: {written['households']:,} households, {written['citizens']:,} "
        f"citizens, {written['visits']:,} visits, {written['assistances']:,} assistances "
        f"in {len(hamlets):,} hamlets."
    )
    return written


def _visits(rng: random.Random) -> int:
    # Mean 2.5: a quarter of households not visited yet, the others one to five times.
    return rng.choice((0, 0, 1, 2, 3, 3, 4, 4, 5, 3))


def _assistances(rng: random.Random) -> int:
    return rng.choice((1, 2, 3, 3, 4, 5))


def _flush(cursor, households, citizens, visits, assistances, written) -> None:
    copies = (
        (
            "citizens_household (id, hamlet_id, head_name, search_key, address, member_count, "
            "smartphone_count, consent_on, created_at, updated_at)",
            households,
            "households",
        ),
        (
            "citizens_citizen (id, household_id, full_name, search_key, birth_year, sex, phone, "
            "id_number_digest, id_number_last4, created_at, updated_at)",
            citizens,
            "citizens",
        ),
        (
            "citizens_visit (id, client_uuid, content_digest, household_id, team_id, "
            "recorded_by_id, visited_on, created_at, updated_at, notes, kind, version)",
            [(*row, "", "helped", 1) for row in visits],
            "visits",
        ),
        (
            "citizens_assistance (visit_id, citizen_id, app_id, outcome_id, created_at, "
            "updated_at)",
            assistances,
            "assistances",
        ),
    )
    for target, rows, name in copies:
        with cursor.copy(f"COPY {target} FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        written[name] += len(rows)
    for rows in (households, citizens, visits, assistances):
        rows.clear()
