from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from dashboards.rollups import rollup_full


class Command(BaseCommand):
    help = (
        "Recompute the dashboards' figures for every unit from the facts (teams, members, "
        "households, visits, assistances, training). Safe to run twice at once. This version "
        "always recomputes everything; --full is accepted for scripts written for later ones."
    )

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true", help="recompute everything (default)")

    def handle(self, *args, **options):
        started = time.monotonic()
        units = rollup_full()
        self.stdout.write(f"{units} units computed in {time.monotonic() - started:.2f} s.")
