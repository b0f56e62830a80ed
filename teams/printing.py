"""A team's printed papers: the roster the commune signs (an official list: issuing body,
national motto, the current members, the chairman's signature) and the poster for the
hamlet's cultural house (the team, its leader, the members who agreed to be listed, and a QR
code to the public directory).

As with the filed report (dashboards/filings.py), one function states what a paper says
(``roster_document`` / ``poster_document``: plain values, Vietnamese whatever the page's
language, since these are official papers) and one lays it out with WeasyPrint. Fonts are the
machine's own and the QR code is inline SVG: nothing is fetched when a PDF is made.

A phone number is printed only for a member who agreed to be listed publicly
(``TeamMember.listed_publicly``), on both papers.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.http import content_disposition_header
from django.utils.safestring import SafeString, mark_safe

from areas.models import Level
from core.dates import official_date
from core.text import fold

from .models import MemberRole, Team, TeamMember

SIGNER_TITLE = "CHỦ TỊCH"
SCAN_LINE = "Quét mã để tìm tổ công nghệ số của thôn"
TEAM_KIND = "Tổ công nghệ số cộng đồng"
# Members named on the poster besides the leader: it stays one page; the directory has all.
POSTER_CONTACTS = 8


def _committee(unit) -> str:
    return f"UBND {unit.name.upper()}" if unit is not None else ""


def _phone(member: TeamMember) -> str:
    return member.phone if member.listed_publicly else ""


def public_members(members: Sequence[TeamMember]) -> list[TeamMember]:
    """Of the current members, those the public directory shows: the leader (by name) and
    whoever agreed to be listed (teams.selectors.directory_hamlets applies the same rule)."""
    return [m for m in members if m.role == MemberRole.LEADER or m.listed_publicly]


def roster_document(
    *, team: Team, members: Sequence[TeamMember], today: datetime.date
) -> dict[str, Any]:
    """The list of current members (leader first), for templates/teams/print_roster.html."""
    commune = team.hamlet.parent
    with translation.override("vi"):
        rows = [
            {
                "number": number,
                "name": m.name,
                "role": str(m.get_role_display()),
                "affiliation": str(m.get_affiliation_display()),
                "phone": _phone(m),
            }
            for number, m in enumerate(members, start=1)
        ]
    decision = ""
    if team.decision_number:
        decision = f"(Thành lập theo Quyết định số {team.decision_number}"
        if team.decision_date:
            decision += f" ngày {team.decision_date:%d/%m/%Y}"
        decision += ")"
    return {
        "superior": _committee(commune.parent) if commune else "",
        "issuer": _committee(commune),
        "place_date": f"{commune.name if commune else ''}, {official_date(today)}",
        "title": "DANH SÁCH THÀNH VIÊN",
        "subtitle": f"TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG {team.hamlet.name.upper()}",
        "decision": decision,
        "rows": rows,
        "count": len(rows),
        "signer_title": SIGNER_TITLE,
    }


def qr_svg(text: str) -> SafeString:
    """``text`` as a QR code in inline SVG (error correction M, the usual quiet zone of four
    modules), sized by the page's CSS through its viewBox."""
    import segno  # only when a poster is made

    code = segno.make_qr(text, error="m")
    # segno's own markup; the text is inside the code's modules, never in the markup.
    return mark_safe(code.svg_inline(scale=1, border=4, omitsize=True, dark="#000"))


def poster_document(
    *, team: Team, members: Sequence[TeamMember], directory_url: str, directory_home: str
) -> dict[str, Any]:
    """The poster: the team, its hamlet and commune, the leader and the other members listed
    publicly (with the phones of those who agreed), and the QR code of ``directory_url`` (the
    directory's page for the hamlet), for print_poster.html."""
    commune = team.hamlet.parent
    shown = public_members(members)
    leader = next((m for m in shown if m.role == MemberRole.LEADER), None)
    with translation.override("vi"):
        contacts = [
            {"name": m.name, "role": str(m.get_role_display()), "phone": _phone(m)}
            for m in shown
            if m is not leader
        ]
    more = max(len(contacts) - POSTER_CONTACTS, 0)
    place = team.hamlet.name
    if commune is not None:
        place += f", {commune.name}"
        if commune.parent is not None and commune.parent.level == Level.DISTRICT:
            place += f", {commune.parent.name}"
    # "Tổ công nghệ số cộng đồng Tổ dân phố Trung Kiên" breaks where it reads: after the kind.
    title = [team.name]
    if fold(team.name).startswith(fold(TEAM_KIND) + " "):
        title = [team.name[: len(TEAM_KIND)], team.name[len(TEAM_KIND) :].strip()]
    return {
        "title": title,
        "place": place,
        "hamlet": team.hamlet.name,
        "leader": leader.name if leader else "",
        "leader_phone": _phone(leader) if leader else "",
        "contacts": contacts[:POSTER_CONTACTS],
        "more": more,
        "qr": qr_svg(directory_url),
        "directory_home": directory_home,
        "scan_line": SCAN_LINE,
    }


def _pdf(template: str, doc: dict[str, Any]) -> bytes:
    from weasyprint import HTML  # heavy: loaded when a PDF is made

    return HTML(string=render_to_string(template, {"doc": doc})).write_pdf()


def roster_pdf(*, team: Team, members: Sequence[TeamMember], today: datetime.date) -> bytes:
    return _pdf("teams/print_roster.html", roster_document(team=team, members=members, today=today))


def poster_pdf(
    *, team: Team, members: Sequence[TeamMember], directory_url: str, directory_home: str
) -> bytes:
    doc = poster_document(
        team=team, members=members, directory_url=directory_url, directory_home=directory_home
    )
    return _pdf("teams/print_poster.html", doc)


def pdf_response(pdf: bytes, *, filename: str) -> HttpResponse:
    """Opened in the browser's viewer (to print), saved under ``filename``."""
    disposition = content_disposition_header(as_attachment=False, filename=filename)
    return HttpResponse(
        pdf, content_type="application/pdf", headers={"Content-Disposition": disposition or ""}
    )
