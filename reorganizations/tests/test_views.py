"""The reorganization pages and what follows applying: accounts of closed units, dashboards as
of an earlier date. A small made-up map (the real 2025 files are in test_reform_2025.py)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from areas.models import AdministrativeUnit
from areas.services import hamlets_bulk_create, units_import
from audit.models import AuditEvent
from citizens.models import Household
from conftest import PASSWORD, with_totp
from dashboards.rollups import rollup_full
from reorganizations import services
from reorganizations.models import Reorganization
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
    # Recorded before the re-drawing: figures as of a day count the records made by then.
    Household.objects.update(created_at=datetime.datetime(2024, 1, 1, 8, tzinfo=datetime.UTC))
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
    # A hamlet with an id over 999 (formatted "1.234" in Vietnamese if the page forgot).
    AdministrativeUnit.objects.bulk_create(
        AdministrativeUnit(code=f"x{n}", name="x", level="province", valid_from=DAY, valid_to=DAY)
        for n in range(1000)
    )
    AdministrativeUnit.objects.filter(code__startswith="x").delete()
    hamlets_bulk_create(
        commune=people["units"]["91003"],
        hamlets=[("91003-9", "Thôn Chín")],
        valid_from=datetime.date(2020, 1, 1),
    )
    assert AdministrativeUnit.objects.get(code="91003-9").pk > 999
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
    reorganization = response.context["reorganization"]
    hamlets = [a.hamlet_id for a in reorganization.assignments.all()]
    assert len(hamlets) == 3  # Xã C's hamlets
    assert all(f'name="hamlet-{pk}"' in html for pk in hamlets)
    assert "Hãy phân xã cho mọi thôn" in html
    client.post(
        reverse("reorganizations:assign", args=[reorganization.pk]),
        {f"hamlet-{pk}": "91009" for pk in hamlets} | {f"hamlet-{hamlets[0]}": "nowhere"},
    )
    assert reorganization.assignments.filter(new_commune_code="91009").count() == 2
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


def test_an_officer_of_another_province_cannot_re_draw_this_one(people):
    from areas.services import unit_create

    other = unit_create(code="92", name="Tỉnh Khác", level="province", parent=None, valid_from=DAY)
    stranger = User.objects.create_user(
        username="khac", password=PASSWORD, role="province_officer", scope_unit=other
    )
    with pytest.raises(ValidationError) as exc:
        services.reorganization_create(
            name="x", units_data=NEW, mapping_data=MAPPING, effective_on=DAY, user=stranger
        )
    assert "tỉnh của mình" in " ".join(exc.value.messages)
    reorganization, _plan = services.reorganization_create(
        name="x", units_data=NEW, mapping_data=MAPPING, effective_on=DAY
    )
    assert reorganization.province == people["units"]["91"]


def test_reorganizations_apply_in_date_order_once_and_not_ahead_of_time(people):
    applied(people["prov"])
    for day in (DAY, datetime.date(2025, 8, 1), datetime.date(2025, 1, 1)):
        with pytest.raises(ValidationError):
            services.reorganization_create(
                name="again", units_data=NEW, mapping_data=MAPPING, effective_on=day
            )
    with pytest.raises(ValidationError) as exc:
        services.reorganization_create(
            name="later",
            units_data=NEW,
            mapping_data=MAPPING,
            effective_on=timezone.localdate() + datetime.timedelta(days=30),
        )
    assert "effective_on" in exc.value.message_dict


def test_a_bad_units_file_is_refused_at_the_preview_naming_the_line(people):
    units = NEW + "91010,Xã Lạc,commune,\n".encode()
    plan = services.plan_reorganization(units_data=units, mapping_data=MAPPING, effective_on=DAY)
    assert any("Dòng 5" in error for error in plan.errors), plan.errors


def test_a_commune_that_keeps_its_code_but_loses_part_of_itself_is_not_kept(people):
    mapping = (
        b"old_code,new_code,merge_type\n91001,91001,partial\n91001,91009,partial\n"
        b"91002,91001,full\n91003,91009,full\n"
    )
    plan = services.plan_reorganization(units_data=NEW, mapping_data=mapping, effective_on=DAY)
    assert "91001" not in {u.code for u in plan.kept}
    assert {h.code for h, _old, _c in plan.work_list} == {"91001-0", "91001-1"}


def test_kept_units_under_a_merged_province_give_moved_hamlets_the_right_paths(people):
    """Province 93 merges into 91; its district and one commune stay as they were."""
    extra = (
        "code,name,level,parent_code\n93,Tỉnh Nhập,province,\n930,Huyện Giữ,district,93\n"
        "93001,Xã Giữ,commune,930\n93002,Xã Nhập,commune,930\n"
    ).encode()
    assert not units_import(data=extra).errors
    for code in ("93001", "93002"):
        hamlets_bulk_create(
            commune=AdministrativeUnit.objects.get(code=code),
            hamlets=[(f"{code}-0", "Thôn 0")],
            valid_from=datetime.date(2020, 1, 1),
        )
    units = NEW + "930,Huyện Giữ,district,91\n93001,Xã Giữ,commune,930\n".encode()
    mapping = MAPPING + b"93001,93001,,,full\n93002,93001,,,full\n"
    plan = services.plan_reorganization(units_data=units, mapping_data=mapping, effective_on=DAY)
    assert plan.errors == [] and {u.code for u in plan.kept} >= {"91", "930"}
    assert len(plan.reparent) == len({u.pk for u, _c in plan.reparent})  # each once
    reorganization, _plan = services.reorganization_create(
        name="x", units_data=units, mapping_data=mapping, effective_on=DAY
    )
    for item in reorganization.assignments.all():
        services.hamlet_assign(
            reorganization=reorganization, hamlet_id=item.hamlet_id, new_commune_code="91009"
        )
    services.reorganization_apply(reorganization=reorganization)
    for unit in AdministrativeUnit.objects.all():
        expected = (unit.parent.path if unit.parent else "/") + f"{unit.pk}/"
        assert unit.path == expected, unit.name


def test_accounts_are_moved_only_to_a_unit_offered_for_them(client_for, people):
    applied(people["prov"])
    district = people["district"]
    other = AdministrativeUnit.objects.get(code="91009", valid_to__isnull=True)
    xa_moi = AdministrativeUnit.objects.get(code="91001", valid_to__isnull=True)
    client = client_for(people["prov"])
    hamlet = AdministrativeUnit.objects.filter(level="hamlet").first()
    client.post(reverse("reorganizations:accounts"), {"user": district.pk, "unit": hamlet.pk})
    district.refresh_from_db()
    assert district.scope_unit.code == "910"  # not among the offered units: nothing changed
    client.post(reverse("reorganizations:accounts"), {"user": district.pk, "unit": other.pk})
    district.refresh_from_db()
    assert district.scope_unit == other  # the suggestion (Xã Mới) was only a suggestion
    assert xa_moi != other


def test_an_officer_of_a_closed_district_does_not_follow_its_hamlets_on_the_dashboard(
    client_for, people
):
    rollup_full()
    applied(people["prov"])
    rollup_full()
    district = people["units"]["910"]
    page = client_for(people["district"]).get(reverse("dashboards:unit", args=[district.pk]))
    assert page.context["as_of"] == datetime.date(2025, 6, 30)
    assert page.context["figures"].households == 0  # its former hamlets are elsewhere now
    assert all(child.households == 0 for child in page.context["children"])


def test_the_home_page_of_an_officer_of_a_closed_unit_says_what_happened(client_for, people):
    client = client_for(people["district"])
    assert 'id="closed-scope"' not in client.get(reverse("home")).content.decode()
    applied(people["prov"])
    page = client.get(reverse("home")).content.decode()
    assert 'id="closed-scope"' in page
    notice = page.split('id="closed-scope">')[1].split("</p>")[0]
    closed_on = (DAY - datetime.timedelta(days=1)).strftime("%d/%m/%Y")
    assert "Huyện Một" in notice and closed_on in notice


def test_a_form_with_no_date_and_no_files_says_so_and_keeps_the_name(client_for, people):
    response = client_for(people["prov"]).post(
        reverse("reorganizations:list"), {"name": "Đợt thử", "effective_on": "31/02/2025"}
    )
    form = response.context["form"]
    assert set(form.errors) == {"effective_on", "units_file", "mapping_file"}
    assert 'value="Đợt thử"' in response.content.decode()
    assert not Reorganization.objects.exists()


def test_a_unit_created_by_the_reform_has_no_earlier_structure_to_show(client_for, people):
    applied(people["prov"])
    rollup_full()
    xa_moi = AdministrativeUnit.objects.get(code="91001", valid_to__isnull=True)
    response = client_for(people["prov"]).get(
        reverse("dashboards:unit", args=[xa_moi.pk]), {"as_of": "30/06/2025"}, follow=True
    )
    assert response.context["as_of"] is None
    assert "Xã Mới không có hiệu lực vào ngày 30/06/2025." in response.content.decode()


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_preview_page_costs_the_same_queries_for_a_longer_work_list(client_for, people):
    reorganization, _plan = services.reorganization_create(
        name="x", units_data=NEW, mapping_data=MAPPING, effective_on=DAY
    )
    client = client_for(people["prov"])
    url = reverse("reorganizations:detail", args=[reorganization.pk])
    client.get(url)  # the work list is complete after the first view
    few = _queries(client, url)
    hamlets_bulk_create(
        commune=people["units"]["91003"],
        hamlets=[(f"91003-x{n}", f"Xóm {n}") for n in range(15)],
        valid_from=datetime.date(2020, 1, 1),
    )
    client.get(url)
    assert reorganization.assignments.count() == 17
    assert _queries(client, url) == few


def test_the_accounts_page_costs_the_same_queries_for_more_accounts(client_for, people):
    applied(people["prov"])
    client = client_for(people["prov"])
    url = reverse("reorganizations:accounts")
    few = _queries(client, url)
    for n, code in enumerate(("91001", "91002", "91003") * 2):
        User.objects.create_user(
            username=f"xa{n}",
            password=PASSWORD,
            role="area_officer",
            scope_unit=AdministrativeUnit.objects.get(code=code, valid_to__isnull=False),
        )
    assert _queries(client, url) == few
    assert "xa5" in client.get(url).content.decode()
