from __future__ import annotations

from django.core.management.base import BaseCommand

from imports.services import batches_purge


class Command(BaseCommand):
    help = "Erase the files of uploads older than a week (Celery beat runs this every 6 hours)."

    def handle(self, *args, **options):
        self.stdout.write(f"{batches_purge()} upload file(s) erased.")
