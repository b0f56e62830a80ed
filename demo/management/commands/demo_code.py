from __future__ import annotations

from django.core.management.base import BaseCommand

from demo.builders import DEMO_TOTP_USERS, demo_totp_code


class Command(BaseCommand):
    help = "Print the current second-factor code of the demo accounts that need one."

    def handle(self, *args, **options):
        self.stdout.write(f"{demo_totp_code()}  ({', '.join(DEMO_TOTP_USERS)}; valid ~30 s)")
