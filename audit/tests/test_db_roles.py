"""The runtime database role cannot erase the audit log: not its owner, only SELECT and
INSERT on it; TRUNCATE, UPDATE, DELETE and disabling its trigger all fail (PostgreSQL)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from audit.models import TABLE, AuditEvent

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]
ROLE = "portal_runtime_test"


def as_runtime(statement: str, params=()) -> str:
    """Run ``statement`` as the runtime role; "ok" or the database's refusal."""
    with connection.cursor() as cursor:
        cursor.execute("SAVEPOINT as_runtime")
        try:
            cursor.execute(f'SET LOCAL ROLE "{ROLE}"')
            cursor.execute(statement, params)
            return "ok"
        except Exception as error:  # noqa: BLE001 - the refusal is the result
            return str(error).splitlines()[0]
        finally:
            cursor.execute("ROLLBACK TO SAVEPOINT as_runtime")


@pytest.fixture
def runtime_role(require_postgres):
    call_command("db_roles", "--runtime", ROLE, stdout=StringIO())
    AuditEvent.objects.create(actor="tinh", action="read", route="citizens:citizen-list")
    return ROLE


def test_the_runtime_role_adds_to_and_reads_the_audit_log(runtime_role):
    insert = (
        f"INSERT INTO {TABLE} (at, actor, action, route, object_type, object_id, detail) "
        "VALUES (now(), 'x', 'read', '', '', '', '')"
    )
    assert as_runtime(insert) == "ok"
    assert as_runtime(f"SELECT count(*) FROM {TABLE}") == "ok"


@pytest.mark.parametrize(
    "statement",
    [
        f"TRUNCATE {TABLE}",
        f"DELETE FROM {TABLE}",
        f"UPDATE {TABLE} SET actor = 'nobody'",
        f"ALTER TABLE {TABLE} DISABLE TRIGGER ALL",
        f"ALTER TABLE {TABLE} DISABLE TRIGGER audit_append_only",
        f"DROP TABLE {TABLE}",
    ],
)
def test_the_runtime_role_cannot_erase_the_audit_log(runtime_role, statement):
    answer = as_runtime(statement)
    assert "permission denied" in answer or "must be owner" in answer, answer
    assert AuditEvent.objects.filter(actor="tinh").exists()


def test_the_runtime_role_keeps_the_registry_and_the_roll_up_tables(runtime_role, tree):
    assert as_runtime("SELECT count(*) FROM citizens_household") == "ok"
    assert as_runtime("UPDATE areas_administrativeunit SET name = name") == "ok"
    assert as_runtime("DELETE FROM dashboards_changemark") == "ok"
    assert as_runtime("CREATE TEMPORARY TABLE scratch AS SELECT 1 AS x") == "ok"


def test_setting_the_roles_up_twice_changes_nothing(runtime_role):
    out = StringIO()
    call_command("db_roles", "--runtime", ROLE, stdout=out)
    assert "only SELECT and INSERT" in out.getvalue()
    assert as_runtime(f"TRUNCATE {TABLE}").startswith("permission denied")
