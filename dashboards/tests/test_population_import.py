"""Population bases from an office workbook: communes found in the officer's area, figures
typed as offices type them, each bad row named, nothing created for it."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from dashboards.models import Population
from imports.services import batch_apply, batch_create, batch_plan
from tests.workbooks import first_data_row, workbook

pytestmark = pytest.mark.django_db
HEADERS = ["STT", "Xã", "Ngày số liệu", "Nguồn", "Dân số", "Từ 18 tuổi", "Số hộ"]


def test_an_office_workbook_of_population_bases_is_planned_and_applied(officer_a, tree):
    future = (timezone.localdate() + datetime.timedelta(days=5)).strftime("%d/%m/%Y")
    rows = [
        [1, "Thị trấn Chợ Chu", "30/06/2026", "Công an huyện", "12.400", "8.950", "3.100"],
        [2, "Xã Bảo Cường", "30/06/2026", "Công an huyện", 5400, 3900, None],
        [3, "Thị trấn Hùng Sơn", "30/06/2026", "Công an huyện", 100, 50, None],  # other district
        [4, "Xã Bảo Cườn", "30/06/2026", "", 100, 150, None],  # no source, adults > people
        [5, "Thị trấn Chợ Chu", future, "Công an huyện", 100, 50, None],
        [6, "Thị trấn Chợ Chu", "30/06/2026", "Công an huyện", 1, 1, 1],  # repeats row 1
    ]
    batch = batch_create(
        user=officer_a,
        kind="population",
        unit=tree.district_a,
        filename="dan-so.xlsx",
        data=workbook(HEADERS, rows),
    )
    plan = batch_plan(batch=batch)
    first = first_data_row()
    errors = {row.number - first + 1: row.reason for row in plan.errors}
    assert set(errors) == {3, 4, 5, 6}
    assert "ngoài" in errors[3] or "outside" in errors[3]
    assert "Xã Bảo Cường" in errors[4]  # did you mean…
    assert "Nguồn" in errors[4] and "Từ 18 tuổi" in errors[4]
    assert "tương lai" in errors[5] or "future" in errors[5]
    assert str(first) in errors[6]
    result = batch_apply(batch=batch)
    assert (result["created"], result["errors"]) == (2, 4)
    chu = Population.objects.get(unit=tree.commune_a)
    assert (chu.total, chu.adults, chu.households, chu.as_of) == (
        12400,
        8950,
        3100,
        datetime.date(2026, 6, 30),
    )
    assert Population.objects.count() == 2
    # The same file again changes nothing.
    again = batch_plan(
        batch=batch_create(
            user=officer_a,
            kind="population",
            unit=tree.district_a,
            filename="dan-so.xlsx",
            data=workbook(HEADERS, rows[:2]),
        )
    )
    assert [row.action for row in again.rows] == ["unchanged", "unchanged"]
