"""Visits: the one way to record what a team did at a household (the field app, the API)."""

from __future__ import annotations

import datetime
import hashlib
import json
import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import policies
from core.phones import InvalidPhone, normalize_phone
from core.text import clean_text, fold
from teams.models import Team

from ..models import Assistance, Citizen, Household, Visit
from .registry import citizen_create


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
    if consent_given:  # only when given, so fingerprints of earlier visits stay the same
        content["consent_given"] = True
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def _validate_visit(
    *,
    user,
    household: Household,
    visited_on: datetime.date,
    members_present: list,
    assistances: list[dict],
    new_citizens: list[dict],
    consent_given: bool = False,
):

    if not policies.can_record_visits(user):
        raise ValidationError(_("Only team leaders and area officers record visits."))
    if not Household.objects.for_user(user).filter(pk=household.pk).exists():
        raise ValidationError({"household": _("This household is outside your area.")})
    if household.hamlet.valid_to is not None:
        raise ValidationError({"household": _("This household's hamlet is closed.")})
    today = timezone.localdate()
    if visited_on > today:
        raise ValidationError({"visited_on": _("A visit cannot be in the future.")})
    if visited_on < today - datetime.timedelta(days=366):
        raise ValidationError({"visited_on": _("A visit older than a year cannot be recorded.")})
    team = Team.objects.active().filter(hamlet_id=household.hamlet_id).first()
    if members_present:
        current = (
            set() if team is None else set(team.members.current().values_list("pk", flat=True))
        )
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
    return team


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
) -> tuple[Visit, bool]:
    """Record a visit once. Returns (visit, created).

    The same ``client_uuid`` with the same content returns the first visit (created=False),
    however often and however concurrently it is sent; with other content it raises
    VisitConflict and changes nothing. Who recorded it and for which team are derived here.
    ``consent_given`` records, at the door, the household's consent to store its members'
    data (dated the day of the visit), which new citizens need.
    """
    members_present = list(members_present or [])
    assistances = list(assistances or [])
    new_citizens = list(new_citizens or [])
    digest = _visit_digest(
        household=household,
        visited_on=visited_on,
        members_present=members_present,
        notes=notes,
        assistances=assistances,
        new_citizens=new_citizens,
        consent_given=consent_given,
    )
    existing = Visit.objects.filter(client_uuid=client_uuid).first()
    if existing is not None:
        return _same_or_conflict(existing, digest)
    team = _validate_visit(
        user=user,
        household=household,
        visited_on=visited_on,
        members_present=members_present,
        assistances=assistances,
        new_citizens=new_citizens,
        consent_given=consent_given,
    )
    try:
        with transaction.atomic():
            if consent_given and household.consent_on is None:
                household.consent_on = visited_on
                household.consent_recorded_by = user
                household.save(update_fields=["consent_on", "consent_recorded_by", "updated_at"])
            visit = Visit.objects.create(
                client_uuid=client_uuid,
                content_digest=digest,
                household=household,
                team=team,
                recorded_by=user,
                visited_on=visited_on,
                notes=clean_text(notes),
            )
            visit.members_present.set(members_present)
            created_citizens = {
                str(c["ref"]): _new_or_known_citizen(household, c) for c in new_citizens
            }
            Assistance.objects.bulk_create(
                Assistance(
                    visit=visit,
                    citizen=a.get("citizen") or created_citizens[str(a["new_citizen"])],
                    app=a["app"],
                    outcome=a["outcome"],
                )
                for a in assistances
            )
    except IntegrityError:
        # Another request with the same client_uuid committed first (a retry racing the
        # original): answer as if this one were the retry.
        existing = Visit.objects.filter(client_uuid=client_uuid).first()
        if existing is None:
            raise
        return _same_or_conflict(existing, digest)
    return visit, True


def _same_or_conflict(existing: Visit, digest: str) -> tuple[Visit, bool]:
    if existing.content_digest != digest:
        raise VisitConflict(existing)
    return existing, False
