from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from demo.builders import DEMO_PASSWORD, DEMO_TOTP_SECRET, DEMO_TOTP_USERS, seed_demo
from demo.scale import SCALES


class Command(BaseCommand):
    help = (
        "Load the demo province (idempotent: running it again adds nothing). With --scale, "
        "also fill every hamlet with households, citizens, visits and assistances at a "
        "fraction of the province's real size (PostgreSQL only; for the benchmark)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            choices=sorted(SCALES),
            help="province: ~400,000 households, 1.3M citizens, 1M visits, 3M assistances",
        )

    def handle(self, *args, **options):
        from django.db import connection

        if options["scale"] and connection.vendor != "postgresql":
            raise CommandError("--scale needs PostgreSQL: set DATABASE_URL.")
        logins = seed_demo(self.stdout.write)
        if options["scale"]:
            from dashboards.rollups import rollup_full
            from demo.scale import seed_scale

            started = time.monotonic()
            seed_scale(SCALES[options["scale"]], self.stdout.write)
            self.stdout.write(f"Generated in {time.monotonic() - started:.1f} s.")
            started = time.monotonic()
            rollup_full()
            self.stdout.write(f"Figures computed in {time.monotonic() - started:.1f} s.")
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, role, unit in logins:
            self.stdout.write(f"  {username:<10} {role:<18} {unit}")
        self.stdout.write(
            f"{' and '.join(DEMO_TOTP_USERS)} also need the code of an authenticator app "
            f"(secret {DEMO_TOTP_SECRET}); `python manage.py demo_code` prints the current one."
        )
