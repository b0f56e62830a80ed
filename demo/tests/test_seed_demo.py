from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import User
from areas.models import AdministrativeUnit, Level

pytestmark = pytest.mark.django_db


def test_seed_demo_builds_the_2023_province_with_hamlets_and_accounts(reference_data):
    out = StringIO()
    call_command("seed_demo", stdout=out)
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
    call_command("seed_demo", stdout=StringIO())
    before = (AdministrativeUnit.objects.count(), User.objects.count())
    names = list(AdministrativeUnit.objects.order_by("path").values_list("name", flat=True))
    call_command("seed_demo", stdout=StringIO())
    assert (AdministrativeUnit.objects.count(), User.objects.count()) == before
    assert list(AdministrativeUnit.objects.order_by("path").values_list("name", flat=True)) == names


def test_seed_demo_shows_the_real_province_without_the_workplace_files(settings, tmp_path):
    settings.SHARED_DATA_DIR = tmp_path  # a fresh clone with nothing beside it
    call_command("seed_demo", stdout=StringIO())
    communes = AdministrativeUnit.objects.current().filter(level=Level.COMMUNE)
    assert communes.count() == 177
    # Real GSO names and codes, never generated ones ("Xã Định Hóa 10").
    assert communes.get(code="05569").name == "Xã Bảo Cường"
    assert communes.get(code="05761").name == "Thị trấn Hùng Sơn"
    assert not communes.filter(name__regex=r" \d+$").exists()
    assert User.objects.get(username="trungkien").scope_unit.parent.code == "05536"


def test_demo_people_are_recorded_only_in_households_that_agreed(reference_data):
    from citizens.models import Citizen, Household

    call_command("seed_demo", stdout=StringIO())
    assert Household.objects.filter(consent_on__isnull=True).exists()
    assert Citizen.objects.exists()
    assert not Citizen.objects.filter(household__consent_on__isnull=True).exists()
