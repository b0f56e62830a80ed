"""The roll-up's scratch tables get statistics before the period figures are grouped."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

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
