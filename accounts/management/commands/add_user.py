from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import Role
from accounts.services import user_create
from areas.models import AdministrativeUnit


class Command(BaseCommand):
    help = "Create a portal account with a role and a scope unit (for scripts)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--role",
            required=True,
            choices=[Role.PROVINCE_OFFICER, Role.AREA_OFFICER, Role.TEAM_LEADER],
        )
        parser.add_argument(
            "--unit",
            required=True,
            help="code of a current unit: GSO code, or a hamlet's local code",
        )
        parser.add_argument("--password", required=True)
        parser.add_argument("--name", default="")
        parser.add_argument("--email", default="")

    def handle(self, *args, username, role, unit, password, name, email, **options):
        scope = AdministrativeUnit.objects.current().filter(code=unit).first()
        if scope is None:
            raise CommandError(f"No current unit has the code {unit!r}.")
        try:
            user = user_create(
                actor=None,
                username=username,
                role=role,
                scope_unit=scope,
                password=password,
                name=name,
                email=email,
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(f"Created {user.username} ({role}) in {scope.name}.")
