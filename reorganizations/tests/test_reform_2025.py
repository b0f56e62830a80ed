"""The real 2025 reform applied to data recorded under the structure it replaced."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from areas.models import AdministrativeUnit, Level, Structure, UnitPlacement
from dashboards.asof import figures_as_of
from dashboards.models import FIGURES, UnitFigures
from dashboards.rollups import rollup_full
from dashboards.selectors import unit_dashboard
from reorganizations import services
from reorganizations.models import Reorganization

from .builders import BEFORE, EFFECTIVE, SPLIT, files, old_map

pytestmark = pytest.mark.django_db


@pytest.fixture
def recorder(db):
    from accounts.models import User

    return User.objects.create_user(username="ghinhan", password="x", role="admin")


@pytest.fixture
def old_province(reference_data, recorder):
    old_map(reference_data, leader=recorder)
    return reference_data


def figures(unit) -> dict:
    row = UnitFigures.objects.get(unit=unit)
    return {name: getattr(row, name) for name in FIGURES}


def add(a: dict, b: dict) -> dict:
    return {k: a[k] + b[k] for k in a}


def test_the_preview_counts_what_will_change_and_changes_nothing(old_province):
    units, mapping = files(old_province)
    before = AdministrativeUnit.objects.count()
    plan = services.plan_reorganization(
        units_data=units, mapping_data=mapping, effective_on=EFFECTIVE
    )
    assert plan.errors == []
    counts = plan.counts()
    communes = [u for u in plan.new_units if u.level == Level.COMMUNE]
    assert len(communes) == 92
    # The province and the two communes the resolution left as they were (Sảng Mộc, Thượng Quan).
    assert {u.code for u in plan.kept} == {"19", "05719", "01957"}
    assert counts["created"] == {"commune": 90}
    assert counts["closed"] == {"province": 1, "district": 17, "commune": 278}
    assert counts["hamlets_to_assign"] == 6  # 2 hamlets in each of the 3 split communes
    assert {old.code for _h, old, _c in plan.work_list} == SPLIT
    assert counts["hamlets_moved"] == 2 * 280 - 6 - 2 * 2  # kept communes' hamlets stay
    assert AdministrativeUnit.objects.count() == before


def test_the_command_dry_run_prints_the_counts(old_province):
    units, mapping = files(old_province)
    out = StringIO()
    call_command(
        "reorganize",
        str(old_province / "thai_nguyen_units_2025.csv"),
        str(old_province / "thai_nguyen_commune_mapping_2025.csv"),
        "--effective",
        "2025-07-01",
        "--dry-run",
        stdout=out,
    )
    text = out.getvalue()
    assert "create 90 commune(s)" in text and "close  17 district(s)" in text
    assert "Dry run: nothing changed." in text
    assert not Reorganization.objects.exists()


def test_applying_keeps_every_figure_and_holds_the_splits_until_assigned(old_province, recorder):
    from accounts.models import User
    from reorganizations.selectors import scope_suggestions
    from training.models import Course, Trainee

    # Courses run by districts of both provinces: counted at the district level.
    for code in ("167", "058"):
        district = AdministrativeUnit.objects.get(code=code, valid_to__isnull=True)
        course = Course.objects.create(name=f"Khóa {code}", unit=district, starts_on=BEFORE)
        Trainee.objects.create(course=course, name="Học viên", unit=district, completed_on=BEFORE)
    bac_kan_officer = User.objects.create_user(
        username="backan",
        password="x",
        role="province_officer",
        scope_unit=AdministrativeUnit.objects.get(code="06"),
    )
    rollup_full()
    tn = AdministrativeUnit.objects.get(code="19", valid_to__isnull=True)
    bk = AdministrativeUnit.objects.get(code="06", valid_to__isnull=True)
    province_before = add(figures(tn), figures(bk))
    before = {u.pk: figures(u) for u in AdministrativeUnit.objects.all()}
    dinh_hoa = AdministrativeUnit.objects.get(code="167")

    units, mapping = files(old_province)
    reorganization, plan = services.reorganization_create(
        name="Sắp xếp 2025", units_data=units, mapping_data=mapping, effective_on=EFFECTIVE
    )
    # The splits hold it back.
    with pytest.raises(ValidationError) as exc:
        services.reorganization_apply(reorganization=reorganization)
    assert "Còn 6 thôn" in str(exc.value)
    assert AdministrativeUnit.objects.current().filter(level=Level.DISTRICT).count() == 17
    for item in reorganization.assignments.all():
        assert len(item.choices) == 2
        services.hamlet_assign(
            reorganization=reorganization,
            hamlet_id=item.hamlet_id,
            new_commune_code=item.choices[0],
            user=recorder,
        )

    result = services.reorganization_apply(reorganization=reorganization, user=recorder)
    assert result["hamlets_moved"] == 2 * 280 - 4
    current = AdministrativeUnit.objects.current()
    assert current.filter(level=Level.COMMUNE).count() == 92
    assert not current.filter(level=Level.DISTRICT).exists()
    assert list(current.filter(level=Level.PROVINCE).values_list("code", flat=True)) == ["19"]
    assert not current.filter(level=Level.HAMLET, parent__valid_to__isnull=False).exists()
    assert all(c.parent_id == tn.pk for c in current.filter(level=Level.COMMUNE))

    rollup_full()
    assert figures(tn) == province_before  # nothing lost, nothing counted twice
    for commune in current.filter(level=Level.COMMUNE):
        hamlets = [figures(h) for h in current.filter(parent=commune)]
        total = dict.fromkeys(FIGURES, 0)
        for h in hamlets:
            total = add(total, h)
        assert figures(commune) == total, commune.name

    # As of the day before, every unit shows what it showed before the reform.
    tree = Structure(BEFORE)
    for unit in AdministrativeUnit.objects.filter(valid_from__lte=BEFORE):
        assert figures_as_of(tree.subtree(unit.pk)) == before[unit.pk], unit.name
    old_view = unit_dashboard(unit=tn, as_of=BEFORE)
    assert {c.unit.level for c in old_view["children"]} == {Level.DISTRICT}
    assert len(old_view["children"]) == 9
    assert (
        unit_dashboard(unit=dinh_hoa, as_of=BEFORE)["figures"].households
        == (before[dinh_hoa.pk]["households"])
    )
    # Hamlets, the two kept communes, and Bắc Kạn's 8 districts (now inside Thái Nguyên).
    assert UnitPlacement.objects.filter(valid_to=BEFORE).count() == 2 * 280 - 4 + 2 + 8
    assert figures(tn)["trainees"] == 2

    # Bắc Kạn's province officer sees nothing until a new unit is confirmed: the province.
    [suggestion] = [s for s in scope_suggestions() if s.user == bac_kan_officer]
    assert suggestion.suggested == tn
    assert suggestion.candidates == [(tn, 2 * 108)]

    # Applying twice is refused, by the service and by the command.
    with pytest.raises(ValidationError):
        services.reorganization_apply(reorganization=reorganization)
    with pytest.raises(CommandError):
        call_command(
            "reorganize",
            str(old_province / "thai_nguyen_units_2025.csv"),
            str(old_province / "thai_nguyen_commune_mapping_2025.csv"),
            "--effective",
            "2025-07-01",
            stdout=StringIO(),
            stderr=StringIO(),
        )
