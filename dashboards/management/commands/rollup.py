from __future__ import annotations

import datetime
import time

from django.core.management.base import BaseCommand, CommandError

from dashboards.rollups import rollup


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--date: {value!r} is not a date as YYYY-MM-DD") from error


class Command(BaseCommand):
    help = (
        "Bring the dashboards' figures up to date from the facts (teams, members, households, "
        "visits, assistances, training). By default only what changed since the last run is "
        "recomputed; --full recomputes everything (same numbers); --date recomputes that "
        "day's day, week and month for every unit. Safe to run twice at once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true", help="recompute everything")
        parser.add_argument("--date", type=_date, help="recompute the periods of this day")

    def handle(self, *args, **options):
        started = time.monotonic()
        units = rollup(full=options["full"], day=options["date"])
        self.stdout.write(f"{units} units computed in {time.monotonic() - started:.2f} s.")
