"""Importing team rosters: awkward real-world files, exact errors, nothing duplicated."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from areas.models import AdministrativeUnit
from imports.models import ImportBatch
from teams.models import MemberRole, Team, TeamMember
from tests.workbooks import first_data_row, nfd, read_rows, workbook

pytestmark = pytest.mark.django_db

HEADERS = [
    "STT",
    "Xã",
    "Thôn/Tổ dân phố",
    "Họ tên",
    "SĐT",
    "Chức vụ",
    "Thành phần",
    "Ngày tham gia",
]


def good_rows():
    return [
        [
            1,
            "Thị trấn Chợ Chu",
            "Tổ dân phố Trung Kiên",
            "Lưu Văn Bình",
            "0912.345.678",
            "Tổ trưởng",
            "Trưởng thôn",
            "05/03/2024",
        ],
        [
            2,
            "TT Chợ Chu",
            "Trung Kiên",
            nfd("Nguyễn Thị Hằng"),
            912345679,
            "Tổ phó",
            "Hội Phụ nữ",
            datetime.datetime(2024, 3, 5),  # noqa: DTZ001 (Excel dates are naive)
        ],
        [
            3,
            "chợ chu",
            "tổ dân phố trung kiên",
            "Hoàng Văn Đức",
            "+84 98 765 4321",
            "Thành viên",
            "VNPT",
            "",
        ],
        [
            4,
            "Xã Bảo Cường",
            "Xóm Đồng Tâm",
            "Ma Văn Sơn",
            "0388111222",
            "Tổ trưởng",
            "Công an xã",
            "",
        ],
    ]


@pytest.fixture(autouse=True)
def _dong_tam(tree):
    """A hamlet the officer added on its commune's page before importing (imports create none)."""
    from areas.services import hamlet_create

    return hamlet_create(commune=tree.commune_a2, name="Xóm Đồng Tâm")


def upload(client, content: bytes, unit, name="danh-sach.xlsx"):
    response = client.post(
        reverse("imports:upload", args=["roster"]),
        {"file": SimpleUploadedFile(name, content), "unit": unit.pk},
    )
    return response


def preview_and_confirm(client, response):
    assert response.status_code == 302, response.content.decode()[:2000]
    preview = client.get(response["Location"])
    batch = ImportBatch.objects.latest("pk")
    confirmed = client.post(reverse("imports:confirm", args=[batch.pk]))
    return preview, batch, confirmed


def test_a_real_looking_roster_is_previewed_then_imported(client_for, officer_a, tree):
    client = client_for(officer_a)
    response = upload(client, workbook(HEADERS, good_rows()), tree.district_a)
    assert response.status_code == 302
    preview = client.get(response["Location"])
    assert preview.context["n_create"] == 4 and preview.context["n_error"] == 0
    notes = " ".join(preview.context["plan"].notes)
    assert "Xóm Đồng Tâm" in notes  # a hamlet without a team yet: the import founds one
    assert TeamMember.objects.count() == 0  # the preview writes nothing
    client.post(reverse("imports:confirm", args=[ImportBatch.objects.get().pk]))
    team = Team.objects.get(hamlet=tree.hamlet_a)
    members = {m.name: m for m in team.members.all()}
    assert set(members) == {"Lưu Văn Bình", "Nguyễn Thị Hằng", "Hoàng Văn Đức"}
    assert members["Nguyễn Thị Hằng"].phone == "0912345679"  # Excel had dropped the 0
    assert members["Hoàng Văn Đức"].phone == "0987654321"
    assert members["Lưu Văn Bình"].role == MemberRole.LEADER
    assert members["Lưu Văn Bình"].affiliation == "hamlet_head"
    assert members["Nguyễn Thị Hằng"].affiliation == "womens_union"
    assert members["Hoàng Văn Đức"].affiliation == "telecom"
    assert members["Lưu Văn Bình"].joined_on == datetime.date(2024, 3, 5)
    new_hamlet = AdministrativeUnit.objects.get(name="Xóm Đồng Tâm")
    assert new_hamlet.parent == tree.commune_a2
    assert Team.objects.get(hamlet=new_hamlet).members.get().name == "Ma Văn Sơn"


def test_importing_the_same_file_twice_creates_nothing_new(client_for, officer_a, tree):
    client = client_for(officer_a)
    content = workbook(HEADERS, good_rows())
    preview_and_confirm(client, upload(client, content, tree.district_a))
    before = (TeamMember.objects.count(), Team.objects.count(), AdministrativeUnit.objects.count())
    preview, _batch, _ = preview_and_confirm(client, upload(client, content, tree.district_a))
    assert preview.context["n_unchanged"] == 4 and preview.context["n_create"] == 0
    after = (TeamMember.objects.count(), Team.objects.count(), AdministrativeUnit.objects.count())
    assert after == before


def test_bad_rows_are_named_with_row_column_and_reason_and_nothing_else_changes(
    client_for, officer_a, tree
):
    rows = good_rows() + [
        [
            5,
            "Thị trấn Chợ Chu",
            "Tổ dân phố Trung Kiên",
            "Trần Văn Lỗi",
            "12345",
            "Thành viên",
            "",
            "",
        ],
        [
            6,
            "Thị trấn Hùng Sơn",
            "Tổ dân phố Sơn Tập",
            "Người Huyện Khác",
            "0912000111",
            "Thành viên",
            "",
            "",
        ],
        [7, "Thị trấn Chợ Chu", "Tổ dân phố Trung Kiên", "", "0912000222", "Thành viên", "", ""],
        [8, "Thị trấn Chợ Chu", "Tổ dân phố Trung Kiên", "Lò Thị Mai", "", "Chủ tịch", "", ""],
        [
            9,
            "Thị trấn Chợ Chu",
            "Tổ dân phố Trung Kiên",
            "Lưu Văn Bình",
            "0912345678",
            "Tổ trưởng",
            "",
            "31/02/2024",
        ],
        [10, "Thị trấn Chợ Chu", "Tổ dân phố Trung Kiên", "Đinh Văn Hai", "", "Tổ trưởng", "", ""],
    ]
    client = client_for(officer_a)
    preview, batch, _ = preview_and_confirm(
        client, upload(client, workbook(HEADERS, rows), tree.district_a)
    )
    first = first_data_row()
    errors = {
        row.number: [(e.column, e.reason) for e in row.errors]
        for row in preview.context["plan"].errors
    }
    # What the officer reads, in Vietnamese: the row as Excel numbers it, the column as the
    # file names it, and why.
    assert errors == {
        first + 4: [("SĐT", "“12345” không phải số điện thoại di động hoặc cố định của Việt Nam.")],
        first + 5: [("Xã", "“Thị trấn Hùng Sơn” nằm ngoài địa bàn của bạn")],
        first + 6: [("Họ tên", "thiếu họ tên")],
        first + 7: [
            (
                "Chức vụ",
                "“Chủ tịch” không phải vai trò trong tổ (Tổ trưởng, Tổ phó hoặc Thành viên)",
            )
        ],
        first + 8: [("Ngày tham gia", "“31/02/2024” không phải ngày hợp lệ (ngày/tháng/năm).")],
        first + 9: [("Chức vụ", f"dòng {first} đã ghi tổ trưởng của tổ này")],
    }
    # The good rows went in; none of the bad ones did.
    names = set(TeamMember.objects.values_list("name", flat=True))
    assert names == {"Lưu Văn Bình", "Nguyễn Thị Hằng", "Hoàng Văn Đức", "Ma Văn Sơn"}
    assert not Team.objects.filter(hamlet=tree.hamlet_b).exists()
    # The error workbook holds exactly the bad rows, as typed, with the reason.
    content = client.get(reverse("imports:errors", args=[batch.pk])).content
    sheet = read_rows(content)
    assert sheet[0][-1] == "Lỗi"
    assert [r[3] for r in sheet[1:]] == [
        "Trần Văn Lỗi",
        "Người Huyện Khác",
        None,
        "Lò Thị Mai",
        "Lưu Văn Bình",
        "Đinh Văn Hai",
    ]


def test_import_roster_command_dry_runs_then_imports_with_the_same_checks(tmp_path, tree):
    from io import StringIO

    from django.core.management import call_command

    path = tmp_path / "roster.xlsx"
    bad = [
        5,
        "Thị trấn Chợ Chu",
        "Tổ dân phố Trung Kiên",
        "Trần Văn Lỗi",
        "12345",
        "Thành viên",
        "",
        "",
    ]
    path.write_bytes(workbook(HEADERS, good_rows() + [bad]))
    out, err = StringIO(), StringIO()
    call_command("import_roster", str(path), "--unit", "167", "--dry-run", stdout=out, stderr=err)
    assert TeamMember.objects.count() == 0
    assert f"{first_data_row() + 4}" in err.getvalue()
    call_command("import_roster", str(path), "--unit", "167", stdout=out, stderr=err)
    assert TeamMember.objects.count() == 4
    call_command("import_roster", str(path), "--unit", "167", stdout=out, stderr=err)
    assert TeamMember.objects.count() == 4


def test_an_upload_of_someone_else_is_404(client_for, officer_a, officer_b, tree):
    client = client_for(officer_a)
    upload(client, workbook(HEADERS, good_rows()), tree.district_a)
    batch = ImportBatch.objects.get()
    other = client_for(officer_b)
    assert other.get(reverse("imports:preview", args=[batch.pk])).status_code == 404
    assert other.post(reverse("imports:confirm", args=[batch.pk])).status_code == 404
    assert other.get(reverse("imports:errors", args=[batch.pk])).status_code == 404


def test_team_leaders_cannot_import(client_for, leader_a, tree):
    response = upload(client_for(leader_a), workbook(HEADERS, good_rows()), tree.hamlet_a)
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("list.xlsx", b"%PDF-1.4 not a spreadsheet", "Định dạng không hỗ trợ"),
        ("list.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "Excel 97–2003"),
        ("list.xlsx", b"PK\x03\x04garbage", "không phải tệp Excel (.xlsx) hợp lệ"),
    ],
)
def test_unreadable_files_get_a_clear_message_and_store_nothing(
    client_for, officer_a, tree, name, content, message
):
    response = upload(client_for(officer_a), content, tree.district_a, name=name)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_an_oversized_upload_is_refused_before_reading(client_for, officer_a, tree):
    response = upload(client_for(officer_a), b"x" * (5 * 1024 * 1024 + 1), tree.district_a)
    assert "giới hạn là 5 MB" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_a_renamed_word_document_is_not_taken_for_excel(client_for, officer_a, tree):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as docx:
        docx.writestr("word/document.xml", "<w:document/>")
    response = upload(client_for(officer_a), buffer.getvalue(), tree.district_a)
    assert "không phải tệp Excel (.xlsx) hợp lệ" in response.content.decode()


def test_a_csv_roster_with_semicolons_and_decomposed_names_imports(client_for, officer_a, tree):
    text = (
        "Họ tên;Thôn;SĐT;Vai trò\n"
        + nfd("Phạm Thị Xuân")
        + ";Tổ dân phố Trung Kiên;0912 111 222;Thành viên\n"
    )
    client = client_for(officer_a)
    preview_and_confirm(
        client, upload(client, ("\ufeff" + text).encode(), tree.commune_a, name="ds.csv")
    )
    member = TeamMember.objects.get()
    assert (member.name, member.phone) == ("Phạm Thị Xuân", "0912111222")


def test_the_ui_import_preview_page_queries_do_not_grow_with_rows(
    client_for, officer_a, tree, django_assert_max_num_queries
):
    client = client_for(officer_a)
    rows = [
        [
            i,
            "Thị trấn Chợ Chu",
            "Tổ dân phố Trung Kiên",
            f"Thành viên {i}",
            "",
            "Thành viên",
            "",
            "",
        ]
        for i in range(1, 120)
    ]
    upload(client, workbook(HEADERS, rows), tree.district_a)
    batch = ImportBatch.objects.get()
    # session, user, scope unit, batch, communes+hamlets inside, communes outside, teams+members,
    # the menu's scope unit (an area officer is offered "Monthly report" when it is a commune)
    with django_assert_max_num_queries(11):
        client.get(reverse("imports:preview", args=[batch.pk]))


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("Tổ trưởng", "leader"),
        ("TỔ TRƯỞNG", "leader"),
        ("T.T", "leader"),
        ("Tổ trưởng tổ CNSCĐ", "leader"),
        ("Phó tổ trưởng", "deputy"),
        ("Tổ phó", "deputy"),
        ("Tổ phó tổ công nghệ số", "deputy"),
        ("Thành viên", "member"),
        ("", "member"),
        ("Trưởng thôn", None),
        ("Chủ tịch", None),
    ],
)
def test_team_roles_are_read_as_offices_write_them(text, role):
    from teams.importers import parse_role

    assert parse_role(text) == role


def test_confirming_twice_imports_once(client_for, officer_a, tree):
    client = client_for(officer_a)
    upload(client, workbook(HEADERS, good_rows()), tree.district_a)
    batch = ImportBatch.objects.get()
    client.post(reverse("imports:confirm", args=[batch.pk]))
    again = client.post(reverse("imports:confirm", args=[batch.pk]), follow=True)
    assert again.status_code == 200
    assert TeamMember.objects.count() == 4


def test_a_clean_import_keeps_no_copy_of_the_file(client_for, officer_a, tree):
    client = client_for(officer_a)
    upload(client, workbook(HEADERS, good_rows()), tree.district_a)
    batch = ImportBatch.objects.get()
    client.post(reverse("imports:confirm", args=[batch.pk]))
    batch.refresh_from_db()
    assert bytes(batch.data) == b""
    page = client.get(reverse("imports:preview", args=[batch.pk]))
    assert page.context["applied"] and page.context["n_create"] == 4  # the result, without it


def test_an_officer_moved_to_another_area_cannot_confirm_an_old_upload(client_for, officer_a, tree):
    client = client_for(officer_a)
    upload(client, workbook(HEADERS, good_rows()), tree.district_a)
    batch = ImportBatch.objects.get()
    officer_a.scope_unit = tree.district_b
    officer_a.save()
    response = client.post(reverse("imports:confirm", args=[batch.pk]))
    assert response.status_code == 404
    assert not TeamMember.objects.exists()


def test_hamlets_differing_only_by_their_type_word_are_not_guessed(client_for, officer_a, tree):
    from areas.services import hamlet_create

    hamlet_create(commune=tree.commune_a2, name="Xóm Làng Mới")
    hamlet_create(commune=tree.commune_a2, name="Thôn Làng Mới")
    rows = [
        [1, "Xã Bảo Cường", "Làng Mới", "Ma Văn Sơn", "", "Thành viên", "", ""],
        [2, "Xã Bảo Cường", "Thôn Làng Mới", "Ma Văn Tư", "", "Thành viên", "", ""],
    ]
    client = client_for(officer_a)
    upload(client, workbook(HEADERS, rows), tree.district_a)
    plan = client.get(reverse("imports:preview", args=[ImportBatch.objects.get().pk])).context[
        "plan"
    ]
    first = first_data_row()
    assert [row.number for row in plan.errors] == [first]
    assert plan.rows[1].summary == "Ma Văn Tư · Thôn Làng Mới"
