"""Importing population bases from an office workbook: one row per commune (the statistics
office's or the police's table). The communes are found among the officer's own area (an
import never creates units); a row whose unit and day are already stated with the same
figures changes nothing; each bad cell is named with its reason."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import policies
from areas.models import AdministrativeUnit
from core.dates import check_past_day
from core.imports import Action, Plan, PlanRow
from core.sheets import Table, cell_text, parse_date
from core.text import clean_text
from teams.importers import PlaceFinder

from . import services
from .models import POPULATION_BASES, Population

FIELDS = {
    "commune": ["Xã", "Xã/Phường", "Đơn vị", "Tên đơn vị", "Đơn vị hành chính"],
    "as_of": ["Ngày số liệu", "Tính đến ngày", "Thời điểm"],
    "source": ["Nguồn", "Nguồn số liệu"],
    "total": ["Dân số", "Tổng dân số", "Số nhân khẩu"],
    "adults": ["Từ 18 tuổi", "Người trưởng thành", "Dân số từ 18 tuổi trở lên"],
    "aged_15_plus": ["Từ 15 tuổi", "Dân số từ 15 tuổi trở lên"],
    "working_age": ["Độ tuổi lao động", "Trong độ tuổi lao động"],
    "households": ["Số hộ", "Tổng số hộ"],
}
REQUIRED = {"as_of", "source"}


def _count(value) -> int | None:
    """A figure as offices type it (36.845, 36,845, 36845.0); None when empty."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float):
        if value < 0 or value != int(value):
            raise ValueError(_("not a whole number"))
        return int(value)
    text = cell_text(value).replace(".", "").replace(",", "").replace(" ", "")
    if not text.isdigit():
        raise ValueError(_("not a whole number"))
    return int(text)


class PopulationImporter:
    kind = "population"
    title = gettext_lazy("Population bases")
    fields = FIELDS
    required = REQUIRED
    person_fields = ("commune",)
    example = {
        "commune": "Xã Định Hóa",
        "as_of": "30/06/2026",
        "source": "Công an xã",
        "total": "36.845",
        "adults": "25.736",
        "aged_15_plus": "27.910",
        "working_age": "22.100",
        "households": "10.230",
    }
    policy = staticmethod(policies.can_record_population)

    def __init__(self, *, user, unit: AdministrativeUnit) -> None:
        self.user = user
        self.unit = unit

    def plan(self, table: Table) -> Plan:
        plan = Plan(headers=table.headers)
        col = lambda name: plan.column(table.columns, name)  # noqa: E731
        places = PlaceFinder(self.unit)
        seen: dict[tuple[int, object], int] = {}
        for row in table.rows:
            item = PlanRow(number=row.number, cells=row.cells)
            plan.rows.append(item)
            v = row.values
            name = clean_text(cell_text(v.get("commune")))
            unit = self.unit
            if name:
                unit, error = places.commune(name)  # type: ignore[assignment]
                if unit is None:
                    item.fail(col("commune"), error)
            try:
                as_of = parse_date(v.get("as_of"))
            except ValueError as exc:
                item.fail(col("as_of"), str(exc))
                as_of = None
            if as_of is None and not item.errors:
                item.fail(col("as_of"), _("the date is empty"))
            source = clean_text(cell_text(v.get("source")))
            if not source:
                item.fail(col("source"), _("say where the figures come from"))
            figures = {}
            for base in POPULATION_BASES:
                try:
                    figures[base] = _count(v.get(base))
                except ValueError as exc:
                    item.fail(col(base), str(exc))
            if all(f is None for f in figures.values()):
                item.fail("", _("the row gives no figure"))
            else:
                for field_name, reason in services.population_errors(figures, "-").items():
                    item.fail(col(field_name), reason)
            if as_of is not None and not item.errors:
                try:
                    check_past_day(as_of, field="as_of")
                except ValidationError as exc:
                    item.fail(col("as_of"), "; ".join(exc.messages))
            if item.errors:
                continue
            key = (unit.pk, as_of)
            if key in seen:
                item.fail("", _("repeats row %(row)d") % {"row": seen[key]})
                continue
            seen[key] = row.number
            item.data = {"unit_id": unit.pk, "as_of": as_of, "source": source, **figures}
            item.summary = f"{unit.name} · {as_of:%d/%m/%Y}"
            existing = Population.objects.filter(unit=unit, as_of=as_of).first()  # type: ignore[misc]
            if existing is None:
                item.action = Action.CREATE
            else:
                item.changes = [
                    str(Population._meta.get_field(name).verbose_name)  # type: ignore[union-attr]
                    for name in (*POPULATION_BASES, "source")
                    if getattr(existing, name) != item.data[name]
                ]
                item.action = Action.UPDATE if item.changes else Action.UNCHANGED
        return plan

    def apply(self, plan: Plan) -> dict[str, int]:
        units = AdministrativeUnit.objects.in_bulk({item.data["unit_id"] for item in plan.good})
        result = {"created": 0, "updated": 0}
        with transaction.atomic():
            for item in plan.good:
                data = dict(item.data)
                unit = units[data.pop("unit_id")]
                try:
                    _row, created = services.population_record(actor=self.user, unit=unit, **data)
                except ValidationError as exc:
                    # Checked by the service (more adults than people…): nothing is applied.
                    raise ValidationError(
                        _("Row %(row)d: %(reason)s")
                        % {"row": item.number, "reason": "; ".join(exc.messages)}
                    ) from exc
                result["created" if created else "updated"] += 1
        return result
