"""Importing households and their citizens from the offices' Excel lists: one row per citizen.

A row without a citizen's name records the household alone. Rows of the same household (same
hamlet, head of household and address, accents and case aside) are grouped: the household is
created once. Citizens are matched by their citizen ID number (through its keyed hash) when
the row gives one, else by household, name and year of birth, so importing the same file twice
changes nothing. Citizen ID numbers are checked and hashed here; they are never stored.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from accounts import policies
from accounts.models import User
from areas.models import AdministrativeUnit
from core.imports import Action, Plan, PlanRow
from core.phones import InvalidPhone, clean_phone, normalize_phone
from core.sheets import Table, cell_text, parse_date, parse_int
from core.text import clean_text, fold
from teams.importers import PlaceFinder

from . import services
from .models import Citizen, Household, Sex
from .services.ids import id_number_refused

FIELDS = {
    "commune": ["Xã", "Xã/Phường/Thị trấn", "Đơn vị cấp xã"],
    "hamlet": [
        "Thôn",
        "Xóm",
        "Thôn/Xóm",
        "Thôn, xóm",
        "Thôn/Tổ dân phố",
        "Tổ dân phố",
        "Thôn, xóm, tổ dân phố",
    ],
    "head_name": ["Chủ hộ", "Họ tên chủ hộ", "Họ và tên chủ hộ", "Tên chủ hộ"],
    "address": ["Địa chỉ", "Số nhà", "Số nhà, đường", "Địa chỉ hộ"],
    "member_count": ["Số nhân khẩu", "Số người", "Nhân khẩu", "Số thành viên"],
    "smartphone_count": [
        "Số điện thoại thông minh",
        "Số smartphone",
        "Số máy smartphone",
        "Điện thoại thông minh",
    ],
    "name": ["Họ và tên", "Họ tên", "Họ tên thành viên"],
    "birth_year": ["Năm sinh", "Ngày sinh", "Ngày tháng năm sinh"],
    "sex": ["Giới tính", "Nam/Nữ"],
    "phone": ["Số điện thoại", "SĐT", "Điện thoại"],
    "id_number": ["Số CCCD", "CCCD", "Số định danh", "Số định danh cá nhân", "CMND/CCCD"],
    "consent": ["Đồng ý", "Đồng ý lưu thông tin", "Đồng ý cung cấp thông tin"],
}
REQUIRED = {"hamlet", "head_name"}

_SEX_WORDS = {
    "nam": Sex.MALE,
    "m": Sex.MALE,
    "male": Sex.MALE,
    "nu": Sex.FEMALE,
    "f": Sex.FEMALE,
    "female": Sex.FEMALE,
}
_YES = {"x", "v", "co", "dong y", "da dong y", "yes", "y", "1", "true", "ok"}
_NO = {"khong", "khong dong y", "chua", "chua dong y", "no", "n", "0", "false", "-"}
_YEAR = re.compile(r"^\d{4}$")
_MONTH_YEAR = re.compile(r"^\d{1,2}\s*[/.\-]\s*(\d{4})$")


# --- cell parsers (each raises ValueError with a message for the user) --------------------------


def parse_birth_year(value: object) -> int | None:
    """A year of birth from "1985", 1985, a date ("12/05/1985", an Excel date) or "05/1985"."""
    if value is None or value == "":
        return None
    year = None
    if isinstance(value, datetime.date):
        year = value.year
    elif isinstance(value, int) and not isinstance(value, bool):
        year = value if 1000 <= value <= 9999 else None
        if year is None:
            try:
                serial = parse_date(value)  # an Excel serial date
            except ValueError:
                serial = None
            year = serial.year if serial else None
    elif isinstance(value, str):
        text = clean_text(value)
        if _YEAR.match(text):
            year = int(text)
        elif match := _MONTH_YEAR.match(text):
            year = int(match.group(1))
        else:
            try:
                parsed = parse_date(text)
                year = parsed.year if parsed else None
            except ValueError:
                year = None
    this_year = timezone.localdate().year
    if year is None or not services.MIN_BIRTH_YEAR <= year <= this_year:
        raise ValueError(
            _("“%(value)s” is not a plausible year of birth (%(min)d–%(max)d)")
            % {"value": cell_text(value), "min": services.MIN_BIRTH_YEAR, "max": this_year}
        )
    return year


def parse_sex(value: object) -> str:
    text = fold(cell_text(value)).strip(" .")
    if not text:
        return ""
    if text in _SEX_WORDS:
        return _SEX_WORDS[text]
    raise ValueError(_("“%(value)s” is not Nam or Nữ") % {"value": cell_text(value)})


def parse_consent(value: object, *, today: datetime.date) -> datetime.date | None:
    """Consent given: a date, or a yes ("x", "Có", "Đồng ý") meaning today; no or blank → None."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return today if value else None
    day: datetime.date | None
    if isinstance(value, datetime.date):
        day = value
    else:
        key = fold(cell_text(value)).strip(" .")
        if key in _YES:
            return today
        if key in _NO or not key:
            return None
        try:
            day = parse_date(value)
        except ValueError:
            raise ValueError(
                _("“%(value)s” is not Có, Không or a date") % {"value": cell_text(value)}
            ) from None
    if day and day > today:
        raise ValueError(_("The date cannot be in the future."))
    return day


# A malformed number and the number of someone registered outside the officer's area get the
# same answer: anything else would say that the person is registered somewhere.
ID_REFUSED = gettext_lazy("check the citizen ID number (CCCD): 12 digits, the person's own")


def parse_id_number(value: object) -> str:
    """The 12 digits of a citizen ID number. Excel keeps a number typed without quotes as a
    number and drops its leading zeros (019… → 19…): those are put back."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 10**12:
        value = str(value).zfill(12) if len(str(value)) >= 10 else str(value)
    try:
        return services.normalize_id_number(value)
    except ValidationError:
        # The number itself is not repeated in the message: it is personal data.
        raise ValueError(str(ID_REFUSED)) from None


def parse_count(value: object, *, low: int, high: int) -> int | None:
    number = parse_int(value)
    if number is not None and not low <= number <= high:
        raise ValueError(
            _("%(value)s is not plausible (%(low)d to %(high)d)")
            % {"value": number, "low": low, "high": high}
        )
    return number


# --- the importer -------------------------------------------------------------------------------


class _KnownHousehold(NamedTuple):
    """What the plan needs of a household already recorded."""

    pk: int
    member_count: int
    smartphone_count: int
    consent_on: datetime.date | None


_CITIZEN_COLUMNS = (
    "pk",
    "household_id",
    "search_key",
    "birth_year",
    "full_name",
    "sex",
    "phone",
    "id_number_digest",
    "household__hamlet__path",
)


class _KnownCitizen(NamedTuple):
    """What the plan needs of a citizen already recorded (in the order of _CITIZEN_COLUMNS)."""

    pk: int
    household_id: int
    search_key: str
    birth_year: int | None
    full_name: str
    sex: str
    phone: str
    id_number_digest: str
    hamlet_path: str


@dataclass
class _Group:
    """The rows of one household in the file."""

    key: tuple
    household: _KnownHousehold | None  # already recorded, or None: created by the first good row
    data: dict = field(default_factory=dict)  # the household's fields, first value given wins
    rows: list[PlanRow] = field(default_factory=list)
    citizens: int = 0


@dataclass
class HouseholdImporter:
    user: User | None  # None: a script (manage.py import_roster)
    unit: AdministrativeUnit
    kind = "households"
    # Registry imports are the area officers' (and administrators') work.
    policy = staticmethod(policies.can_manage_registry)
    title = gettext_lazy("Households and citizens")
    person_fields = ("name", "head_name")  # the citizen of the row, else its household's head
    # The template's example row ("commune" and "hamlet" come from the officer's own area).
    example = {
        "head_name": "Nguyễn Văn An",
        "address": "Số 1",
        "member_count": 4,
        "smartphone_count": 2,
        "consent": "05/03/2026",
        "name": "Nguyễn Văn An",
        "birth_year": 1980,
        "sex": "Nam",
        "phone": "0912345678",
    }
    fields = FIELDS
    required = REQUIRED

    def _parse(self, row, item: PlanRow, col, places: PlaceFinder, today) -> dict | None:
        """Check one row's cells; the parsed values, or None when the row has errors."""
        v = row.values
        where = places.resolve(
            commune_name=cell_text(v.get("commune")), hamlet_name=cell_text(v.get("hamlet"))
        )
        if where.error:
            item.fail(col(where.error_field) or col("hamlet"), where.error)
        head_name = clean_text(cell_text(v.get("head_name")))
        if not head_name:
            item.fail(col("head_name"), _("the head of household is empty"))
        parsed = {
            "where": where,
            "head_name": head_name,
            "address": clean_text(cell_text(v.get("address"))),
            "name": clean_text(cell_text(v.get("name"))),
        }
        checks = {
            "member_count": lambda x: parse_count(x, low=1, high=services.MAX_MEMBERS),
            "smartphone_count": lambda x: parse_count(x, low=0, high=services.MAX_SMARTPHONES),
            "consent_on": lambda x: parse_consent(x, today=today),
            "birth_year": parse_birth_year,
            "sex": parse_sex,
            "id_number": parse_id_number,
        }
        sources = {"consent_on": "consent"}
        for name, check in checks.items():
            source = sources.get(name, name)
            try:
                parsed[name] = check(v.get(source))
            except ValueError as exc:
                item.fail(col(source), str(exc))
        try:
            parsed["phone"] = normalize_phone(v.get("phone"))
        except InvalidPhone as exc:
            item.fail(col("phone"), str(exc))
        citizen_cells = ("birth_year", "sex", "phone", "id_number")
        if not parsed["name"] and any(cell_text(v.get(name)) for name in citizen_cells):
            item.fail(col("name"), _("the citizen's name is empty"))
        return None if item.errors else parsed

    def plan(self, table: Table) -> Plan:
        plan = Plan(headers=table.headers)
        col = lambda name: plan.column(table.columns, name)  # noqa: E731
        places = PlaceFinder(self.unit)
        today = timezone.localdate()

        parsed_rows: list[tuple[PlanRow, dict]] = []
        for row in table.rows:
            item = PlanRow(number=row.number, cells=row.cells)
            plan.rows.append(item)
            parsed = self._parse(row, item, col, places, today)
            if parsed is not None:
                if parsed["id_number"]:
                    parsed["digest"] = services.citizen_id_digest(parsed["id_number"])
                parsed_rows.append((item, parsed))

        # Only the keys for matching, and only in the hamlets the file names: tuples, not
        # model instances (a commune holds tens of thousands of citizens).
        hamlet_ids = {p["where"].hamlet.pk for _item, p in parsed_rows}
        households: dict[tuple, _KnownHousehold] = {}
        for pk, hamlet_id, head, address, members, phones, consent in Household.objects.filter(
            hamlet_id__in=hamlet_ids
        ).values_list(
            "pk",
            "hamlet_id",
            "head_name",
            "address",
            "member_count",
            "smartphone_count",
            "consent_on",
        ):
            households[(hamlet_id, fold(head), fold(address))] = _KnownHousehold(
                pk, members, phones, consent
            )
        by_name: dict[tuple, list[_KnownCitizen]] = {}
        for row in Citizen.objects.filter(household__hamlet_id__in=hamlet_ids).values_list(
            *_CITIZEN_COLUMNS
        ):
            known = _KnownCitizen(*row)
            key = (known.household_id, known.search_key, known.birth_year)
            by_name.setdefault(key, []).append(known)
        digests = {p["digest"] for _item, p in parsed_rows if p.get("digest")}
        by_digest = {
            known.id_number_digest: known
            for known in (
                _KnownCitizen(*row)
                for row in Citizen.objects.filter(id_number_digest__in=digests).values_list(
                    *_CITIZEN_COLUMNS
                )
            )
        }

        groups: dict[tuple, _Group] = {}
        seen: dict[tuple, int] = {}
        digest_rows: dict[str, int] = {}
        named: dict[tuple, tuple[int, str]] = {}
        for item, p in parsed_rows:
            where = p["where"]
            hamlet_key = where.hamlet.pk  # PlaceFinder: a hamlet of the area, or an error
            hh_key = (hamlet_key, fold(p["head_name"]), fold(p["address"]))
            digest = p.get("digest", "")
            if not p["name"]:
                identity: tuple = ("household",)
            elif digest:
                identity = ("id", digest)
            else:
                identity = ("name", fold(p["name"]), p["birth_year"])
            if (hh_key, identity) in seen:
                item.fail("", _("repeats row %(row)d") % {"row": seen[(hh_key, identity)]})
                continue
            name_key = (hh_key, fold(p["name"]), p["birth_year"])
            if p["name"] and name_key in named:
                # The same name and year twice in one household is one person, unless both
                # rows give different citizen ID numbers (as citizen_create decides).
                other_row, other_digest = named[name_key]
                if not digest or not other_digest or digest == other_digest:
                    item.fail("", _("repeats row %(row)d") % {"row": other_row})
                    continue
            if digest and digest in digest_rows:
                item.fail(
                    col("id_number"),
                    _("the same citizen ID number is on row %(row)d")
                    % {"row": digest_rows[digest]},
                )
                continue

            household = households.get(hh_key) if where.hamlet else None
            citizen: _KnownCitizen | None = None
            if p["name"]:
                citizen = by_digest.get(digest) if digest else None
                if citizen is not None and (
                    household is None or citizen.household_id != household.pk
                ):
                    # Outside the officer's area, the answer of any unusable number (no
                    # hint that the person is registered somewhere, nor where).
                    visible = citizen.hamlet_path.startswith(self.unit.path)
                    item.fail(
                        col("id_number"),
                        _("this citizen ID number is already registered in another household")
                        if visible
                        else str(ID_REFUSED),
                    )
                    continue
                if citizen is None and household is not None:
                    candidates = by_name.get((household.pk, fold(p["name"]), p["birth_year"]), [])
                    if digest:
                        candidates = [c for c in candidates if not c.id_number_digest]
                    citizen = candidates[0] if candidates else None

            seen[(hh_key, identity)] = item.number
            if p["name"]:
                named.setdefault(name_key, (item.number, digest))
            if digest:
                digest_rows[digest] = item.number
            group = groups.get(hh_key)
            if group is None:
                group = groups[hh_key] = _Group(key=hh_key, household=household)
                group.data = {"head_name": p["head_name"], "address": p["address"]}
            for name in ("member_count", "smartphone_count", "consent_on"):
                if group.data.get(name) is None and p[name] is not None:
                    group.data[name] = p[name]
            group.rows.append(item)
            group.citizens += 1 if p["name"] else 0

            place = where.hamlet.name
            item.data = {
                "hamlet_id": where.hamlet.pk,
                "group": hh_key,
                "household": group.data,  # shared by the group's rows, complete after the pass
                "household_id": household.pk if household else None,
                "name": p["name"],
                "birth_year": p["birth_year"],
                "sex": p["sex"],
                "phone": p["phone"],
                "id_number": p["id_number"],
                "citizen_id": citizen.pk if citizen else None,
            }
            head = p["head_name"] + (f", {p['address']}" if p["address"] else "")
            item.summary = f"{p['name']} → {head} · {place}" if p["name"] else f"{head} · {place}"
            if household is None or (p["name"] and citizen is None):
                item.action = Action.CREATE
            elif citizen is not None:
                item.changes = self._citizen_changes(citizen, p, by_id=bool(digest))
                item.action = Action.UPDATE if item.changes else Action.UNCHANGED
            else:
                item.action = Action.UNCHANGED

        new_households = 0
        for group in groups.values():
            consented = group.data.get("consent_on") or (
                group.household is not None and group.household.consent_on
            )
            if not consented:
                # Members' personal data needs the household's consent (Decree 13/2023).
                for member_row in group.rows:
                    if member_row.data["name"]:
                        member_row.fail(
                            col("consent"),
                            _(
                                "the household has not agreed to store its members' data: "
                                "give the date of its consent"
                            ),
                        )
                group.rows = [row for row in group.rows if row.action != Action.ERROR]
                if not group.rows:
                    continue
            if group.household is None:
                new_households += 1
                if group.data.get("member_count") is None:
                    group.data["member_count"] = min(max(1, group.citizens), services.MAX_MEMBERS)
                continue
            changes = self._household_changes(group.household, group.data)
            if changes:
                first = group.rows[0]
                first.data["household_changes"] = True
                first.changes = changes + first.changes
                if first.action == Action.UNCHANGED:
                    first.action = Action.UPDATE

        plan.notes = []
        if new_households:
            plan.notes.append(_("New households: %(count)d") % {"count": new_households})
        return plan

    @staticmethod
    def _citizen_changes(citizen: _KnownCitizen, p: dict, *, by_id: bool) -> list[str]:
        changes = []
        if by_id and p["name"] != citizen.full_name:
            changes.append(_("name"))
        if by_id and p["birth_year"] and p["birth_year"] != citizen.birth_year:
            changes.append(_("year of birth"))
        if p["sex"] and p["sex"] != citizen.sex:
            changes.append(_("sex"))
        if p["phone"] and p["phone"] != citizen.phone:
            changes.append(_("phone"))
        if p.get("digest") and not citizen.id_number_digest:
            changes.append(_("citizen ID number"))
        return changes

    @staticmethod
    def _household_changes(household: _KnownHousehold, data: dict) -> list[str]:
        changes = []
        if data.get("member_count") not in (None, household.member_count):
            changes.append(_("members"))
        if data.get("smartphone_count") not in (None, household.smartphone_count):
            changes.append(_("smartphones"))
        if data.get("consent_on") and not household.consent_on:
            changes.append(_("consent"))
        return changes

    @transaction.atomic
    def apply(self, plan: Plan) -> dict[str, int]:
        """Write the good rows set by set: the new households in one multi-row insert, the
        changed ones, then the new citizens in one more (history kept for each, as a save
        would). The plan has checked every row; the database's constraints stay the net."""
        # "hamlets" is kept for callers that print it: an import creates none.
        result = {"created": 0, "updated": 0, "hamlets": 0, "households": 0, "citizens": 0}
        good = plan.good
        history_user = self.user if isinstance(self.user, User) else None

        # 1. New households, once per group of rows, in the file's order.
        new_households: dict[tuple, Household] = {}
        for item in good:
            d = item.data
            if d["household_id"] or d["group"] in new_households:
                continue
            group_data = d["household"]
            consent_on = group_data.get("consent_on")
            household = Household(
                hamlet_id=d["hamlet_id"],
                head_name=clean_text(group_data["head_name"]),
                address=clean_text(group_data["address"]),
                member_count=group_data["member_count"],
                smartphone_count=group_data.get("smartphone_count") or 0,
                consent_on=consent_on,
                consent_recorded_by=self.user if consent_on else None,
            )
            household.search_key = fold(f"{household.head_name} {household.address}")
            new_households[d["group"]] = household
        if new_households:
            _check_new_households(list(new_households.values()))
            _insert_with_history(list(new_households.values()), history_user)
            result["households"] = len(new_households)

        # 2. Households already recorded whose counts or consent the file changes (before
        # their new members: consent first).
        changed = {
            item.data["household_id"]: item.data["household"]
            for item in good
            if item.data.get("household_changes") and item.data["household_id"]
        }
        for household in Household.objects.filter(pk__in=changed).select_related("hamlet"):
            group_data = changed[household.pk]
            services.household_update(
                household=household,
                head_name=household.head_name,
                address=household.address,
                member_count=group_data.get("member_count") or household.member_count,
                smartphone_count=group_data["smartphone_count"]
                if group_data.get("smartphone_count") is not None
                else household.smartphone_count,
                consent_on=household.consent_on or group_data.get("consent_on"),
                recorded_by=self.user,
            )

        # 3. Citizens: those recorded are updated through the service (a file that corrects
        # people is short), the new ones are inserted together.
        updated_ids = [item.data["citizen_id"] for item in good if item.data["citizen_id"]]
        recorded = Citizen.objects.select_related("household__hamlet").in_bulk(updated_ids)
        new_citizens: list[Citizen] = []
        for item in good:
            d = item.data
            if d["citizen_id"]:
                citizen = recorded[d["citizen_id"]]
                services.citizen_update(
                    citizen=citizen,
                    full_name=d["name"] if d["id_number"] else citizen.full_name,
                    birth_year=d["birth_year"] or citizen.birth_year,
                    sex=d["sex"] or citizen.sex,
                    phone=d["phone"] or citizen.phone,
                    id_number=d["id_number"],
                )
            elif d["name"]:
                household_id = d["household_id"] or new_households[d["group"]].pk
                new_citizens.append(_new_citizen(household_id, d))
            result["created" if item.action == Action.CREATE else "updated"] += 1
        if new_citizens:
            try:
                with transaction.atomic():
                    _insert_with_history(new_citizens, history_user)
            except IntegrityError as exc:  # the same number stored meanwhile elsewhere
                raise id_number_refused() from exc
            result["citizens"] = len(new_citizens)
        return result


_BATCH = 2000  # rows per INSERT statement


def _new_citizen(household_id: int, d: dict) -> Citizen:
    """A citizen of a planned row, as citizen_create would build it (not saved)."""
    number = services.normalize_id_number(d["id_number"])
    citizen = Citizen(
        household_id=household_id,
        full_name=clean_text(d["name"]),
        birth_year=d["birth_year"],
        sex=d["sex"] or "",
        phone=clean_phone(d["phone"]),
        id_number_digest=services.citizen_id_digest(number) if number else "",
        id_number_last4=number[-4:] if number else "",
    )
    citizen.search_key = fold(citizen.full_name)
    _check_fields(citizen, exclude=["household"])
    return citizen


def _check_fields(obj, *, exclude: list[str]) -> None:
    """What full_clean would refuse on fields the plan does not bound (text too long for its
    column), without its per-row queries: the plan has checked the references, duplicates
    and constraints already. Only a row that overflows pays for full_clean's exact message."""
    for column in type(obj)._meta.concrete_fields:
        limit = getattr(column, "max_length", None)
        value = getattr(obj, column.attname)
        if limit and isinstance(value, str) and len(value) > limit:
            obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)


def _insert_with_history(objs: list, history_user: User | None) -> None:
    """Insert new rows of one model and their "created" history entries, as save() would
    (and bulk_create_with_history does). On PostgreSQL through COPY, the ids drawn from the
    table's sequence first; row triggers fire as for INSERT."""
    model = type(objs[0])
    if connection.vendor != "postgresql":
        bulk_create_with_history(objs, model, batch_size=_BATCH, default_user=history_user)
        return
    now = timezone.now()
    meta = model._meta
    history = model.history.model
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(objs)],
        )
        for obj, (pk,) in zip(objs, cursor.fetchall(), strict=True):
            obj.pk = pk
            obj.created_at = obj.updated_at = now
            obj._state.adding = False
            obj._state.db = connection.alias
        _copy(cursor, meta.db_table, [f.attname for f in meta.concrete_fields], objs, {})
        extra = {
            "history_date": now,
            "history_change_reason": None,
            "history_type": "+",
            "history_user_id": history_user.pk if history_user else None,
        }
        columns = [f.attname for f in history._meta.concrete_fields if f.attname != "history_id"]
        _copy(cursor, history._meta.db_table, columns, objs, extra)


def _copy(cursor, table: str, columns: list[str], objs: list, extra: dict) -> None:
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    with cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
        for obj in objs:
            copy.write_row(
                [extra[c] if c in extra else getattr(obj, c) for c in columns]  # noqa: SIM401
            )


def _check_new_households(households: list[Household]) -> None:
    """What household_create checks beyond the plan, for all the new households at once:
    their fields, and that no household of the same head and address (as one search key) is
    recorded in the hamlet already."""
    for household in households:
        _check_fields(household, exclude=["hamlet", "consent_recorded_by"])
    keys = {(h.hamlet_id, h.search_key) for h in households if h.head_name}
    recorded = set(
        Household.objects.filter(
            hamlet_id__in={hamlet for hamlet, _key in keys},
            search_key__in={key for _hamlet, key in keys},
        ).values_list("hamlet_id", "search_key")
    )
    seen: set[tuple] = set()
    for key in ((h.hamlet_id, h.search_key) for h in households):
        if key in recorded or key in seen:
            raise ValidationError(
                {
                    "head_name": _(
                        "This household (same head and address) is already recorded in this hamlet."
                    )
                }
            )
        seen.add(key)
