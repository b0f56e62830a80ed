"""Finding communes and hamlets by the names people type in spreadsheets.

"Xã Phú Đình", "xa phu dinh", "Phú Đình" all name the same commune; "Trung Kiên" and
"Tổ dân phố Trung Kiên" the same hamlet. Everything is loaded once per import (a few
thousand rows at most), so resolving a row costs no query.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from core.text import fold

from .models import AdministrativeUnit, Level

_COMMUNE_TYPES = re.compile(r"^(xa|phuong|thi tran|tt)\s+")
_HAMLET_TYPES = re.compile(r"^(thon|xom|ban|to dan pho|tdp|to|khu pho|khu|lang|ap)\s+")


def bare(name: str, types: re.Pattern) -> str:
    """The folded name without its type word: "Tổ dân phố Trung Kiên" → "trung kien"."""
    return types.sub("", fold(name))


@dataclass
class Resolved:
    commune: AdministrativeUnit | None = None
    hamlet: AdministrativeUnit | None = None
    new_hamlet_name: str = ""  # a hamlet named in the file that does not exist yet
    error: str = ""
    error_field: str = ""  # "commune" or "hamlet"


@dataclass
class HamletResolver:
    """Resolves (commune name, hamlet name) inside ``unit`` (the importing officer's area)."""

    unit: AdministrativeUnit
    communes: dict[str, list[AdministrativeUnit]] = field(default_factory=dict)
    hamlets: dict[tuple[int, str], list[AdministrativeUnit]] = field(default_factory=dict)
    hamlets_by_name: dict[str, list[AdministrativeUnit]] = field(default_factory=dict)
    outside: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        current = AdministrativeUnit.objects.current()
        for commune in current.within(self.unit).filter(level=Level.COMMUNE):
            for key in {fold(commune.name), bare(commune.name, _COMMUNE_TYPES)}:
                self.communes.setdefault(key, []).append(commune)
        for hamlet in current.within(self.unit).filter(level=Level.HAMLET):
            for key in {fold(hamlet.name), bare(hamlet.name, _HAMLET_TYPES)}:
                self.hamlets.setdefault((hamlet.parent_id, key), []).append(hamlet)
                self.hamlets_by_name.setdefault(key, []).append(hamlet)
        self._units = {u.pk: u for group in self.communes.values() for u in group}
        # Names of communes that exist elsewhere: a row naming one is outside the officer's area.
        for name in current.filter(level=Level.COMMUNE).exclude(path__startswith=self.unit.path):
            self.outside.update({fold(name.name), bare(name.name, _COMMUNE_TYPES)})

    def commune(self, name: str) -> tuple[AdministrativeUnit | None, str]:
        key = fold(name)
        found = self.communes.get(key) or self.communes.get(bare(name, _COMMUNE_TYPES))
        if found and len(found) == 1:
            return found[0], ""
        if found:
            return None, _("several communes are called “%(name)s”") % {"name": name}
        if key in self.outside or bare(name, _COMMUNE_TYPES) in self.outside:
            return None, _("“%(name)s” is outside your area") % {"name": name}
        return None, _("no commune “%(name)s” in your area") % {"name": name}

    def resolve(self, *, commune_name: str, hamlet_name: str) -> Resolved:
        commune = None
        if commune_name:
            commune, error = self.commune(commune_name)
            if commune is None:
                return Resolved(error=error, error_field="commune")
        elif self.unit.level == Level.COMMUNE:
            commune = self.unit
        if not hamlet_name:
            return Resolved(commune=commune, error=_("the hamlet is empty"), error_field="hamlet")
        keys = (fold(hamlet_name), bare(hamlet_name, _HAMLET_TYPES))
        if commune is not None:
            for key in keys:
                matches = self.hamlets.get((commune.pk, key), [])
                if len(matches) == 1:
                    return Resolved(commune=commune, hamlet=matches[0])
                if len(matches) > 1:
                    return Resolved(
                        commune=commune,
                        error=_(
                            "several hamlets of %(commune)s are called “%(name)s”: "
                            "write the full name (Thôn…, Xóm…, Tổ dân phố…)"
                        )
                        % {"commune": commune.name, "name": hamlet_name},
                        error_field="hamlet",
                    )
            return Resolved(commune=commune, new_hamlet_name=hamlet_name)
        # No commune given, officer of a district: the hamlet's name must say which one it is.
        for key in keys:
            matches = self.hamlets_by_name.get(key, [])
            if len(matches) == 1:
                commune = self._units.get(matches[0].parent_id or 0)
                return Resolved(commune=commune, hamlet=matches[0])
            if len(matches) > 1:
                return Resolved(
                    error=_("several hamlets are called “%(name)s”: add a commune column")
                    % {"name": hamlet_name},
                    error_field="hamlet",
                )
        return Resolved(
            error=_("no hamlet “%(name)s” in your area; add a commune column to create it")
            % {"name": hamlet_name},
            error_field="hamlet",
        )
