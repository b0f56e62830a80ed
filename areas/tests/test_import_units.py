from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from areas.models import AdministrativeUnit, Level
from areas.services import hamlet_create

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english():
    # Messages are Vietnamese by default (one test below checks that); English reads easier here.
    with translation.override("en"):
        yield


def run_import(path, *extra) -> str:
    out = StringIO()
    call_command("import_units", str(path), *extra, stdout=out, stderr=out)
    return out.getvalue()


def write(tmp_path, text: str, name="units.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_the_2023_list_gives_one_province_nine_districts_and_177_communes(reference_data):
    output = run_import(reference_data / "thai_nguyen_units_2023.csv", "--valid-from", "2023-04-10")
    assert "province: 1 created" in output
    assert "district: 9 created" in output
    assert "commune: 177 created" in output
    units = AdministrativeUnit.objects.current()
    assert units.filter(level=Level.PROVINCE).count() == 1
    assert units.filter(level=Level.DISTRICT).count() == 9
    assert units.filter(level=Level.COMMUNE).count() == 177
    cho_chu = units.get(code="05536")
    assert cho_chu.name == "Thị trấn Chợ Chu"
    assert cho_chu.parent.name == "Huyện Định Hóa"
    assert cho_chu.valid_from.isoformat() == "2023-04-10"
    # Leading zeros are kept: codes are strings.
    assert units.filter(code__startswith="0").count() == 177


def test_reimporting_the_same_list_changes_nothing_and_says_so(reference_data):
    source = reference_data / "thai_nguyen_units_2023.csv"
    run_import(source)
    before = list(
        AdministrativeUnit.objects.values_list("pk", "code", "name", "path", "updated_at")
    )
    output = run_import(source)
    assert "commune: 0 created, 0 updated, 177 unchanged" in output
    assert "Nothing changed" in output
    after = list(AdministrativeUnit.objects.values_list("pk", "code", "name", "path", "updated_at"))
    assert after == before


def test_a_bad_parent_names_the_line_and_imports_nothing(tmp_path):
    path = write(
        tmp_path,
        "code,name,level,parent_code\n"
        "19,Tỉnh Thái Nguyên,province,\n"
        "167,Huyện Định Hóa,district,19\n"
        "05536,Thị trấn Chợ Chu,commune,999\n",
    )
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_units", str(path), stdout=StringIO(), stderr=err)
    assert "Line 4: unknown parent code 999." in err.getvalue()
    assert AdministrativeUnit.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("19,Tỉnh Thái Nguyên,state,\n", "Line 2: unknown level “state”"),
        (
            "19,Tỉnh Thái Nguyên,province,\n19,Tỉnh Khác,province,\n",
            "Line 3: duplicate code 19 (already on line 2)",
        ),
        ("19,Tỉnh Thái Nguyên,province,\n167,,district,19\n", "Line 3: the name is empty."),
        (
            "19,Tỉnh Thái Nguyên,province,\n167,Huyện Định Hóa\n",
            "Line 3: expected 4 values, found 2.",
        ),
        (
            "19,Tỉnh Thái Nguyên,province,\n05536,Thị trấn Chợ Chu,commune,\n",
            "Line 3: the parent code is empty.",
        ),
        (
            "19,Tỉnh Thái Nguyên,province,\n05536,Thị trấn Chợ Chu,commune,19\n"
            "167,Huyện Định Hóa,district,05536\n",
            "Line 4: a District cannot be placed under a Commune.",
        ),
    ],
)
def test_each_bad_line_is_named_with_its_reason(tmp_path, body, message):
    path = write(tmp_path, "code,name,level,parent_code\n" + body)
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_units", str(path), stdout=StringIO(), stderr=err)
    assert message in err.getvalue()
    assert AdministrativeUnit.objects.count() == 0


def test_a_missing_column_is_reported_on_line_one(tmp_path):
    path = write(tmp_path, "code,name,parent_code\n19,Tỉnh Thái Nguyên,\n")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_units", str(path), stdout=StringIO(), stderr=err)
    assert "Line 1: missing column(s): level." in err.getvalue()


def test_a_file_that_is_not_utf8_names_the_first_bad_line(tmp_path):
    # Saved from an old Windows tool in a legacy code page: "Huyện" is not UTF-8 bytes.
    path = tmp_path / "units.csv"
    path.write_bytes(
        b"code,name,level,parent_code\n"
        b"19,Tinh Thai Nguyen,province,\n"
        b"167,Huy\xea\xd2n,district,19\n"
    )
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_units", str(path), stdout=StringIO(), stderr=err)
    assert "Line 3: the file is not UTF-8 text." in err.getvalue()
    assert AdministrativeUnit.objects.count() == 0


def test_a_renamed_unit_is_updated_in_place_keeping_its_identity(tmp_path):
    header = "code,name,level,parent_code\n19,Tỉnh Thái Nguyên,province,\n"
    run_import(write(tmp_path, header + "05569,Xã Bảo Cường,district,19\n"))
    unit = AdministrativeUnit.objects.get(code="05569")
    output = run_import(write(tmp_path, header + "05569,Thị trấn Chợ Chu,district,19\n"))
    assert "district: 0 created, 1 updated" in output
    unit.refresh_from_db()
    assert unit.name == "Thị trấn Chợ Chu"
    assert AdministrativeUnit.objects.filter(code="05569").count() == 1


def test_a_unit_moved_to_another_parent_takes_its_subtree_along(tmp_path):
    header = (
        "code,name,level,parent_code\n19,Tỉnh,province,\n"
        "167,Huyện A,district,19\n171,Huyện B,district,19\n"
    )
    run_import(write(tmp_path, header + "05536,Xã X,commune,167\n"))
    commune = AdministrativeUnit.objects.get(code="05536")
    hamlet = hamlet_create(commune=commune, name="Xóm 1")
    run_import(write(tmp_path, header + "05536,Xã X,commune,171\n"))
    district_b = AdministrativeUnit.objects.get(code="171")
    hamlet.refresh_from_db()
    assert hamlet.is_within(district_b)
    assert list(AdministrativeUnit.objects.within(district_b).order_by("path")) == [
        district_b,
        AdministrativeUnit.objects.get(code="05536"),
        hamlet,
    ]


def test_errors_are_reported_in_vietnamese_by_default(tmp_path):
    path = write(
        tmp_path, "code,name,level,parent_code\n19,Tỉnh,province,\n167,Huyện,district,999\n"
    )
    err = StringIO()
    with translation.override("vi"), pytest.raises(CommandError, match="không nhập gì"):
        call_command("import_units", str(path), stdout=StringIO(), stderr=err)
    assert "Dòng 3: không tìm thấy đơn vị cấp trên có mã 999." in err.getvalue()
