from __future__ import annotations

import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from areas.models import LEVEL_RANK, Level
from areas.reference import resolve
from areas.services import DEFAULT_VALID_FROM, units_import


class Command(BaseCommand):
    help = (
        "Import a GSO unit list (CSV: code,name,level,parent_code). All or nothing: any bad "
        "line stops the import and is named. Re-importing the same file changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file",
            type=Path,
            help="a CSV file, or the name of a list shipped in areas/data "
            "(thai_nguyen_units_2023.csv, thai_nguyen_units_2025.csv, …)",
        )
        parser.add_argument(
            "--valid-from",
            type=datetime.date.fromisoformat,
            default=DEFAULT_VALID_FROM,
            help="date from which new units are in force (YYYY-MM-DD; default %(default)s)",
        )

    def handle(self, *args, file: Path, valid_from: datetime.date, **options):
        file = resolve(file)
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(file)s: %(reason)s") % {"file": file, "reason": exc.strerror}
            ) from exc
        result = units_import(data=data, valid_from=valid_from)
        if result.errors:
            for error in result.errors:
                self.stderr.write(error)
            raise CommandError(
                _("%(count)d problem(s) in %(file)s; nothing was imported.")
                % {"count": len(result.errors), "file": file.name}
            )
        for level in sorted(result.counts, key=lambda lv: LEVEL_RANK[Level(lv)]):
            c = result.counts[level]
            self.stdout.write(
                _("%(level)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged")
                % {
                    "level": level,
                    "created": c["created"],
                    "updated": c["updated"],
                    "unchanged": c["unchanged"],
                }
            )
        if result.changed == 0:
            self.stdout.write(_("Nothing changed: every unit was already up to date."))
