"""Reads of teams and members, each starting from the user's scope."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Case, Count, Prefetch, Q, QuerySet, When
from django.shortcuts import get_object_or_404
from django.utils import timezone

from areas.models import AdministrativeUnit, Level
from core.history import changes
from core.text import fold

from .models import MemberRole, Team, TeamMember

TEAM_SORTS = {
    "name": ("search_key", "pk"),
    "-name": ("-search_key", "-pk"),
    "hamlet": ("hamlet__search_key", "pk"),
    "commune": ("hamlet__parent__search_key", "hamlet__search_key", "pk"),
    "members": ("member_count", "pk"),
    "-members": ("-member_count", "pk"),
    "founded": ("decision_date", "pk"),
    "-founded": ("-decision_date", "pk"),
}


def teams_for_user(
    *,
    user,
    unit=None,
    status: str = "",
    search: str = "",
    sort: str = "commune",
) -> QuerySet[Team]:
    teams = (
        Team.objects.for_user(user)
        .select_related("hamlet__parent")
        .annotate(member_count=Count("members", filter=Q(members__left_on__isnull=True)))
    )
    if unit is not None:
        teams = teams.within(unit)
    if status:
        teams = teams.filter(status=status)
    if search:
        teams = teams.filter(search_key__contains=fold(search))
    return teams.order_by(*TEAM_SORTS.get(sort, TEAM_SORTS["commune"]))


def get_team_for_user(*, user, pk: int) -> Team:
    return get_object_or_404(Team.objects.for_user(user).select_related("hamlet__parent"), pk=pk)


def get_member_for_user(*, user, pk: int) -> TeamMember:
    return get_object_or_404(
        TeamMember.objects.for_user(user).select_related("team__hamlet"), pk=pk
    )


# Leader first, then deputies, then members.
ROLE_RANK = Case(When(role="leader", then=0), When(role="deputy", then=1), default=2)


def team_roster(*, team: Team) -> tuple[list[TeamMember], list[TeamMember]]:
    """(current members, former members) in one query; leader first."""
    members: list[TeamMember] = list(team.members.annotate(rank=ROLE_RANK).select_related("user"))
    current = sorted(
        (m for m in members if m.is_current),
        key=lambda m: (m.rank, m.search_key),  # type: ignore[attr-defined]  # annotated
    )
    former = sorted(
        (m for m in members if not m.is_current),
        key=lambda m: m.left_on or datetime.date.min,  # former members all have left
        reverse=True,
    )
    return current, former


def team_counts(*, teams: QuerySet[Team]) -> dict[str, int]:
    """Headline counts over a filtered list (one query): teams, active teams, current members."""
    return Team.objects.filter(pk__in=teams.values("pk")).aggregate(
        teams=Count("pk", distinct=True),
        active=Count("pk", filter=Q(status="active"), distinct=True),
        members=Count("members", filter=Q(members__left_on__isnull=True)),
    )


MEMBER_SORTS = {
    "name": ("search_key", "pk"),
    "team": ("team__search_key", "search_key", "pk"),
    "joined": ("joined_on", "pk"),
    "-joined": ("-joined_on", "pk"),
}


def members_for_user(
    *,
    user,
    unit=None,
    role: str = "",
    affiliation: str = "",
    state: str = "current",
    search: str = "",
    sort: str = "team",
) -> QuerySet[TeamMember]:
    members = TeamMember.objects.for_user(user).select_related("team__hamlet__parent")
    if unit is not None:
        members = members.within(unit)
    if role:
        members = members.filter(role=role)
    if affiliation:
        members = members.filter(affiliation=affiliation)
    if state == "current":
        members = members.filter(left_on__isnull=True)
    elif state == "former":
        members = members.filter(left_on__isnull=False)
    if search:
        key = fold(search)
        members = members.filter(Q(search_key__contains=key) | Q(phone__contains=search.strip()))
    return members.order_by(*MEMBER_SORTS.get(sort, MEMBER_SORTS["team"]))


def directory_hamlets(*, search: str = "", commune=None) -> QuerySet:
    """Public directory: current hamlets with their active team and the members shown publicly.

    Only what a citizen may see: the team, its leader's name, and members who agreed to be
    listed (name and phone). Three queries whatever the page size.
    """

    public_members = (
        TeamMember.objects.current()
        .filter(Q(role="leader") | Q(listed_publicly=True))
        .annotate(rank=ROLE_RANK)
        .order_by("rank", "search_key")
    )
    teams = Team.objects.active().prefetch_related(
        Prefetch("members", queryset=public_members, to_attr="public_members")
    )
    hamlets = (
        AdministrativeUnit.objects.current()
        .filter(level=Level.HAMLET)
        .select_related("parent__parent")
        .prefetch_related(Prefetch("teams", queryset=teams, to_attr="active_teams"))
        .order_by("parent__search_key", "search_key")
    )
    if commune is not None:
        hamlets = hamlets.filter(parent=commune)
    if search:
        key = fold(search)
        hamlets = hamlets.filter(Q(search_key__contains=key) | Q(parent__search_key__contains=key))
    return hamlets


@dataclass(frozen=True)
class RoleSpell:
    """One member holding one role from a day until a day (None: still)."""

    member_id: int
    name: str
    role: str
    role_label: str
    since: datetime.date
    until: datetime.date | None


def role_history(*, team: Team) -> list[RoleSpell]:
    """Who held which role in the team, and from when to when (from the members' versions:
    the first from the day they joined, each change from the day it was saved, the last until
    the day they left). One query; newest first."""
    labels = dict(MemberRole.choices)
    versions = (
        TeamMember.history.filter(team_id=team.pk)
        .order_by("id", "history_date", "history_id")
        .values("id", "name", "role", "joined_on", "left_on", "history_date", "history_type")
    )
    spells: list[RoleSpell] = []
    open_spell: dict[int, dict] = {}
    last: dict[int, dict] = {}
    for v in versions:
        member = v["id"]
        last[member] = v
        current = open_spell.get(member)
        if v["history_type"] == "-":
            continue
        day = timezone.localtime(v["history_date"]).date()
        if current is None:
            open_spell[member] = {
                "role": v["role"],
                "since": v["joined_on"] or day,
                "name": v["name"],
            }
        elif current["role"] != v["role"]:
            # Until the day before the change; a change on the day it began ends that day.
            until = max(day - datetime.timedelta(days=1), current["since"])
            spells.append(_spell(member, current, until=until, labels=labels))
            open_spell[member] = {"role": v["role"], "since": day, "name": v["name"]}
        else:
            current["name"] = v["name"]
    for member, current in open_spell.items():
        spells.append(_spell(member, current, until=last[member]["left_on"], labels=labels))
    return sorted(spells, key=lambda s: (s.since, s.member_id), reverse=True)


def _spell(member_id: int, spell: dict, *, until, labels) -> RoleSpell:
    return RoleSpell(
        member_id=member_id,
        name=spell["name"],
        role=spell["role"],
        role_label=str(labels.get(spell["role"], spell["role"])),
        since=spell["since"],
        until=until,
    )


def role_holders(*, team: Team, day: datetime.date, role: str = MemberRole.LEADER) -> list[str]:
    """Who held ``role`` in the team on ``day`` (the names)."""
    return [
        s.name
        for s in role_history(team=team)
        if s.role == role and s.since <= day and (s.until is None or day <= s.until)
    ]


def team_changes(*, team: Team, limit: int = 30) -> list[dict]:
    """The versions of the team and of its members, newest first (who, when, what)."""
    records = list(team.history.select_related("history_user")) + list(
        TeamMember.history.filter(team_id=team.pk).select_related("history_user")
    )
    return changes(records, limit=limit)


def teams_without_leader_account(*, user) -> QuerySet[Team]:
    """Active teams of current hamlets in the user's area whose current leader (on the
    roster) has no account yet, each with ``current_leaders`` (the one leader) prefetched."""
    leaders = TeamMember.objects.current().filter(role=MemberRole.LEADER)
    return (
        Team.objects.for_user(user)
        .active()
        .filter(hamlet__valid_to__isnull=True)
        .filter(
            members__role=MemberRole.LEADER,
            members__left_on__isnull=True,
            members__user__isnull=True,
        )
        .select_related("hamlet__parent")
        .prefetch_related(Prefetch("members", queryset=leaders, to_attr="current_leaders"))
        .order_by("hamlet__path", "pk")
    )
