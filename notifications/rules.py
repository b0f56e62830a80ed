"""The rules: each finds what someone should be told today, as ``Finding`` rows (who, about
what, where, with which values). A rule says nothing when there is nothing to say; the same
subject gives the same key, so evaluating again never notifies twice.

Who hears of a unit: the active officers whose own area contains it (``officers_over``); the
province hears of what the province decides (reports submitted, accounts waiting).
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts import policies
from accounts.models import Role, User
from areas.models import AdministrativeUnit, Level
from citizens.selectors import duplicate_groups
from dashboards.indicators import Indicators
from dashboards.models import Filing, FilingStatus, Target
from imports.models import BatchStatus, ImportBatch
from reorganizations.selectors import scope_suggestions
from teams.models import MemberRole, Team, TeamMember

from .models import Notification, Rule

OFFICER_ROLES = (Role.AREA_OFFICER, Role.PROVINCE_OFFICER)


@dataclass(frozen=True)
class Finding:
    user_id: int
    rule: str
    key: str
    unit_id: int | None
    url: str
    params: dict = field(default_factory=dict, hash=False, compare=False)


class Officers:
    """The active officers with their area's path, read once per evaluation."""

    def __init__(self) -> None:
        self.rows = list(
            User.objects.filter(
                is_active=True, role__in=OFFICER_ROLES, scope_unit__valid_to__isnull=True
            )
            .select_related("scope_unit")
            .order_by("pk")
        )

    def over(self, unit: AdministrativeUnit, roles=(Role.AREA_OFFICER,)) -> list[User]:
        return [u for u in self.rows if u.role in roles and unit.path.startswith(u.scope_unit.path)]

    def province(self, unit: AdministrativeUnit | None = None) -> list[User]:
        return [
            u
            for u in self.rows
            if policies.can_review_filings(u)
            and (unit is None or unit.path.startswith(u.scope_unit.path))
        ]


def _day(value: datetime.date) -> str:
    return value.isoformat()


def team_inactive(today: datetime.date, officers: Officers) -> Iterator[Finding]:
    """A team whose leader has an account (so it records) but recorded no visit for
    ``NOTIFY_INACTIVE_DAYS`` days, founded at least that long ago."""
    days = settings.NOTIFY_INACTIVE_DAYS
    since = today - datetime.timedelta(days=days)
    recording = TeamMember.objects.current().filter(role=MemberRole.LEADER, user__isnull=False)
    teams = (
        Team.objects.active()
        .filter(pk__in=recording.values("team_id"))
        .filter(
            Q(decision_date__lte=since) | Q(decision_date__isnull=True, created_at__date__lte=since)
        )
        .annotate(last=Max("visits__visited_on", filter=Q(visits__withdrawn_at__isnull=True)))
        .filter(Q(last__lt=since) | Q(last__isnull=True))
        .select_related("hamlet")
    )
    for team in teams:
        for user in officers.over(team.hamlet):
            yield Finding(
                user.pk,
                Rule.TEAM_INACTIVE,
                f"team-{team.pk}-{team.last or 'never'}",
                team.hamlet_id,
                reverse("teams:team-detail", args=[team.pk]),
                {
                    "team": team.name,
                    "days": days,
                    "last": _day(team.last) if team.last else "",
                },
            )


def behind_target(today: datetime.date, officers: Officers) -> Iterator[Finding]:
    """A target in force whose projection at the recent pace falls short on its due day."""
    targets = (
        Target.objects.filter(starts_on__lte=today, due_on__gte=today)
        .select_related("unit", "indicator__app", "indicator__outcome", "set_by")
        .order_by("pk")
    )
    for target in targets:
        (value,) = Indicators(unit_id=target.unit_id, indicators=[target.indicator]).of(
            target.unit_id
        )
        if not value.at_risk:
            continue
        hearers = {u.pk for u in officers.over(target.unit)}
        setter = target.set_by
        if setter is not None and setter.is_active:
            hearers.add(setter.pk)
        for user_id in sorted(hearers):
            yield Finding(
                user_id,
                Rule.BEHIND_TARGET,
                f"target-{target.pk}-{target.value}-{target.due_on}",
                target.unit_id,
                reverse("dashboards:unit", args=[target.unit_id]),
                {
                    "unit": target.unit.name,
                    "indicator": target.indicator.name,
                    "value": str(value.value) if value.value is not None else "",
                    "target": str(target.value),
                    "projected": str(value.projected) if value.projected is not None else "",
                    "due": _day(target.due_on),
                    "per_hundred": target.indicator.per_hundred,
                },
            )


def _previous_month(today: datetime.date) -> datetime.date:
    return (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def report_due(today: datetime.date, officers: Officers) -> Iterator[Finding]:
    """Last month's report, not yet submitted (or returned and not resubmitted), from the
    first day of this month; due on day ``FILING_DUE_DAY``."""
    month = _previous_month(today)
    due = today.replace(day=min(max(settings.FILING_DUE_DAY, 1), 28))
    filers = [u for u in officers.rows if u.scope_unit.level == Level.COMMUNE]
    filers = [u for u in filers if policies.can_file_report(u, u.scope_unit)]
    done = set(
        Filing.objects.filter(
            month=month,
            unit_id__in={u.scope_unit_id for u in filers},
            status__in=(FilingStatus.SUBMITTED, FilingStatus.APPROVED),
        ).values_list("unit_id", flat=True)
    )
    for user in filers:
        if user.scope_unit_id in done:
            continue
        yield Finding(
            user.pk,
            Rule.REPORT_DUE,
            f"due-{user.scope_unit_id}-{month:%Y-%m}",
            user.scope_unit_id,
            reverse("filings:month", args=[user.scope_unit_id, f"{month:%Y-%m}"]),
            {"month": f"{month:%m/%Y}", "due": _day(due), "unit": user.scope_unit.name},
        )


def report_returned(today: datetime.date, officers: Officers) -> Iterator[Finding]:
    """A report the province sent back: its commune's officers hear, with the comment."""
    for filing in Filing.objects.filter(status=FilingStatus.RETURNED).select_related("unit"):
        for user in officers.over(filing.unit):
            if user.scope_unit_id != filing.unit_id:
                continue
            yield Finding(
                user.pk,
                Rule.REPORT_RETURNED,
                f"returned-{filing.pk}-{filing.round}",
                filing.unit_id,
                reverse("filings:month", args=[filing.unit_id, f"{filing.month:%Y-%m}"]),
                {"month": f"{filing.month:%m/%Y}", "comment": filing.comment[:200]},
            )


def report_submitted(today: datetime.date, officers: Officers) -> Iterator[Finding]:
    """A report waiting for the province's review."""
    for filing in Filing.objects.filter(status=FilingStatus.SUBMITTED).select_related("unit"):
        for user in officers.province(filing.unit):
            yield Finding(
                user.pk,
                Rule.REPORT_SUBMITTED,
                f"submitted-{filing.pk}-{filing.round}",
                filing.unit_id,
                reverse("filings:review", args=[filing.pk]),
                {"month": f"{filing.month:%m/%Y}", "unit": filing.unit.name},
            )


def import_finished(today: datetime.date, officers: Officers) -> Iterator[Finding]:
    """An import applied in the last week: the person who uploaded it hears what it did."""
    recent = timezone.now() - datetime.timedelta(days=7)
    batches = ImportBatch.objects.filter(status=BatchStatus.APPLIED, applied_at__gte=recent).defer(
        "data"
    )
    for batch in batches:
        result = batch.result if isinstance(batch.result, dict) else {}
        yield Finding(
            batch.created_by_id,
            Rule.IMPORT_FINISHED,
            f"import-{batch.pk}",
            batch.unit_id,
            reverse("imports:preview", args=[batch.pk]),
            {
                "file": batch.filename,
                "created": int(result.get("created", 0) or 0),
                "updated": int(result.get("updated", 0) or 0),
            },
        )


def accounts_waiting(today: datetime.date, officers: Officers) -> Iterator[Finding]:
    """Accounts of a unit a reorganization closed, for the province officers who may move
    them (each hears of the accounts whose hamlets went into their province)."""
    url = reverse("reorganizations:accounts")
    for user in officers.province():
        for suggestion in scope_suggestions(user=user):
            waiting = suggestion.user
            if not suggestion.candidates:
                continue
            yield Finding(
                user.pk,
                Rule.ACCOUNTS_WAITING,
                f"waiting-{waiting.pk}-{waiting.scope_unit_id}",
                user.scope_unit_id,
                url,
                {
                    "account": str(waiting),
                    "unit": waiting.scope_unit.name if waiting.scope_unit else "",
                },
            )


def duplicates_waiting(today: datetime.date, officers: Officers) -> Iterator[Finding]:
    """Probable duplicate people in an area officer's area; told again when the set of
    groups changes."""
    url = reverse("citizens:duplicate-list")
    for user in officers.rows:
        if user.role != Role.AREA_OFFICER:
            continue
        groups = list(duplicate_groups(user=user)[:1000])
        if not groups:
            continue
        fingerprint = hashlib.sha256(
            "|".join(
                f"{g['household__hamlet__parent']}:{g['search_key']}:{g['birth_year']}"
                for g in groups
            ).encode()
        ).hexdigest()[:16]
        yield Finding(
            user.pk,
            Rule.DUPLICATES_WAITING,
            f"duplicates-{fingerprint}",
            user.scope_unit_id,
            url,
            {"groups": len(groups)},
        )


RULES: dict[str, Callable[[datetime.date, Officers], Iterable[Finding]]] = {
    Rule.TEAM_INACTIVE: team_inactive,
    Rule.BEHIND_TARGET: behind_target,
    Rule.REPORT_DUE: report_due,
    Rule.REPORT_RETURNED: report_returned,
    Rule.REPORT_SUBMITTED: report_submitted,
    Rule.IMPORT_FINISHED: import_finished,
    Rule.ACCOUNTS_WAITING: accounts_waiting,
    Rule.DUPLICATES_WAITING: duplicates_waiting,
}


def _date(iso: str) -> str:
    return date_format(datetime.date.fromisoformat(iso), "d/m/Y") if iso else ""


def _value(raw: str, per_hundred: bool) -> str:
    """“3,99 %” or “0,56/100 dân”, in the page's language; “—” when unknown."""
    if not raw:
        return "—"
    number = number_format(Decimal(raw).normalize(), decimal_pos=None, use_l10n=True)
    if "." in raw and raw.rstrip("0").split(".")[-1]:
        number = number_format(Decimal(raw), decimal_pos=2, use_l10n=True)
    return _("%(n)s per 100 people") % {"n": number} if per_hundred else f"{number} %"


def message(notification: Notification) -> str:
    """The notification's sentence, in the language of the page or e-mail being written."""
    p = notification.params
    rule = notification.rule
    if rule == Rule.TEAM_INACTIVE:
        if p.get("last"):
            return _("%(team)s has recorded no visit since %(last)s.") % {
                "team": p["team"],
                "last": _date(p["last"]),
            }
        return _("%(team)s has not recorded a visit yet.") % {"team": p["team"]}
    if rule == Rule.BEHIND_TARGET:
        return _(
            "%(unit)s is behind its target for “%(indicator)s”: %(value)s now, %(target)s "
            "due on %(due)s; at the recent pace it would reach %(projected)s."
        ) % {
            **p,
            "due": _date(p["due"]),
            "value": _value(p.get("value", ""), p.get("per_hundred", False)),
            "target": _value(p.get("target", ""), p.get("per_hundred", False)),
            "projected": _value(p.get("projected", ""), p.get("per_hundred", False)),
        }
    if rule == Rule.REPORT_DUE:
        return _("The report of %(month)s for %(unit)s is due on %(due)s.") % {
            **p,
            "due": _date(p["due"]),
        }
    if rule == Rule.REPORT_RETURNED:
        return _("The report of %(month)s was returned by the province: “%(comment)s”") % p
    if rule == Rule.REPORT_SUBMITTED:
        return _("%(unit)s submitted its report of %(month)s.") % p
    if rule == Rule.IMPORT_FINISHED:
        return (
            _("The import of %(file)s is finished: %(created)d created, %(updated)d updated.") % p
        )
    if rule == Rule.ACCOUNTS_WAITING:
        return _("The account %(account)s of %(unit)s (a closed unit) waits for a new unit.") % p
    if rule == Rule.DUPLICATES_WAITING:
        return (
            ngettext(
                "%(groups)d group of probable duplicate people waits for a check.",
                "%(groups)d groups of probable duplicate people wait for a check.",
                p["groups"],
            )
            % p
        )
    return str(notification.get_rule_display())
