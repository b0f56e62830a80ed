"""Reads of households and citizens, each starting from the user's scope."""

from __future__ import annotations

import re

from django.db.models import Count, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404

from core.text import fold

from .models import Assistance, Citizen, Household

HOUSEHOLD_SORTS = {
    "name": ("search_key", "pk"),
    "-name": ("-search_key", "-pk"),
    "hamlet": ("hamlet__parent__search_key", "hamlet__search_key", "search_key", "pk"),
    "members": ("member_count", "pk"),
    "-members": ("-member_count", "pk"),
    "smartphones": ("smartphone_count", "pk"),
    "-smartphones": ("-smartphone_count", "pk"),
    "citizens": ("citizen_count", "pk"),
    "-citizens": ("-citizen_count", "pk"),
}

_DIGITS = re.compile(r"\D")


def households_for_user(
    *, user, unit=None, search: str = "", sort: str = "hamlet"
) -> QuerySet[Household]:
    """Households in the user's scope with the number of citizens recorded (one query).

    ``search`` matches the head's name and the address without accents: "nguyen van" finds
    "Nguyễn Văn …", "so 12" or "12" finds "Số 12".
    """
    households = (
        Household.objects.for_user(user)
        .select_related("hamlet__parent")
        .annotate(citizen_count=Count("citizens"))
    )
    if unit is not None:
        households = households.within(unit)
    if search:
        households = households.filter(search_key__contains=fold(search))
    return households.order_by(*HOUSEHOLD_SORTS.get(sort, HOUSEHOLD_SORTS["hamlet"]))


def household_counts(*, households: QuerySet[Household]) -> dict[str, int]:
    """Headline counts over a filtered list (one query): households, members, smartphones,
    citizens recorded, households that gave consent."""
    counts = Household.objects.filter(pk__in=households.values("pk")).aggregate(
        households=Count("pk"),
        members=Sum("member_count"),
        smartphones=Sum("smartphone_count"),
        consented=Count("pk", filter=Q(consent_on__isnull=False)),
    )
    return {key: value or 0 for key, value in counts.items()}


def get_household_for_user(*, user, pk: int) -> Household:
    return get_object_or_404(
        Household.objects.for_user(user).select_related("hamlet__parent", "consent_recorded_by"),
        pk=pk,
    )


def household_citizens(*, household: Household) -> list[Citizen]:
    return list(household.citizens.order_by("birth_year", "search_key", "pk"))


CITIZEN_SORTS = {
    "name": ("search_key", "pk"),
    "-name": ("-search_key", "-pk"),
    "household": (
        "household__hamlet__parent__search_key",
        "household__hamlet__search_key",
        "household__search_key",
        "search_key",
        "pk",
    ),
    "born": ("birth_year", "pk"),
    "-born": ("-birth_year", "pk"),
}


def citizens_for_user(
    *, user, unit=None, search: str = "", sex: str = "", sort: str = "household"
) -> QuerySet[Citizen]:
    """Citizens in the user's scope. ``search`` matches the name without accents or a phone
    number. Not the citizen ID number: a list that answers "is this number here?" would let
    anyone who sees the last digits find the rest by trying."""
    citizens = Citizen.objects.for_user(user).select_related("household__hamlet__parent")
    if unit is not None:
        citizens = citizens.within(unit)
    if sex:
        citizens = citizens.filter(sex=sex)
    if search:
        condition = Q(search_key__contains=fold(search))
        digits = _DIGITS.sub("", search)
        if len(digits) >= 3 and len(digits) >= len(search.replace(" ", "")) - 2:
            condition |= Q(phone__contains=digits)
        citizens = citizens.filter(condition)
    return citizens.order_by(*CITIZEN_SORTS.get(sort, CITIZEN_SORTS["household"]))


def get_citizen_for_user(*, user, pk: int) -> Citizen:
    return get_object_or_404(
        Citizen.objects.for_user(user).select_related("household__hamlet__parent"), pk=pk
    )


def app_progress(*, citizen_ids) -> dict[int, dict[int, str]]:
    """What each citizen already has, per app: {citizen: {app: the latest outcome's name}}.
    An app missing from a citizen's map is still to do. (A withdrawn visit keeps no help
    records, so every assistance counts.) One query whatever the number of citizens."""
    progress: dict[int, dict[int, str]] = {}
    rows = (
        Assistance.objects.filter(citizen_id__in=citizen_ids)
        .order_by("citizen_id", "app_id", "visit__visited_on", "pk")
        .values_list("citizen_id", "app_id", "outcome__name")
    )
    for citizen_id, app_id, outcome in rows:
        progress.setdefault(citizen_id, {})[app_id] = outcome  # the latest wins
    return progress
