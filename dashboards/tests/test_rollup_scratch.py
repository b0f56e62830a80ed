"""How a roll-up treats its tables: scratch tables get statistics before the period figures
are grouped; a full run empties the derived tables at once; derived rows carry no checks."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from areas.models import AdministrativeUnit
from dashboards.models import UnitAppFigures, UnitFigures, UnitPeriodFigures
from dashboards.rollups import HELP_DAYS, VISIT_DAYS, rollup

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="ANALYZE is PostgreSQL's")
def test_scratch_tables_are_analyzed_before_the_period_insert():
    with CaptureQueriesContext(connection) as captured:
        rollup(full=True)
    statements = [query["sql"] for query in captured.captured_queries]
    analyze = next(i for i, sql in enumerate(statements) if sql.startswith(f"ANALYZE {VISIT_DAYS}"))
    assert HELP_DAYS in statements[analyze]
    period_insert = next(
        i
        for i, sql in enumerate(statements)
        if sql.startswith("INSERT INTO dashboards_unitperiodfigures")
    )
    assert analyze < period_insert


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE's locking is PostgreSQL's")
def test_a_full_run_empties_the_derived_tables_instead_of_deleting_row_by_row():
    with CaptureQueriesContext(connection) as captured:
        rollup(full=True)
    statements = [query["sql"] for query in captured.captured_queries]
    deleted = [sql for sql in statements if sql.startswith("DELETE FROM dashboards_unit")]
    assert deleted == [  # the smaller tables
        f"DELETE FROM {UnitFigures._meta.db_table}",
        f"DELETE FROM {UnitAppFigures._meta.db_table}",
    ]
    assert f"TRUNCATE {UnitPeriodFigures._meta.db_table}" in statements


def test_the_derived_figures_queue_no_foreign_key_check_per_row():
    """A full run rewrites about a million period rows: no constraint trigger for each."""
    with connection.cursor() as cursor:
        for model in UnitAppFigures, UnitPeriodFigures:
            constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
            assert not [
                c
                for c in constraints.values()
                if c["foreign_key"] == (AdministrativeUnit._meta.db_table, "id")
            ]
            # the unique constraint leads with the unit: no second index of the unit alone
            assert not [
                c for c in constraints.values() if c["index"] and c["columns"] == ["unit_id"]
            ]


@pytest.mark.postgres
def test_a_role_that_may_not_truncate_deletes_and_counts_the_same(
    require_postgres, random_province
):
    """A runtime role without TRUNCATE on the period figures (as before db_roles granted it)
    still runs a full roll-up: the refused TRUNCATE is rolled back to its savepoint and the
    rows are deleted instead, with the same figures."""
    from io import StringIO

    from django.core.management import call_command

    rollup(full=True)
    expected = sorted(UnitPeriodFigures.objects.values_list("unit_id", "period", "starts_on"))
    role = "portal_runtime_no_truncate"
    call_command("db_roles", "--runtime", role, stdout=StringIO())
    with connection.cursor() as cursor:
        cursor.execute(f'REVOKE TRUNCATE ON {UnitPeriodFigures._meta.db_table} FROM "{role}"')
        cursor.execute(f'SET LOCAL ROLE "{role}"')
        try:
            with CaptureQueriesContext(connection) as captured:
                rollup(full=True)
        finally:
            cursor.execute("RESET ROLE")
    statements = [query["sql"] for query in captured.captured_queries]
    assert f"TRUNCATE {UnitPeriodFigures._meta.db_table}" in statements
    assert f"DELETE FROM {UnitPeriodFigures._meta.db_table}" in statements
    assert expected
    assert (
        sorted(UnitPeriodFigures.objects.values_list("unit_id", "period", "starts_on")) == expected
    )
