"""The shape every spreadsheet import shares: a plan of what each row will do.

An importer (``teams.importers``, ``citizens.importers``, ``training.importers``) reads a
``core.sheets.Table``, checks every row without writing and returns a ``Plan``; the preview
shows it; on confirm the importer applies the good rows atomically through its app's services.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.sheets import Table, cell_text, read_table
from core.text import fold


class Action(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    ERROR = "error"


ACTION_LABELS = {
    Action.CREATE: _("New"),
    Action.UPDATE: _("Updated"),
    Action.UNCHANGED: _("Unchanged"),
    Action.ERROR: _("Error"),
}


@dataclass
class RowError:
    column: str  # the header text as in the file ("" when about the whole row)
    reason: str  # translated

    def __str__(self) -> str:
        return f"{self.column}: {self.reason}" if self.column else self.reason


@dataclass
class PlanRow:
    number: int  # spreadsheet row number
    cells: list[object]  # original cells, for the error workbook
    action: Action = Action.UNCHANGED
    summary: str = ""  # what will happen, in words ("Nguyễn Văn An → Tổ dân phố Trung Kiên")
    errors: list[RowError] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)  # for updates: which fields change
    data: dict = field(default_factory=dict)  # what apply() needs
    person: str = ""  # whom the row is about, as the file names them (for the error table)

    def fail(self, column: str, reason: str) -> None:
        self.errors.append(RowError(column, str(reason)))
        self.action = Action.ERROR

    @property
    def reason(self) -> str:
        return "; ".join(str(e) for e in self.errors)


@dataclass
class Plan:
    headers: list[str]
    rows: list[PlanRow] = field(default_factory=list)
    # Things created beside the rows themselves (new teams), to list in the preview.
    notes: list[str] = field(default_factory=list)
    unused: list[str] = field(default_factory=list)  # header texts of the columns not read

    @property
    def counts(self) -> Counter:
        return Counter(row.action for row in self.rows)

    @property
    def errors(self) -> list[PlanRow]:
        return [row for row in self.rows if row.action == Action.ERROR]

    @property
    def good(self) -> list[PlanRow]:
        return [row for row in self.rows if row.action in (Action.CREATE, Action.UPDATE)]

    def column(self, table_columns: dict[str, int], field_name: str) -> str:
        """The header text of a canonical field, as the user's file names it."""
        index = table_columns.get(field_name)
        return self.headers[index] if index is not None and index < len(self.headers) else ""


_FOOTER_WORDS = (
    "nguoi lap",
    "chu tich",
    "xac nhan",
    "ky ten",
    "ghi ro ho ten",
    "thu truong",
    "truong phong",
    "noi nhan",
    "dong dau",
    "giam doc",
    "tm ubnd",
    "tm.",
    "kt.",
    "ubnd",
    "can bo",
    "bi thu",
)
_DATE_LINE = re.compile(r"ngay\s*\.*\s*\d*\s*thang\s*\.*\s*\d*\s*nam")


def looks_like_footer(cells: list[object]) -> bool:
    """Signature blocks under a list ("NGƯỜI LẬP BIỂU", "Định Hóa, ngày 5 tháng 3 năm 2024",
    "(Ký, ghi rõ họ tên)"): rows whose every filled cell is such text, not data."""
    texts = [fold(str(c)) for c in cells if c not in (None, "")]
    if not texts:
        return True
    return all(
        any(word in text for word in _FOOTER_WORDS) or _DATE_LINE.search(text) for text in texts
    )


def read_for_import(importer, data: bytes, filename: str, *, max_bytes: int) -> Table:
    """The table an importer plans from: its columns found, signature rows left out."""
    table = read_table(
        data, filename, fields=importer.fields, required=importer.required, max_bytes=max_bytes
    )
    table.rows = [row for row in table.rows if not looks_like_footer(row.cells)]
    return table


def describe(plan: Plan, table: Table, person_fields: Iterable[str] = ("name",)) -> Plan:
    """Add what the preview says beside the importer's verdicts: the columns it does not read
    and, on each row, the person it is about (the first of ``person_fields`` that is filled)."""
    plan.unused = table.unused_headers
    rows = {row.number: row for row in table.rows}
    fields = tuple(person_fields)
    for item in plan.rows:
        row = rows.get(item.number)
        if row is not None:
            names = (cell_text(row.values.get(name)) for name in fields)
            item.person = next((name for name in names if name), "")
    return plan


def close_names(name: str, choices: Iterable[str], *, n: int = 3) -> list[str]:
    """The choices nearest to ``name`` when accents, case and spacing are ignored
    ("Xom Dong Tam" → "Xóm Đồng Tâm"), closest first."""
    by_key: dict[str, str] = {}
    for choice in choices:
        by_key.setdefault(fold(choice), choice)
    keys = difflib.get_close_matches(fold(name), list(by_key), n=n, cutoff=0.6)
    return [by_key[key] for key in keys]


def did_you_mean(names: list[str]) -> str:
    """The end of a reason: "; did you mean “A” or “B”?", or "" when nothing is close."""
    if not names:
        return ""
    quoted = gettext(" or ").join(f"“{name}”" for name in names)
    return "; " + gettext("did you mean %(names)s?") % {"names": quoted}
