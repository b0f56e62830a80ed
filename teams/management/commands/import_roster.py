from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from areas.models import AdministrativeUnit
from core.imports import Action, read_for_import
from core.sheets import SheetError
from teams.importers import RosterImporter

MAX_BYTES = 50 * 1024 * 1024  # scripts may load bigger files than the web upload


class Command(BaseCommand):
    help = (
        "Import a team roster (.xlsx or .csv) into the unit with the given code: the same checks "
        "as the web import. Bad rows are listed and left out; --dry-run writes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--unit", required=True, help="code of a current district or commune")
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, file: Path, unit: str, dry_run: bool, **options):
        scope = AdministrativeUnit.objects.current().filter(code=unit).first()
        if scope is None:
            raise CommandError(_("No current unit has the code %(code)s.") % {"code": unit})
        importer = RosterImporter(user=None, unit=scope)
        try:
            table = read_for_import(importer, file.read_bytes(), file.name, max_bytes=MAX_BYTES)
        except (OSError, SheetError) as exc:
            raise CommandError(str(exc)) from exc
        plan = importer.plan(table)
        for row in plan.errors:
            self.stderr.write(
                _("Row %(row)d: %(reason)s") % {"row": row.number, "reason": row.reason}
            )
        for note in plan.notes:
            self.stdout.write(str(note))
        counts = plan.counts
        self.stdout.write(
            _("%(new)d new, %(updated)d to update, %(unchanged)d unchanged, %(errors)d with errors")
            % {
                "new": counts.get(Action.CREATE, 0),
                "updated": counts.get(Action.UPDATE, 0),
                "unchanged": counts.get(Action.UNCHANGED, 0),
                "errors": counts.get(Action.ERROR, 0),
            }
        )
        if dry_run:
            self.stdout.write(_("Dry run: nothing was written."))
            return
        result = importer.apply(plan)
        self.stdout.write(
            _("Imported: %(created)d members added, %(updated)d updated, %(teams)d teams founded.")
            % result
        )
