from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from areas.models import AdministrativeUnit, Level
from conftest import seed_demo_world

pytestmark = pytest.mark.django_db


def test_seed_demo_builds_the_2023_province_with_hamlets_and_accounts(reference_data):
    out = StringIO()
    seed_demo_world(stdout=out)
    units = AdministrativeUnit.objects.current()
    assert units.filter(level=Level.DISTRICT).count() == 9
    assert units.filter(level=Level.COMMUNE).count() == 177
    dinh_hoa = units.get(code="167")
    assert units.within(dinh_hoa).filter(level=Level.HAMLET).count() >= 228
    assert units.filter(level=Level.HAMLET).count() >= 2255
    trung_kien = units.get(level=Level.HAMLET, name="Tổ dân phố Trung Kiên")
    assert trung_kien.parent.name == "Thị trấn Chợ Chu"
    assert User.objects.get(username="trungkien").scope_unit == trung_kien
    assert "ThaiNguyen@2026" in out.getvalue() and "dinhhoa" in out.getvalue()


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
    communes = AdministrativeUnit.objects.current().filter(level=Level.COMMUNE)
    assert communes.count() == 177
    # Real GSO names and codes, never generated ones ("Xã Định Hóa 10").
    assert communes.get(code="05569").name == "Xã Bảo Cường"
    assert communes.get(code="05761").name == "Thị trấn Hùng Sơn"
    assert not communes.filter(name__regex=r" \d+$").exists()
    assert User.objects.get(username="trungkien").scope_unit.parent.code == "05536"


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
    assert figures.teams_active == 2255
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
