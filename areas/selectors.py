"""Reads of the hierarchy; each starts from what the user may see (``for_user``)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from .models import LEVEL_RANK, AdministrativeUnit, Level


def get_unit_for_user(*, user, pk: int) -> AdministrativeUnit:
    """Fetch and authorise: a unit outside the user's scope is a 404."""
    return get_object_or_404(
        AdministrativeUnit.objects.for_user(user).select_related("parent"), pk=pk
    )


def top_units_for_user(*, user) -> QuerySet[AdministrativeUnit]:
    """Where a user's browsing starts: their scope unit, or every current root for admins."""
    if user.is_superuser:
        return AdministrativeUnit.objects.current().filter(parent__isnull=True)
    return AdministrativeUnit.objects.for_user(user).filter(pk=user.scope_unit_id)


def unit_children(
    *, unit: AdministrativeUnit, search: str = "", include_closed: bool = False
) -> QuerySet[AdministrativeUnit]:
    """The units directly below, each with its number of current children (one query)."""
    children = unit.children.annotate(
        child_count=Count("children", filter=Q(children__valid_to__isnull=True))
    ).order_by("search_key", "name", "pk")
    if not include_closed:
        children = children.current()
    if search:
        children = children.search(search)
    return children


def unit_breadcrumbs(*, unit: AdministrativeUnit, user) -> list[AdministrativeUnit]:
    """The unit's ancestors that the user may see, from the top down (paths sort that way)."""
    return list(
        AdministrativeUnit.objects.for_user(user).filter(pk__in=unit.ancestor_ids).order_by("path")
    )


def unit_level_counts(*, unit: AdministrativeUnit) -> list[tuple[str, int]]:
    """How many current units of each level lie below ``unit`` (one GROUP BY query)."""
    rows = (
        AdministrativeUnit.objects.current()
        .within(unit)
        .exclude(pk=unit.pk)
        .values("level")
        .annotate(n=Count("pk"))
    )
    counts = {row["level"]: row["n"] for row in rows}
    return [
        (str(Level(level).label), counts[level])
        for level in sorted(counts, key=lambda lv: LEVEL_RANK[Level(lv)])
    ]


def communes_for_user(*, user) -> QuerySet[AdministrativeUnit]:
    """Current communes in the user's scope, for filter menus."""
    return (
        AdministrativeUnit.objects.for_user(user)
        .current()
        .filter(level=Level.COMMUNE)
        .order_by("search_key")
    )


def hamlets_for_user(*, user, commune: AdministrativeUnit | None = None):
    hamlets = AdministrativeUnit.objects.for_user(user).current().filter(level=Level.HAMLET)
    if commune is not None:
        hamlets = hamlets.filter(parent=commune)
    return hamlets.select_related("parent").order_by("parent__search_key", "search_key")


def unit_filter_for_user(*, user, value: str | None) -> AdministrativeUnit | None:
    """The unit chosen in a list's "area" filter (?unit=<id>), if it is inside the scope."""
    if not value or not str(value).isdigit():
        return None
    return AdministrativeUnit.objects.for_user(user).filter(pk=int(value)).first()
