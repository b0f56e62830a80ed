"""Writes to households and citizens, by concern: ``ids`` (citizen ID numbers, kept only as a
keyed hash), ``registry`` (households and citizens), ``visits`` (recording what a team did)
``rights`` (a person's copy and erasure of their data) and ``duplicates`` (two records of
one person merged, and unmerged). Callers import from here."""

from .duplicates import citizen_merge, citizen_unmerge
from .ids import ID_NUMBER_LENGTH, ID_NUMBER_REFUSED, citizen_id_digest, normalize_id_number
from .registry import (
    ANONYMOUS_NAME,
    MAX_MEMBERS,
    MAX_SMARTPHONES,
    MIN_BIRTH_YEAR,
    citizen_create,
    citizen_update,
    household_create,
    household_record,
    household_update,
)
from .rights import citizen_anonymise, citizen_personal_data
from .visits import (
    VisitConflict,
    resolve_kind,
    visit_content,
    visit_correct,
    visit_record,
    visit_withdraw,
)

__all__ = [
    "ANONYMOUS_NAME",
    "ID_NUMBER_LENGTH",
    "ID_NUMBER_REFUSED",
    "MAX_MEMBERS",
    "MAX_SMARTPHONES",
    "MIN_BIRTH_YEAR",
    "VisitConflict",
    "citizen_anonymise",
    "citizen_create",
    "citizen_id_digest",
    "citizen_merge",
    "citizen_personal_data",
    "citizen_unmerge",
    "citizen_update",
    "household_create",
    "household_record",
    "household_update",
    "normalize_id_number",
    "resolve_kind",
    "visit_content",
    "visit_correct",
    "visit_record",
    "visit_withdraw",
]
