from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from dashboards.rollups import rollup
from demo.builders import DEMO_TOTP_USERS, PUBLISHED, DemoSecrets, seed_demo
from demo.scale import SCALES, seed_scale
from notifications.services import notifications_evaluate


class Command(BaseCommand):
    help = (
        "Load the demo province (idempotent: running it again adds nothing) and compute its "
        "figures. With --scale, also fill every hamlet with households, citizens, visits and "
        "assistances at a fraction of the province's real size (PostgreSQL only; for the "
        "benchmark). Refuses to run with DEBUG=false unless --allow-production is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            choices=sorted(SCALES),
            help="province: ~400,000 households, 1.3M citizens, 1M visits, 3M assistances",
        )
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="load the demo although DEBUG is off (a demonstration server); its accounts "
            "then get a new password and second-factor secret, printed once",
        )

    def handle(self, *args, **options):

        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError(
                "DEBUG is off: this looks like a production database. seed_demo adds a made-up "
                "registry and demo accounts to it; pass --allow-production if that is what you "
                "want (the accounts then get secrets of their own, never the published ones)."
            )
        if options["scale"] and connection.vendor != "postgresql":
            raise CommandError("--scale needs PostgreSQL: set DATABASE_URL.")
        secrets = PUBLISHED if settings.DEBUG else DemoSecrets.generated()
        logins = seed_demo(self.stdout.write, secrets)
        if options["scale"]:
            started = time.monotonic()
            seed_scale(SCALES[options["scale"]], self.stdout.write)
            self.stdout.write(f"Generated in {time.monotonic() - started:.1f} s.")
        # The dashboards open on figures, not on "not computed yet".
        started = time.monotonic()
        rollup(full=bool(options["scale"]))
        self.stdout.write(f"Figures computed in {time.monotonic() - started:.1f} s.")
        # ... and the officers have heard what today's rules find (the morning's task).
        told = notifications_evaluate()
        self.stdout.write(f"Notifications: {told} for the officers to read.")
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {secrets.password}):")
        for username, role, unit in logins:
            self.stdout.write(f"  {username:<10} {role:<18} {unit}")
        self.stdout.write(
            f"{' and '.join(DEMO_TOTP_USERS)} also need the code of an authenticator app "
            f"(secret {secrets.totp_secret}); "
            + (
                "`python manage.py demo_code` prints the current one."
                if secrets == PUBLISHED
                else "add it to an authenticator app now: it is not shown again."
            )
        )
