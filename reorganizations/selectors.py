"""Reads for the reorganization pages."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.shortcuts import get_object_or_404

from accounts import policies
from accounts.models import SCOPE_LEVELS, Role, User
from areas.models import AdministrativeUnit, Level, Structure

from .models import Reorganization


def reorganizations_for_user(*, user):
    """Administrators see every reorganization; a province officer those of their province."""
    rows = Reorganization.objects.select_related("created_by", "province")
    return rows if policies.is_administrator(user) else rows.filter(province_id=user.scope_unit_id)


def get_reorganization(*, user, pk: int) -> Reorganization:
    return get_object_or_404(reorganizations_for_user(user=user), pk=pk)


@dataclass
class ScopeSuggestion:
    user: User
    candidates: list[tuple[AdministrativeUnit, int]]  # (unit, hamlets it received), best first

    @property
    def suggested(self) -> AdministrativeUnit | None:
        return self.candidates[0][0] if self.candidates else None


def scope_suggestions(*, user=None) -> list[ScopeSuggestion]:
    """Active accounts working in a unit that a reorganization closed, each with the units
    that received its hamlets (the first suggested). They see nothing of those hamlets until
    a province officer (or an administrator) confirms a new unit. For a province officer,
    the accounts whose hamlets went into their province, with those units only.

    Where the hamlets went is read from the tree of the closed unit's last day (paths may have
    changed since): a fixed number of queries, one tree per closing day."""
    accounts = list(
        User.objects.filter(is_active=True, scope_unit__valid_to__isnull=False)
        .select_related("scope_unit")
        .order_by("scope_unit__search_key", "username")
    )
    trees = {day: Structure(day) for day in {a.scope_unit.valid_to for a in accounts}}
    inside = {a.pk: trees[a.scope_unit.valid_to].subtree(a.scope_unit_id) for a in accounts}
    hamlets = dict(
        AdministrativeUnit.objects.current()
        .filter(level=Level.HAMLET, pk__in=set().union(*inside.values()))
        .values_list("pk", "path")
    )
    counted: dict[int, Counter[int]] = {}
    for account in accounts:
        province_only = SCOPE_LEVELS.get(Role(account.role), set()) == {Level.PROVINCE}
        counts: Counter[int] = Counter()
        for pk in inside[account.pk] & set(hamlets):
            path = hamlets[pk]
            if path.startswith(account.scope_unit.path):
                continue  # still inside the closed unit
            ids = path.strip("/").split("/")
            counts[int(ids[0] if province_only else ids[-2])] += 1  # its province / commune
        counted[account.pk] = counts
    units = AdministrativeUnit.objects.current().in_bulk(
        set().union(*(set(c) for c in counted.values()))
    )
    suggestions = []
    for account in accounts:
        allowed = SCOPE_LEVELS.get(Role(account.role), set())
        ranked = sorted(
            ((units[pk], n) for pk, n in counted[account.pk].items() if pk in units),
            key=lambda item: (-item[1], item[0].search_key),
        )
        candidates = [(unit, n) for unit, n in ranked if unit.level in allowed]
        if user is not None and not policies.is_administrator(user):
            candidates = [(u, n) for u, n in candidates if u.is_within(user.scope_unit)]
            if not candidates:
                continue  # nothing of theirs came into this officer's province
        suggestions.append(ScopeSuggestion(user=account, candidates=candidates))
    return suggestions
