"""Writes to households and citizens: recording, editing, and keeping citizen ID numbers out.

A citizen ID number (CCCD, 12 digits) is never stored: we keep a keyed HMAC of it (to match
the same person across imports and refuse duplicates) and its last four digits (to show it
masked). The key comes from ``settings.CITIZEN_ID_KEY``, or is derived from ``SECRET_KEY``.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import re
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import policies
from areas.models import AdministrativeUnit, Level
from core.phones import InvalidPhone, clean_phone, normalize_phone
from core.text import clean_text, fold

from .models import Assistance, Citizen, Household, Visit

ID_NUMBER_LENGTH = 12
MIN_BIRTH_YEAR = 1900
MAX_MEMBERS = 60  # the database's plausibility limit (household_member_count_plausible)
MAX_SMARTPHONES = 60  # household_smartphones_plausible
_ID_SEPARATORS = re.compile(r"[\s.\-]")


# The one answer for a number that cannot be recorded: malformed, or already the number of
# someone outside what the user sees. Telling those apart would tell anyone who types a number
# whether that person is registered somewhere in the province (an oracle).
ID_NUMBER_REFUSED = gettext_lazy("Check the citizen ID number (CCCD): 12 digits, the person's own.")


def _id_number_refused() -> ValidationError:
    return ValidationError({"id_number": ID_NUMBER_REFUSED}, code="invalid_id_number")


# --- citizen ID numbers ------------------------------------------------------------------------


def _citizen_id_key() -> bytes:
    key = getattr(settings, "CITIZEN_ID_KEY", None)
    if key:
        return key if isinstance(key, bytes) else str(key).encode()
    return hashlib.sha256(b"citizen-id:" + settings.SECRET_KEY.encode()).digest()


def normalize_id_number(raw: object) -> str:
    """The 12 digits of a citizen ID number ("" if blank); spaces, dots and dashes dropped.

    Raises ``ValidationError`` on "id_number" when what is left is not exactly 12 digits.
    """
    text = _ID_SEPARATORS.sub("", clean_text("" if raw is None else str(raw)))
    if not text:
        return ""
    if not (text.isascii() and text.isdigit() and len(text) == ID_NUMBER_LENGTH):
        raise _id_number_refused()
    return text


def citizen_id_digest(number: str) -> str:
    """HMAC-SHA256 (hex) of a citizen ID number's 12 digits: what is stored to match it."""
    digits = _ID_SEPARATORS.sub("", number)
    return hmac.new(_citizen_id_key(), digits.encode(), hashlib.sha256).hexdigest()


def _check_id_not_registered(citizen: Citizen) -> None:
    if not citizen.id_number_digest:
        return
    other = (
        Citizen.objects.filter(id_number_digest=citizen.id_number_digest)
        .exclude(pk=citizen.pk)
        .select_related("household")
        .first()
    )
    if other is None:
        return
    # Say so only when it is the citizen's own hamlet: whoever edits this household sees that
    # hamlet anyway. Elsewhere may be outside their area: the answer is that of any number
    # that cannot be recorded, with no hint that the person exists, nor where.
    if other.household.hamlet_id == citizen.household.hamlet_id:
        message = _("This citizen ID number is already registered in %(hamlet)s.") % {
            "hamlet": citizen.household.hamlet.name
        }
        raise ValidationError({"id_number": message}, code="duplicate_id_number")
    raise _id_number_refused()


# --- shared checks -----------------------------------------------------------------------------


def _check_hamlet(hamlet: AdministrativeUnit) -> None:
    if hamlet.level != Level.HAMLET:
        raise ValidationError(
            {"hamlet": _("A household belongs to a hamlet or residential group.")}
        )
    if not hamlet.is_current:
        raise ValidationError({"hamlet": _("This hamlet is no longer in force.")})


def _check_counts(member_count: int, smartphone_count: int) -> None:
    errors = {}
    if member_count is None or not 1 <= member_count <= MAX_MEMBERS:
        errors["member_count"] = _("A household has between 1 and %(max)d members.") % {
            "max": MAX_MEMBERS
        }
    if smartphone_count is None or not 0 <= smartphone_count <= MAX_SMARTPHONES:
        errors["smartphone_count"] = _(
            "The number of smartphones must be between 0 and %(max)d."
        ) % {"max": MAX_SMARTPHONES}
    if errors:
        raise ValidationError(errors)


def _check_consent_date(consent_on: datetime.date | None) -> None:
    if consent_on and consent_on > timezone.localdate():
        raise ValidationError({"consent_on": _("The date cannot be in the future.")})


def _check_consent_given(household: Household) -> None:
    """Personal data of a household's members (names, years of birth, phones, ID numbers) is
    stored only once the household has agreed (Decree 13/2023, art. 11). Without consent
    the portal keeps the household itself (head, address, counts) for planning visits."""
    if household.consent_on is None:
        raise ValidationError(
            {
                "household": _(
                    "This household has not agreed to store its members' personal data: "
                    "record its consent first."
                )
            }
        )


def _check_consent_kept(household: Household) -> None:
    """Consent cannot be withdrawn while the household's members are still identifiable:
    anonymise them first (their figures stay)."""
    if household.pk and household.citizens.exclude(full_name__startswith=ANONYMOUS_NAME).exists():
        raise ValidationError(
            {
                "consent_on": _(
                    "Members of this household are recorded with their personal data: "
                    "anonymise them before withdrawing the consent."
                )
            }
        )


def _household_key(head_name: str, address: str) -> str:
    return fold(f"{head_name} {address}")


def _check_household_not_recorded(household: Household) -> None:
    if not household.head_name:
        return  # full_clean says the name is required
    duplicate = Household.objects.filter(
        hamlet=household.hamlet, search_key=household.search_key
    ).exclude(pk=household.pk)
    if duplicate.exists():
        raise ValidationError(
            {
                "head_name": _(
                    "This household (same head and address) is already recorded in this hamlet."
                )
            }
        )


# --- households --------------------------------------------------------------------------------


def household_create(
    *,
    hamlet: AdministrativeUnit,
    head_name: str,
    address: str = "",
    member_count: int = 1,
    smartphone_count: int = 0,
    consent_on: datetime.date | None = None,
    recorded_by=None,
) -> Household:
    _check_hamlet(hamlet)
    _check_counts(member_count, smartphone_count)
    _check_consent_date(consent_on)
    household = Household(
        hamlet=hamlet,
        head_name=clean_text(head_name),
        address=clean_text(address),
        member_count=member_count,
        smartphone_count=smartphone_count,
        consent_on=consent_on,
        consent_recorded_by=recorded_by if consent_on else None,
    )
    household.search_key = _household_key(household.head_name, household.address)
    _check_household_not_recorded(household)
    household.full_clean()
    household.save()
    return household


def household_update(
    *,
    household: Household,
    hamlet: AdministrativeUnit | None = None,
    head_name: str,
    address: str,
    member_count: int,
    smartphone_count: int,
    consent_on: datetime.date | None,
    recorded_by=None,
) -> Household:
    """Edit a household; ``hamlet`` moves it (to a current hamlet) when given and different."""
    if hamlet is not None and hamlet.pk != household.hamlet_id:
        _check_hamlet(hamlet)
        household.hamlet = hamlet
    _check_counts(member_count, smartphone_count)
    if consent_on != household.consent_on:
        _check_consent_date(consent_on)
        if consent_on is None:
            _check_consent_kept(household)
        household.consent_recorded_by = recorded_by if consent_on else None
    household.head_name = clean_text(head_name)
    household.address = clean_text(address)
    household.member_count = member_count
    household.smartphone_count = smartphone_count
    household.consent_on = consent_on
    household.search_key = _household_key(household.head_name, household.address)
    _check_household_not_recorded(household)
    household.full_clean()
    household.save()
    return household


# --- citizens ----------------------------------------------------------------------------------


def _check_birth_year(birth_year: int | None) -> None:
    if birth_year is None:
        return
    this_year = timezone.localdate().year
    if not MIN_BIRTH_YEAR <= birth_year <= this_year:
        raise ValidationError(
            {
                "birth_year": _("The year of birth must be between %(min)d and %(max)d.")
                % {"min": MIN_BIRTH_YEAR, "max": this_year}
            }
        )


def _set_id_number(citizen: Citizen, number: str) -> None:
    citizen.id_number_digest = citizen_id_digest(number) if number else ""
    citizen.id_number_last4 = number[-4:] if number else ""


def _check_not_recorded_twice(citizen: Citizen) -> None:
    """The same name and year of birth twice in one household is the same person, unless
    both carry different citizen ID numbers."""
    if not citizen.search_key:
        return
    same = citizen.household.citizens.filter(
        search_key=citizen.search_key, birth_year=citizen.birth_year
    ).exclude(pk=citizen.pk)
    if citizen.id_number_digest:
        same = same.filter(id_number_digest__in=["", citizen.id_number_digest])
    if same.exists():
        raise ValidationError(
            {"full_name": _("This person is already recorded in this household.")}
        )


def _save_citizen(citizen: Citizen, *, adds_personal_data: bool = True) -> Citizen:
    if adds_personal_data:
        _check_consent_given(citizen.household)
    _check_birth_year(citizen.birth_year)
    _check_id_not_registered(citizen)
    _check_not_recorded_twice(citizen)
    citizen.full_clean()
    try:
        with transaction.atomic():
            citizen.save()
    except IntegrityError as exc:  # the same number stored meanwhile by another request
        raise _id_number_refused() from exc
    return citizen


def citizen_create(
    *,
    household: Household,
    full_name: str,
    birth_year: int | None = None,
    sex: str = "",
    phone: str = "",
    id_number: str = "",
) -> Citizen:
    citizen = Citizen(
        household=household,
        full_name=clean_text(full_name),
        birth_year=birth_year,
        sex=sex or "",
        phone=clean_phone(phone),
    )
    citizen.search_key = fold(citizen.full_name)
    _set_id_number(citizen, normalize_id_number(id_number))
    return _save_citizen(citizen)


def citizen_update(
    *,
    citizen: Citizen,
    full_name: str,
    birth_year: int | None,
    sex: str,
    phone: str,
    id_number: str = "",
    clear_id_number: bool = False,
) -> Citizen:
    """Edit a citizen. The ID number is not stored, so it cannot be shown back: an empty
    ``id_number`` keeps the recorded one, a new one replaces it, ``clear_id_number`` drops it."""
    before = (citizen.phone, citizen.id_number_digest, citizen.birth_year)
    citizen.full_name = clean_text(full_name)
    citizen.search_key = fold(citizen.full_name)
    citizen.birth_year = birth_year
    citizen.sex = sex or ""
    citizen.phone = clean_phone(phone)
    number = normalize_id_number(id_number)
    if number:
        _set_id_number(citizen, number)
    elif clear_id_number:
        _set_id_number(citizen, "")
    # A person recorded before consents were asked can still be corrected; adding a phone,
    # an ID number or a year of birth needs the household's consent.
    after = (citizen.phone, citizen.id_number_digest, citizen.birth_year)
    adds = any(new and new != old for new, old in zip(after, before, strict=True))
    return _save_citizen(citizen, adds_personal_data=adds)


# --- Visits: the one way to record what a team did at a household ---------------------------


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
    from teams.models import Team

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


# --- A citizen's rights over their data (Decree 13/2023, Law 91/2025) -----------------------

ANONYMOUS_NAME = "Người dân đã ẩn danh"


def citizen_personal_data(*, citizen: Citizen) -> dict:
    """Everything the portal holds about one person, for giving it to them."""
    household = citizen.household
    return {
        "full_name": citizen.full_name,
        "birth_year": citizen.birth_year,
        "sex": citizen.get_sex_display() if citizen.sex else "",
        "phone": citizen.phone,
        "id_number": citizen.masked_id_number,
        "household": {
            "head_name": household.head_name,
            "address": household.address,
            "hamlet": household.hamlet.name,
            "consent_on": household.consent_on.isoformat() if household.consent_on else None,
        },
        "help_received": [
            {
                "date": assistance.visit.visited_on.isoformat(),
                "app": assistance.app.name,
                "outcome": assistance.outcome.name,
            }
            for assistance in citizen.assistances.select_related(
                "visit", "app", "outcome"
            ).order_by("visit__visited_on", "pk")
        ],
    }


@transaction.atomic
def citizen_anonymise(*, citizen: Citizen) -> Citizen:
    """Erase what identifies the person (name, phone, ID number, year of birth, sex) and keep
    the record and its help received, so every figure (citizens, citizens helped per app)
    stays as it was. Cannot be undone."""
    citizen.full_name = f"{ANONYMOUS_NAME} #{citizen.pk}"
    citizen.search_key = fold(citizen.full_name)
    citizen.phone = ""
    citizen.birth_year = None
    citizen.sex = ""
    citizen.id_number_digest = ""
    citizen.id_number_last4 = ""
    citizen.save()
    return citizen
