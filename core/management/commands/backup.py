from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backups import BackupError, backup


class Command(BaseCommand):
    help = "Dump the PostgreSQL database (pg_dump custom format) to FILE or var/backups/."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", type=Path)

    def handle(self, *args, **options):
        try:
            path = backup(options["file"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Backup written to {path} ({path.stat().st_size:,} bytes).")
