"""A team's printed papers: the roster the commune signs and the poster for the hamlet's
cultural house. Phones only of members who agreed to be listed; another area gets 404; the
roster's export is audited; the poster's QR code, read back from the printed page, leads to
the directory's page for the hamlet."""

from __future__ import annotations

import datetime
import shutil
import subprocess
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from audit.models import Action, AuditEvent
from conftest import service_missing
from teams import printing, services
from teams.models import Affiliation, MemberRole

pytestmark = pytest.mark.django_db

FOUNDED = datetime.date(2024, 3, 5)


def pdf_text(pdf: bytes) -> str:
    """The PDF's text, as dashboards/tests/test_filings.py reads it (poppler's pdftotext)."""
    if not shutil.which("pdftotext"):
        service_missing("pdftotext not found (apt-get install poppler-utils)")
    done = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    return " ".join(done.stdout.decode().split())


def qr_texts(pdf: bytes) -> list[str]:
    """The QR codes on the PDF's first page as a phone's camera reads them: the page drawn
    at 150 dpi (poppler's pdftoppm), then decoded by zxing-cpp."""
    if not shutil.which("pdftoppm"):
        service_missing("pdftoppm not found (apt-get install poppler-utils)")
    import io

    import zxingcpp
    from PIL import Image

    done = subprocess.run(
        ["pdftoppm", "-png", "-r", "150", "-singlefile", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    )
    page = Image.open(io.BytesIO(done.stdout)).convert("L")
    return [found.text for found in zxingcpp.read_barcodes(page)]


@pytest.fixture
def team_a(tree):
    team = services.team_create(
        hamlet=tree.hamlet_a, decision_number="125/QĐ-UBND", decision_date=FOUNDED
    )
    services.member_add(
        team=team,
        name="Lưu Văn Bình",
        phone="0912345678",
        role=MemberRole.LEADER,
        affiliation=Affiliation.HAMLET_HEAD,
        joined_on=FOUNDED,
        listed_publicly=True,
    )
    services.member_add(
        team=team,
        name="Nguyễn Thị Hằng",
        phone="0912345679",
        role=MemberRole.DEPUTY,
        affiliation=Affiliation.WOMENS_UNION,
        joined_on=FOUNDED,
    )
    services.member_add(
        team=team,
        name="Hà Minh Đức",
        phone="0987654321",
        affiliation=Affiliation.YOUTH_UNION,
        joined_on=FOUNDED,
        listed_publicly=True,
    )
    gone = services.member_add(team=team, name="Đinh Văn Cũ", phone="0977000111", joined_on=FOUNDED)
    services.member_retire(member=gone, left_on=FOUNDED + datetime.timedelta(days=30))
    return team


def roster_url(team) -> str:
    return reverse("teams:team-roster-pdf", args=[team.pk])


def poster_url(team) -> str:
    return reverse("teams:team-poster-pdf", args=[team.pk])


# --- The roster ------------------------------------------------------------------------------


def test_the_roster_is_a_pdf_listing_the_current_members_under_the_official_header(
    client_for, officer_a, team_a
):
    response = client_for(officer_a).get(roster_url(team_a))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert "UBND HUYỆN ĐỊNH HÓA" in text
    assert "UBND THỊ TRẤN CHỢ CHU" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "DANH SÁCH THÀNH VIÊN" in text
    assert "TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG TỔ DÂN PHỐ TRUNG KIÊN" in text
    for name in ("Lưu Văn Bình", "Nguyễn Thị Hằng", "Hà Minh Đức"):
        assert name in text
    assert "Tổ trưởng" in text and "Hội Phụ nữ" in text
    assert "Đinh Văn Cũ" not in text  # left the team
    assert "TM. ỦY BAN NHÂN DÂN" in text and "CHỦ TỊCH" in text


def test_the_roster_prints_only_the_phones_of_members_who_agreed(client_for, officer_a, team_a):
    text = pdf_text(client_for(officer_a).get(roster_url(team_a)).content)
    assert "0912345678" in text  # the leader, listed publicly
    assert "0987654321" in text  # a member, listed publicly
    assert "0912345679" not in text  # the deputy did not agree


def test_the_team_leader_prints_the_roster_of_their_own_team(client_for, leader_a, team_a):
    response = client_for(leader_a).get(roster_url(team_a))
    assert response.status_code == 200
    assert "Lưu Văn Bình" in pdf_text(response.content)


def test_an_officer_of_another_area_gets_404_for_the_roster(client_for, officer_b, team_a):
    assert client_for(officer_b).get(roster_url(team_a)).status_code == 404


def test_an_anonymous_visitor_is_sent_to_sign_in_for_the_roster(client, team_a):
    response = client.get(roster_url(team_a))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_printing_the_roster_is_recorded_as_an_export(client_for, officer_a, team_a):
    client_for(officer_a).get(roster_url(team_a))
    event = AuditEvent.objects.get(action=Action.EXPORT, route="teams:team-roster-pdf")
    assert event.actor == officer_a.username
    assert event.object_type == "team"
    assert event.object_id == str(team_a.pk)
    assert "3 members" in event.detail


def test_a_refused_roster_leaves_no_export_row(client_for, officer_b, team_a):
    client_for(officer_b).get(roster_url(team_a))
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()


def test_the_papers_are_only_read(client_for, officer_a, team_a):
    client = client_for(officer_a)
    assert client.post(roster_url(team_a)).status_code == 405
    assert client.post(poster_url(team_a)).status_code == 405


def test_the_official_date_takes_leading_zeros_where_the_rule_says():
    assert printing.official_date(datetime.date(2026, 2, 5)) == "ngày 05 tháng 02 năm 2026"
    assert printing.official_date(datetime.date(2026, 11, 28)) == "ngày 28 tháng 11 năm 2026"


# --- The poster ------------------------------------------------------------------------------


def test_the_poster_names_the_team_its_leader_and_the_listed_phones(client_for, officer_a, team_a):
    response = client_for(officer_a).get(poster_url(team_a))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert "Tổ công nghệ số cộng đồng Tổ dân phố Trung Kiên" in text
    assert "Thị trấn Chợ Chu" in text
    assert "Tổ trưởng: Lưu Văn Bình" in text
    assert "0912345678" in text and "Hà Minh Đức" in text and "0987654321" in text
    assert "Nguyễn Thị Hằng" not in text and "0912345679" not in text  # not listed
    assert "Quét mã để tìm tổ công nghệ số của thôn" in text


def test_the_poster_is_one_a4_portrait_page(client_for, officer_a, team_a):
    if not shutil.which("pdfinfo"):
        service_missing("pdfinfo not found (apt-get install poppler-utils)")
    pdf = client_for(officer_a).get(poster_url(team_a)).content
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True)
    fields = dict(line.split(":", 1) for line in info.stdout.decode().splitlines() if ":" in line)
    assert fields["Pages"].strip() == "1"
    assert fields["Page size"].split()[:3] == ["595.276", "x", "841.89"]  # A4, portrait


def test_the_poster_qr_code_leads_to_the_directory_page_of_the_hamlet(
    client_for, officer_a, team_a, tree
):
    client = client_for(officer_a)
    [url] = qr_texts(client.get(poster_url(team_a)).content)
    parts = urlsplit(url)
    assert parts.scheme == "http" and parts.netloc == "testserver"
    assert parts.path == reverse("directory")
    client.logout()
    page = client.get(f"{parts.path}?{parts.query}").content.decode()
    assert "Tổ dân phố Trung Kiên" in page
    assert "Lưu Văn Bình" in page


def test_an_officer_of_another_area_gets_404_for_the_poster(client_for, officer_b, team_a):
    assert client_for(officer_b).get(poster_url(team_a)).status_code == 404


def test_a_dissolved_team_has_no_poster(client_for, officer_a, team_a):
    services.team_dissolve(team=team_a, dissolved_on=FOUNDED + datetime.timedelta(days=60))
    assert client_for(officer_a).get(poster_url(team_a)).status_code == 404


# --- The team's page -------------------------------------------------------------------------


def test_the_team_page_links_to_both_papers(client_for, leader_a, team_a):
    page = client_for(leader_a).get(reverse("teams:team-detail", args=[team_a.pk]))
    assert roster_url(team_a) in page.content.decode()
    assert poster_url(team_a) in page.content.decode()
