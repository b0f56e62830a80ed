"""The demo's 1 July 2025: the map re-drawn by the portal's own reorganization with the real
files, the accounts moved to their new units, the population bases and a few targets.

Population figures are the demo's own (plausible orders of magnitude, never statistics): each
commune of March 2025 gets a statement on 1/1/2024, and each new commune on 1/7/2025 the sum of
the communes merged into it (a split commune's people shared equally between its successors),
so a ratio reads the same before and after the re-drawing.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal

from django.db.models import Q
from simple_history.utils import bulk_create_with_history

from accounts.models import User
from accounts.services import user_set_scope
from areas.models import AdministrativeUnit, Level
from areas.reference import MAPPING_2025, UNITS_2025, reference_file
from dashboards.models import Indicator, Population
from dashboards.services import target_set
from reorganizations.models import Reorganization, Status
from reorganizations.services import (
    hamlet_assign,
    parse_mapping_csv,
    reorganization_apply,
    reorganization_create,
)

EFFECTIVE = datetime.date(2025, 7, 1)
BEFORE = EFFECTIVE - datetime.timedelta(days=1)
OLD_BASES_ON = datetime.date(2024, 1, 1)
SOURCE = "Số liệu minh họa (demo)"
REORGANIZATION_NAME = (
    "Sắp xếp đơn vị hành chính cấp xã, hợp nhất tỉnh Bắc Kạn (Nghị quyết 1683/NQ-UBTVQH15)"
)
TRUNG_KIEN = "Tổ dân phố Trung Kiên"


def reorganized() -> bool:
    return Reorganization.objects.filter(status=Status.APPLIED).exists()


def seed_reorganization(log: Callable[[str], None]) -> None:
    """Apply the real 2025 files on 1/7/2025, as the province's officer would: upload, assign
    the hamlets of the three split communes (alternately to each successor), apply."""
    if reorganized():
        log("Reorganization: already applied, nothing changed.")
        return
    reorganization, _plan = reorganization_create(
        name=REORGANIZATION_NAME,
        units_data=reference_file(UNITS_2025).read_bytes(),
        mapping_data=reference_file(MAPPING_2025).read_bytes(),
        effective_on=EFFECTIVE,
    )
    for n, item in enumerate(reorganization.assignments.order_by("hamlet__code")):
        hamlet_assign(
            reorganization=reorganization,
            hamlet_id=item.hamlet_id,
            new_commune_code=sorted(item.choices)[n % len(item.choices)],
        )
    result = reorganization_apply(reorganization=reorganization)
    log(
        f"Reorganization of {EFFECTIVE:%d/%m/%Y}: {result['created'].get('commune', 0)} "
        f"communes created, {sum(result['closed'].values())} units closed, "
        f"{result['hamlets_moved']} hamlets moved."
    )


def seed_rescope(log: Callable[[str], None], moves: dict[str, str]) -> None:
    """Move the accounts of closed units named in ``moves`` to their new commune (what the
    province officer confirms on the reorganization's accounts page)."""
    moved = 0
    for user in User.objects.filter(username__in=moves, scope_unit__valid_to__isnull=False):
        unit = AdministrativeUnit.objects.current().get(
            level=Level.COMMUNE, code=moves[user.username]
        )
        user_set_scope(actor=None, user=user, scope_unit=unit)
        moved += 1
    log(f"Accounts moved to their new unit: {moved}.")


def _statement(rng: random.Random, urban: bool) -> dict[str, int]:
    total = rng.randrange(7_000, 16_000) if urban else rng.randrange(2_500, 9_000)
    adults = round(total * rng.uniform(0.70, 0.76))
    return {
        "total": total,
        "adults": adults,
        "aged_15_plus": adults + round(total * rng.uniform(0.04, 0.06)),
        "working_age": round(total * rng.uniform(0.58, 0.64)),
        "households": round(total / rng.uniform(3.4, 3.9)),
    }


def seed_population(log: Callable[[str], None]) -> None:
    if Population.objects.exists():
        log("Population: already there, nothing added.")
        return
    recorder = User.objects.filter(username="tinh").first()
    old = list(
        AdministrativeUnit.objects.filter(level=Level.COMMUNE, valid_from__lt=EFFECTIVE)
        .filter(Q(valid_to__isnull=True) | Q(valid_to=BEFORE))
        .order_by("code")
    )
    old_values = {
        u.code: _statement(
            random.Random(f"population-{u.code}"), u.name.startswith(("Phường", "Thị trấn"))
        )
        for u in old
    }
    rows, _errors = parse_mapping_csv(reference_file(MAPPING_2025).read_bytes())
    successors: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        successors[row.old_code].append(row.new_code)
    new_values: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for code, values in old_values.items():
        heirs = successors.get(code, [])
        for heir in heirs:
            for name, value in values.items():
                new_values[heir][name] += value // len(heirs)
    new = AdministrativeUnit.objects.current().filter(level=Level.COMMUNE, code__in=new_values)
    statements = [
        Population(
            unit=u, as_of=OLD_BASES_ON, source=SOURCE, recorded_by=recorder, **old_values[u.code]
        )
        for u in old
    ] + [
        Population(
            unit=u, as_of=EFFECTIVE, source=SOURCE, recorded_by=recorder, **new_values[u.code]
        )
        for u in new
    ]
    trung_kien = AdministrativeUnit.objects.filter(level=Level.HAMLET, name=TRUNG_KIEN).first()
    if trung_kien is not None:  # the hamlet's own figures: its team counts against them
        statements.append(
            Population(
                unit=trung_kien,
                as_of=OLD_BASES_ON,
                source=SOURCE,
                recorded_by=recorder,
                total=905,
                adults=652,
                aged_15_plus=699,
                working_age=561,
                households=242,
            )
        )
    bulk_create_with_history(statements, Population)
    log(
        f"Population: {len(statements)} statements ({len(old)} former communes, {new.count()} new)."
    )


# (unit code or the hamlet's name, indicator, value, set by)
TARGETS = [
    ("05569", "vneid-level-2", "80", "tinh"),  # Xã Định Hóa: behind, at risk
    ("05443", "vneid-level-2", "80", "tinh"),  # Phường Phan Đình Phùng
    ("05569", "team-members-per-100", "0.8", "tinh"),
    (TRUNG_KIEN, "vneid-level-2", "50", "chochu"),
]
TARGETS_DUE = datetime.date(2026, 12, 31)
TARGETS_START = datetime.date(2026, 1, 1)


def seed_targets(log: Callable[[str], None]) -> None:
    from dashboards.models import Target

    if Target.objects.exists():
        log("Targets: already there, nothing added.")
        return
    made = 0
    for unit_key, code, value, setter in TARGETS:
        actor = User.objects.filter(username=setter).select_related("scope_unit").first()
        indicator = Indicator.objects.filter(code=code, is_active=True).first()
        current = AdministrativeUnit.objects.current()
        unit = (
            current.filter(level=Level.HAMLET, name=unit_key).first()
            if unit_key == TRUNG_KIEN
            else current.filter(level=Level.COMMUNE, code=unit_key).first()
        )
        if actor is None or indicator is None or unit is None:
            continue
        target_set(
            actor=actor,
            unit=unit,
            indicator=indicator,
            value=Decimal(value),
            due_on=TARGETS_DUE,
            starts_on=TARGETS_START,
            note="Chỉ tiêu năm 2026 (demo)",
        )
        made += 1
    log(f"Targets: {made} set, due {TARGETS_DUE:%d/%m/%Y}.")
