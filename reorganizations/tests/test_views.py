"""The reorganization pages and what follows applying: accounts of closed units, dashboards as
of an earlier date. A small made-up map (the real 2025 files are in test_reform_2025.py)."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from areas.models import AdministrativeUnit
from areas.services import hamlets_bulk_create, units_import
from audit.models import AuditEvent
from citizens.models import Household
from conftest import PASSWORD, with_totp
from dashboards.rollups import rollup_full
from reorganizations import services
from tests.consent import CONSENTED

pytestmark = pytest.mark.django_db

OLD = """code,name,level,parent_code
91,Tỉnh Thử,province,
910,Huyện Một,district,91
91001,Xã A,commune,910
91002,Xã B,commune,910
91003,Xã C,commune,910
""".encode()
NEW = (
    "code,name,level,parent_code\n91,Tỉnh Thử,province,\n"
    "91001,Xã Mới,commune,91\n91009,Xã Khác,commune,91\n"
).encode()
MAPPING = (
    "old_code,new_code,old_name,new_name,merge_type\n"
    "91001,91001,Xã A,Xã Mới,full\n91002,91001,Xã B,Xã Mới,full\n"
    "91003,91001,Xã C,Xã Mới,partial\n91003,91009,Xã C,Xã Khác,partial\n"
).encode()
DAY = datetime.date(2025, 7, 1)


def small_map(hamlets: int = 2) -> dict:
    assert not units_import(data=OLD).errors
    units = {u.code: u for u in AdministrativeUnit.objects.all()}
    for code in ("91001", "91002", "91003"):
        hamlets_bulk_create(
            commune=units[code],
            hamlets=[(f"{code}-{n}", f"Thôn {n}") for n in range(hamlets)],
            valid_from=datetime.date(2020, 1, 1),
        )
    for hamlet in AdministrativeUnit.objects.filter(level="hamlet"):
        Household.objects.create(hamlet=hamlet, head_name=f"Hộ {hamlet.code}", consent_on=CONSENTED)
    return {u.code: u for u in AdministrativeUnit.objects.all()}


@pytest.fixture
def people(db):
    units = small_map()
    province_officer = with_totp(
        User.objects.create_user(
            username="so", password=PASSWORD, role="province_officer", scope_unit=units["91"]
        )
    )
    district_officer = User.objects.create_user(
        username="huyen", password=PASSWORD, role="area_officer", scope_unit=units["910"]
    )
    return {"units": units, "prov": province_officer, "district": district_officer}


def applied(user=None):
    reorganization, _plan = services.reorganization_create(
        name="Thử", units_data=NEW, mapping_data=MAPPING, effective_on=DAY
    )
    for item in reorganization.assignments.all():
        services.hamlet_assign(
            reorganization=reorganization, hamlet_id=item.hamlet_id, new_commune_code="91009"
        )
    services.reorganization_apply(reorganization=reorganization, user=user)
    return reorganization


def test_bad_files_name_each_line_and_keep_what_was_typed(client_for, people):
    mapping = MAPPING + "91002,99999,Xã B,?,full\n91001,91001,Xã A,?,halfway\n".encode()
    response = client_for(people["prov"]).post(
        reverse("reorganizations:list"),
        {
            "name": "Đợt thử",
            "effective_on": "01/07/2025",
            "units_file": SimpleUploadedFile("units.csv", NEW),
            "mapping_file": SimpleUploadedFile("mapping.csv", mapping),
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Tệp chuyển đổi: Dòng 7: kiểu sáp nhập “halfway” không phải full hoặc partial" in html
    assert 'value="Đợt thử"' in html and 'value="01/07/2025"' in html
    assert not AdministrativeUnit.objects.filter(code="91009").exists()


def test_the_preview_page_lists_the_split_communes_hamlets_and_holds_the_apply_button(
    client_for, people
):
    client = client_for(people["prov"])
    response = client.post(
        reverse("reorganizations:list"),
        {
            "name": "Đợt thử",
            "effective_on": "01/07/2025",
            "units_file": SimpleUploadedFile("units.csv", NEW),
            "mapping_file": SimpleUploadedFile("mapping.csv", MAPPING),
        },
        follow=True,
    )
    html = response.content.decode()
    assert html.count('name="hamlet-') == 2  # Xã C's two hamlets
    assert "Hãy phân xã cho mọi thôn" in html
    reorganization = response.context["reorganization"]
    hamlets = [a.hamlet_id for a in reorganization.assignments.all()]
    client.post(
        reverse("reorganizations:assign", args=[reorganization.pk]),
        {f"hamlet-{pk}": "91009" for pk in hamlets} | {f"hamlet-{hamlets[0]}": "nowhere"},
    )
    assert reorganization.assignments.filter(new_commune_code="91009").count() == 1
    response = client.post(reverse("reorganizations:apply", args=[reorganization.pk]), follow=True)
    assert "còn 1 thôn" in response.content.decode().lower()
    assert AdministrativeUnit.objects.get(code="910").valid_to is None


def test_an_officer_of_an_abolished_district_sees_nothing_until_a_new_unit_is_confirmed(
    client_for, people
):
    applied(people["prov"])
    district = people["district"]
    district.refresh_from_db()
    assert not Household.objects.for_user(district).exists()  # no access beyond confirmation

    client = client_for(people["prov"])
    page = client.get(reverse("reorganizations:accounts")).content.decode()
    assert "Huyện" in page and "Xã Mới (6 thôn)" not in page
    assert "Xã Mới (4 thôn)" in page and "Xã Khác (2 thôn)" in page  # suggested first
    xa_moi = AdministrativeUnit.objects.get(code="91001", valid_to__isnull=True)
    client.post(reverse("reorganizations:accounts"), {"user": district.pk, "unit": xa_moi.pk})
    district.refresh_from_db()
    assert district.scope_unit == xa_moi
    assert Household.objects.for_user(district).count() == 4
    event = AuditEvent.objects.get(action="account", object_id=str(district.pk))
    assert "91001" in event.detail


def test_the_dashboard_shows_the_old_structure_as_of_the_day_before(client_for, people):
    from areas.services import hamlet_close

    # A hamlet closed long before: its records still count where it was.
    hamlet_close(
        hamlet=AdministrativeUnit.objects.get(code="91001-0"), closed_on=datetime.date(2024, 1, 1)
    )
    rollup_full()
    applied(people["prov"])
    rollup_full()
    client = client_for(people["prov"])
    province = people["units"]["91"]
    today = client.get(reverse("dashboards:unit", args=[province.pk]))
    assert sorted(c.unit.name for c in today.context["children"]) == ["Xã Khác", "Xã Mới"]
    assert "Huyện Một" in today.content.decode()  # listed among the former units
    before = client.get(reverse("dashboards:unit", args=[province.pk]), {"as_of": "30/06/2025"})
    assert [c.unit.name for c in before.context["children"]] == ["Huyện Một"]
    assert before.context["figures"].households == today.context["figures"].households == 6
    district = people["units"]["910"]
    former = client.get(reverse("dashboards:unit", args=[district.pk]))
    assert former.context["as_of"] == datetime.date(2025, 6, 30)  # its last day by default
    assert former.context["figures"].households == 6
    assert "Đơn vị cũ, đến ngày 30/06/2025." in former.content.decode()
    bad = client.get(reverse("dashboards:unit", args=[province.pk]), {"as_of": "31/02/2025"})
    assert bad.context["as_of"] is None


def test_an_as_of_dashboard_costs_the_same_queries_for_more_hamlets(client_for, people):
    rollup_full()
    applied(people["prov"])
    rollup_full()
    client = client_for(people["prov"])
    url = reverse("dashboards:unit", args=[people["units"]["91"].pk])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            client.get(url, {"as_of": "30/06/2025"})
        return len(queries)

    few = count()
    commune = AdministrativeUnit.objects.get(code="91002")
    hamlets_bulk_create(
        commune=commune,
        hamlets=[(f"extra-{n}", f"Xóm {n}") for n in range(20)],
        valid_from=datetime.date(2020, 1, 1),
    )
    rollup_full()
    assert count() == few
