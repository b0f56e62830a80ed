"""python manage.py reorganize UNITS.csv MAPPING.csv --effective YYYY-MM-DD [--dry-run]"""

from __future__ import annotations

import datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from areas.reference import resolve
from reorganizations import services
from reorganizations.models import Reorganization, Status


class Command(BaseCommand):
    help = (
        "Re-draw the administrative map from a new-units file and an old → new commune "
        "mapping (the formats of the 2025 reform files). --dry-run only shows what would change."
    )

    def add_arguments(self, parser):
        parser.add_argument("units", type=Path)
        parser.add_argument("mapping", type=Path)
        parser.add_argument("--effective", required=True, help="YYYY-MM-DD")
        parser.add_argument("--name", default="")
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument(
            "--assign",
            action="append",
            default=[],
            metavar="HAMLET_ID=NEW_CODE",
            help="a hamlet of the work list and the new commune it joins (repeatable)",
        )

    def handle(self, *args, **options):
        try:
            effective = datetime.date.fromisoformat(options["effective"])
        except ValueError as exc:
            raise CommandError(f"--effective: {options['effective']} is not YYYY-MM-DD") from exc
        units = resolve(options["units"]).read_bytes()
        mapping = resolve(options["mapping"]).read_bytes()
        plan = services.plan_reorganization(
            units_data=units, mapping_data=mapping, effective_on=effective
        )
        for error in plan.errors:
            self.stderr.write(f"error: {error}")
        if plan.errors:
            raise CommandError(f"{len(plan.errors)} error(s): nothing changed")
        self._describe(plan)
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing changed.")
            return
        if Reorganization.objects.filter(effective_on=effective, status=Status.APPLIED).exists():
            raise CommandError(f"a reorganization is already applied on {effective}")
        reorganization = (
            Reorganization.objects.filter(effective_on=effective, status=Status.DRAFT)
            .order_by("-pk")
            .first()
        )
        if reorganization is None:
            reorganization, plan = services.reorganization_create(
                name=options["name"], units_data=units, mapping_data=mapping, effective_on=effective
            )
        for item in options["assign"]:
            hamlet_id, _, code = item.partition("=")
            try:
                services.hamlet_assign(
                    reorganization=reorganization, hamlet_id=int(hamlet_id), new_commune_code=code
                )
            except (ValueError, ValidationError) as exc:
                raise CommandError(f"--assign {item}: {exc}") from exc
        try:
            result = services.reorganization_apply(reorganization=reorganization)
        except ValidationError as exc:
            for message in exc.messages:
                self.stderr.write(message)
            for a in reorganization.assignments.filter(new_commune_code="").select_related(
                "hamlet__parent"
            ):
                self.stderr.write(
                    f"  to assign: hamlet {a.hamlet_id} {a.hamlet.name} "
                    f"({a.hamlet.parent.name}) → one of {', '.join(a.choices)}"
                )
            raise CommandError(
                f"reorganization {reorganization.pk} kept as a draft: assign the hamlets "
                "(--assign or the portal's page), then run again"
            ) from exc
        self.stdout.write(self.style.SUCCESS(f"Applied: {result}"))

    def _describe(self, plan) -> None:
        counts = plan.counts()
        self.stdout.write(f"Effective {plan.effective_on:%d/%m/%Y}")
        for level, n in sorted(counts["created"].items()):
            self.stdout.write(f"  create {n} {level}(s)")
        for level, n in sorted(counts["closed"].items()):
            self.stdout.write(f"  close  {n} {level}(s)")
        self.stdout.write(f"  keep   {counts['kept']} unit(s), {counts['reparented']} re-parented")
        self.stdout.write(f"  move   {counts['hamlets_moved']} hamlet(s)")
        self.stdout.write(f"  assign {counts['hamlets_to_assign']} hamlet(s) of split communes")
        for warning in plan.warnings:
            self.stdout.write(f"  note: {warning}")
