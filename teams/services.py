"""Writes to teams and members: founding, dissolving, adding, editing, retiring."""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import Role, User
from accounts.services import one_time_code, user_create
from areas.models import AdministrativeUnit, Level
from core.dates import check_past_day
from core.history import refuse_if_changed
from core.phones import clean_phone
from core.text import clean_text, fold

from .models import MemberRole, Team, TeamMember, TeamStatus


def default_team_name(hamlet: AdministrativeUnit) -> str:
    return f"Tổ công nghệ số cộng đồng {hamlet.name}"


def team_create(
    *,
    hamlet: AdministrativeUnit,
    name: str = "",
    decision_number: str = "",
    decision_date: datetime.date | None = None,
) -> Team:
    if hamlet.level != Level.HAMLET:
        raise ValidationError({"hamlet": _("A team serves a hamlet or residential group.")})
    if not hamlet.is_current:
        raise ValidationError({"hamlet": _("This hamlet is no longer in force.")})
    check_past_day(decision_date, field="decision_date")
    existing = Team.objects.active().filter(hamlet=hamlet).first()
    if existing is not None:
        raise ValidationError(
            {
                "hamlet": _("%(hamlet)s already has an active team: %(team)s.")
                % {"hamlet": hamlet.name, "team": existing.name}
            }
        )
    team = Team(
        hamlet=hamlet,
        name=clean_text(name) or default_team_name(hamlet),
        decision_number=clean_text(decision_number),
        decision_date=decision_date,
    )
    team.search_key = fold(f"{team.name} {hamlet.name}")
    team.full_clean()
    try:
        with transaction.atomic():
            team.save()
    except IntegrityError as exc:  # another officer founded one at the same moment
        raise ValidationError({"hamlet": _("This hamlet already has an active team.")}) from exc
    return team


@transaction.atomic
def team_update(
    *,
    team: Team,
    name: str,
    decision_number: str,
    decision_date: datetime.date | None,
    opened_at: datetime.datetime | None = None,
) -> Team:
    """``opened_at``: the version the form showed; a later change refuses the save."""
    refuse_if_changed(team, opened_at)
    check_past_day(decision_date, field="decision_date")
    team.name = clean_text(name) or default_team_name(team.hamlet)
    team.decision_number = clean_text(decision_number)
    team.decision_date = decision_date
    team.search_key = fold(f"{team.name} {team.hamlet.name}")
    team.full_clean()
    team.save(
        update_fields=["name", "decision_number", "decision_date", "search_key", "updated_at"]
    )
    return team


def team_dissolve(*, team: Team, dissolved_on: datetime.date) -> Team:
    """Dissolve a team: its current members leave that day; its history stays."""
    if not team.is_active:
        raise ValidationError(_("This team is already dissolved."))
    check_past_day(dissolved_on, field="dissolved_on")
    if team.decision_date and dissolved_on < team.decision_date:
        raise ValidationError(
            {"dissolved_on": _("The team cannot be dissolved before it was founded.")}
        )
    with transaction.atomic():
        for member in team.members.current().select_for_update():
            member.left_on = max(dissolved_on, member.joined_on)
            member.save(update_fields=["left_on", "updated_at"])
        team.status = TeamStatus.DISSOLVED
        team.dissolved_on = dissolved_on
        team.full_clean()
        team.save(update_fields=["status", "dissolved_on", "updated_at"])
    return team


def _check_single_leader(member: TeamMember) -> None:
    if member.role != MemberRole.LEADER or member.left_on is not None:
        return
    leaders = member.team.members.current().filter(role=MemberRole.LEADER)
    leader = leaders.exclude(pk=member.pk).first()
    if leader is not None:
        raise ValidationError(
            {
                "role": _("This team already has a leader (%(name)s). Change their role first.")
                % {"name": leader.name}
            }
        )


def member_add(
    *,
    team: Team,
    name: str,
    phone: str = "",
    role: str = MemberRole.MEMBER,
    affiliation: str = "other",
    joined_on: datetime.date | None = None,
    listed_publicly: bool = False,
    user=None,
) -> TeamMember:
    if not team.is_active:
        raise ValidationError(_("Members cannot be added to a dissolved team."))
    check_past_day(joined_on, field="joined_on")
    member = TeamMember(
        team=team,
        name=clean_text(name),
        phone=clean_phone(phone),
        role=role,
        affiliation=affiliation,
        joined_on=joined_on or timezone.localdate(),
        listed_publicly=listed_publicly,
        user=user,
    )
    member.search_key = fold(member.name)
    _check_single_leader(member)
    duplicate = team.members.current().filter(search_key=member.search_key, phone=member.phone)
    if member.name and duplicate.exists():
        raise ValidationError({"name": _("This person is already a member of the team.")})
    member.full_clean()
    _save_member(member)
    return member


def _save_member(member: TeamMember) -> None:
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError as exc:  # a second leader named at the same moment
        raise ValidationError(
            {"role": _("This team already has a leader. Change their role first.")}
        ) from exc


@transaction.atomic
def member_update(
    *,
    member: TeamMember,
    name: str,
    phone: str,
    role: str,
    affiliation: str,
    listed_publicly: bool,
    joined_on: datetime.date | None = None,
    opened_at: datetime.datetime | None = None,
) -> TeamMember:
    if not member.is_current or not member.team.is_active:
        raise ValidationError(
            _(
                "Former members and members of a dissolved team are kept as history; they "
                "cannot be edited."
            )
        )
    refuse_if_changed(member, opened_at)
    check_past_day(joined_on, field="joined_on")
    member.name = clean_text(name)
    member.search_key = fold(member.name)
    member.phone = clean_phone(phone)
    member.role = role
    member.affiliation = affiliation
    member.listed_publicly = listed_publicly
    if joined_on:
        member.joined_on = joined_on
    _check_single_leader(member)
    member.full_clean()
    _save_member(member)
    return member


def member_retire(*, member: TeamMember, left_on: datetime.date) -> TeamMember:
    """A member leaves the team; the row stays as history of who served when."""
    if not member.is_current:
        raise ValidationError(_("This member has already left the team."))
    if left_on < member.joined_on:
        raise ValidationError({"left_on": _("A member cannot leave before joining.")})
    check_past_day(left_on, field="left_on")
    member.left_on = left_on
    member.full_clean()
    member.save(update_fields=["left_on", "updated_at"])
    return member


def teams_bulk_found(*, hamlets: list[AdministrativeUnit], decision_date, decision_number) -> int:
    """Found one team in each of many hamlets at once (province roll-outs, demo data).

    Same rules as ``team_create`` for the whole batch: current hamlets without an active team.
    """
    if any(h.level != Level.HAMLET or not h.is_current for h in hamlets):
        raise ValidationError(_("A team serves a hamlet or residential group."))
    taken = set(
        Team.objects.active().filter(hamlet__in=hamlets).values_list("hamlet_id", flat=True)
    )
    if taken:
        raise ValidationError(_("Some of these hamlets already have an active team."))
    Team.objects.bulk_create(
        Team(
            hamlet=hamlet,
            name=default_team_name(hamlet),
            search_key=fold(f"{default_team_name(hamlet)} {hamlet.name}"),
            decision_number=decision_number,
            decision_date=decision_date,
        )
        for hamlet in hamlets
    )
    return len(hamlets)


def members_bulk_add(*, members: list[dict]) -> int:
    """Add many members at once: [{team, name, phone, role, affiliation, joined_on, …}].

    Names are NFC-cleaned and phones normalised as in ``member_add``; the database enforces
    one current leader per team.
    """
    rows = []
    for data in members:
        member = TeamMember(**{**data, "name": clean_text(data["name"])})
        member.phone = clean_phone(member.phone)
        member.search_key = fold(member.name)
        rows.append(member)
    TeamMember.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


# --- team leaders' accounts, from the rosters ---------------------------------------------


@dataclass(frozen=True)
class LeaderAccount:
    """One line of the sheet an officer prints: the code exists only here, never stored."""

    team: Team
    leader_name: str
    user: User
    code: str


def _free_username(base: str) -> str:
    taken = set(User.objects.filter(username__istartswith=base).values_list("username", flat=True))
    if base not in taken:
        return base
    return next(f"{base}-{n}" for n in itertools.count(2) if f"{base}-{n}" not in taken)


def leader_accounts_create(*, actor: User | None, teams) -> list[LeaderAccount]:
    """An account for the current leader of each team that has none (the roster says who):
    a team leader of the team's hamlet, named as the roster names them, ``tt-<hamlet code>``,
    signing in first with a one-time code they must change. Teams whose leader already has
    an account (or that have no current leader) are skipped, so running it again is safe."""
    made = []
    with transaction.atomic():
        for team in teams:
            leader = (
                team.members.current()
                .filter(role=MemberRole.LEADER)
                .select_for_update()
                .select_related("team__hamlet")
                .first()
            )
            if leader is None or leader.user_id is not None or not team.is_active:
                continue
            hamlet = leader.team.hamlet
            code = one_time_code()
            user = user_create(
                actor=actor,
                username=_free_username(f"tt-{slugify(hamlet.code)}"),
                role=Role.TEAM_LEADER,
                scope_unit=hamlet,
                password=code,
                name=leader.name,
                must_change_password=True,
            )
            leader.user = user
            leader.save(update_fields=["user", "updated_at"])
            made.append(LeaderAccount(team=team, leader_name=leader.name, user=user, code=code))
    return made
