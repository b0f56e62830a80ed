from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backups import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `backup` into the database (or --into postgres://… for "
        "another one, e.g. to check a backup). Replaces the tables it contains."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--into", help="database URL to restore into (default: this one)")

    def handle(self, *args, **options):
        try:
            restore(options["file"], url=options["into"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored {options['file']}.")
