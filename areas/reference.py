"""The official unit lists the portal ships in ``areas/data/`` (sources in SOURCES.md there).

GSO codes and names are public facts; shipping them means a fresh clone shows the real
province without anything beside it.
"""

from __future__ import annotations

from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"

UNITS_2023 = "thai_nguyen_units_2023.csv"
UNITS_2025_03 = "thai_nguyen_units_2025_03.csv"
BAC_KAN_2025_03 = "bac_kan_units_2025_03.csv"
UNITS_2025 = "thai_nguyen_units_2025.csv"
MAPPING_2025 = "thai_nguyen_commune_mapping_2025.csv"
FILES = (UNITS_2023, UNITS_2025_03, BAC_KAN_2025_03, UNITS_2025, MAPPING_2025)


def reference_file(name: str) -> Path:
    """One of the shipped files, by its name."""
    if name not in FILES:
        raise ValueError(f"{name} is not one of the shipped unit lists: {', '.join(FILES)}")
    return DATA_DIR / name


def resolve(path: Path) -> Path:
    """A path as given on a command line; a bare name of a shipped file (``thai_nguyen_units
    _2025.csv``) means that file when no such file exists where the command runs."""
    if not path.exists() and path.name == str(path) and path.name in FILES:
        return DATA_DIR / path.name
    return path
