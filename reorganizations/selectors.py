"""Reads for the reorganization pages."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.shortcuts import get_object_or_404

from accounts.models import SCOPE_LEVELS, Role, User
from areas.models import AdministrativeUnit, Level

from .models import Reorganization


def can_reorganize(user) -> bool:
    return user.is_authenticated and user.can_reorganize


def _sees_all(user) -> bool:
    return user.is_superuser or user.role == Role.ADMIN


def reorganizations_for_user(*, user):
    """Administrators see every reorganization; a province officer those of their province."""
    rows = Reorganization.objects.select_related("created_by", "province")
    return rows if _sees_all(user) else rows.filter(province_id=user.scope_unit_id)


def get_reorganization(*, user, pk: int) -> Reorganization:
    return get_object_or_404(reorganizations_for_user(user=user), pk=pk)


@dataclass
class ScopeSuggestion:
    user: User
    candidates: list[tuple[AdministrativeUnit, int]]  # (unit, hamlets it received), best first

    @property
    def suggested(self) -> AdministrativeUnit | None:
        return self.candidates[0][0] if self.candidates else None


def _candidates(
    unit: AdministrativeUnit, role: str, trees: dict | None = None
) -> list[tuple[AdministrativeUnit, int]]:
    """Where the hamlets inside ``unit`` on its last day are now, at a level the role may
    work in (from the tree of that day: paths may have changed since). ``trees`` caches one
    tree per day across accounts."""
    from dashboards.asof import Tree

    trees = {} if trees is None else trees
    if unit.valid_to not in trees:
        trees[unit.valid_to] = Tree(unit.valid_to)
    inside = trees[unit.valid_to].subtree(unit.pk)
    moved = (
        AdministrativeUnit.objects.current()
        .filter(pk__in=inside, level=Level.HAMLET)
        .exclude(path__startswith=unit.path)
        .values_list("parent_id", "path")
    )
    allowed = SCOPE_LEVELS.get(Role(role), set())
    counts: Counter[int] = Counter()
    for parent_id, path in moved:
        if Level.PROVINCE in allowed and Level.COMMUNE not in allowed:
            counts[int(path.strip("/").split("/")[0])] += 1  # the province it is in now
        else:
            counts[parent_id] += 1
    units = AdministrativeUnit.objects.current().in_bulk(list(counts))
    ranked = sorted(counts.items(), key=lambda item: (-item[1], units[item[0]].search_key))
    return [(units[pk], n) for pk, n in ranked if pk in units and units[pk].level in allowed]


def scope_suggestions(*, user=None) -> list[ScopeSuggestion]:
    """Active accounts working in a unit that a reorganization closed, each with the units
    that received its hamlets (the first suggested). They see nothing of those hamlets until
    a province officer (or an administrator) confirms a new unit. For a province officer,
    the accounts whose hamlets went into their province, with those units only."""
    users = (
        User.objects.filter(is_active=True, scope_unit__valid_to__isnull=False)
        .select_related("scope_unit")
        .order_by("scope_unit__search_key", "username")
    )
    trees: dict = {}
    suggestions = []
    for account in users:
        candidates = _candidates(account.scope_unit, account.role, trees)
        if user is not None and not _sees_all(user):
            candidates = [(u, n) for u, n in candidates if u.is_within(user.scope_unit)]
        if candidates or user is None or _sees_all(user):
            suggestions.append(ScopeSuggestion(user=account, candidates=candidates))
    return suggestions
