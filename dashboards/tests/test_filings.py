"""The report a commune files: a commune officer drafts and submits the month's report, its
figures and files frozen at submission; the province returns it with a comment or approves
it; every step is audited. Who may do what is asked per persona (an allowed one beside a
forbidden one)."""

from __future__ import annotations

import datetime
import shutil
import subprocess
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from apps_catalog.models import App
from audit.models import Action, AuditEvent
from citizens.models import Household
from citizens.services.visits import visit_record
from conftest import _make_user, service_missing
from dashboards import filings
from dashboards.filings import (
    filing_approve,
    filing_open,
    filing_return,
    filing_snapshot,
    filing_submit,
    filing_update,
)
from dashboards.models import Filing, FilingStatus, Indicator, Population, Target
from field.tests.builders import hamlet_with_households

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
MONTH = TODAY.replace(day=1)


def pdf_text(pdf: bytes) -> str:
    if not shutil.which("pdftotext"):
        service_missing("pdftotext not found (apt-get install poppler-utils)")
    done = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    return " ".join(done.stdout.decode().split())


@pytest.fixture
def commune_officer(tree):
    return _make_user("chochu", "area_officer", tree.commune_a, "Ma Thị Hương")


@pytest.fixture
def other_commune_officer(tree):
    return _make_user("hungson", "area_officer", tree.commune_b, "Đào Văn Sơn")


@pytest.fixture
def hamlet(tree, leader_a):
    """Thị trấn Chợ Chu's hamlet with its team, three households and one visit."""
    team = hamlet_with_households(
        hamlet=tree.hamlet_a, leader_user=leader_a, households=3, citizens_each=2
    )
    record_visit(leader_a, team, Household.objects.order_by("pk").first())
    return team


def record_visit(user, team, household) -> None:
    vneid = App.objects.get(slug="vneid")
    visit_record(
        user=user,
        client_uuid=uuid.uuid4(),
        household=household,
        visited_on=TODAY,
        members_present=[team.members.get(user=user)],
        assistances=[
            {
                "citizen": household.citizens.order_by("pk").first(),
                "app": vneid,
                "outcome": vneid.outcomes.get(code="level-2"),
            }
        ],
    )


def draft(officer, tree, **fields) -> Filing:
    filing = filing_open(actor=officer, unit=tree.commune_a, month=MONTH)
    values = {"number": "15/BC-UBND", "difficulties": "Sóng yếu ở xóm trong."} | fields
    return filing_update(actor=officer, filing=filing, version=filing.version, **values)


def submitted(officer, tree, **fields) -> Filing:
    filing = draft(officer, tree, **fields)
    return filing_submit(actor=officer, filing=filing, version=filing.version)


# --- The draft --------------------------------------------------------------------------


def test_a_new_draft_starts_with_the_official_defaults(commune_officer, tree):
    filing = filing_open(actor=commune_officer, unit=tree.commune_a, month=TODAY)
    assert filing.status == FilingStatus.DRAFT
    assert filing.month == MONTH
    assert filing.addressee == "Sở Khoa học và Công nghệ tỉnh Thái Nguyên"
    assert filing.signer_title == "CHỦ TỊCH"
    assert filing.cut_off == TODAY  # the month is current: figures to today
    assert filing_open(actor=commune_officer, unit=tree.commune_a, month=MONTH) == filing


def test_a_past_months_figures_are_counted_to_its_last_day(commune_officer, tree):
    last_month = (MONTH - datetime.timedelta(days=1)).replace(day=1)
    filing = filing_open(actor=commune_officer, unit=tree.commune_a, month=last_month)
    assert filing.cut_off == MONTH - datetime.timedelta(days=1)


def test_a_month_not_yet_begun_cannot_be_opened(commune_officer, tree):
    with pytest.raises(ValidationError):
        filing_open(
            actor=commune_officer, unit=tree.commune_a, month=MONTH + datetime.timedelta(days=40)
        )


def test_a_stale_edit_is_refused_and_changes_nothing(commune_officer, tree):
    filing = filing_open(actor=commune_officer, unit=tree.commune_a, month=MONTH)
    opened = filing.version
    filing_update(actor=commune_officer, filing=filing, version=opened, proposals="Thêm máy")
    with pytest.raises(ValidationError) as refused:
        filing_update(actor=commune_officer, filing=filing, version=opened, proposals="Khác")
    assert refused.value.error_list[0].code == "stale"
    filing.refresh_from_db()
    assert filing.proposals == "Thêm máy"


def test_a_page_opened_before_the_draft_existed_saves_once_and_then_is_stale(commune_officer, tree):
    filing = filing_open(actor=commune_officer, unit=tree.commune_a, month=MONTH)
    filing_update(actor=commune_officer, filing=filing, version=0, proposals="Lần một")
    with pytest.raises(ValidationError) as refused:
        filing_update(actor=commune_officer, filing=filing, version=0, proposals="Lần hai")
    assert refused.value.error_list[0].code == "stale"


def test_a_report_without_a_number_is_not_submitted(commune_officer, tree):
    filing = draft(commune_officer, tree, number="/BC-UBND")
    with pytest.raises(ValidationError) as refused:
        filing_submit(actor=commune_officer, filing=filing, version=filing.version)
    assert "number" in refused.value.error_dict
    filing.refresh_from_db()
    assert filing.status == FilingStatus.DRAFT


# --- The state machine ------------------------------------------------------------------


def test_submit_return_resubmit_approve(commune_officer, province_officer, tree, hamlet):
    filing = submitted(commune_officer, tree)
    assert (filing.status, filing.round, filing.submitted_by) == (
        FilingStatus.SUBMITTED,
        1,
        commune_officer,
    )
    assert filing.pdf.startswith(b"%PDF") and filing.xlsx.startswith(b"PK")

    with pytest.raises(ValidationError):  # submitted: no more edits
        filing_update(actor=commune_officer, filing=filing, version=filing.version, number="16")

    filing = filing_return(actor=province_officer, filing=filing, comment="Bổ sung khó khăn.")
    assert (filing.status, filing.comment, filing.reviewed_by) == (
        FilingStatus.RETURNED,
        "Bổ sung khó khăn.",
        province_officer,
    )
    with pytest.raises(ValidationError):  # returned: nothing to approve
        filing_approve(actor=province_officer, filing=filing)

    filing = filing_update(
        actor=commune_officer,
        filing=filing,
        version=filing.version,
        difficulties="Sóng yếu; thiếu điện thoại.",
    )
    filing = filing_submit(actor=commune_officer, filing=filing, version=filing.version)
    assert (filing.status, filing.round) == (FilingStatus.SUBMITTED, 2)
    assert filing.figures["difficulties"] == "Sóng yếu; thiếu điện thoại."

    filing = filing_approve(actor=province_officer, filing=filing)
    assert filing.status == FilingStatus.APPROVED
    for refused in (
        lambda: filing_return(actor=province_officer, filing=filing, comment="Muộn"),
        lambda: filing_submit(actor=commune_officer, filing=filing, version=filing.version),
    ):
        with pytest.raises(ValidationError):
            refused()


def test_a_draft_cannot_be_approved_or_returned(commune_officer, province_officer, tree):
    filing = draft(commune_officer, tree)
    with pytest.raises(ValidationError):
        filing_approve(actor=province_officer, filing=filing)
    with pytest.raises(ValidationError):
        filing_return(actor=province_officer, filing=filing, comment="?")


def test_a_return_needs_a_comment(commune_officer, province_officer, tree):
    filing = submitted(commune_officer, tree)
    with pytest.raises(ValidationError) as refused:
        filing_return(actor=province_officer, filing=filing, comment="  ")
    assert "comment" in refused.value.error_dict


def test_every_step_is_audited(commune_officer, province_officer, tree):
    filing = submitted(commune_officer, tree)
    filing = filing_return(actor=province_officer, filing=filing, comment="Sửa số liệu.")
    filing = filing_submit(actor=commune_officer, filing=filing, version=filing.version)
    filing_approve(actor=province_officer, filing=filing)
    events = AuditEvent.objects.filter(action=Action.FILING, object_id=str(filing.pk))
    assert [(e.actor, e.detail.split(":")[0]) for e in events.order_by("pk")] == [
        ("chochu", "submitted (round 1)"),
        ("tinh", "returned (round 1)"),
        ("chochu", "submitted (round 2)"),
        ("tinh", "approved (round 2)"),
    ]


# --- Frozen at submission ---------------------------------------------------------------


def test_a_submitted_report_keeps_its_frozen_figures_after_later_visits(
    commune_officer, leader_a, tree, hamlet
):
    filing = submitted(commune_officer, tree)
    frozen = (dict(filing.figures), bytes(filing.pdf), bytes(filing.xlsx))
    assert filing.figures["activity"]["visits"] == 1
    text = pdf_text(filing.pdf)
    assert "Số lượt thăm hộ gia đình 1" in text

    second = Household.objects.order_by("pk")[1]
    record_visit(leader_a, hamlet, second)

    filing.refresh_from_db()
    assert (filing.figures, bytes(filing.pdf), bytes(filing.xlsx)) == frozen
    assert pdf_text(filing.pdf) == text
    # A fresh preview of the same report counts the new visit.
    filings.rollup()
    fresh = filing_snapshot(filing=filing)
    assert fresh["activity"]["visits"] == 2
    assert fresh["totals"]["households_reached"] == 2
    assert "Số lượt thăm hộ gia đình 2" in pdf_text(filings.filing_pdf(fresh, draft=True))


def test_a_returned_report_can_be_resubmitted_with_the_figures_of_its_new_submission(
    commune_officer, province_officer, leader_a, tree, hamlet
):
    filing = submitted(commune_officer, tree)
    filing = filing_return(actor=province_officer, filing=filing, comment="Cập nhật số liệu.")
    record_visit(leader_a, hamlet, Household.objects.order_by("pk")[1])
    filing = filing_submit(actor=commune_officer, filing=filing, version=filing.version)
    assert filing.status == FilingStatus.SUBMITTED
    assert filing.figures["activity"]["visits"] == 2
    assert "Số lượt thăm hộ gia đình 2" in pdf_text(filing.pdf)


def test_the_pdf_reads_as_an_official_report_of_the_commune(commune_officer, tree, hamlet):
    filing = submitted(commune_officer, tree, signer_name="Hoàng Văn Minh")
    text = pdf_text(filing.pdf)
    for expected in (
        "UBND HUYỆN ĐỊNH HÓA",  # the commune's superior (a province after the 2025 merger)
        "UBND THỊ TRẤN CHỢ CHU",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 15/BC-UBND",
        f"Thị trấn Chợ Chu, {filings.official_date(TODAY)}",
        "Kính gửi: Sở Khoa học và Công nghệ tỉnh Thái Nguyên",
        "I. Tổ chức",
        "II. Kết quả hoạt động trong tháng",
        "III. Kết quả thực hiện các chỉ tiêu",
        "IV. Khó khăn, vướng mắc",
        "Sóng yếu ở xóm trong.",
        "V. Đề xuất, kiến nghị",
        "Nơi nhận:",
        "TM. ỦY BAN NHÂN DÂN",
        "CHỦ TỊCH",
        "Hoàng Văn Minh",
    ):
        assert expected in text, expected
    assert "UBND TỈNH THÁI NGUYÊN TỈNH THÁI NGUYÊN" not in text
    assert "DỰ THẢO" not in text


def test_indicators_show_count_base_and_percent_or_no_base(commune_officer, tree, hamlet):
    adults = Indicator.objects.get(code="vneid-level-2")
    Population.objects.create(unit=tree.commune_a, as_of=MONTH, adults=4, source="Công an xã")
    Target.objects.create(
        unit=tree.commune_a,
        indicator=adults,
        value=Decimal(50),
        starts_on=MONTH,
        due_on=MONTH + datetime.timedelta(days=300),
    )
    filing = submitted(commune_officer, tree)
    rows = {row["code"]: row for row in filing.figures["indicators"]}
    assert (rows["vneid-level-2"]["count"], rows["vneid-level-2"]["base"]) == (1, 4)
    assert rows["vneid-level-2"]["value"] == "25.00"
    assert rows["vneid-level-2"]["achievement"] == "50.0"
    assert rows["ehealth"]["base"] is None  # no population total stated
    text = pdf_text(filing.pdf)
    assert "25,0%" in text and "50,0% đến" in text and "50,0%" in text
    assert "chưa có mẫu số" in text
    assert "Cổng không ghi nhận" in text  # fibre, payment accounts: not counted here


def test_numbers_are_written_the_vietnamese_way():
    assert filings._int(2255) == "2.255"
    assert filings._dec("45.20") == "45,2"
    assert filings.official_date(datetime.date(2026, 2, 5)) == "ngày 05 tháng 02 năm 2026"
    assert filings.official_date(datetime.date(2026, 11, 28)) == "ngày 28 tháng 11 năm 2026"


# --- Who may: services ------------------------------------------------------------------


def test_only_the_communes_own_officers_file_its_report(
    commune_officer, other_commune_officer, officer_a, leader_a, province_officer, tree
):
    assert filing_open(actor=commune_officer, unit=tree.commune_a, month=MONTH)
    for actor in (other_commune_officer, officer_a, leader_a, province_officer):
        with pytest.raises(PermissionDenied):
            filing_open(actor=actor, unit=tree.commune_a, month=MONTH)


def test_the_province_cannot_submit_and_the_commune_cannot_approve(
    commune_officer, province_officer, tree
):
    filing = draft(commune_officer, tree)
    with pytest.raises(PermissionDenied):
        filing_submit(actor=province_officer, filing=filing, version=filing.version)
    filing = filing_submit(actor=commune_officer, filing=filing, version=filing.version)
    with pytest.raises(PermissionDenied):
        filing_approve(actor=commune_officer, filing=filing)
    with pytest.raises(PermissionDenied):
        filing_return(actor=commune_officer, filing=filing, comment="Tự trả lại")
    assert filing_approve(actor=province_officer, filing=filing).status == FilingStatus.APPROVED


# --- Pages ------------------------------------------------------------------------------


def month_url(tree, month=MONTH) -> str:
    return reverse("filings:month", args=[tree.commune_a.pk, month.strftime("%Y-%m")])


def form(**values) -> dict:
    return {
        "version": 0,
        "number": "15/BC-UBND",
        "addressee": "Sở Khoa học và Công nghệ tỉnh Thái Nguyên",
        "signer_title": "CHỦ TỊCH",
        "action": "save",
        **values,
    }


def test_the_commune_officer_lands_on_this_months_report(client_for, commune_officer, tree):
    response = client_for(commune_officer).get(reverse("filings:mine"))
    assert response.status_code == 302
    assert response["Location"] == month_url(tree)


def test_the_month_page_shows_defaults_without_starting_a_draft(client_for, commune_officer, tree):
    response = client_for(commune_officer).get(month_url(tree))
    assert response.status_code == 200
    assert "Sở Khoa học và Công nghệ tỉnh Thái Nguyên" in response.content.decode()
    assert not Filing.objects.exists()  # the province still sees "not started"


def test_saving_keeps_what_was_typed_when_refused(client_for, commune_officer, tree):
    client = client_for(commune_officer)
    client.post(month_url(tree), form(number="1/BC-UBND"))
    response = client.post(  # opened before that save: stale
        month_url(tree), form(number="2/BC-UBND", proposals="Cấp thêm máy tính")
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Cấp thêm máy tính" in html and 'value="2/BC-UBND"' in html
    assert Filing.objects.get().number == "1/BC-UBND"


def test_submitting_goes_through_a_confirmation(client_for, commune_officer, tree):
    client = client_for(commune_officer)
    response = client.post(month_url(tree), form(addressee="Sở KH&CN", action="submit"))
    confirm = reverse("filings:submit", args=[tree.commune_a.pk, MONTH.strftime("%Y-%m")])
    assert response["Location"] == confirm
    filing = Filing.objects.get()
    assert filing.status == FilingStatus.DRAFT
    assert client.get(confirm).status_code == 200
    response = client.post(confirm, {"version": filing.version})
    assert response["Location"] == month_url(tree)
    filing.refresh_from_db()
    assert filing.status == FilingStatus.SUBMITTED
    download = client.get(reverse("filings:download", args=[filing.pk, "pdf"]))
    assert download["Content-Type"] == "application/pdf"
    assert bytes(download.getvalue()) == bytes(filing.pdf)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("commune_officer", 200),
        ("officer_a", 403),  # the district's officer reads, the commune files
        ("province_officer", 403),
        ("other_commune_officer", 404),  # another commune: outside their area
        ("leader_a", 404),  # a team leader's area is their hamlet
    ],
)
def test_who_opens_a_communes_report_page(client_for, request, tree, persona, status):
    user = request.getfixturevalue(persona)
    assert client_for(user).get(month_url(tree)).status_code == status


@pytest.mark.parametrize(
    ("persona", "status"),
    [("commune_officer", 302), ("province_officer", 302), ("officer_a", 403), ("leader_a", 403)],
)
def test_who_is_led_to_a_monthly_report_from_the_menu(client_for, request, persona, status):
    user = request.getfixturevalue(persona)
    assert client_for(user).get(reverse("filings:mine")).status_code == status


@pytest.mark.parametrize(
    ("persona", "status"),
    [("province_officer", 200), ("commune_officer", 403), ("leader_a", 403)],
)
def test_who_opens_the_submissions_page(client_for, request, persona, status):
    user = request.getfixturevalue(persona)
    assert client_for(user).get(reverse("filings:submissions")).status_code == status


def test_the_province_returns_and_approves_from_the_review_page(
    client_for, commune_officer, province_officer, tree
):
    filing = submitted(commune_officer, tree)
    client = client_for(province_officer)
    review = reverse("filings:review", args=[filing.pk])
    assert client.get(review).status_code == 200
    response = client.post(reverse("filings:return", args=[filing.pk]), {"comment": ""})
    assert response.status_code == 200  # the form again, with its error
    client.post(reverse("filings:return", args=[filing.pk]), {"comment": "Ghi rõ số liệu."})
    filing.refresh_from_db()
    assert filing.status == FilingStatus.RETURNED

    officer = client_for(commune_officer)
    assert "Ghi rõ số liệu." in officer.get(month_url(tree)).content.decode()
    filing = filing_submit(actor=commune_officer, filing=filing, version=filing.version)

    client = client_for(province_officer)
    approve = reverse("filings:approve", args=[filing.pk])
    assert client.get(approve).status_code == 200  # the confirmation
    client.post(approve, {"version": filing.version})
    filing.refresh_from_db()
    assert filing.status == FilingStatus.APPROVED


def test_the_commune_cannot_open_the_review_page(client_for, commune_officer, tree):
    filing = submitted(commune_officer, tree)
    client = client_for(commune_officer)
    assert client.get(reverse("filings:review", args=[filing.pk])).status_code == 403
    assert client.post(reverse("filings:approve", args=[filing.pk])).status_code == 403


def test_another_commune_cannot_download_the_report(
    client_for, commune_officer, other_commune_officer, tree
):
    filing = submitted(commune_officer, tree)
    url = reverse("filings:download", args=[filing.pk, "pdf"])
    assert client_for(other_commune_officer).get(url).status_code == 404


def test_the_submissions_page_counts_every_commune_by_status(
    client_for, commune_officer, province_officer, tree
):
    submitted(commune_officer, tree)
    client = client_for(province_officer)
    html = client.get(reverse("filings:submissions")).content.decode()
    assert 'data-count="submitted">1<' in html
    assert 'data-count="none">2<' in html  # Xã Bảo Cường, Thị trấn Hùng Sơn
    only = client.get(reverse("filings:submissions") + "?status=submitted").content.decode()
    assert "Thị trấn Chợ Chu" in only and "Xã Bảo Cường" not in only


def test_the_submissions_page_names_districts_only_while_there_are_some(
    client_for, province_officer, tree
):
    from areas.models import AdministrativeUnit, Level

    client = client_for(province_officer)
    assert "Huyện Định Hóa" in client.get(reverse("filings:submissions")).content.decode()
    # Since July 2025: communes straight under the province, no district column.
    AdministrativeUnit.objects.filter(level=Level.COMMUNE).update(parent=tree.province)
    html = client.get(reverse("filings:submissions")).content.decode()
    assert "Tỉnh Thái Nguyên</td>" not in html and 'data-label="Huyện"' not in html


def test_the_submissions_page_costs_the_same_queries_for_many_communes(
    client_for, province_officer, tree, django_assert_max_num_queries
):
    from areas.models import Level
    from areas.services import unit_create

    for n in range(60):
        unit_create(
            code=f"9{n:04d}",
            name=f"Xã Thử {n}",
            level=Level.COMMUNE,
            parent=tree.district_b,
            valid_from=tree.district_b.valid_from,
        )
    for commune in tree.district_b.children.all()[:20]:
        Filing.objects.create(unit=commune, month=MONTH, cut_off=TODAY)
    client = client_for(province_officer)
    # session, user, the authenticator (MFA), the user's scope unit, the month's filings,
    # the communes with their districts: 63 communes or 92 cost the same
    with django_assert_max_num_queries(6):
        response = client.get(reverse("filings:submissions"))
    assert response.status_code == 200
