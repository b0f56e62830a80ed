"""Planning and applying a reorganization.

``plan_reorganization`` reads the two files against today's hierarchy and says what applying
would do; nothing is written. ``reorganization_apply`` does it in one transaction, once.

Rules (the 2025 reform as the general case):
- A unit of the new file equal to a current unit (same code, name and level, and for a
  commune the mapping merges nothing else into it) is *kept*: same identity, moved under its
  new parent if that changed. Codes alone are not identities: they were reused for other units.
- Every other unit of the file is *created*, valid from the effective date.
- Every current province, district or commune of the provinces the mapping touches that is
  not kept is *closed* (valid until the day before).
- Hamlets are never in the files: a hamlet of a commune mapped in full to one new commune
  moves there; a hamlet of a commune split between several (or missing from the mapping)
  goes on a work list, and the reorganization cannot be applied until each is assigned.
- A moved unit keeps its former placement, so dashboards can show the earlier structure.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts import policies
from areas.models import AdministrativeUnit, Level
from areas.services import parse_units_csv, read_csv, unit_create, unit_move, unit_rows_check
from core.text import clean_text, fold

from .models import HamletAssignment, Reorganization, Status

MAPPING_COLUMNS = ("old_code", "new_code")
MERGE_TYPES = {"full", "partial"}
STRUCTURE_LEVELS = (Level.PROVINCE, Level.DISTRICT, Level.COMMUNE)


@dataclass
class MappingRow:
    line: int
    old_code: str
    new_code: str
    merge_type: str


@dataclass
class NewUnit:
    code: str
    name: str
    level: str
    parent_code: str
    kept: AdministrativeUnit | None = None  # the current unit it continues, if any


@dataclass
class Plan:
    effective_on: datetime.date
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    new_units: list[NewUnit] = field(default_factory=list)  # in file order, parents first
    close: list[AdministrativeUnit] = field(default_factory=list)
    # Kept units that change parent: (unit, code of the new parent in the file).
    reparent: list[tuple[AdministrativeUnit, str]] = field(default_factory=list)
    # Hamlets moved automatically: (hamlet, new commune code).
    moves: list[tuple[AdministrativeUnit, str]] = field(default_factory=list)
    # Hamlets needing an officer's choice: (hamlet, old commune, candidate new codes).
    work_list: list[tuple[AdministrativeUnit, AdministrativeUnit | None, list[str]]] = field(
        default_factory=list
    )

    @property
    def province(self) -> AdministrativeUnit | None:
        """The province of the new file, when it continues a current one."""
        return next((u.kept for u in self.new_units if u.level == Level.PROVINCE and u.kept), None)

    def within(self, scope: AdministrativeUnit) -> bool:
        """Whether an officer of ``scope`` may prepare and apply it: it re-draws their own
        province (which may absorb others, as Thái Nguyên absorbed Bắc Kạn)."""
        return self.province is not None and self.province.pk == scope.pk

    @property
    def created(self) -> list[NewUnit]:
        return [u for u in self.new_units if u.kept is None]

    @property
    def kept(self) -> list[NewUnit]:
        return [u for u in self.new_units if u.kept is not None]

    def new_unit(self, code: str) -> NewUnit | None:
        return next((u for u in self.new_units if u.code == code), None)

    def counts(self) -> dict:
        created = Counter(u.level for u in self.created)
        closed = Counter(u.level for u in self.close)
        return {
            "created": dict(created),
            "closed": dict(closed),
            "kept": len(self.kept),
            "reparented": len(self.reparent),
            "hamlets_moved": len(self.moves),
            "hamlets_to_assign": len(self.work_list),
        }


def parse_mapping_csv(data: bytes) -> tuple[list[MappingRow], list[str]]:
    index, lines, errors = read_csv(data, MAPPING_COLUMNS)
    rows = []
    for line, values in lines:
        kind = clean_text(values[index["merge_type"]]).lower() if "merge_type" in index else "full"
        if kind not in MERGE_TYPES:
            errors.append(
                _("Line %(line)d: the merge type “%(value)s” is not full or partial.")
                % {"line": line, "value": kind}
            )
            continue
        rows.append(
            MappingRow(
                line=line,
                old_code=clean_text(values[index["old_code"]]),
                new_code=clean_text(values[index["new_code"]]),
                merge_type=kind,
            )
        )
    return rows, errors


def _province_of(unit: AdministrativeUnit, by_id: dict[int, AdministrativeUnit]):
    root = int(unit.path.strip("/").split("/")[0])
    return by_id.get(root)


def plan_reorganization(
    *, units_data: bytes, mapping_data: bytes, effective_on: datetime.date
) -> Plan:
    plan = Plan(effective_on=effective_on)
    unit_rows, errors = parse_units_csv(units_data)
    plan.errors += [_("New units file: %(error)s") % {"error": e} for e in errors]
    mapping, errors = parse_mapping_csv(mapping_data)
    plan.errors += [_("Mapping file: %(error)s") % {"error": e} for e in errors]
    if plan.errors:
        return plan

    plan.errors += [
        _("New units file: %(error)s") % {"error": e} for e in unit_rows_check(unit_rows)
    ]
    codes: dict[str, object] = {}
    for row in unit_rows:
        if row.level not in STRUCTURE_LEVELS and row.level in Level.values:
            plan.errors.append(
                _(
                    "New units file, line %(line)d: the level “%(level)s” is not province, "
                    "district or commune."
                )
                % {"line": row.line, "level": row.level}
            )
        elif row.code in codes:
            plan.errors.append(
                _("New units file, line %(line)d: the code %(code)s appears twice.")
                % {"line": row.line, "code": row.code}
            )
        elif row.parent_code and row.parent_code not in codes:
            plan.errors.append(
                _("New units file, line %(line)d: the parent %(code)s is not listed above it.")
                % {"line": row.line, "code": row.parent_code}
            )
        codes[row.code] = row
    for link in mapping:
        if link.new_code not in codes:
            plan.errors.append(
                _(
                    "Mapping file, line %(line)d: the new code %(code)s is not in the new units "
                    "file."
                )
                % {"line": link.line, "code": link.new_code}
            )
    if plan.errors:
        return plan

    current = list(AdministrativeUnit.objects.current())
    by_id = {u.pk: u for u in current}
    by_code = {u.code: u for u in current if u.level in STRUCTURE_LEVELS}
    in_force = [
        row
        for row in unit_rows
        if (unit := by_code.get(row.code)) is not None
        and unit.level == row.level
        and fold(unit.name) == fold(row.name)
    ]
    if len(in_force) == len(unit_rows):
        plan.errors.append(
            _("Every unit of the new file is already in force: this map is drawn already.")
        )
        return plan
    targets: dict[str, list[MappingRow]] = defaultdict(list)
    for link in mapping:
        targets[link.old_code].append(link)
    sources: dict[str, list[MappingRow]] = defaultdict(list)
    for link in mapping:
        sources[link.new_code].append(link)

    provinces: set[int] = set()
    unknown: list[str] = []
    for old_code in targets:
        unit = by_code.get(old_code)
        if unit is None or unit.level != Level.COMMUNE:
            unknown.append(old_code)
            continue
        province = _province_of(unit, by_id)
        if province is not None:
            provinces.add(province.pk)
    if unknown:
        shown = ", ".join(unknown[:8]) + (", …" if len(unknown) > 8 else "")
        plan.warnings.append(
            ngettext(
                "The mapping names %(count)d code that is not a current commune (%(codes)s): "
                "ignored.",
                "The mapping names %(count)d codes that are not current communes (%(codes)s): "
                "ignored.",
                len(unknown),
            )
            % {"count": len(unknown), "codes": shown}
        )
    if not provinces:
        plan.errors.append(_("The mapping names none of the current communes."))
        return plan

    def in_area(unit: AdministrativeUnit) -> bool:
        return int(unit.path.strip("/").split("/")[0]) in provinces

    kept_ids: set[int] = set()
    for row in unit_rows:
        new = NewUnit(row.code, row.name, row.level, row.parent_code)
        same = by_code.get(row.code)
        if (
            same is not None
            and in_area(same)
            and same.level == row.level
            and fold(same.name) == fold(row.name)
        ):
            merged_in = sources.get(row.code, [])
            own_rows = targets.get(row.code, [])
            alone = all(
                m.old_code == row.code and m.merge_type == "full" for m in merged_in + own_rows
            ) and all(m.new_code == row.code for m in own_rows)
            if row.level != Level.COMMUNE or alone:
                new.kept = same
                kept_ids.add(same.pk)
        plan.new_units.append(new)
    new_by_code = {u.code: u for u in plan.new_units}

    plan.close = [
        u for u in current if u.level in STRUCTURE_LEVELS and in_area(u) and u.pk not in kept_ids
    ]
    plan.close.sort(key=lambda u: (-u.rank, u.code))
    for unit in plan.close:
        if unit.valid_from >= effective_on:
            plan.errors.append(
                _("%(unit)s only became valid on %(date)s: it cannot close before.")
                % {"unit": unit.name, "date": unit.valid_from.strftime("%d/%m/%Y")}
            )
    closing = {u.pk for u in plan.close}

    # A province merged into the new one (Bắc Kạn into Thái Nguyên): its former districts
    # follow it under the new province (closed, their history kept), so what is recorded at
    # their level (courses…) stays inside the province's totals.
    new_provinces = [u for u in plan.new_units if u.level == Level.PROVINCE]
    if len(new_provinces) == 1:
        target = new_provinces[0]
        merged = [u for u in plan.close if u.level == Level.PROVINCE]
        for unit in current:
            if any(unit.parent_id == p.pk for p in merged):
                plan.reparent.append((unit, target.code))

    moving = {unit.pk for unit, _code in plan.reparent}
    for new in plan.kept:
        kept = new.kept
        assert kept is not None  # plan.kept lists the units that keep their identity
        parent = new_by_code.get(new.parent_code)
        wanted = parent.kept.pk if parent and parent.kept else None
        if new.parent_code and wanted != kept.parent_id and kept.pk not in moving:
            plan.reparent.append((kept, new.parent_code))
    for new in plan.created:
        other = by_code.get(new.code)
        if other is not None and other.pk not in closing:
            plan.errors.append(
                _("The new code %(code)s already belongs to %(unit)s, which stays in force.")
                % {"code": new.code, "unit": other.name}
            )

    communes = sorted(
        (new.code for new in plan.new_units if new.level == Level.COMMUNE),
        key=lambda code: fold(new_by_code[code].name),
    )
    hamlets = (
        AdministrativeUnit.objects.current()
        .filter(level=Level.HAMLET, parent_id__in=closing)
        .select_related("parent")
        .order_by("parent__code", "search_key")
    )
    for hamlet in hamlets:
        rows = targets.get(hamlet.parent.code, []) if hamlet.parent.level == Level.COMMUNE else []
        choices = sorted({r.new_code for r in rows}, key=lambda c: fold(new_by_code[c].name))
        if len(choices) == 1 and all(r.merge_type == "full" for r in rows):
            plan.moves.append((hamlet, choices[0]))
        else:
            plan.work_list.append((hamlet, hamlet.parent, choices or communes))
    unmapped = {
        commune.name for _h, commune, c in plan.work_list if c is communes and commune is not None
    }
    for name in sorted(unmapped):
        plan.warnings.append(
            _("%(commune)s is not in the mapping: its hamlets are on the work list.")
            % {"commune": name}
        )
    return plan


def _check_date(effective_on: datetime.date) -> None:
    """Reorganizations apply in date order, each once, and not ahead of time (applying closes
    the old units at once)."""
    if effective_on > timezone.localdate():
        raise ValidationError(
            {"effective_on": _("Apply a reorganization once it is in force, not before.")}
        )
    latest = (
        Reorganization.objects.filter(status=Status.APPLIED, effective_on__gte=effective_on)
        .order_by("-effective_on")
        .first()
    )
    if latest is not None:
        raise ValidationError(
            {
                "effective_on": _(
                    "A reorganization effective on %(date)s is already applied: a new one "
                    "must come after it."
                )
                % {"date": latest.effective_on.strftime("%d/%m/%Y")}
            }
        )


def _check_scope(user, plan: Plan) -> None:
    if user is None or policies.is_administrator(user):
        return  # a script, an administrator
    if user.scope_unit is None or not plan.within(user.scope_unit):
        raise ValidationError(
            _("You may re-draw the map of your own province only: the new file is for another.")
        )


def reorganization_create(
    *, name: str, units_data: bytes, mapping_data: bytes, effective_on: datetime.date, user=None
) -> tuple[Reorganization, Plan]:
    """Record a reorganization being prepared, with its work list; refused if the files do
    not make a plan."""
    _check_date(effective_on)
    plan = plan_reorganization(
        units_data=units_data, mapping_data=mapping_data, effective_on=effective_on
    )
    if plan.errors:
        raise ValidationError({"__all__": plan.errors})
    _check_scope(user, plan)
    with transaction.atomic():
        reorganization = Reorganization.objects.create(
            province=plan.province,
            name=clean_text(name)
            or _("Reorganization of %(date)s") % {"date": effective_on.strftime("%d/%m/%Y")},
            effective_on=effective_on,
            units_file=units_data.decode("utf-8-sig"),
            mapping_file=mapping_data.decode("utf-8-sig"),
            created_by=user,
        )
        sync_work_list(reorganization, plan)
    return reorganization, plan


def reorganization_plan(*, reorganization: Reorganization) -> Plan:
    """The plan against today's hierarchy (hamlets may have been added since the upload)."""
    return plan_reorganization(
        units_data=reorganization.units_file.encode(),
        mapping_data=reorganization.mapping_file.encode(),
        effective_on=reorganization.effective_on,
    )


def sync_work_list(reorganization: Reorganization, plan: Plan) -> None:
    wanted = {hamlet.pk: choices for hamlet, _old, choices in plan.work_list}
    reorganization.assignments.exclude(hamlet_id__in=list(wanted)).delete()
    existing = {a.hamlet_id: a for a in reorganization.assignments.all()}
    for hamlet_id, choices in wanted.items():
        item = existing.get(hamlet_id)
        if item is None:
            HamletAssignment.objects.create(
                reorganization=reorganization, hamlet_id=hamlet_id, choices=choices
            )
        elif item.choices != choices:
            item.choices = choices
            if item.new_commune_code not in choices:
                item.new_commune_code = ""
            item.save(update_fields=["choices", "new_commune_code"])


def hamlet_assign(
    *, reorganization: Reorganization, hamlet_id: int, new_commune_code: str, user=None
) -> HamletAssignment:
    if reorganization.is_applied:
        raise ValidationError(_("This reorganization is already applied."))
    item = reorganization.assignments.filter(hamlet_id=hamlet_id).first()
    if item is None:
        raise ValidationError(_("This hamlet is not on the work list."))
    if new_commune_code and new_commune_code not in item.choices:
        raise ValidationError(
            _("%(code)s is not one of the communes this hamlet may join.")
            % {"code": new_commune_code}
        )
    item.new_commune_code = new_commune_code
    item.assigned_by = user if new_commune_code else None
    item.assigned_at = timezone.now() if new_commune_code else None
    item.save(update_fields=["new_commune_code", "assigned_by", "assigned_at"])
    return item


def reorganization_apply(*, reorganization: Reorganization, user=None) -> dict:
    """Apply once, atomically; refused while a hamlet of the work list is unassigned."""
    try:
        with transaction.atomic():
            # One apply at a time across the portal: every apply takes the current provinces'
            # rows first (SQLite serialises writers anyway).
            list(
                AdministrativeUnit.objects.select_for_update()
                .filter(level=Level.PROVINCE, valid_to__isnull=True)
                .order_by("pk")
            )
            locked = Reorganization.objects.select_for_update().get(pk=reorganization.pk)
            if locked.is_applied:
                raise ValidationError(_("This reorganization is already applied."))
            _check_date(locked.effective_on)
            plan = reorganization_plan(reorganization=locked)
            if plan.errors:
                raise ValidationError(plan.errors)
            _check_scope(user, plan)
            sync_work_list(locked, plan)
            unassigned = locked.assignments.filter(new_commune_code="").count()
            if unassigned:
                raise ValidationError(
                    _("%(count)d hamlet(s) of the work list still need a commune.")
                    % {"count": unassigned}
                )
            result = _apply(locked, plan)
            locked.status = Status.APPLIED
            locked.applied_by = user
            locked.applied_at = timezone.now()
            locked.result = result
            locked.save(update_fields=["status", "applied_by", "applied_at", "result"])
    except IntegrityError as exc:
        applied = Reorganization.objects.filter(
            effective_on=reorganization.effective_on, status=Status.APPLIED
        )
        if applied.exists():  # another request applied one for this date meanwhile
            raise ValidationError(_("A reorganization is already applied on this date.")) from exc
        raise
    reorganization.refresh_from_db()
    return result


def _apply(reorganization: Reorganization, plan: Plan) -> dict:
    day_before = plan.effective_on - datetime.timedelta(days=1)
    closed = [u.pk for u in plan.close]
    AdministrativeUnit.objects.filter(pk__in=closed).update(valid_to=day_before)
    units: dict[str, AdministrativeUnit] = {}
    for new in plan.new_units:
        if new.kept is not None:
            units[new.code] = new.kept
            continue
        units[new.code] = unit_create(
            code=new.code,
            name=new.name,
            level=new.level,
            parent=units.get(new.parent_code),
            valid_from=plan.effective_on,
        )
    for unit, parent_code in plan.reparent:
        unit.refresh_from_db()
        target = units[parent_code]
        target.refresh_from_db(fields=["path"])
        unit_move(unit=unit, new_parent=target, effective=plan.effective_on)
    for unit in units.values():  # paths change when an ancestor moves
        unit.refresh_from_db(fields=["path", "parent"])
    assigned = dict(reorganization.assignments.values_list("hamlet_id", "new_commune_code"))
    moves = [(hamlet, code) for hamlet, code in plan.moves]
    moves += [(hamlet, assigned[hamlet.pk]) for hamlet, _old, _c in plan.work_list]
    for hamlet, code in moves:
        hamlet.refresh_from_db(fields=["path", "parent"])
        unit_move(unit=hamlet, new_parent=units[code], effective=plan.effective_on)
    return {
        **plan.counts(),
        "hamlets_moved": len(moves),
        "hamlets_assigned": len(plan.work_list),
    }
