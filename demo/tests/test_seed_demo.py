from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from areas.models import AdministrativeUnit, Level, Structure
from conftest import seed_demo_world

pytestmark = pytest.mark.django_db


def test_seed_demo_builds_todays_province_re_drawn_by_the_2025_reorganization(reference_data):
    from reorganizations.models import Reorganization
    from reorganizations.selectors import scope_suggestions

    out = StringIO()
    seed_demo_world(stdout=out)
    units = AdministrativeUnit.objects.current()
    # Today: one province (Thái Nguyên with Bắc Kạn), 92 communes, no districts.
    assert units.filter(level=Level.PROVINCE).get().code == "19"
    assert not units.filter(level=Level.DISTRICT).exists()
    assert units.filter(level=Level.COMMUNE).count() == 92
    assert Reorganization.objects.get().effective_on == datetime.date(2025, 7, 1)
    bac_kan = AdministrativeUnit.objects.get(code="06", level=Level.PROVINCE)
    assert bac_kan.valid_to == datetime.date(2025, 6, 30)
    trung_kien = units.get(level=Level.HAMLET, name="Tổ dân phố Trung Kiên")
    assert (trung_kien.parent.code, trung_kien.parent.name) == ("05569", "Xã Định Hóa")
    # Until 30/06/2025 it was in Thị trấn Chợ Chu, Huyện Định Hóa, with the district's hamlets.
    before = Structure(datetime.date(2025, 6, 30))
    dinh_hoa = AdministrativeUnit.objects.get(code="167", level=Level.DISTRICT)
    assert trung_kien.pk in before.subtree(dinh_hoa.pk)
    hamlets = AdministrativeUnit.objects.filter(pk__in=before.subtree(dinh_hoa.pk), level="hamlet")
    assert hamlets.count() >= 228
    assert units.filter(level=Level.HAMLET).count() >= 2255 + 1020
    # The personas: moved to their new commune, or (dinhhoa) waiting for one.
    assert User.objects.get(username="trungkien").scope_unit == trung_kien
    assert User.objects.get(username="chochu").scope_unit == trung_kien.parent
    assert User.objects.get(username="tinh").scope_unit.code == "19"
    waiting = {s.user.username for s in scope_suggestions()}
    assert waiting == {"dinhhoa"}
    assert "ThaiNguyen@2026" in out.getvalue() and "dinhhoa" in out.getvalue()


def test_demo_records_are_dated_before_and_after_the_re_drawing(reference_data):
    from citizens.models import Household, Visit
    from training.models import Course

    seed_demo_world()
    july = datetime.datetime(2025, 7, 1, tzinfo=datetime.UTC)
    households = Household.objects.all()
    assert households.filter(created_at__lt=july).exists()
    assert households.filter(created_at__gte=july).exists()
    assert not households.filter(created_at__date__lt=datetime.date(2024, 1, 1)).exists()
    visits = Visit.objects.all()
    assert visits.filter(visited_on__lt=datetime.date(2025, 7, 1)).exists()
    assert visits.filter(visited_on__gte=datetime.date(2025, 7, 1)).exists()
    # No visit before its household was registered.
    for visit in visits.select_related("household"):
        assert visit.visited_on >= visit.household.created_at.date() - datetime.timedelta(days=1)
    assert {c.unit.valid_to for c in Course.objects.select_related("unit")} == {None}


def test_the_old_districts_keep_their_own_numbers_as_of_the_day_before(reference_data):
    from dashboards.indicators import Indicators

    seed_demo_world()
    dinh_hoa = AdministrativeUnit.objects.get(code="167", level=Level.DISTRICT)
    then = Indicators(unit_id=dinh_hoa.pk, day=datetime.date(2025, 6, 30)).figures()
    assert then["teams_active"] == 228
    assert then["households"] > 0
    xa_dinh_hoa = AdministrativeUnit.objects.current().get(code="05569")
    now = Indicators(unit_id=xa_dinh_hoa.pk).figures()
    assert 0 < now["teams_active"] < 228


def test_every_commune_has_a_population_base_and_some_targets_are_at_risk(reference_data):
    from dashboards.indicators import Indicators
    from dashboards.models import Population, Target

    seed_demo_world()
    communes = AdministrativeUnit.objects.current().filter(level=Level.COMMUNE)
    stated = set(Population.objects.values_list("unit_id", flat=True))
    assert set(communes.values_list("pk", flat=True)) <= stated
    # The new communes' bases are the sums of the communes merged into them: the province
    # counts as many adults as Thái Nguyên and Bắc Kạn did on 30/06/2025.
    province = communes.first().parent
    before = sum(
        Indicators(unit_id=p.pk, day=datetime.date(2025, 6, 30)).bases.of(p.pk, "adults").value
        for p in AdministrativeUnit.objects.filter(level=Level.PROVINCE)
    )
    after = Indicators(unit_id=province.pk).bases.of(province.pk, "adults").value
    assert before == pytest.approx(after, rel=0.001)
    xa_dinh_hoa = communes.get(code="05569")
    target = Target.objects.get(unit=xa_dinh_hoa, indicator__code="vneid-level-2")
    values = {v.indicator.code: v for v in Indicators(unit_id=xa_dinh_hoa.pk).of(xa_dinh_hoa.pk)}
    assert values["vneid-level-2"].target == target
    assert values["vneid-level-2"].at_risk
    assert values["vneid-level-2"].base.value > 10_000


def test_seed_demo_twice_adds_nothing(reference_data):
    seed_demo_world(stdout=StringIO())
    before = (AdministrativeUnit.objects.count(), User.objects.count())
    names = list(AdministrativeUnit.objects.order_by("path").values_list("name", flat=True))
    seed_demo_world(stdout=StringIO())
    assert (AdministrativeUnit.objects.count(), User.objects.count()) == before
    assert list(AdministrativeUnit.objects.order_by("path").values_list("name", flat=True)) == names


def test_seed_demo_shows_the_real_province_without_the_workplace_files(settings, tmp_path):
    settings.SHARED_DATA_DIR = tmp_path  # a fresh clone with nothing beside it
    seed_demo_world(stdout=StringIO())
    communes = AdministrativeUnit.objects.filter(level=Level.COMMUNE)
    assert communes.filter(valid_to__isnull=True).count() == 92
    # Real GSO names and codes, never generated ones ("Xã Định Hóa 10").
    assert communes.get(code="05569", valid_to__isnull=True).name == "Xã Định Hóa"
    assert communes.get(code="05569", valid_to__isnull=False).name == "Thị trấn Chợ Chu"
    assert communes.get(code="05761", valid_to__isnull=False).name == "Thị trấn Hùng Sơn"
    assert communes.get(code="01843", valid_to__isnull=True).name == "Phường Bắc Kạn"
    assert not communes.filter(name__regex=r" \d+$").exists()


def test_demo_people_are_recorded_only_in_households_that_agreed(reference_data):
    from citizens.models import Citizen, Household

    seed_demo_world(stdout=StringIO())
    assert Household.objects.filter(consent_on__isnull=True).exists()
    assert Citizen.objects.exists()
    assert not Citizen.objects.filter(household__consent_on__isnull=True).exists()


def test_seed_demo_ends_with_the_figures_computed(reference_data):
    from dashboards.models import UnitFigures

    seed_demo_world()
    province = AdministrativeUnit.objects.current().get(code="19")
    figures = UnitFigures.objects.get(unit=province)
    assert figures.teams_active == 2255 + 1020  # the former Thái Nguyên's and Bắc Kạn's
    assert figures.visits > 0


def test_seed_demo_refuses_a_database_served_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--allow-production"):
        call_command("seed_demo", stdout=StringIO())
    assert not User.objects.exists()


def test_seed_demo_told_to_run_with_debug_off_never_uses_the_published_secrets(settings):
    from allauth.mfa.models import Authenticator

    from demo.builders import DEMO_PASSWORD, DEMO_TOTP_SECRET

    settings.DEBUG = False
    out = StringIO()
    call_command("seed_demo", "--allow-production", stdout=out)
    printed = out.getvalue()
    assert DEMO_PASSWORD not in printed and DEMO_TOTP_SECRET not in printed
    for username in ("admin", "tinh", "trungkien"):
        assert not User.objects.get(username=username).check_password(DEMO_PASSWORD)
    password = printed.split("password for all: ")[1].split(")")[0]
    assert User.objects.get(username="tinh").check_password(password)
    totp = Authenticator.objects.get(user__username="tinh", type=Authenticator.Type.TOTP)
    assert totp.wrap().instance.data["secret"] != DEMO_TOTP_SECRET
