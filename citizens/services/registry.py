"""Writes to households and citizens: recording and editing them, with the checks the registry
keeps (consent before members' personal data, one household per head and address, one record
per person and ID number)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from areas.models import AdministrativeUnit, Level
from core.dates import check_past_day
from core.history import refuse_if_changed
from core.phones import clean_phone
from core.text import clean_text, fold

from ..models import Citizen, Household
from .ids import citizen_id_digest, id_number_refused, normalize_id_number

MIN_BIRTH_YEAR = 1900
MAX_MEMBERS = 60  # the database's plausibility limit (household_member_count_plausible)
MAX_SMARTPHONES = 60  # household_smartphones_plausible
# What an anonymised person is called (citizen_anonymise): no longer identifiable.
ANONYMOUS_NAME = "Người dân đã ẩn danh"


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
    raise id_number_refused()


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
    check_past_day(consent_on, field="consent_on")


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
    client_uuid=None,
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
        client_uuid=client_uuid,
    )
    household.search_key = _household_key(household.head_name, household.address)
    _check_household_not_recorded(household)
    household.full_clean()
    household.save()
    return household


def household_record(*, client_uuid, recorded_by, **fields) -> tuple[Household, bool]:
    """A household added on a phone (offline first), stored once per ``client_uuid``:
    a repeated send answers the household already recorded. Returns (household, created)."""
    existing = Household.objects.filter(client_uuid=client_uuid).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            return (
                household_create(**fields, recorded_by=recorded_by, client_uuid=client_uuid),
                True,
            )
    except IntegrityError:
        existing = Household.objects.filter(client_uuid=client_uuid).first()
        if existing is None:
            raise
        return existing, False


@transaction.atomic
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
    opened_at: datetime.datetime | None = None,
) -> Household:
    """Edit a household; ``hamlet`` moves it (to a current hamlet) when given and different.
    ``opened_at``: the version the form showed; a later change refuses the save."""
    refuse_if_changed(household, opened_at)
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
        raise id_number_refused() from exc
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


@transaction.atomic
def citizen_update(
    *,
    citizen: Citizen,
    full_name: str,
    birth_year: int | None,
    sex: str,
    phone: str,
    id_number: str = "",
    clear_id_number: bool = False,
    opened_at: datetime.datetime | None = None,
) -> Citizen:
    """Edit a citizen. The ID number is not stored, so it cannot be shown back: an empty
    ``id_number`` keeps the recorded one, a new one replaces it, ``clear_id_number`` drops it."""
    refuse_if_changed(citizen, opened_at)
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
