"""Visits: the one way to record what a team did at a household (the field app, the API), and
to correct or withdraw it afterwards, every version kept."""

from __future__ import annotations

import datetime
import hashlib
import json
import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import policies
from accounts.services import user_field_synced
from core.phones import InvalidPhone, normalize_phone
from core.text import clean_text, fold
from teams.models import Team, TeamMember

from ..models import (
    Assistance,
    Citizen,
    Household,
    Visit,
    VisitChange,
    VisitKind,
    VisitVersion,
)
from .registry import citizen_create

# One visit is one household at one door: bounded so that one submission cannot hold a worker
# or swell the household's page (a household has at most 60 members).
MAX_NEW_CITIZENS = 20
MAX_ASSISTANCES = 200
MAX_MEMBERS_PRESENT = 30
MAX_NOTES = 1000
MAX_REASON = 300


class VisitConflict(Exception):
    """The client_uuid was already used for a visit with different content."""

    def __init__(self, visit: Visit) -> None:
        self.visit = visit
        super().__init__(str(visit.client_uuid))


def _phone_key(raw) -> str:
    """The phone as it will be stored, or as typed when invalid (the check comes later)."""
    try:
        return normalize_phone(raw)
    except InvalidPhone:
        return str(raw)


def _visit_digest(
    *,
    household: Household,
    visited_on: datetime.date,
    members_present: list,
    notes: str,
    assistances: list[dict],
    new_citizens: list[dict],
    consent_given: bool = False,
    kind: str = VisitKind.HELPED,
) -> str:
    """A fingerprint of what was submitted, independent of list order and spacing."""
    content = {
        "household": household.pk,
        "visited_on": visited_on.isoformat(),
        "members": sorted(m.pk for m in members_present),
        "notes": clean_text(notes),
        "assistances": sorted(
            [
                str(a["citizen"].pk) if a.get("citizen") else f"new:{a['new_citizen']}",
                a["app"].slug,
                a["outcome"].code,
            ]
            for a in assistances
        ),
        "new_citizens": sorted(
            [
                str(c["ref"]),
                clean_text(c["full_name"]),
                c.get("birth_year"),
                c.get("sex", ""),
                _phone_key(c.get("phone", "")),
            ]
            for c in new_citizens
        ),
    }
    # Only when they differ from what visits sent before them meant, so fingerprints of
    # earlier visits (and of the outboxes holding them) stay the same.
    if consent_given:
        content["consent_given"] = True
    if kind != VisitKind.HELPED:
        content["kind"] = kind
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def _check_bounds(
    *, members_present: list, notes: str, assistances: list, new_citizens: list
) -> None:
    errors = {}
    if len(new_citizens) > MAX_NEW_CITIZENS:
        errors["new_citizens"] = _(
            "At most %(max)d new people can be added in one visit: add the others from the "
            "household's page."
        ) % {"max": MAX_NEW_CITIZENS}
    if len(assistances) > MAX_ASSISTANCES:
        errors["assistances"] = _("At most %(max)d helps can be recorded in one visit.") % {
            "max": MAX_ASSISTANCES
        }
    if len(members_present) > MAX_MEMBERS_PRESENT:
        errors["members_present"] = _("At most %(max)d team members can be present.") % {
            "max": MAX_MEMBERS_PRESENT
        }
    if len(notes or "") > MAX_NOTES:
        errors["notes"] = _("The note is limited to %(max)d characters.") % {"max": MAX_NOTES}
    if errors:
        raise ValidationError(errors)


def resolve_kind(kind: str | None, assistances: list) -> str:
    """What happened at the door. A visit that helped nobody must say so: "met, information
    only" or "nobody at home"; without a kind, help given means "helped" (what every visit
    meant before kinds existed)."""
    if not kind:
        if assistances:
            return VisitKind.HELPED
        raise ValidationError(
            {
                "kind": _(
                    "Nothing was recorded for this visit: choose who was helped with which "
                    "app, or say that the household was only informed or that nobody was home."
                )
            },
            code="empty_visit",
        )
    if kind not in VisitKind.values:
        raise ValidationError({"kind": _("Unknown kind of visit.")})
    return kind


def _check_kind(kind: str, *, assistances: list, new_citizens: list, consent_given: bool) -> None:
    if kind == VisitKind.HELPED and not assistances:
        raise ValidationError(
            {"assistances": _("Choose who was helped with which app and what was done.")},
            code="empty_visit",
        )
    if kind != VisitKind.HELPED and assistances:
        raise ValidationError(
            {"kind": _("A visit where apps were used is recorded as “helped with apps”.")}
        )
    if kind == VisitKind.NOBODY_HOME and (new_citizens or consent_given):
        raise ValidationError(
            {"kind": _("Nobody was at home: no person nor consent can be recorded.")}
        )


def _validate_visit(
    *,
    user,
    household: Household,
    visited_on: datetime.date,
    members_present: list,
    assistances: list[dict],
    new_citizens: list[dict],
    consent_given: bool = False,
    members_also_allowed: frozenset = frozenset(),
):

    if not policies.can_record_visits(user):
        raise ValidationError(_("Only team leaders and area officers record visits."))
    checked = getattr(household, "_visit_checked_for", None) == user.pk
    if not checked and not Household.objects.for_user(user).filter(pk=household.pk).exists():
        raise ValidationError({"household": _("This household is outside your area.")})
    if household.hamlet.valid_to is not None:
        raise ValidationError({"household": _("This household's hamlet is closed.")})
    today = timezone.localdate()
    if visited_on > today:
        raise ValidationError({"visited_on": _("A visit cannot be in the future.")})
    if visited_on < today - datetime.timedelta(days=366):
        raise ValidationError({"visited_on": _("A visit older than a year cannot be recorded.")})
    if checked:
        team_id = household.visit_team_id  # type: ignore[attr-defined]
    else:
        team_id = (
            Team.objects.active()
            .filter(hamlet_id=household.hamlet_id)
            .values_list("pk", flat=True)
            .first()
        )
    if members_present:
        current = (
            set()
            if team_id is None
            else set(
                TeamMember.objects.filter(team_id=team_id).current().values_list("pk", flat=True)
            )
        ) | members_also_allowed
        if any(m.pk not in current for m in members_present):
            raise ValidationError(
                {"members_present": _("Only current members of the hamlet's team can be present.")}
            )
    if new_citizens and household.consent_on is None and not consent_given:
        raise ValidationError(
            {
                "new_citizens": _(
                    "This household has not agreed to store its members' personal data: "
                    "ask for its consent before adding people."
                )
            }
        )
    refs = [str(c["ref"]) for c in new_citizens]
    if len(set(refs)) != len(refs):
        raise ValidationError({"new_citizens": _("Each new citizen needs its own reference.")})
    seen = set()
    for item in assistances:
        citizen = item.get("citizen")
        if citizen is not None and citizen.household_id != household.pk:
            raise ValidationError({"assistances": _("This citizen is not of this household.")})
        if citizen is None and str(item.get("new_citizen")) not in refs:
            raise ValidationError(
                {"assistances": _("An assistance names a new citizen that is not in the visit.")}
            )
        if item["outcome"].app_id != item["app"].pk:
            raise ValidationError(
                {
                    "assistances": _("“%(outcome)s” is not an outcome of %(app)s.")
                    % {"outcome": item["outcome"].name, "app": item["app"].name}
                }
            )
        if not item["app"].is_active:
            raise ValidationError(
                {"assistances": _("%(app)s is no longer in use.") % {"app": item["app"].name}}
            )
        key = (
            citizen.pk if citizen else f"new:{item['new_citizen']}",
            item["app"].pk,
            item["outcome"].pk,
        )
        if key in seen:
            raise ValidationError({"assistances": _("The same assistance is listed twice.")})
        seen.add(key)
    return team_id


def household_for_visit(*, user, pk) -> Household | None:
    """The household a visit of ``user`` names, if it is in their area, with its hamlet and
    the id of the hamlet's active team: one query, which visit_record then trusts instead of
    checking the scope and looking the team up again."""
    active_team = (
        Team.objects.active()
        .filter(hamlet_id=OuterRef("hamlet_id"))
        .order_by("search_key", "pk")  # Team's ordering: what .first() picks
        .values("pk")[:1]
    )
    household = (
        Household.objects.for_user(user)
        .select_related("hamlet")
        .annotate(visit_team_id=Subquery(active_team))
        .filter(pk=pk)
        .first()
    )
    if household is not None:
        household._visit_checked_for = user.pk
    return household


def _new_or_known_citizen(household: Household, data: dict) -> Citizen:
    """A person added at the door; if another phone registered them first (same name and year
    of birth in the household), the visit counts for that person instead of failing."""
    known = household.citizens.filter(
        search_key=fold(clean_text(data["full_name"])), birth_year=data.get("birth_year")
    ).first()
    if known is not None:
        return known
    return citizen_create(
        household=household,
        full_name=data["full_name"],
        birth_year=data.get("birth_year"),
        sex=data.get("sex", ""),
        phone=data.get("phone", ""),
    )


def visit_record(
    *,
    user,
    client_uuid: uuid.UUID,
    household: Household,
    visited_on: datetime.date,
    members_present: list | None = None,
    notes: str = "",
    assistances: list[dict] | None = None,
    new_citizens: list[dict] | None = None,
    consent_given: bool = False,
    kind: str | None = None,
) -> tuple[Visit, bool]:
    """Record a visit once. Returns (visit, created).

    The same ``client_uuid`` with the same content returns the first visit (created=False),
    however often and however concurrently it is sent; with other content it raises
    VisitConflict and changes nothing. Who recorded it and for which team are derived here.
    ``consent_given`` records, at the door, the household's consent to store its members'
    data (dated the day of the visit), which new citizens need.

    A repeat is answered with the visit as it is now: corrected or withdrawn since, its
    ``version`` says so (the phone learns it was changed; nothing is recorded twice).
    """
    members_present = list(members_present or [])
    assistances = list(assistances or [])
    new_citizens = list(new_citizens or [])
    _check_bounds(
        members_present=members_present,
        notes=notes,
        assistances=assistances,
        new_citizens=new_citizens,
    )
    user_field_synced(user=user)

    def digest_for(kind: str) -> str:
        return _visit_digest(
            household=household,
            visited_on=visited_on,
            members_present=members_present,
            notes=notes,
            assistances=assistances,
            new_citizens=new_citizens,
            consent_given=consent_given,
            kind=kind,
        )

    try:
        kind = resolve_kind(kind, assistances)
        _check_kind(
            kind, assistances=assistances, new_citizens=new_citizens, consent_given=consent_given
        )
        team_id = _validate_visit(
            user=user,
            household=household,
            visited_on=visited_on,
            members_present=members_present,
            assistances=assistances,
            new_citizens=new_citizens,
            consent_given=consent_given,
        )
    except ValidationError:
        # A resend is recognised, never checked again: without a kind it means what visits
        # meant before kinds (an outbox from then).
        answer = _answer_resend(client_uuid, digest_for(kind or VisitKind.HELPED))
        if answer is None:
            raise
        return answer
    digest = digest_for(kind)
    visit = Visit(
        client_uuid=client_uuid,
        content_digest=digest,
        household=household,
        team_id=team_id,
        recorded_by=user,
        visited_on=visited_on,
        kind=kind,
        notes=clean_text(notes),
    )
    try:
        with transaction.atomic():
            # A resend (or a retry racing the original: the insert waits for it) inserts
            # nothing and is answered below with the visit recorded first.
            created = _insert_once(visit)
            if created:
                _record_content(
                    visit,
                    user=user,
                    members_present=members_present,
                    assistances=assistances,
                    new_citizens=new_citizens,
                    consent_given=consent_given,
                )
    except IntegrityError:
        answer = _answer_resend(client_uuid, digest)
        if answer is None:
            raise
        return answer
    if not created:
        answer = _answer_resend(client_uuid, digest)
        if answer is None:  # recorded and deleted in between: nothing to answer with
            raise IntegrityError(f"visit {client_uuid} is neither new nor recorded")
        return answer
    return visit, True


def _insert_once(visit: Visit) -> bool:
    """``INSERT … ON CONFLICT (client_uuid) DO NOTHING RETURNING id``: sets ``visit.pk`` and
    returns True, or False when a visit with that client_uuid exists (or is being committed
    by another request: the insert waits for its outcome)."""
    meta = Visit._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]

    def quote(name: str | None) -> str:
        return connection.ops.quote_name(str(name))

    values = [f.get_db_prep_save(f.pre_save(visit, True), connection) for f in fields]
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))}) "
        f"ON CONFLICT ({quote(meta.get_field('client_uuid').column)}) DO NOTHING "
        f"RETURNING {quote(meta.pk.column)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        row = cursor.fetchone()
    if row is None:
        return False
    visit.pk = row[0]
    visit._state.adding = False
    visit._state.db = connection.alias
    return True


def _record_content(
    visit: Visit,
    *,
    user,
    members_present: list,
    assistances: list[dict],
    new_citizens: list[dict],
    consent_given: bool,
) -> None:
    """What a new visit says, written set-wise; its first version is built from what is in
    hand, and the visit keeps its members and help records for the answer (no re-read)."""
    household = visit.household
    if consent_given and household.consent_on is None:
        household.consent_on = visit.visited_on
        household.consent_recorded_by = user
        household.save(update_fields=["consent_on", "consent_recorded_by", "updated_at"])
    members = list({m.pk: m for m in members_present}.values())
    if members:
        through = Visit.members_present.through
        through.objects.bulk_create(through(visit_id=visit.pk, teammember_id=m.pk) for m in members)
    created_citizens = {str(c["ref"]): _new_or_known_citizen(household, c) for c in new_citizens}
    helped = Assistance.objects.bulk_create(
        Assistance(
            visit=visit,
            citizen=a.get("citizen") or created_citizens[str(a["new_citizen"])],
            app=a["app"],
            outcome=a["outcome"],
        )
        for a in assistances
    )
    helped.sort(key=lambda a: a.pk)
    by_pk = sorted(members, key=lambda m: m.pk)
    content = {
        "kind": visit.kind,
        "visited_on": visit.visited_on.isoformat(),
        "notes": visit.notes,
        "members_present": [{"id": m.pk, "name": m.name} for m in by_pk],
        "assistances": [
            {
                "citizen": a.citizen_id,
                "citizen_name": a.citizen.full_name,
                "app": a.app.slug,
                "app_name": a.app.name,
                "outcome": a.outcome.code,
                "outcome_name": a.outcome.name,
            }
            for a in helped
        ],
    }
    _keep_version(visit, change=VisitChange.RECORDED, user=user, content=content)
    # As the visits list orders them (TeamMember's ordering: all present are current).
    in_order = sorted(members, key=lambda m: (m.left_on is not None, m.role, m.search_key, m.pk))
    _keep_in_hand(visit, members_present=in_order, assistances=helped)


def _keep_in_hand(visit: Visit, **related: list) -> None:
    """Related rows known without a query, kept as prefetch_related would keep them."""
    cache = getattr(visit, "_prefetched_objects_cache", {})
    for name, rows in related.items():
        queryset = getattr(visit, name).all()
        queryset._result_cache = rows
        queryset._prefetch_done = True
        cache[name] = queryset
    visit._prefetched_objects_cache = cache  # type: ignore[attr-defined]


def _answer_resend(client_uuid: uuid.UUID, digest: str) -> tuple[Visit, bool] | None:
    """The answer to a resend of ``client_uuid``: the visit recorded first (VisitConflict
    when its content differs), or None when no visit has that client_uuid."""
    existing = Visit.objects.filter(client_uuid=client_uuid).first()
    if existing is None:
        return None
    if existing.content_digest != digest:
        raise VisitConflict(existing)
    return existing, False


# --- history, corrections and withdrawals ------------------------------------------------------


def visit_content(visit: Visit) -> dict:
    """The visit as it stands, with names, for its history (reads its members and help)."""
    assistances = visit.assistances.select_related("citizen", "app", "outcome").order_by("pk")
    return {
        "kind": visit.kind,
        "visited_on": visit.visited_on.isoformat(),
        "notes": visit.notes,
        "members_present": [
            {"id": m.pk, "name": m.name} for m in visit.members_present.order_by("pk")
        ],
        "assistances": [
            {
                "citizen": a.citizen_id,
                "citizen_name": a.citizen.full_name,
                "app": a.app.slug,
                "app_name": a.app.name,
                "outcome": a.outcome.code,
                "outcome_name": a.outcome.name,
            }
            for a in assistances
        ],
    }


def _keep_version(
    visit: Visit,
    *,
    change: str,
    user,
    reason: str = "",
    content: dict | None = None,
    at: datetime.datetime | None = None,
) -> VisitVersion:
    return VisitVersion.objects.create(
        visit=visit,
        number=visit.version,
        change=change,
        changed_by=user,
        changed_at=at or timezone.now(),
        reason=reason,
        content=visit_content(visit) if content is None else content,
    )


def _lock_for_change(*, user, visit: Visit, version: int) -> Visit:
    """The visit, locked, once the user may change it and has seen its latest version."""
    if not Visit.objects.for_user(user).filter(pk=visit.pk).exists():
        raise ValidationError(_("This visit is outside your area."))
    locked = Visit.objects.select_for_update().select_related("household__hamlet").get(pk=visit.pk)
    if not policies.can_correct_visit(user, locked):
        raise ValidationError(
            _(
                "Only the area's officers can change this visit now: whoever recorded it can "
                "correct it for %(days)d days."
            )
            % {"days": policies.correction_window().days},
            code="not_allowed",
        )
    if locked.is_withdrawn:
        raise ValidationError(_("This visit was withdrawn; it can no longer be changed."))
    if locked.version != version:
        last = locked.versions.select_related("changed_by").order_by("-number").first()
        raise ValidationError(
            _(
                "This visit was changed by %(who)s since you opened it (version %(version)d): "
                "nothing was saved. Open it again to see the change."
            )
            % {"who": last.changed_by if last else "?", "version": locked.version},
            code="stale",
        )
    if not locked.versions.exists():  # recorded before versions were kept
        _keep_version(
            locked, change=VisitChange.RECORDED, user=locked.recorded_by, at=locked.created_at
        )
    return locked


def visit_correct(
    *,
    user,
    visit: Visit,
    version: int,
    kind: str,
    visited_on: datetime.date,
    members_present: list | None = None,
    notes: str = "",
    assistances: list[dict] | None = None,
    reason: str = "",
) -> Visit:
    """Replace what a visit says (kind, day, members present, notes, help given), keeping the
    earlier version. ``version`` is the one the user saw: a visit changed since is refused.
    The figures follow (the roll-up's triggers mark the old and the new day)."""
    members_present = list(members_present or [])
    assistances = list(assistances or [])
    _check_bounds(
        members_present=members_present, notes=notes, assistances=assistances, new_citizens=[]
    )
    if len(reason) > MAX_REASON:
        raise ValidationError({"reason": _("At most %(max)d characters.") % {"max": MAX_REASON}})
    kind = resolve_kind(kind, assistances)
    _check_kind(kind, assistances=assistances, new_citizens=[], consent_given=False)
    with transaction.atomic():
        locked = _lock_for_change(user=user, visit=visit, version=version)
        team_id = _validate_visit(
            user=user,
            household=locked.household,
            visited_on=visited_on,
            members_present=members_present,
            assistances=assistances,
            new_citizens=[],
            # Who was there stays allowed, even if they have left the team since.
            members_also_allowed=frozenset(locked.members_present.values_list("pk", flat=True)),
        )
        if any(a.get("citizen") is None for a in assistances):
            raise ValidationError({"assistances": _("A correction names recorded citizens only.")})
        locked.assistances.all().delete()
        Assistance.objects.bulk_create(
            Assistance(visit=locked, citizen=a["citizen"], app=a["app"], outcome=a["outcome"])
            for a in assistances
        )
        locked.members_present.set(members_present)
        locked.kind = kind
        locked.visited_on = visited_on
        locked.notes = clean_text(notes)
        locked.team_id = team_id if locked.team_id is None else locked.team_id
        locked.version += 1
        locked.save(update_fields=["kind", "visited_on", "notes", "team", "version", "updated_at"])
        _keep_version(locked, change=VisitChange.CORRECTED, user=user, reason=clean_text(reason))
    return locked


def visit_withdraw(*, user, visit: Visit, version: int, reason: str) -> Visit:
    """Withdraw a visit recorded by mistake: it leaves the figures, its help records go (the
    version history keeps them), the record stays with who withdrew it, when and why."""
    reason = clean_text(reason)
    if not reason:
        raise ValidationError({"reason": _("Say why the visit is withdrawn.")})
    if len(reason) > MAX_REASON:
        raise ValidationError({"reason": _("At most %(max)d characters.") % {"max": MAX_REASON}})
    with transaction.atomic():
        locked = _lock_for_change(user=user, visit=visit, version=version)
        withdrawn = visit_content(locked)  # what leaves the figures, kept on the withdrawal
        locked.assistances.all().delete()
        locked.withdrawn_at = timezone.now()
        locked.version += 1
        locked.save(update_fields=["withdrawn_at", "version", "updated_at"])
        _keep_version(
            locked, change=VisitChange.WITHDRAWN, user=user, reason=reason, content=withdrawn
        )
    return locked
