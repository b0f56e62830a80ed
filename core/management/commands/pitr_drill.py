"""python manage.py pitr_drill [--workdir DIR] [--port N]: the point-in-time recovery drill
(core/pitr.py) on a scratch PostgreSQL cluster of its own; exits 1 unless it recovers exactly."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.pitr import DrillError, drill


class Command(BaseCommand):
    help = (
        "Start a scratch PostgreSQL cluster with WAL archiving, take a base backup, write rows, "
        "delete them in bulk, recover to just before the delete and check what came back."
    )

    def add_arguments(self, parser):
        parser.add_argument("--workdir", type=Path, help="a scratch folder (emptied first)")
        parser.add_argument("--port", type=int, default=55432)

    def handle(self, *args, workdir: Path | None = None, port: int = 55432, **options):
        workdir = workdir or Path(tempfile.mkdtemp(prefix="pitr-drill-"))
        try:
            result = drill(workdir, port=port, log=self.stdout.write)
        except DrillError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Done in {result.seconds:.1f} s, in {workdir}.")
        if not result.exact:
            raise CommandError("The recovery was not exact: see above.")
