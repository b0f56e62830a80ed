"""python manage.py health [--strict]: what /healthz says, for a container's healthcheck
(beat has no web port). Exits 1 when the database is down; with --strict, also when Redis is."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from core.health import health_report


class Command(BaseCommand):
    help = "Check the database (and Redis when configured); exit 1 when the portal cannot work."

    def add_arguments(self, parser):
        parser.add_argument(
            "--strict", action="store_true", help="also fail when Redis (the broker) is down"
        )

    def handle(self, *args, strict: bool = False, **options):
        report = health_report()
        self.stdout.write(json.dumps(report))
        failing = {"down"} | ({"degraded"} if strict else set())
        if report["status"] in failing:
            raise SystemExit(1)
