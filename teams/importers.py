"""Importing team rosters from the offices' Excel lists: one row per member.

Rows name their hamlet (and commune, for an officer of a district); the team of that hamlet
is found or founded, and the member is matched to the roster by name and phone, so importing
the same file twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import policies
from accounts.models import User
from areas.models import AdministrativeUnit
from areas.resolve import HamletResolver
from areas.services import hamlet_create
from core.imports import Action, Plan, PlanRow
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

    def plan(self, table: Table) -> Plan:
        plan = Plan(headers=table.headers)
        col = lambda name: plan.column(table.columns, name)  # noqa: E731
        resolver = HamletResolver(self.unit)
        teams = {
            t.hamlet_id: t
            for t in Team.objects.active().within(self.unit).prefetch_related("members")
        }
        seen: dict[tuple, int] = {}
        new_hamlets: dict[int | tuple[int, str], str] = {}
        new_teams: set[str] = set()
        leaders_in_file: dict[object, int] = {}
        for row in table.rows:
            item = PlanRow(number=row.number, cells=row.cells)
            plan.rows.append(item)
            v = row.values
            name = clean_text(cell_text(v.get("name")))
            if not name:
                item.fail(col("name"), _("the name is empty"))
            where = resolver.resolve(
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
            hamlet_key: int | tuple[int, str]
            if where.hamlet:
                hamlet_key = where.hamlet.pk
            else:
                assert where.commune is not None  # a new hamlet is always of a known commune
                hamlet_key = (where.commune.pk, fold(where.new_hamlet_name))
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
                "hamlet_id": where.hamlet.pk if where.hamlet else None,
                "commune_id": where.commune.pk if where.commune else None,
                "new_hamlet": where.new_hamlet_name,
                "name": name,
                "phone": phone,
                "role": role,
                "affiliation": parse_affiliation(cell_text(v.get("affiliation"))),
                "joined_on": dates.get("joined_on"),
                "decision_number": cell_text(v.get("decision_number")),
                "decision_date": dates.get("decision_date"),
            }
            item.data = data
            place = where.hamlet.name if where.hamlet else where.new_hamlet_name
            item.summary = f"{name} · {place}"
            if where.new_hamlet_name and where.commune is not None:
                new_hamlets[hamlet_key] = f"{where.new_hamlet_name} ({where.commune.name})"
            team = teams.get(where.hamlet.pk) if where.hamlet else None
            if team is None:
                new_teams.add(place)
                item.action = Action.CREATE
                continue
            self._match_member(item, team, data)
        plan.notes = [
            _("New hamlet: %(name)s") % {"name": n} for n in sorted(new_hamlets.values())
        ] + [_("New team in: %(name)s") % {"name": n} for n in sorted(new_teams)]
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
                item.fail(
                    "",
                    _("the team already has a leader (%(name)s); change their role first")
                    % {"name": leader.name},
                )
                return
        if member is None:
            item.action = Action.CREATE
            return
        item.data["member_id"] = member.pk
        changes = []
        if data["phone"] and data["phone"] != member.phone:
            changes.append(_("phone"))
        if data["role"] != member.role:
            changes.append(_("role"))
        if data["affiliation"] != member.affiliation and data["affiliation"] != Affiliation.OTHER:
            changes.append(_("affiliation"))
        item.action = Action.UPDATE if changes else Action.UNCHANGED
        item.changes = changes

    @transaction.atomic
    def apply(self, plan: Plan) -> dict[str, int]:

        created = {"created": 0, "updated": 0, "hamlets": 0, "teams": 0}
        hamlets: dict[tuple[int, str], AdministrativeUnit] = {}
        today = timezone.localdate()
        for item in plan.good:
            d = item.data
            if d["hamlet_id"]:
                hamlet = AdministrativeUnit.objects.get(pk=d["hamlet_id"])
            else:
                key = (d["commune_id"], fold(d["new_hamlet"]))
                if key not in hamlets:
                    commune = AdministrativeUnit.objects.get(pk=d["commune_id"])
                    hamlets[key] = hamlet_create(commune=commune, name=d["new_hamlet"])
                    created["hamlets"] += 1
                hamlet = hamlets[key]
            team = Team.objects.active().filter(hamlet=hamlet).first()
            if team is None:
                team = services.team_create(
                    hamlet=hamlet,
                    decision_number=d["decision_number"],
                    decision_date=d["decision_date"],
                )
                created["teams"] += 1
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
