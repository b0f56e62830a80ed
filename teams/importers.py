"""Importing team rosters from the offices' Excel lists: one row per member.

Rows name their hamlet (and commune, for an officer of a district); the team of that hamlet
is found or founded, and the member is matched to the roster by name and phone, so importing
the same file twice changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import policies
from accounts.models import User
from areas.models import AdministrativeUnit, Level
from areas.resolve import HamletResolver, Resolved, bare
from core.imports import Action, Plan, PlanRow, close_names, did_you_mean
from core.phones import InvalidPhone, normalize_phone
from core.sheets import Table, cell_text, parse_date
from core.text import clean_text, fold

from . import services
from .models import Affiliation, MemberRole, Team, TeamMember

FIELDS = {
    "commune": [
        "Xã",
        "Xã/Phường/Thị trấn",
        "Xã, phường, thị trấn",
        "Phường/Xã",
        "Đơn vị cấp xã",
        "Tên xã",
        "Xã/Phường",
    ],
    "hamlet": [
        "Thôn",
        "Xóm",
        "Thôn/Xóm",
        "Thôn, xóm",
        "Thôn/Tổ dân phố",
        "Thôn, tổ dân phố",
        "Thôn, xóm, tổ dân phố",
        "Thôn/xóm/TDP",
        "Thôn/Xóm/Tổ dân phố",
        "Tổ dân phố",
        "Địa bàn",
        "Tên thôn",
        "Tên thôn, xóm",
        "Thôn, bản",
        "Thôn/Bản",
    ],
    "name": ["Họ và tên", "Họ tên", "Tên thành viên", "Họ và tên thành viên", "Thành viên"],
    "phone": ["Số điện thoại", "SĐT", "Điện thoại", "ĐT", "Số ĐT", "Di động", "Điện thoại liên hệ"],
    "role": ["Chức vụ", "Vai trò", "Chức danh", "Chức vụ trong tổ", "Nhiệm vụ", "Vị trí"],
    "affiliation": [
        "Thành phần",
        "Đơn vị công tác",
        "Nơi công tác",
        "Chức vụ hiện tại",
        "Cơ quan",
        "Đơn vị",
    ],
    "joined_on": ["Ngày tham gia", "Ngày vào tổ", "Ngày bắt đầu"],
    "decision_number": ["Số quyết định", "Quyết định thành lập", "Số QĐ", "QĐ thành lập"],
    "decision_date": ["Ngày quyết định", "Ngày QĐ", "Ngày thành lập", "Ngày ban hành"],
}
REQUIRED = {"hamlet", "name"}

# How offices write the role in the team ("Tổ trưởng", "TT", "Tổ phó tổ CNSCĐ", "Thành viên").
_ROLE_WORDS = {
    MemberRole.DEPUTY: ("to pho", "pho to", "pho to truong", "tp", "pho"),
    MemberRole.LEADER: ("to truong", "truong to", "tt", "truong"),
    MemberRole.MEMBER: ("thanh vien", "tv", "to vien", "uy vien", ""),
}


_AFFILIATION_WORDS = [
    (
        Affiliation.HAMLET_HEAD,
        (
            "truong thon",
            "truong xom",
            "truong ban",
            "to truong to dan pho",
            "truong khu",
            "bi thu chi bo",
            "truong to dan pho",
        ),
    ),
    (Affiliation.YOUTH_UNION, ("doan thanh nien", "chi doan", "thanh nien", "doan vien")),
    (Affiliation.WOMENS_UNION, ("phu nu", "chi hoi phu nu")),
    (Affiliation.POLICE, ("cong an",)),
    (Affiliation.TELECOM, ("vnpt", "viettel", "mobifone", "vien thong", "buu dien", "nha mang")),
    (Affiliation.VOLUNTEER, ("tinh nguyen",)),
]


def parse_role(text: str) -> str | None:
    """The team role, or None when the cell says something else (e.g. a job title)."""
    key = " ".join(fold(text).replace(".", "").split())
    for role, words in _ROLE_WORDS.items():
        if key in words or any(key.startswith(f"{w} to") for w in words if " " in w):
            return role
    return None


def parse_affiliation(text: str) -> str:
    key = fold(text)
    for affiliation, words in _AFFILIATION_WORDS:
        if any(word in key for word in words):
            return affiliation
    return Affiliation.OTHER


# The type words areas.resolve strips before comparing names ("Xã Phú Đình" ≈ "Phú Đình").
_COMMUNE_TYPES = re.compile(r"^(xa|phuong|thi tran|tt)\s+")
_HAMLET_TYPES = re.compile(r"^(thon|xom|ban|to dan pho|tdp|to|khu pho|khu|lang|ap)\s+")


def _keys(name: str, types: re.Pattern) -> set[str]:
    return {fold(name), bare(name, types)}


@dataclass
class PlaceFinder:
    """Communes and hamlets a file names, found among the units the officer may use, and only
    there: an import never creates a unit (an officer adds a hamlet on its commune's page
    first). A name that is not found is an error saying why, with the closest names."""

    unit: AdministrativeUnit

    def __post_init__(self) -> None:
        self.resolver = HamletResolver(self.unit)
        self.communes = {u.pk: u for group in self.resolver.communes.values() for u in group}
        self.hamlets_of: dict[int, dict[int, AdministrativeUnit]] = {}
        for group in self.resolver.hamlets.values():
            for hamlet in group:
                self.hamlets_of.setdefault(hamlet.parent_id or 0, {})[hamlet.pk] = hamlet
        self._outside_hamlets: set[str] | None = None

    def _hamlet_outside(self, name: str) -> bool:
        if self._outside_hamlets is None:  # one query, only when a row needs it
            others = AdministrativeUnit.objects.current().filter(level=Level.HAMLET)
            names = others.exclude(path__startswith=self.unit.path).values_list("name", flat=True)
            self._outside_hamlets = {key for n in names for key in _keys(n, _HAMLET_TYPES)}
        return bool(_keys(name, _HAMLET_TYPES) & self._outside_hamlets)

    @staticmethod
    def _error(reason: str, name: str = "", choices=()) -> Resolved:
        """A hamlet not found, with the closest names among ``choices``."""
        suggestion = did_you_mean(close_names(name, _names(choices))) if name else ""
        return Resolved(error=reason + suggestion, error_field="hamlet")

    def commune(self, name: str) -> tuple[AdministrativeUnit | None, str]:
        """The commune of the area so named, or None and why not."""
        commune, error = self.resolver.commune(name)
        if commune is not None or len(self.resolver.communes.get(fold(name), [])) > 1:
            return commune, error  # found, or several communes of that name
        if _keys(name, _COMMUNE_TYPES) & self.resolver.outside:
            return None, error  # “…” is outside your area
        return None, error + did_you_mean(close_names(name, _names(self.communes.values())))

    def resolve(self, *, commune_name: str, hamlet_name: str) -> Resolved:
        where = self.resolver.resolve(commune_name=commune_name, hamlet_name=hamlet_name)
        if where.hamlet is not None or where.error_field == "commune" and not commune_name:
            return where
        if where.error_field == "commune":
            return Resolved(error=self.commune(commune_name)[1], error_field="commune")
        if not hamlet_name or (where.commune is not None and not where.new_hamlet_name):
            return where  # the hamlet is empty, or several hamlets of the commune so named
        if where.commune is not None:
            reason = _(
                "no hamlet “%(name)s” in %(commune)s; an import does not create hamlets "
                "(add it on the commune's page first)"
            ) % {"name": hamlet_name, "commune": where.commune.name}
            known = self.hamlets_of.get(where.commune.pk, {}).values()
            return self._error(reason, hamlet_name, known)
        if _keys(hamlet_name, _HAMLET_TYPES) & self.resolver.hamlets_by_name.keys():
            return where  # several hamlets of that name in the area: add a commune column
        if self._hamlet_outside(hamlet_name):
            return self._error(_("“%(name)s” is outside your area") % {"name": hamlet_name})
        every = [h for group in self.hamlets_of.values() for h in group.values()]
        reason = _("no hamlet “%(name)s” in your area") % {"name": hamlet_name}
        return self._error(reason, hamlet_name, every)


def _names(units) -> list[str]:
    return sorted({unit.name for unit in units})


@dataclass
class RosterImporter:
    user: User | None  # None: a script (manage.py import_roster)
    unit: AdministrativeUnit
    kind = "roster"
    # Registry imports are the area officers' (and administrators') work.
    policy = staticmethod(policies.can_manage_registry)
    title = gettext_lazy("Teams and members")
    fields = FIELDS
    required = REQUIRED
    # The template's example row ("commune" and "hamlet" come from the officer's own area).
    example = {
        "name": "Nguyễn Văn An",
        "phone": "0912345678",
        "role": "Thành viên",
        "affiliation": "Đoàn Thanh niên",
        "joined_on": "05/03/2026",
    }

    def plan(self, table: Table) -> Plan:
        plan = Plan(headers=table.headers)
        col = lambda name: plan.column(table.columns, name)  # noqa: E731
        places = PlaceFinder(self.unit)
        teams = {
            t.hamlet_id: t
            for t in Team.objects.active().within(self.unit).prefetch_related("members")
        }
        seen: dict[tuple, int] = {}
        new_teams: set[str] = set()
        leaders_in_file: dict[object, int] = {}
        leader_changes: list[str] = []
        for row in table.rows:
            item = PlanRow(number=row.number, cells=row.cells)
            plan.rows.append(item)
            v = row.values
            name = clean_text(cell_text(v.get("name")))
            if not name:
                item.fail(col("name"), _("the name is empty"))
            where = places.resolve(
                commune_name=cell_text(v.get("commune")), hamlet_name=cell_text(v.get("hamlet"))
            )
            if where.error:
                item.fail(col(where.error_field) or col("hamlet"), where.error)
            try:
                phone = normalize_phone(v.get("phone"))
            except InvalidPhone as exc:
                item.fail(col("phone"), str(exc))
                phone = ""
            role = parse_role(cell_text(v.get("role")))
            if role is None:
                item.fail(
                    col("role"),
                    _("“%(value)s” is not a team role (Tổ trưởng, Tổ phó or Thành viên)")
                    % {"value": cell_text(v.get("role"))},
                )
            dates = {}
            for field_name in ("joined_on", "decision_date"):
                try:
                    dates[field_name] = parse_date(v.get(field_name))
                except ValueError as exc:
                    item.fail(col(field_name), str(exc))
            if item.errors:
                continue
            assert where.hamlet is not None  # PlaceFinder: a hamlet of the area, or an error
            hamlet_key = where.hamlet.pk
            identity = (hamlet_key, fold(name), phone)
            if identity in seen:
                item.fail("", _("repeats row %(row)d") % {"row": seen[identity]})
                continue
            seen[identity] = row.number
            if role == MemberRole.LEADER:
                if hamlet_key in leaders_in_file:
                    item.fail(
                        col("role"),
                        _("row %(row)d already names the leader of this team")
                        % {"row": leaders_in_file[hamlet_key]},
                    )
                    continue
                leaders_in_file[hamlet_key] = row.number
            data = {
                "hamlet_id": where.hamlet.pk,
                "name": name,
                "phone": phone,
                "role": role,
                "affiliation": parse_affiliation(cell_text(v.get("affiliation"))),
                "joined_on": dates.get("joined_on"),
                "decision_number": cell_text(v.get("decision_number")),
                "decision_date": dates.get("decision_date"),
            }
            item.data = data
            place = where.hamlet.name
            item.summary = f"{name} · {place}"
            team = teams.get(where.hamlet.pk)
            if team is None:
                new_teams.add(place)
                item.action = Action.CREATE
                continue
            self._match_member(item, team, data)
            if data.get("replaces_leader_id") and item.action != Action.ERROR:
                leader_changes.append(f"{place}: {item.changes[0]}")
        plan.notes = [_("New team in: %(name)s") % {"name": n} for n in sorted(new_teams)]
        plan.notes += leader_changes
        return plan

    def _match_member(self, item: PlanRow, team: Team, data: dict) -> None:
        current = [m for m in team.members.all() if m.is_current]
        key = fold(data["name"])
        same_name = [m for m in current if m.search_key == key]
        member = next((m for m in same_name if m.phone == data["phone"]), None)
        if member is None and same_name and (not data["phone"] or not same_name[0].phone):
            member = same_name[0] if len(same_name) == 1 else None
        if data["role"] == MemberRole.LEADER:
            leader = next((m for m in current if m.role == MemberRole.LEADER), None)
            if leader is not None and leader is not member:
                # The file names a new leader: on confirm the one in office becomes a member.
                item.data["replaces_leader_id"] = leader.pk
                item.changes.append(
                    _("%(new)s becomes the team leader; %(old)s becomes a member")
                    % {"new": data["name"], "old": leader.name}
                )
        if member is None:
            item.action = Action.CREATE
            return
        item.data["member_id"] = member.pk
        changes = item.changes
        if data["phone"] and data["phone"] != member.phone:
            changes.append(_("phone"))
        if data["role"] != member.role and not data.get("replaces_leader_id"):
            changes.append(_("role"))
        if data["affiliation"] != member.affiliation and data["affiliation"] != Affiliation.OTHER:
            changes.append(_("affiliation"))
        item.action = Action.UPDATE if changes else Action.UNCHANGED
        item.changes = changes

    @staticmethod
    def _step_down(member_id: int) -> None:
        """The leader the file replaces stays in the team as a member (unless already so)."""
        member = TeamMember.objects.get(pk=member_id)
        if member.role != MemberRole.LEADER or not member.is_current:
            return
        services.member_update(
            member=member,
            name=member.name,
            phone=member.phone,
            role=MemberRole.MEMBER,
            affiliation=member.affiliation,
            listed_publicly=member.listed_publicly,
        )

    @transaction.atomic
    def apply(self, plan: Plan) -> dict[str, int]:

        # "hamlets" stays for manage.py import_roster's message: an import creates none.
        created = {"created": 0, "updated": 0, "teams": 0, "hamlets": 0}
        today = timezone.localdate()
        for item in plan.good:
            d = item.data
            hamlet = AdministrativeUnit.objects.get(pk=d["hamlet_id"])
            team = Team.objects.active().filter(hamlet=hamlet).first()
            if team is None:
                team = services.team_create(
                    hamlet=hamlet,
                    decision_number=d["decision_number"],
                    decision_date=d["decision_date"],
                )
                created["teams"] += 1
            if d.get("replaces_leader_id"):
                self._step_down(d["replaces_leader_id"])
            if d.get("member_id"):
                member = TeamMember.objects.get(pk=d["member_id"])
                services.member_update(
                    member=member,
                    name=member.name,
                    phone=d["phone"] or member.phone,
                    role=d["role"],
                    affiliation=d["affiliation"]
                    if d["affiliation"] != Affiliation.OTHER
                    else member.affiliation,
                    listed_publicly=member.listed_publicly,
                )
                created["updated"] += 1
            else:
                services.member_add(
                    team=team,
                    name=d["name"],
                    phone=d["phone"],
                    role=d["role"],
                    affiliation=d["affiliation"],
                    joined_on=d["joined_on"] or d["decision_date"] or today,
                )
                created["created"] += 1
        return created
