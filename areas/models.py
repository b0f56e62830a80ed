"""The administrative hierarchy: province → district → commune → hamlet, with validity dates.

A unit's identity is its database id, never its code: GSO codes are reused across reforms
(05569 was Xã Bảo Cường in 2023, Thị trấn Chợ Chu in early 2025, Xã Định Hóa after July 2025).

Subtrees are found with a materialized path of ids ("/1/12/140/"): "inside unit U" is
``path LIKE U.path || '%'``, one indexed range scan on every database, no recursion.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import TimeStampedModel
from core.text import fold

# The start of validity of units imported without a date: "since before the portal's records".
UNKNOWN_START = datetime.date(2000, 1, 1)


class Level(models.TextChoices):
    PROVINCE = "province", pgettext_lazy("level", "Province")
    DISTRICT = "district", pgettext_lazy("level", "District")
    COMMUNE = "commune", pgettext_lazy("level", "Commune")
    HAMLET = "hamlet", pgettext_lazy("level", "Hamlet")


# Depth of each level; a parent's rank is always lower than its child's. Communes may sit
# directly under a province (the two-tier structure since 1 July 2025).
LEVEL_RANK = {Level.PROVINCE: 0, Level.DISTRICT: 1, Level.COMMUNE: 2, Level.HAMLET: 3}


def scope_filter(queryset: models.QuerySet, user, *, unit: str) -> models.QuerySet:
    """The scope rule, in one place: rows whose unit lies inside the user's scope unit.

    ``unit`` is the lookup from the queryset's model to its unit ("hamlet", "team__hamlet",
    "scope_unit"; "" for units themselves). Superusers see all; anonymous users and accounts
    without a scope see nothing.
    """
    if not user.is_authenticated:
        return queryset.none()
    if user.is_superuser:
        return queryset
    if user.scope_unit_id is None:
        return queryset.none()
    path_lookup = f"{unit}__path__startswith" if unit else "path__startswith"
    return queryset.filter(**{path_lookup: user.scope_unit.path})


def scope_key(user) -> str:
    """What ``scope_filter`` lets ``user`` see, as a cache key part: users with the same key
    see the same rows, so a count kept for one serves the others."""
    if not user.is_authenticated:
        return "none"
    if user.is_superuser:
        return "all"
    return user.scope_unit.path if user.scope_unit_id is not None else "none"


class UnitScopedQuerySet(models.QuerySet):
    """The scope vocabulary, defined once, for any model that lives in a unit: ``unit_lookup``
    leads from the model to that unit ("hamlet", "household__hamlet", "scope_unit"; "" for
    the units themselves)."""

    unit_lookup: ClassVar[str] = ""

    def _path_lookup(self) -> str:
        return f"{self.unit_lookup}__path__startswith" if self.unit_lookup else "path__startswith"

    def within(self, unit: AdministrativeUnit):
        """Rows inside ``unit`` (the unit itself and everything below it)."""
        return self.filter(**{self._path_lookup(): unit.path})

    def for_user(self, user):
        """The one door: what this user may see (scope_filter)."""
        return scope_filter(self, user, unit=self.unit_lookup)


class AdministrativeUnitQuerySet(UnitScopedQuerySet):
    unit_lookup = ""

    def current(self) -> AdministrativeUnitQuerySet:
        return self.filter(valid_to__isnull=True)

    def valid_on(self, day: datetime.date) -> AdministrativeUnitQuerySet:
        return self.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day), valid_from__lte=day)

    def search(self, words: str) -> AdministrativeUnitQuerySet:

        return self.filter(search_key__contains=fold(words))


class AdministrativeUnit(TimeStampedModel):
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    # fold(name): what accent-insensitive search matches against.
    search_key = models.CharField(max_length=200, editable=False, blank=True)
    level = models.CharField(_("level"), max_length=10, choices=Level)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # "/<root id>/…/<own id>/". db_index on PostgreSQL also creates a varchar_pattern_ops
    # index, which serves within(): path LIKE '/1/12/%'.
    path = models.CharField(max_length=255, editable=False, blank=True, db_index=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid until"), null=True, blank=True)

    objects = AdministrativeUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        # search_key first: one alphabetical order on every database, accents aside.
        ordering = ["search_key", "name"]
        constraints = [
            # A code is unique among the units valid now; old units may have used it before.
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(valid_to__isnull=True),
                name="unit_code_unique_among_current",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="unit_valid_to_not_before_valid_from",
            ),
            models.CheckConstraint(
                condition=Q(level=Level.PROVINCE) | Q(parent__isnull=False),
                name="unit_below_province_has_parent",
            ),
        ]
        indexes = [
            # Units by code among current ones (import_units, add_user --unit).
            models.Index(fields=["code", "valid_to"], name="unit_code_validity"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def valid_from_known(self) -> bool:
        return self.valid_from != UNKNOWN_START

    @property
    def is_current(self) -> bool:
        return self.valid_to is None

    @property
    def rank(self) -> int:
        return LEVEL_RANK[Level(self.level)]

    @property
    def ancestor_ids(self) -> list[int]:
        """Ids from the root down to the parent, read from the path."""
        return [int(part) for part in self.path.strip("/").split("/")[:-1] if part]

    def is_within(self, other: AdministrativeUnit) -> bool:
        return self.path.startswith(other.path)

    def was_valid_on(self, day: datetime.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or self.valid_to >= day)


class UnitPlacement(models.Model):
    """Where a unit sat in the tree before it moved (a reorganization moving a hamlet to its
    new commune, a commune whose district was abolished). The current parent is the unit's
    ``parent``; these past placements let dashboards show the structure of an earlier date."""

    unit = models.ForeignKey(
        AdministrativeUnit, on_delete=models.CASCADE, related_name="placements"
    )
    parent = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    valid_from = models.DateField()
    valid_to = models.DateField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__gte=models.F("valid_from")),
                name="placement_valid_to_not_before_valid_from",
            ),
        ]
        indexes = [models.Index(fields=["valid_from", "valid_to"], name="placement_validity")]

    def __str__(self) -> str:
        return f"{self.unit_id} → {self.parent_id} ({self.valid_from} – {self.valid_to})"


def structure_on(day: datetime.date) -> dict[int, int | None]:
    """The tree of ``day``: unit id → its parent's id then, for every unit that existed by
    then (two queries). Units already closed stay under their last parent, as the roll-up
    counts them (a closed hamlet's records still count in its commune)."""
    parents: dict[int, int | None] = dict(
        AdministrativeUnit.objects.filter(valid_from__lte=day).values_list("id", "parent_id")
    )
    for unit_id, parent_id in UnitPlacement.objects.filter(
        valid_from__lte=day, valid_to__gte=day, unit_id__in=list(parents)
    ).values_list("unit_id", "parent_id"):
        parents[unit_id] = parent_id
    return parents


class Structure:
    """The tree of one day (structure_on): the children of each unit, and subtrees."""

    def __init__(self, day: datetime.date) -> None:
        self.day = day
        self.parents = structure_on(day)
        self.children: dict[int | None, list[int]] = defaultdict(list)
        for unit_id, parent_id in self.parents.items():
            self.children[parent_id].append(unit_id)

    def subtree(self, unit_id: int) -> set[int]:
        found, stack = set(), [unit_id]
        while stack:
            current = stack.pop()
            found.add(current)
            stack.extend(self.children.get(current, []))
        return found
