"""Deterministic demo data for `make run` and the browser tests: today's province.

The demo starts where the records start: Thái Nguyên and Bắc Kạn as the GSO listed them in
March 2025 (districts, communes), with activity from 2024. On 1 July 2025 the portal's own
reorganization re-draws the map with the real 2025 files (Thái Nguyên absorbs Bắc Kạn; 92
communes, no districts), and activity goes on to today. The as-of views therefore show the
old districts with their own numbers, and today's views the communes officers work in.

Everything goes through the apps' services where one exists; every random choice comes from
a generator seeded with a fixed string, so two machines build the same province. Running it
again adds nothing.
"""

from __future__ import annotations

import base64
import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.db import transaction

from accounts.models import Role, User
from accounts.security import totp_now
from accounts.services import user_create
from apps_catalog.catalogue import load_catalogue
from apps_catalog.models import App, Outcome
from areas.models import AdministrativeUnit, Level
from areas.reference import BAC_KAN_2025_03, UNITS_2025_03, reference_file
from areas.services import DEFAULT_VALID_FROM, hamlets_bulk_create, units_import

from .reform import (
    reorganized,
    seed_population,
    seed_reorganization,
    seed_rescope,
    seed_targets,
)
from .registry import seed_households, seed_teams, seed_training, seed_visits

DEMO_PASSWORD = "ThaiNguyen@2026"
# The demo's province officer and administrator must use a second factor, like real ones:
# their authenticator secret is fixed and public (demo only). `manage.py demo_code` prints
# the current code; any authenticator app accepts the secret too.
DEMO_TOTP_SECRET = "KRUGCSJANZTXK6LFNYQDEMO2"
DEMO_TOTP_USERS = ("admin", "tinh")


@dataclass(frozen=True)
class DemoSecrets:
    """The demo accounts' password and authenticator secret: the published ones on a
    developer's machine, new random ones when the demo is loaded with DEBUG off."""

    password: str = DEMO_PASSWORD
    totp_secret: str = DEMO_TOTP_SECRET

    @classmethod
    def generated(cls) -> DemoSecrets:

        return cls(
            password=secrets.token_urlsafe(18),
            totp_secret=base64.b32encode(secrets.token_bytes(20)).decode(),
        )


PUBLISHED = DemoSecrets()


def demo_totp_code() -> str:
    """The current 6-digit code of the demo accounts' authenticator."""

    return totp_now(DEMO_TOTP_SECRET)


# Hamlets per district-level unit. Định Hóa formed 228 teams, one per hamlet or residential
# group; the province reports 2,255 teams, so there are a few more hamlets than teams. Bắc
# Kạn's hamlets (and its teams, in registry.py) are the demo's own round figures.
HAMLETS_DINH_HOA = 236
HAMLETS_PROVINCE = 2340
HAMLETS_BAC_KAN = 1100
PROVINCE_CODE = "19"
BAC_KAN_CODE = "06"
DINH_HOA_CODE = "167"
# Thị trấn Chợ Chu, Định Hóa's seat, as of March 2025 (05569, formerly Xã Bảo Cường); since
# 1 July 2025 the code is Xã Định Hóa's, a new commune that took in Chợ Chu and its neighbours.
CHO_CHU_CODE = "05569"
XA_DINH_HOA_CODE = "05569"
TRUNG_KIEN = "Tổ dân phố Trung Kiên"

RURAL_NAMES = [
    "Làng Mới",
    "Đồng Tâm",
    "Tân Lập",
    "Bình Minh",
    "Đồng Bẩm",
    "Khuôn Tát",
    "Bản Cái",
    "Nà Chú",
    "Làng Hội",
    "Đồng Chùa",
    "Pác Cập",
    "Nạ Á",
    "Khẩu Đưa",
    "Làng Lải",
    "Đồng Kem",
    "Thâm Tý",
    "Bản Pấu",
    "Hợp Thành",
    "Tân Thành",
    "Đồng Vân",
    "Đèo Bụt",
    "Quan Triều",
    "Làng Trò",
    "Gốc Gạo",
    "Đầm Mây",
    "Cây Thị",
    "Suối Bốc",
    "Nà Mòn",
    "Bản Lanh",
    "Đồng Xe",
    "Đồng Quang",
    "Tân Vượng",
    "Đồng Phú",
    "Làng Bầu",
    "Hang Neo",
    "Bảo Biên",
    "Nạ Liền",
    "Pải Lừa",
    "Đồng Đình",
    "Thẩm Rộc",
    "Kim Tân",
    "Đồng Mỏ",
    "Làng Muông",
    "Phố Hích",
]
URBAN_NAMES = [
    "Hợp Thành",
    "Tân Lập",
    "Đồng Tâm",
    "Bắc Sơn",
    "Nam Sơn",
    "Quyết Tiến",
    "Thống Nhất",
    "Hòa Bình",
    "Tân Thịnh",
    "Đoàn Kết",
    "Phú Xuân",
    "Hùng Vương",
    "Trung Tâm",
    "Lê Lợi",
    "Quang Trung",
    "Minh Khai",
    "Hoàng Văn Thụ",
    "Tân Tiến",
    "Bình Minh",
]


@dataclass(frozen=True)
class DemoAccount:
    username: str
    name: str
    role: str
    unit_code: str  # a GSO code, or a hamlet's name for the team leader


# The accounts are made on the map of March 2025, as they were. The reorganization then
# closes the districts and Thị trấn Chợ Chu: chochu and daitu are moved to their new communes
# (as the province officer confirms on the accounts page); dinhhoa, an officer of the former
# Huyện Định Hóa, is left waiting for a unit, to show what happens to such accounts.
DEMO_ACCOUNTS = [
    DemoAccount("tinh", "Nguyễn Thị Hoa", Role.PROVINCE_OFFICER, PROVINCE_CODE),
    DemoAccount("dinhhoa", "Hoàng Văn Thắng", Role.AREA_OFFICER, DINH_HOA_CODE),
    DemoAccount("daitu", "Trần Thị Lan", Role.AREA_OFFICER, "171"),
    DemoAccount("chochu", "Ma Thị Hương", Role.AREA_OFFICER, CHO_CHU_CODE),
    DemoAccount("trungkien", "Lưu Văn Bình", Role.TEAM_LEADER, TRUNG_KIEN),
]
# Where the reorganization's accounts page sends them: username → new commune's code.
RESCOPED = {"chochu": XA_DINH_HOA_CODE, "daitu": "05830"}  # Xã Định Hóa, Xã Đại Từ


def seed_units(log: Callable[[str], None]) -> None:
    if reorganized():
        log("Units: the map is already re-drawn, nothing added.")
        return
    for name in (UNITS_2025_03, BAC_KAN_2025_03):
        source = reference_file(name)
        result = units_import(data=source.read_bytes(), valid_from=DEFAULT_VALID_FROM)
        if result.errors:
            raise RuntimeError("; ".join(result.errors))
        log(f"Units from areas/data/{source.name}: {result.changed} created or updated.")


def _allocate(total: int, weights: list[float]) -> list[int]:
    """Split ``total`` in proportion to ``weights`` exactly (largest remainder)."""
    raw = [total * w / sum(weights) for w in weights]
    counts = [int(r) for r in raw]
    by_remainder = sorted(range(len(raw)), key=lambda i: raw[i] - counts[i], reverse=True)
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _hamlet_names(commune: AdministrativeUnit, n: int, rng: random.Random) -> list[str]:
    urban = commune.name.startswith(("Phường", "Thị trấn"))
    prefix, pool = ("Tổ dân phố", URBAN_NAMES) if urban else ("Xóm", RURAL_NAMES)
    names = [f"{prefix} {word}" for word in rng.sample(pool, min(n, len(pool)))]
    if commune.code == CHO_CHU_CODE and TRUNG_KIEN not in names:
        names[0] = TRUNG_KIEN
    names += [f"{prefix} {i}" for i in range(1, n - len(names) + 1)]
    return names


def seed_hamlets(log: Callable[[str], None]) -> None:
    if reorganized():
        log("Hamlets: the map is already re-drawn, nothing added.")
        return
    communes = list(
        AdministrativeUnit.objects.current()
        .filter(level=Level.COMMUNE)
        .select_related("parent")
        .order_by("code")
    )
    with_hamlets = set(
        AdministrativeUnit.objects.current()
        .filter(level=Level.HAMLET)
        .values_list("parent_id", flat=True)
    )
    provinces = dict(
        AdministrativeUnit.objects.current().filter(level=Level.PROVINCE).values_list("pk", "code")
    )

    def province(commune: AdministrativeUnit) -> str:
        return provinces[int(commune.path.strip("/").split("/")[0])]

    dinh_hoa = [c for c in communes if c.parent.code == DINH_HOA_CODE]
    others = [
        c for c in communes if c.parent.code != DINH_HOA_CODE and province(c) == PROVINCE_CODE
    ]
    bac_kan = [c for c in communes if province(c) == BAC_KAN_CODE]
    plan: dict[int, int] = {}
    for group, total in (
        (dinh_hoa, HAMLETS_DINH_HOA),
        (others, HAMLETS_PROVINCE - HAMLETS_DINH_HOA),
        (bac_kan, HAMLETS_BAC_KAN),
    ):
        if not group:
            continue
        weights = [random.Random(f"weight-{c.code}").uniform(0.6, 1.4) for c in group]
        plan.update(zip((c.pk for c in group), _allocate(total, weights), strict=True))
    created = 0
    with transaction.atomic():
        for commune in communes:
            if commune.pk in with_hamlets or not plan.get(commune.pk):
                continue
            rng = random.Random(f"hamlets-{commune.code}")
            names = _hamlet_names(commune, plan[commune.pk], rng)
            created += hamlets_bulk_create(
                commune=commune,
                hamlets=[(f"{commune.code}-{i:02d}", name) for i, name in enumerate(names, 1)],
                valid_from=DEFAULT_VALID_FROM,
            )
    log(f"Hamlets: {created} created.")


def seed_accounts(
    log: Callable[[str], None], secrets: DemoSecrets = PUBLISHED
) -> list[tuple[str, str, str]]:
    logins = []
    if not User.objects.filter(username="admin").exists():
        User.objects.create_superuser(
            "admin", "admin@example.invalid", secrets.password, name="Quản trị viên"
        )
    logins.append(("admin", str(Role.ADMIN.label), "—"))
    for account in DEMO_ACCOUNTS:
        existing = User.objects.filter(username=account.username).select_related("scope_unit")
        if existing:
            unit = existing[0].scope_unit
        elif account.role == Role.TEAM_LEADER:
            unit = AdministrativeUnit.objects.current().get(
                level=Level.HAMLET, name=account.unit_code, parent__code=CHO_CHU_CODE
            )
        else:
            unit = AdministrativeUnit.objects.current().get(code=account.unit_code)
        if not existing:
            user_create(
                actor=None,
                username=account.username,
                name=account.name,
                role=account.role,
                scope_unit=unit,
                password=secrets.password,
                email=f"{account.username}@example.invalid",
            )
        logins.append((account.username, str(Role(account.role).label), unit.name))

    for user in User.objects.filter(username__in=DEMO_TOTP_USERS):
        if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(user, secrets.totp_secret)
    return logins


def seed_demo(
    log: Callable[[str], None], secrets: DemoSecrets = PUBLISHED
) -> list[tuple[str, str, str]]:

    load_catalogue(App, Outcome)  # normally there from the migration; tests may have flushed it
    # The records of the map of March 2025 (with their dates from 2024 on) ...
    seed_units(log)
    seed_hamlets(log)
    seed_accounts(log, secrets)
    seed_teams(log)
    seed_households(log)
    seed_visits(log, secrets.password)
    # ... the map re-drawn on 1 July 2025, the accounts moved, and what came after.
    seed_reorganization(log)
    seed_rescope(log, RESCOPED)
    seed_training(log)
    seed_population(log)
    seed_targets(log)
    return seed_accounts(log, secrets)  # the logins, with the units they work in now
