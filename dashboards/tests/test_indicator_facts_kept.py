"""The indicators' dated facts are counted once per roll-up run, not at every request."""

from __future__ import annotations

import datetime

import pytest

from dashboards import indicators
from dashboards.rollups import rollup_full

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 12, 1)


def test_facts_are_counted_once_per_rollup_run(monkeypatch):
    counted: list = []
    real = indicators.facts_on

    def counting(day, units):
        counted.append((day, frozenset(units)))
        return real(day, units)

    monkeypatch.setattr(indicators, "facts_on", counting)
    indicators.facts_kept(DAY, {1, 2})
    indicators.facts_kept(DAY, {1, 2})
    assert len(counted) == 2  # no roll-up yet: counted every time

    rollup_full()
    first = indicators.facts_kept(DAY, {1, 2})
    again = indicators.facts_kept(DAY, {1, 2})
    assert len(counted) == 3 and again == first
    indicators.facts_kept(DAY, {1, 3})  # other units
    indicators.facts_kept(DAY - datetime.timedelta(days=30), {1, 2})  # another day
    assert len(counted) == 5

    rollup_full()  # a new run: counted afresh
    indicators.facts_kept(DAY, {1, 2})
    assert len(counted) == 6
