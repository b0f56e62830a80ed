"""Reads of households and citizens, each starting from the user's scope."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.db.models import Count, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404

from areas.models import AdministrativeUnit, Level
from core.history import changes
from core.text import fold

from .models import (
    Assistance,
    Citizen,
    CitizenMerge,
    CitizenQuerySet,
    Household,
    Visit,
    VisitKind,
)

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
    *,
    user,
    unit=None,
    search: str = "",
    sort: str = "hamlet",
    citizen_counts: bool = True,
) -> QuerySet[Household]:
    """Households in the user's scope with the number of citizens recorded (one query).

    ``search`` matches the head's name and the address without accents: "nguyen van" finds
    "Nguyễn Văn …", "so 12" or "12" finds "Số 12". Without ``citizen_counts`` the count is
    left out (unless the list is sorted by it): a page adds it with ``with_citizen_counts``.
    """
    households = Household.objects.for_user(user).select_related("hamlet__parent")
    if citizen_counts or sort in ("citizens", "-citizens"):
        households = households.annotate(
            citizen_count=Count("citizens", filter=Q(citizens__merged_into__isnull=True))
        )
    if unit is not None:
        households = households.within(unit)
    if search:
        households = households.filter(search_key__contains=fold(search))
    return households.order_by(*HOUSEHOLD_SORTS.get(sort, HOUSEHOLD_SORTS["hamlet"]))


class HouseholdsByHamlet:
    """The list in its default order (commune, hamlet, head's name), read hamlet by hamlet:
    a page is found from the households per hamlet, counted on the hamlet index, then read in
    one query limited to the hamlets it spans, instead of sorting the whole scope."""

    FIRST_BATCH, BATCH = 8, 512  # hamlets counted per query: a few first, then more

    def __init__(self, households: QuerySet[Household], units: QuerySet) -> None:
        self.households = households
        self.units = units

    def _buckets(self) -> list[list[int]]:
        """Unit ids in list order; units sorting equal share a bucket (their households
        interleave by name)."""
        buckets: list[list[int]] = []
        last = None
        rows = self.units.order_by("parent__search_key", "search_key", "pk").values_list(
            "pk", "parent__search_key", "search_key"
        )
        for pk, parent_key, key in rows:
            if buckets and (parent_key, key) == last:
                buckets[-1].append(pk)
            else:
                buckets.append([pk])
            last = (parent_key, key)
        return buckets

    def __getitem__(self, item: slice) -> list[Household]:
        start, stop = item.start or 0, item.stop
        skipped, first_offset = 0, 0
        spanned: list[int] = []
        buckets = self._buckets()
        i, size = 0, self.FIRST_BATCH
        while i < len(buckets) and (stop is None or skipped < stop):
            batch = buckets[i : i + size]
            i, size = i + size, min(size * 4, self.BATCH)
            # the units come from the user's scope: their households need no scope filter
            counts = dict(
                Household.objects.filter(hamlet_id__in=[pk for b in batch for pk in b])
                .order_by()
                .values("hamlet_id")
                .annotate(n=Count("pk"))
                .values_list("hamlet_id", "n")
            )
            for bucket in batch:
                n = sum(counts.get(pk, 0) for pk in bucket)
                if not n:
                    continue
                if skipped + n <= start:
                    skipped += n
                    continue
                if not spanned:
                    first_offset = start - skipped
                spanned.extend(bucket)
                skipped += n
                if stop is not None and skipped >= stop:
                    break
        if not spanned:
            return []
        rows = self.households.filter(hamlet_id__in=spanned).order_by(*HOUSEHOLD_SORTS["hamlet"])
        end = None if stop is None else first_offset + stop - start
        return list(rows[first_offset:end])


def households_page_source(
    households: QuerySet[Household], *, user, unit=None, search: str = "", sort: str = "hamlet"
):
    """What to page the list from: hamlet by hamlet in the default order without a search,
    else the list itself."""
    if search or HOUSEHOLD_SORTS.get(sort, HOUSEHOLD_SORTS["hamlet"]) != HOUSEHOLD_SORTS["hamlet"]:
        return households
    units = AdministrativeUnit.objects.for_user(user).filter(level=Level.HAMLET)  # hold households
    if unit is not None:
        units = units.within(unit)
    return HouseholdsByHamlet(households, units)


def with_citizen_counts(households) -> list[Household]:
    """``households`` (one page) as a list, each with ``citizen_count``: one query for the
    page's rows only, not for the whole scope."""
    households = list(households)
    missing = [h.pk for h in households if not hasattr(h, "citizen_count")]
    if missing:
        counts = dict(
            Citizen.objects.filter(household_id__in=missing, merged_into__isnull=True)
            .values("household_id")
            .annotate(n=Count("pk"))
            .values_list("household_id", "n")
        )
        for household in households:
            if not hasattr(household, "citizen_count"):
                household.citizen_count = counts.get(household.pk, 0)
    return households


# Where a unit's rolled-up household figures come from: the roll-ups live above this app
# (dashboards), which registers its reader here when it starts; without one, lists count live.
_household_figures_readers: list[Callable[[int], dict[str, int] | None]] = []


def register_household_figures(reader: Callable[[int], dict[str, int] | None]) -> None:
    """``reader(unit_id)``: that current unit's households, members and smartphones from its
    last roll-up, or None."""
    if reader not in _household_figures_readers:
        _household_figures_readers.append(reader)


def _rolled_up_households(*, user, unit) -> dict[str, int] | None:
    """The unit's (or the user's scope's) household figures from the roll-up, None when
    there is none to use (no roll-up yet, a former unit, an account without a scope)."""
    unit_id = unit.pk if unit is not None else user.scope_unit_id
    if unit_id is None or (unit is None and user.is_superuser):
        return None
    for reader in _household_figures_readers:
        return reader(unit_id)
    return None


def household_counts(
    *, households: QuerySet[Household], user=None, unit=None, search: str = ""
) -> dict[str, int]:
    """Headline counts over a filtered list: households, members, smartphones, citizens
    recorded, households that gave consent. Without a search, given the ``user``: from the
    roll-up of the unit shown (its households without consent counted live, a few); else
    one query over the filtered rows."""
    rolled = None if search or user is None else _rolled_up_households(user=user, unit=unit)
    if rolled is not None:
        without_consent = households.filter(consent_on__isnull=True).order_by().count()
        return {
            "households": rolled["households"],
            "members": rolled["members"] or 0,
            "smartphones": rolled["smartphones"] or 0,
            "consented": max(rolled["households"] - without_consent, 0),
        }
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
    return list(
        household.citizens.filter(merged_into__isnull=True).order_by(
            "birth_year", "search_key", "pk"
        )
    )


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


# --- visits ------------------------------------------------------------------------------------

VISIT_SORTS = {
    "date": ("visited_on", "pk"),
    "-date": ("-visited_on", "-pk"),
    "household": ("household__search_key", "-visited_on", "pk"),
    "-household": ("-household__search_key", "-visited_on", "-pk"),
    "recorded": ("created_at", "pk"),
    "-recorded": ("-created_at", "-pk"),
    "helped": ("helped_count", "-visited_on", "pk"),
    "-helped": ("-helped_count", "-visited_on", "-pk"),
}
VISIT_STATUSES = ("counted", "corrected", "withdrawn", "all")


def visits_for_user(
    *,
    user,
    unit=None,
    kind: str = "",
    status: str = "counted",
    date_from=None,
    date_to=None,
    search: str = "",
    sort: str = "-date",
    household=None,
) -> QuerySet[Visit]:
    """Visits in the user's scope, with the number of people and apps helped (one query).

    ``status``: counted (not withdrawn; the default, what the figures count), corrected
    (changed since recorded), withdrawn, or all. ``search`` matches the head of household.
    """
    visits = (
        Visit.objects.for_user(user)
        .select_related("household__hamlet__parent", "recorded_by", "team")
        .annotate(
            helped_count=Count("assistances__citizen", distinct=True),
            apps_count=Count("assistances__app", distinct=True),
        )
    )
    if unit is not None:
        visits = visits.within(unit)
    if household is not None:
        visits = visits.filter(household=household)
    if kind:
        visits = visits.filter(kind=kind)
    if status == "counted":
        visits = visits.counted()
    elif status == "corrected":
        visits = visits.filter(version__gt=1)
    elif status == "withdrawn":
        visits = visits.filter(withdrawn_at__isnull=False)
    if date_from:
        visits = visits.filter(visited_on__gte=date_from)
    if date_to:
        visits = visits.filter(visited_on__lte=date_to)
    if search:
        visits = visits.filter(household__search_key__contains=fold(search))
    return visits.order_by(*VISIT_SORTS.get(sort, VISIT_SORTS["-date"]))


def visit_counts(*, visits: QuerySet[Visit]) -> dict[str, int]:
    """Over a filtered list (one query): visits, of which nobody at home and information
    only, and the distinct households met."""
    counts = Visit.objects.filter(pk__in=visits.values("pk")).aggregate(
        visits=Count("pk"),
        nobody_home=Count("pk", filter=Q(kind=VisitKind.NOBODY_HOME)),
        informed=Count("pk", filter=Q(kind=VisitKind.INFORMED)),
        households_met=Count("household", distinct=True, filter=~Q(kind=VisitKind.NOBODY_HOME)),
    )
    return {key: value or 0 for key, value in counts.items()}


def get_visit_for_user(*, user, pk: int) -> Visit:
    visits = Visit.objects.for_user(user).select_related(
        "household__hamlet__parent", "recorded_by", "team"
    )
    return get_object_or_404(visits, pk=pk)


def visit_assistances(*, visit: Visit) -> list[Assistance]:
    return list(
        visit.assistances.select_related("citizen", "app", "outcome").order_by(
            "citizen__search_key", "app__position", "outcome__position", "pk"
        )
    )


def visit_versions(*, visit: Visit) -> list:
    return list(visit.versions.select_related("changed_by").order_by("-number"))


def household_changes(*, household: Household, limit: int = 30) -> list[dict]:
    """The versions of the household and of its people, newest first (who, when, what)."""
    records = list(household.history.select_related("history_user")) + list(
        Citizen.history.filter(household_id=household.pk).select_related("history_user")
    )
    return changes(records, limit=limit)


# --- probable duplicates and merges ------------------------------------------------------------


def _duplicate_candidates(*, user) -> CitizenQuerySet:
    """People who may be recorded twice: named, with a year of birth, not anonymised (and,
    through the door, not merged)."""
    from .services import ANONYMOUS_NAME

    return (
        Citizen.objects.for_user(user)
        .filter(birth_year__isnull=False)
        .exclude(search_key="")
        .exclude(full_name__startswith=ANONYMOUS_NAME)
    )


def duplicate_groups(*, user, unit=None) -> QuerySet:
    """Probable duplicates in the user's scope, one row per group: the same name without
    accents and the same year of birth in one commune, at least twice (one query). The same
    citizen ID number twice is not looked for: the constraint ``citizen_id_number_once``
    makes it impossible."""
    citizens = _duplicate_candidates(user=user)
    if unit is not None:
        citizens = citizens.within(unit)
    return (
        citizens.values("household__hamlet__parent", "search_key", "birth_year")
        .annotate(n=Count("pk"))
        .filter(n__gte=2)
        .order_by("search_key", "birth_year", "household__hamlet__parent")
    )


def duplicate_group_members(*, user, groups) -> list[dict]:
    """The people of the groups given (a page of ``duplicate_groups``), with their household,
    hamlet and number of help records (one query)."""
    groups = list(groups)
    if not groups:
        return []
    condition = Q()
    for g in groups:
        condition |= Q(
            household__hamlet__parent=g["household__hamlet__parent"],
            search_key=g["search_key"],
            birth_year=g["birth_year"],
        )
    members: dict[tuple, list[Citizen]] = {}
    people = (
        _duplicate_candidates(user=user)
        .filter(condition)
        .select_related("household__hamlet__parent")
        .annotate(help_count=Count("assistances"))
        .order_by("-help_count", "pk")
    )
    for citizen in people:
        key = (citizen.household.hamlet.parent_id, citizen.search_key, citizen.birth_year)
        members.setdefault(key, []).append(citizen)
    found = []
    for g in groups:
        people_of = members.get(
            (g["household__hamlet__parent"], g["search_key"], g["birth_year"]), []
        )
        if len(people_of) >= 2:
            found.append({"commune": people_of[0].household.hamlet.parent, "citizens": people_of})
    return found


def merges_for_user(*, user) -> QuerySet[CitizenMerge]:
    """The merges made in the user's scope, the latest first."""
    return CitizenMerge.objects.for_user(user).select_related(
        "kept__household__hamlet__parent", "merged__household__hamlet", "actor", "undone_by"
    )


def get_merge_for_user(*, user, pk: int) -> CitizenMerge:
    return get_object_or_404(merges_for_user(user=user), pk=pk)
