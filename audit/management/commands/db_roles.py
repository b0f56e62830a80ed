"""python manage.py db_roles --runtime ROLE [--password-env VAR]

Run by the database's owner (the role that runs the migrations) after each migrate: makes
ROLE the portal's runtime role, which may read and write the application's tables but may
only add to and read the audit log. Not its owner, it cannot TRUNCATE the log, UPDATE or
DELETE its rows, nor disable the trigger that refuses those; the web, the worker and beat
connect as ROLE (DATABASE_URL), the migrations as the owner. Idempotent.
"""

from __future__ import annotations

import os

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from psycopg import sql

from audit.models import TABLE as AUDIT_TABLE


class Command(BaseCommand):
    help = (
        "Set up the portal's runtime database role: the application's tables, the audit log "
        "append-only (PostgreSQL; run as the owner after migrate)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--runtime", required=True, help="the role web, worker and beat use")
        parser.add_argument(
            "--password-env",
            help="name of an environment variable holding the role's password (else none is set)",
        )

    def handle(self, *args, runtime: str, password_env: str | None = None, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Database roles are a PostgreSQL matter: set DATABASE_URL.")
        password = os.environ.get(password_env, "") if password_env else ""
        if password_env and not password:
            raise CommandError(f"{password_env} is empty: the role would have no password.")
        role = sql.Identifier(runtime)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT current_user, current_database()")
            owner, database = cursor.fetchone()
            if owner == runtime:
                raise CommandError("Run this as the owner (the migrations' role), not as ROLE.")
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [runtime])
            if cursor.fetchone() is None:
                cursor.execute(
                    sql.SQL("CREATE ROLE {} LOGIN").format(role).as_string(cursor.connection)
                )
            if password:
                cursor.execute(
                    sql.SQL("ALTER ROLE {} PASSWORD {}")
                    .format(role, sql.Literal(password))
                    .as_string(cursor.connection)
                )
            cursor.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tableowner = %s",
                [runtime],
            )
            owned = [row[0] for row in cursor.fetchall()]
            statements = [
                # Tables ROLE owns (it ran the migrations once) pass to the owner.
                *(
                    sql.SQL("ALTER TABLE {} OWNER TO {}").format(
                        sql.Identifier(table), sql.Identifier(owner)
                    )
                    for table in owned
                ),
                sql.SQL("GRANT CONNECT, TEMPORARY ON DATABASE {} TO {}").format(
                    sql.Identifier(database), role
                ),
                sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(role),
                sql.SQL(
                    "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}"
                ).format(role),
                sql.SQL(
                    "GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {}"
                ).format(role),
                # Tables later migrations create: the same, without anyone thinking of it.
                sql.SQL(
                    "ALTER DEFAULT PRIVILEGES IN SCHEMA public "
                    "GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {}"
                ).format(role),
                sql.SQL(
                    "ALTER DEFAULT PRIVILEGES IN SCHEMA public "
                    "GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {}"
                ).format(role),
                # The derived period figures: a full roll-up empties them at once.
                sql.SQL("GRANT TRUNCATE ON TABLE {} TO {}").format(
                    sql.Identifier("dashboards_unitperiodfigures"), role
                ),
                # The audit log: add and read, nothing else.
                sql.SQL("REVOKE ALL ON TABLE {} FROM {}").format(sql.Identifier(AUDIT_TABLE), role),
                sql.SQL("GRANT SELECT, INSERT ON TABLE {} TO {}").format(
                    sql.Identifier(AUDIT_TABLE), role
                ),
                sql.SQL("REVOKE ALL ON TABLE {} FROM PUBLIC").format(sql.Identifier(AUDIT_TABLE)),
            ]
            for statement in statements:
                cursor.execute(statement.as_string(cursor.connection))
        self.stdout.write(
            f"{runtime}: reads and writes the portal's tables; on {AUDIT_TABLE} only SELECT and "
            f"INSERT (owner: {owner})."
        )
