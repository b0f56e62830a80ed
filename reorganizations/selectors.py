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


def get_reorganization(*, pk: int) -> Reorganization:
    return get_object_or_404(Reorganization, pk=pk)


@dataclass
class ScopeSuggestion:
    user: User
    candidates: list[tuple[AdministrativeUnit, int]]  # (unit, hamlets it received), best first

    @property
    def suggested(self) -> AdministrativeUnit | None:
        return self.candidates[0][0] if self.candidates else None


def _candidates(unit: AdministrativeUnit, role: str) -> list[tuple[AdministrativeUnit, int]]:
    """Where the hamlets inside ``unit`` on its last day are now, at a level the role may
    work in (from the tree of that day: paths may have changed since)."""
    from dashboards.asof import Tree

    inside = Tree(unit.valid_to).subtree(unit.pk)
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


def scope_suggestions() -> list[ScopeSuggestion]:
    """Active accounts working in a unit that a reorganization closed, each with the units
    that received its hamlets (the first suggested). They see nothing of those hamlets until
    a province officer (or an administrator) confirms a new unit."""
    users = (
        User.objects.filter(is_active=True, scope_unit__valid_to__isnull=False)
        .select_related("scope_unit")
        .order_by("scope_unit__search_key", "username")
    )
    return [ScopeSuggestion(user=u, candidates=_candidates(u.scope_unit, u.role)) for u in users]
