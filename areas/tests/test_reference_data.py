"""The unit lists shipped in areas/data: what SOURCES.md says they hold, and the same as the
workplace's reference copies where those are present."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from areas.models import AdministrativeUnit, Level
from areas.reference import DATA_DIR, FILES, MAPPING_2025, UNITS_2025


def levels(name: str) -> Counter:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as f:
        return Counter(row["level"] for row in csv.DictReader(f))


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("thai_nguyen_units_2023.csv", {"province": 1, "district": 9, "commune": 177}),
        ("thai_nguyen_units_2025_03.csv", {"province": 1, "district": 9, "commune": 172}),
        ("bac_kan_units_2025_03.csv", {"province": 1, "district": 8, "commune": 108}),
        ("thai_nguyen_units_2025.csv", {"province": 1, "commune": 92}),
    ],
)
def test_each_shipped_list_holds_the_units_its_source_gives(name, expected):
    assert levels(name) == expected


def test_the_shipped_mapping_links_every_old_commune_to_one_of_the_92_new_ones():
    with (DATA_DIR / MAPPING_2025).open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    with (DATA_DIR / UNITS_2025).open(encoding="utf-8", newline="") as f:
        new_codes = {row["code"] for row in csv.DictReader(f) if row["level"] == "commune"}
    assert len(rows) == 283
    assert {row["new_code"] for row in rows} == new_codes
    assert Counter(row["merge_type"] for row in rows) == {"full": 277, "partial": 6}


@pytest.mark.parametrize("name", FILES)
def test_shipped_lists_equal_the_workplace_reference_copies(name):
    reference = Path(settings.SHARED_DATA_DIR) / name
    if not reference.exists():
        pytest.skip(f"no reference copy at {reference} to cross-check against")
    assert (DATA_DIR / name).read_bytes() == reference.read_bytes()


@pytest.mark.django_db
def test_import_units_takes_a_shipped_list_by_its_bare_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # wherever the command runs, nothing of that name beside it
    call_command("import_units", UNITS_2025, stdout=open("/dev/null", "w"))  # noqa: SIM115
    units = AdministrativeUnit.objects.current()
    assert units.filter(level=Level.COMMUNE).count() == 92
    assert units.get(code="05569").name == "Xã Định Hóa"
