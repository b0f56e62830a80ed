"""The household import against COPY of the same rows (figure P5 of `make bench`).

On the database it is given (seeded with the demo and scale data): a 20,000-row household list
for one commune, in the format the offices send and the importer reads, is read, planned and
applied as an officer of that commune would; then the same households and citizens are
COPYed into the same tables as the floor. Everything runs in transactions rolled back, so the
database is left as it was.

    DATABASE_URL=postgres://…/scale_x python -m benchmarks.imports [--rows 20000]
"""

from __future__ import annotations

import datetime
import io
import random
import time

ROWS = 20_000
# An office's household list (citizens/tests/test_household_import.py reads the same).
HEADERS = [
    "STT",
    "Xã",
    "Thôn/Tổ dân phố",
    "Họ và tên chủ hộ",
    "Số nhà",
    "Số nhân khẩu",
    "Số smartphone",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "SĐT",
    "Số CCCD",
    "Đồng ý",
]
_FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Ma", "Lưu", "Đặng", "Nông", "Triệu"]
_MIDDLE = ["Văn", "Thị", "Minh", "Đức", "Thu", "Ngọc", "Quang", "Hồng"]
_GIVEN = ["An", "Bình", "Cường", "Dung", "Hằng", "Lan", "Sơn", "Tâm", "Tuấn", "Yến", "Hà"]


class _Rollback(Exception):
    pass


def _commune_with_hamlets():
    from areas.models import AdministrativeUnit, Level

    return (
        AdministrativeUnit.objects.current()
        .filter(level=Level.COMMUNE, children__level=Level.HAMLET)
        .order_by("pk")
        .first()
    )


def household_rows(rng: random.Random, commune, rows: int) -> list[list]:
    """Rows of new households (1 to 6 people each) in the commune's hamlets; one row per person,
    half of them with a citizen ID number, most with a phone, as offices fill them in."""
    hamlets = list(commune.children.filter(level="hamlet").values_list("name", flat=True))
    out: list[list] = []
    household = 0
    while len(out) < rows:
        household += 1
        hamlet = rng.choice(hamlets)
        head = f"{rng.choice(_FAMILY)} {rng.choice(_MIDDLE)} {rng.choice(_GIVEN)}"
        address = f"Số {household} ngõ {rng.randint(1, 99)} nhập thử"
        members = rng.randint(1, 6)
        for member in range(members):
            name = head if member == 0 else f"{head.split()[0]} {rng.choice(_MIDDLE)} {member}"
            born = datetime.date(rng.randint(1940, 2020), rng.randint(1, 12), rng.randint(1, 28))
            id_number = f"0{rng.randint(10**10, 10**11 - 1)}" if rng.random() < 0.5 else ""
            phone = f"09{rng.randint(10**7, 10**8 - 1)}" if rng.random() < 0.7 else ""
            out.append(
                [
                    len(out) + 1,
                    commune.name,
                    hamlet,
                    head,
                    address,
                    members,
                    rng.randint(0, members),
                    name,
                    born,
                    rng.choice(["Nam", "Nữ"]),
                    phone,
                    id_number,
                    "x",
                ]
            )
            if len(out) == rows:
                break
    return out


def workbook_bytes(rows: list[list]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Danh sách")
    sheet.append(["DANH SÁCH HỘ GIA ĐÌNH VÀ NHÂN KHẨU"])
    sheet.append([])
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _copy_same_rows(plan) -> float:
    """COPY the households and citizens the plan would create into the same tables (ids
    drawn from their sequences first), in a transaction rolled back: the floor."""
    from django.db import connection, transaction
    from django.utils import timezone

    from citizens import services
    from core.text import fold

    good = plan.good
    groups: dict[tuple, dict] = {}
    for item in good:
        groups.setdefault(item.data["group"], item.data)
    now = timezone.now()
    started = time.perf_counter()
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval('citizens_household_id_seq') FROM generate_series(1, %s)",
                [len(groups)],
            )
            ids = dict(zip(groups, (row[0] for row in cursor.fetchall()), strict=True))
            with cursor.copy(
                "COPY citizens_household (id, hamlet_id, head_name, search_key, address, "
                "member_count, smartphone_count, consent_on, created_at, updated_at) FROM STDIN"
            ) as copy:
                for key, d in groups.items():
                    h = d["household"]
                    copy.write_row(
                        (
                            ids[key],
                            d["hamlet_id"],
                            h["head_name"],
                            fold(f"{h['head_name']} {h['address']}"),
                            h["address"],
                            h["member_count"],
                            h.get("smartphone_count") or 0,
                            h.get("consent_on"),
                            now,
                            now,
                        )
                    )
            with cursor.copy(
                "COPY citizens_citizen (household_id, full_name, search_key, birth_year, sex, "
                "phone, id_number_digest, id_number_last4, created_at, updated_at) FROM STDIN"
            ) as copy:
                for item in good:
                    d = item.data
                    if not d["name"]:
                        continue
                    number = d["id_number"]
                    copy.write_row(
                        (
                            ids[d["group"]],
                            d["name"],
                            fold(d["name"]),
                            d["birth_year"],
                            d["sex"] or "",
                            d["phone"] or "",
                            services.citizen_id_digest(number) if number else "",
                            number[-4:] if number else "",
                            now,
                            now,
                        )
                    )
            elapsed = time.perf_counter() - started
            raise _Rollback
    except _Rollback:
        pass
    return elapsed


def measure_imports(rng: random.Random, rows: int = ROWS) -> dict:
    """Seconds and rows/s of reading, planning and applying a household list, and of COPY."""
    from django.db import transaction

    from accounts.models import User
    from citizens.importers import HouseholdImporter
    from core.imports import describe, read_for_import
    from imports.services import MAX_UPLOAD_BYTES

    commune = _commune_with_hamlets()
    user = User.objects.filter(is_superuser=True).first() or User.objects.first()
    content = workbook_bytes(household_rows(rng, commune, rows))
    importer = HouseholdImporter(user=user, unit=commune)
    figures: dict = {"rows": rows, "commune": commune.name, "file_bytes": len(content)}
    try:
        with transaction.atomic():
            started = time.perf_counter()
            table = read_for_import(importer, content, "ho-gia-dinh.xlsx", max_bytes=10**9)
            read_s = time.perf_counter() - started
            started = time.perf_counter()
            plan = describe(importer.plan(table), table, importer.person_fields)
            plan_s = time.perf_counter() - started
            started = time.perf_counter()
            result = importer.apply(plan)
            apply_s = time.perf_counter() - started
            raise _Rollback
    except _Rollback:
        pass
    copy_s = _copy_same_rows(plan)
    end_to_end = read_s + plan_s + apply_s
    figures.update(
        {
            "errors": len(plan.errors),
            "households_created": result["households"],
            "citizens_created": result["citizens"],
            "read_s": read_s,
            "plan_s": plan_s,
            "apply_s": apply_s,
            "end_to_end_s": end_to_end,
            "copy_s": copy_s,
            "apply_rows_per_s": rows / apply_s,
            "end_to_end_rows_per_s": rows / end_to_end,
            "copy_rows_per_s": rows / copy_s,
            "apply_over_copy": copy_s / apply_s,
            "end_to_end_over_copy": copy_s / end_to_end,
            "upload_limit_bytes": MAX_UPLOAD_BYTES,
        }
    )
    return figures


if __name__ == "__main__":
    import argparse
    import json
    import os
    import sys

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--seed", type=int, default=19)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thainguyen_portal.settings")
    import django

    django.setup()
    print(json.dumps(measure_imports(random.Random(args.seed), args.rows), indent=2))
    sys.exit(0)
