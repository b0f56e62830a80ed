"""Filters of the API lists: unit (a subtree), hamlet, date ranges, search, and a few choices.

Every list is already limited to the user's scope; a filter only narrows it. ``unit`` is
resolved through the user's scope too, so naming a unit outside it gives an empty list, never
another area's rows.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES

from apps_catalog.models import App
from areas.models import AdministrativeUnit, Level
from citizens.models import Citizen, Household, Sex, Visit, VisitKind
from core.text import fold
from teams.models import Affiliation, MemberRole, Team, TeamMember, TeamStatus
from training.models import Attendance, Course

MAX_ID = 2_147_483_647  # PostgreSQL integer (ids are bigint; filters never need more)


class IdFilter(django_filters.NumberFilter):
    """An id: whole numbers only (a NumberFilter would accept 1.5)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        # Ids are positive database integers: anything else is a 400, not a query that
        # overflows the database's integer type (found by fuzzing).
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)
        # For drf-spectacular: an integer, described by the label. (A class-level
        # extend_schema_field would drop the label from the schema.)
        self._spectacular_annotation = {
            "field": {
                "type": "integer",
                "minimum": 1,
                "maximum": MAX_ID,
                "description": self.label,
            }
        }


class UnitFilter(IdFilter):
    """Rows inside the unit with this id: the unit itself and everything below it, as the
    rows' own queryset defines "inside" (areas.models.UnitScopedQuerySet.within). Costs one
    query to find the unit within the user's scope."""

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        unit = AdministrativeUnit.objects.for_user(self.parent.request.user).filter(pk=value)
        found = unit.only("path").first()
        return qs.none() if found is None else qs.within(found)


class SearchFilter(django_filters.CharFilter):
    """Words matched without accents or case: "dinh hoa" finds "Định Hóa"."""

    def __init__(self, field_name: str = "search_key", **kwargs):
        kwargs.setdefault("label", _("Search (accents and case ignored)"))
        super().__init__(field_name=field_name, **kwargs)

    def filter(self, qs, value):
        key = fold(value)
        if not key:
            return qs
        return qs.filter(**{f"{self.field_name}__contains": key})


def unit_filter() -> UnitFilter:
    return UnitFilter(label=_("Unit id: only rows inside this unit (and below it)"))


def date_from(field_name: str) -> django_filters.DateFilter:
    return django_filters.DateFilter(
        field_name=field_name, lookup_expr="gte", label=_("On or after this date (YYYY-MM-DD)")
    )


def date_to(field_name: str) -> django_filters.DateFilter:
    return django_filters.DateFilter(
        field_name=field_name, lookup_expr="lte", label=_("On or before this date (YYYY-MM-DD)")
    )


class UnitFilterSet(django_filters.FilterSet):
    unit = unit_filter()
    parent = IdFilter(field_name="parent", label=_("Parent unit id"))
    level = django_filters.ChoiceFilter(choices=Level.choices)
    current = django_filters.BooleanFilter(
        field_name="valid_to", lookup_expr="isnull", label=_("Only units in force (true/false)")
    )
    search = SearchFilter()

    class Meta:
        model = AdministrativeUnit
        fields: list[str] = []


class TeamFilterSet(django_filters.FilterSet):
    unit = unit_filter()
    hamlet = IdFilter(field_name="hamlet", label=_("Hamlet id"))
    status = django_filters.ChoiceFilter(choices=TeamStatus.choices)
    search = SearchFilter()

    class Meta:
        model = Team
        fields: list[str] = []


class MemberFilterSet(django_filters.FilterSet):
    unit = unit_filter()
    hamlet = IdFilter(field_name="team__hamlet", label=_("Hamlet id"))
    team = IdFilter(field_name="team", label=_("Team id"))
    role = django_filters.ChoiceFilter(choices=MemberRole.choices)
    affiliation = django_filters.ChoiceFilter(choices=Affiliation.choices)
    current = django_filters.BooleanFilter(
        field_name="left_on", lookup_expr="isnull", label=_("Only current members (true/false)")
    )
    joined_from = date_from("joined_on")
    joined_to = date_to("joined_on")
    private_search = "search_key"  # by POST only (api.views.PrivateSearchMixin)

    class Meta:
        model = TeamMember
        fields: list[str] = []


class HouseholdFilterSet(django_filters.FilterSet):
    unit = unit_filter()
    hamlet = IdFilter(field_name="hamlet", label=_("Hamlet id"))
    private_search = "search_key"

    class Meta:
        model = Household
        fields: list[str] = []


class CitizenFilterSet(django_filters.FilterSet):
    unit = unit_filter()
    hamlet = IdFilter(field_name="household__hamlet", label=_("Hamlet id"))
    household = IdFilter(field_name="household", label=_("Household id"))
    sex = django_filters.ChoiceFilter(choices=Sex.choices)
    private_search = "search_key"

    class Meta:
        model = Citizen
        fields: list[str] = []


class AppFilterSet(django_filters.FilterSet):
    active = django_filters.BooleanFilter(
        field_name="is_active", label=_("Only apps in use (true/false)")
    )

    class Meta:
        model = App
        fields: list[str] = []


class VisitFilterSet(django_filters.FilterSet):
    unit = unit_filter()
    hamlet = IdFilter(field_name="household__hamlet", label=_("Hamlet id"))
    household = IdFilter(field_name="household", label=_("Household id"))
    team = IdFilter(field_name="team", label=_("Team id"))
    visited_from = date_from("visited_on")
    visited_to = date_to("visited_on")
    kind = django_filters.ChoiceFilter(choices=VisitKind.choices, label=_("What happened"))
    withdrawn = django_filters.BooleanFilter(
        field_name="withdrawn_at",
        lookup_expr="isnull",
        exclude=True,
        label=_("Withdrawn (true) or counted (false)"),
    )
    private_search = "household__search_key"  # head of household or address

    class Meta:
        model = Visit
        fields: list[str] = []


class CourseFilterSet(django_filters.FilterSet):
    unit = unit_filter()
    starts_from = date_from("starts_on")
    starts_to = date_to("starts_on")
    search = SearchFilter()

    class Meta:
        model = Course
        fields: list[str] = []


class AttendanceFilterSet(django_filters.FilterSet):
    unit = unit_filter()
    course = IdFilter(field_name="session__course", label=_("Course id"))
    session = IdFilter(field_name="session", label=_("Session id"))
    trainee = IdFilter(field_name="trainee", label=_("Trainee id"))
    held_from = date_from("session__held_on")
    held_to = date_to("session__held_on")
    private_search = "trainee__search_key"

    class Meta:
        model = Attendance
        fields: list[str] = []
