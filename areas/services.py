"""Writes to the hierarchy: creating units, hamlets, and importing GSO unit lists."""

from __future__ import annotations

import csv
import datetime
import io
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from core.text import clean_text, fold

from .models import LEVEL_RANK, UNKNOWN_START, AdministrativeUnit, Level, UnitPlacement

# Units imported without --valid-from are taken as valid since before the portal's records.
DEFAULT_VALID_FROM = UNKNOWN_START


def _set_path(unit: AdministrativeUnit) -> None:
    prefix = unit.parent.path if unit.parent is not None else "/"
    unit.path = f"{prefix}{unit.pk}/"
    unit.save(update_fields=["path"])


def unit_create(
    *,
    code: str,
    name: str,
    level: str,
    parent: AdministrativeUnit | None,
    valid_from: datetime.date,
) -> AdministrativeUnit:
    unit = AdministrativeUnit(
        code=clean_text(code),
        name=clean_text(name),
        level=level,
        parent=parent,
        valid_from=valid_from,
    )
    unit.search_key = fold(unit.name)
    _validate_placement(unit)
    unit.full_clean(exclude=["path"])
    with transaction.atomic():
        unit.save()
        _set_path(unit)
    return unit


def _validate_placement(unit: AdministrativeUnit) -> None:
    if unit.level == Level.PROVINCE:
        if unit.parent_id:
            raise ValidationError({"parent": _("A province has no parent unit.")})
        return
    if unit.parent is None:
        raise ValidationError({"parent": _("This unit needs a parent unit.")})
    if LEVEL_RANK[Level(unit.parent.level)] >= LEVEL_RANK[Level(unit.level)]:
        raise ValidationError(
            {
                "parent": _("A %(level)s cannot be placed under a %(parent_level)s.")
                % {"level": Level(unit.level).label, "parent_level": Level(unit.parent.level).label}
            }
        )


def unit_move(
    *,
    unit: AdministrativeUnit,
    new_parent: AdministrativeUnit,
    effective: datetime.date | None = None,
) -> None:
    """Re-parent a unit and rewrite the paths of its whole subtree in one UPDATE. With an
    ``effective`` date the former placement is kept (until the day before) for as-of views;
    without one the unit is taken as having always been there (a correction)."""
    if effective is not None and unit.parent_id and unit.parent_id != new_parent.pk:
        last = unit.placements.order_by("-valid_to").values_list("valid_to", flat=True).first()
        start = last + datetime.timedelta(days=1) if last else unit.valid_from
        end = effective - datetime.timedelta(days=1)
        if end >= start:
            UnitPlacement.objects.create(
                unit=unit, parent_id=unit.parent_id, valid_from=start, valid_to=end
            )
    old_path = unit.path
    new_path = f"{new_parent.path}{unit.pk}/"
    unit.parent = new_parent
    unit.save(update_fields=["parent", "updated_at"])
    AdministrativeUnit.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1))
    )
    unit.path = new_path


# --- Hamlets: created by area officers, with a local code --------------------------------


def _next_hamlet_code(commune: AdministrativeUnit) -> str:
    taken = set(
        AdministrativeUnit.objects.filter(code__startswith=f"{commune.code}-").values_list(
            "code", flat=True
        )
    )
    number = 1
    while f"{commune.code}-{number:02d}" in taken:
        number += 1
    return f"{commune.code}-{number:02d}"


def _validate_hamlet(*, hamlet: AdministrativeUnit, commune: AdministrativeUnit) -> None:
    errors: dict[str, str] = {}
    if commune.level != Level.COMMUNE:
        errors["parent"] = _("Hamlets can only be created inside a commune.")
    if not commune.is_current:
        errors["parent"] = _("This commune is no longer in force.")
    siblings = AdministrativeUnit.objects.current().filter(
        parent=commune, search_key=fold(hamlet.name)
    )
    if hamlet.pk:
        siblings = siblings.exclude(pk=hamlet.pk)
    if hamlet.name and siblings.exists():
        errors["name"] = _("This commune already has a hamlet with this name.")
    codes = AdministrativeUnit.objects.current().filter(code=hamlet.code)
    if hamlet.pk:
        codes = codes.exclude(pk=hamlet.pk)
    if hamlet.code and codes.exists():
        errors["code"] = _("This code is already used by another unit.")
    if errors:
        raise ValidationError(errors)


def hamlet_create(
    *,
    commune: AdministrativeUnit,
    name: str,
    code: str = "",
    valid_from: datetime.date | None = None,
) -> AdministrativeUnit:
    hamlet = AdministrativeUnit(
        code=clean_text(code) or _next_hamlet_code(commune),
        name=clean_text(name),
        level=Level.HAMLET,
        parent=commune,
        valid_from=valid_from or timezone.localdate(),
    )
    hamlet.search_key = fold(hamlet.name)
    _validate_hamlet(hamlet=hamlet, commune=commune)
    hamlet.full_clean(exclude=["path"])
    with transaction.atomic():
        hamlet.save()
        _set_path(hamlet)
    return hamlet


def hamlet_update(*, hamlet: AdministrativeUnit, name: str, code: str) -> AdministrativeUnit:
    hamlet.name = clean_text(name)
    hamlet.code = clean_text(code) or hamlet.code
    hamlet.search_key = fold(hamlet.name)
    assert hamlet.parent is not None  # a hamlet always has its commune
    _validate_hamlet(hamlet=hamlet, commune=hamlet.parent)
    hamlet.full_clean(exclude=["path"])
    hamlet.save(update_fields=["name", "code", "search_key", "updated_at"])
    return hamlet


def hamlet_close(*, hamlet: AdministrativeUnit, closed_on: datetime.date) -> AdministrativeUnit:
    """Close a hamlet (merged or abolished): it stays in history with its records."""
    if hamlet.level != Level.HAMLET:
        raise ValidationError(_("Only hamlets can be closed here."))
    if not hamlet.is_current:
        raise ValidationError(_("This hamlet is already closed."))
    if closed_on < hamlet.valid_from:
        raise ValidationError(
            {"closed_on": _("The closing date cannot be before the hamlet was created.")}
        )
    if closed_on > timezone.localdate():
        raise ValidationError({"closed_on": _("The closing date cannot be in the future.")})
    hamlet.valid_to = closed_on
    hamlet.full_clean(exclude=["path"])
    hamlet.save(update_fields=["valid_to", "updated_at"])
    return hamlet


# --- Importing GSO unit lists (code,name,level,parent_code) ------------------------------

REQUIRED_COLUMNS = ("code", "name", "level", "parent_code")


@dataclass
class UnitRow:
    line: int
    code: str
    name: str
    level: str
    parent_code: str


@dataclass
class UnitsImportResult:
    errors: list[str] = field(default_factory=list)
    # level → Counter of "created" / "updated" / "unchanged"
    counts: dict[str, Counter] = field(default_factory=dict)

    def count(self, level: str, outcome: str) -> None:
        self.counts.setdefault(level, Counter())[outcome] += 1

    @property
    def changed(self) -> int:
        return sum(c["created"] + c["updated"] for c in self.counts.values())


def read_csv(
    data: bytes, required: tuple[str, ...]
) -> tuple[dict[str, int], list[tuple[int, list[str]]], list[str]]:
    """A UTF-8 CSV with a header row: the column of each (lower-cased) header, the non-empty
    lines as (line number, values), and every problem found, each naming its line."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return {}, [], [_("Line %(line)d: the file is not UTF-8 text.") % {"line": line}]
    reader = csv.reader(io.StringIO(text))
    header = [clean_text(h).lower() for h in next(reader, [])]
    missing = [c for c in required if c not in header]
    if missing:
        error = _("Line 1: missing column(s): %(columns)s.") % {"columns": ", ".join(missing)}
        return {}, [], [error]
    lines: list[tuple[int, list[str]]] = []
    errors: list[str] = []
    for line_number, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        if len(values) < len(header):
            errors.append(
                _("Line %(line)d: expected %(expected)d values, found %(found)d.")
                % {"line": line_number, "expected": len(header), "found": len(values)}
            )
            continue
        lines.append((line_number, values))
    return {name: header.index(name) for name in header}, lines, errors


def parse_units_csv(data: bytes) -> tuple[list[UnitRow], list[str]]:
    """Read a GSO list; return its rows and every problem found, each naming its line."""
    index, lines, errors = read_csv(data, REQUIRED_COLUMNS)
    rows = [
        UnitRow(
            line=line_number,
            code=clean_text(values[index["code"]]),
            name=clean_text(values[index["name"]]),
            level=clean_text(values[index["level"]]).lower(),
            parent_code=clean_text(values[index["parent_code"]]),
        )
        for line_number, values in lines
    ]
    return rows, errors


def unit_rows_check(rows: list[UnitRow]) -> list[str]:
    """What is wrong with a units list (duplicate codes, unknown parents or levels…), each
    naming its line; empty when the rows make a tree. (reorganizations checks its new units
    file with it too.)"""
    errors: list[str] = []
    first_line: dict[str, int] = {}
    by_code = {}
    for row in rows:
        if not row.code:
            errors.append(_("Line %(line)d: the code is empty.") % {"line": row.line})
        if not row.name:
            errors.append(_("Line %(line)d: the name is empty.") % {"line": row.line})
        if row.level not in Level.values:
            errors.append(
                _("Line %(line)d: unknown level “%(level)s” (expected one of: %(levels)s).")
                % {"line": row.line, "level": row.level, "levels": ", ".join(Level.values)}
            )
        if row.code in first_line:
            errors.append(
                _("Line %(line)d: duplicate code %(code)s (already on line %(first)d).")
                % {"line": row.line, "code": row.code, "first": first_line[row.code]}
            )
        elif row.code:
            first_line[row.code] = row.line
            by_code[row.code] = row
    existing = {
        u.code: u
        for u in AdministrativeUnit.objects.current().filter(
            code__in={r.code for r in rows} | {r.parent_code for r in rows}
        )
    }
    for row in rows:
        if row.level not in Level.values:
            continue
        unit = existing.get(row.code)
        if unit is not None and unit.level != row.level:
            errors.append(
                _("Line %(line)d: code %(code)s already belongs to %(name)s, a %(level)s.")
                % {
                    "line": row.line,
                    "code": row.code,
                    "name": unit.name,
                    "level": Level(unit.level).label,
                }
            )
        if row.level == Level.PROVINCE:
            if row.parent_code:
                errors.append(
                    _("Line %(line)d: a province has no parent code.") % {"line": row.line}
                )
            continue
        if not row.parent_code:
            errors.append(_("Line %(line)d: the parent code is empty.") % {"line": row.line})
            continue
        parent_level = None
        if row.parent_code in by_code:
            parent_level = by_code[row.parent_code].level
        elif row.parent_code in existing:
            parent_level = existing[row.parent_code].level
        if parent_level is None:
            errors.append(
                _("Line %(line)d: unknown parent code %(parent)s.")
                % {"line": row.line, "parent": row.parent_code}
            )
        elif parent_level in Level.values and (
            LEVEL_RANK[Level(parent_level)] >= LEVEL_RANK[Level(row.level)]
        ):
            errors.append(
                _("Line %(line)d: a %(level)s cannot be placed under a %(parent_level)s.")
                % {
                    "line": row.line,
                    "level": Level(row.level).label,
                    "parent_level": Level(parent_level).label,
                }
            )
    return errors


def units_import(*, data: bytes, valid_from: datetime.date = DEFAULT_VALID_FROM):
    """Import a GSO unit list: all or nothing, idempotent.

    A row whose code matches a current unit of the same level updates its name or parent when
    they differ and is otherwise left unchanged; any other row creates a unit valid from
    ``valid_from``. On any bad line nothing is written and every problem is reported.
    """
    result = UnitsImportResult()
    rows, result.errors = parse_units_csv(data)
    if result.errors:
        return result
    result.errors = unit_rows_check(rows)
    if result.errors:
        return result
    rows.sort(key=lambda r: LEVEL_RANK[Level(r.level)])
    with transaction.atomic():
        units = {
            u.code: u
            for u in AdministrativeUnit.objects.current()
            .select_for_update()
            .filter(code__in={r.code for r in rows} | {r.parent_code for r in rows})
        }
        for row in rows:
            parent = units.get(row.parent_code) if row.parent_code else None
            unit = units.get(row.code)
            if unit is None:
                units[row.code] = unit_create(
                    code=row.code,
                    name=row.name,
                    level=row.level,
                    parent=parent,
                    valid_from=valid_from,
                )
                result.count(row.level, "created")
                continue
            changed = False
            if unit.name != row.name:
                unit.name, unit.search_key = row.name, fold(row.name)
                unit.save(update_fields=["name", "search_key", "updated_at"])
                changed = True
            if parent is not None and unit.parent_id != parent.pk:
                unit_move(unit=unit, new_parent=parent)
                changed = True
            result.count(row.level, "updated" if changed else "unchanged")
    return result


def hamlets_bulk_create(
    *, commune: AdministrativeUnit, hamlets: list[tuple[str, str]], valid_from: datetime.date
) -> int:
    """Create many hamlets of one commune at once (demo data, imports): [(code, name), …].

    The same rules as ``hamlet_create`` (unique name in the commune, unique current code),
    checked for the whole batch in two queries; inserts and paths in two statements.
    """
    names = [clean_text(name) for _code, name in hamlets]
    codes = [clean_text(code) for code, _name in hamlets]
    keys = [fold(name) for name in names]
    if commune.level != Level.COMMUNE:
        raise ValidationError(_("Hamlets can only be created inside a commune."))
    if len(set(keys)) != len(keys) or len(set(codes)) != len(codes):
        raise ValidationError(_("The batch repeats a hamlet name or code."))
    current = AdministrativeUnit.objects.current()
    if current.filter(parent=commune, search_key__in=keys).exists():
        raise ValidationError(_("This commune already has a hamlet with this name."))
    if current.filter(code__in=codes).exists():
        raise ValidationError(_("This code is already used by another unit."))
    with transaction.atomic():
        AdministrativeUnit.objects.bulk_create(
            AdministrativeUnit(
                code=code,
                name=name,
                search_key=key,
                level=Level.HAMLET,
                parent=commune,
                valid_from=valid_from,
            )
            for code, name, key in zip(codes, names, keys, strict=True)
        )
        AdministrativeUnit.objects.filter(parent=commune, path="").update(
            path=Concat(Value(commune.path), Cast("pk", CharField()), Value("/"))
        )
    return len(hamlets)
