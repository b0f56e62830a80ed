from __future__ import annotations

from django.core.management.base import BaseCommand

from demo.builders import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Load the demo province (idempotent: running it again adds nothing)."

    def handle(self, *args, **options):
        logins = seed_demo(self.stdout.write)
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, role, unit in logins:
            self.stdout.write(f"  {username:<10} {role:<18} {unit}")
