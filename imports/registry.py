"""Which importers exist. Each app owns its importer; this app only runs them."""

from __future__ import annotations

from django.http import Http404

from citizens.importers import HouseholdImporter
from dashboards.importers import PopulationImporter
from teams.importers import RosterImporter
from training.importers import AttendanceImporter

IMPORTERS = {
    RosterImporter.kind: RosterImporter,
    HouseholdImporter.kind: HouseholdImporter,
    AttendanceImporter.kind: AttendanceImporter,
    PopulationImporter.kind: PopulationImporter,
}


def get_importer_class(kind: str):
    try:
        return IMPORTERS[kind]
    except KeyError:
        raise Http404 from None
