"""The report a commune files with the province each month (``Filing``): an official
Vietnamese administrative report (issuing body and number, "Kính gửi", period and cut-off,
organisation, the month's activity, results per indicator, difficulties and proposals, the
approver's signature), as xlsx and PDF.

One function states what the report says (``filing_snapshot``: plain JSON) and one lays it
out (``filing_document`` → ``filing_pdf`` / ``filing_xlsx``): the draft's preview and the
files frozen at submission are the same rendering of a snapshot, so the province reads
exactly what the commune saw when it pressed "Submit", whatever is recorded afterwards.

Status: draft → submitted → returned (with a comment) → submitted … → approved. Every step
is written to the audit log.
"""

from __future__ import annotations

import calendar
import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from accounts import policies
from accounts.policies import require
from areas.models import AdministrativeUnit, Level
from audit.models import Action
from audit.services import audit_record
from core.dates import official_date
from core.exports import xlsx_bytes
from core.text import fold

from .indicators import Indicators
from .models import Filing, FilingStatus, Source
from .rollups import rollup
from .selectors import month_figures

DEFAULT_ADDRESSEE = "Sở Khoa học và Công nghệ tỉnh Thái Nguyên"
DEFAULT_NUMBER = "/BC-UBND"
DEFAULT_SIGNER_TITLE = "CHỦ TỊCH"
RECIPIENTS = ("Như trên;", "Lưu: VT.")
# Where an indicator comes from, as an official report names it (dashboards.models.Source).
SOURCES = {
    Source.DECISION_411: "Quyết định 411/QĐ-TTg",
    Source.DE_AN_06: "Đề án 06",
    Source.DTI: "Chỉ số DTI",
    Source.BDHVS: "Bình dân học vụ số",
    Source.PROVINCE: "Chỉ tiêu của tỉnh",
}
EDITABLE = ("number", "addressee", "difficulties", "proposals", "signer_name", "signer_title")
EDITABLE_STATUSES = (FilingStatus.DRAFT, FilingStatus.RETURNED)
SNAPSHOT_FORMAT = 1

# The month's activity, from the roll-up tables (dashboards.selectors.month_figures).
ACTIVITY_LABELS = [
    ("visits", "Số lượt thăm hộ gia đình"),
    ("visits_nobody_home", "Trong đó: không gặp ai ở nhà"),
    ("households_visited", "Số hộ gia đình được gặp"),
    ("citizens_helped", "Số người dân được hỗ trợ"),
    ("assistances", "Số lượt hỗ trợ cài đặt, sử dụng ứng dụng"),
    ("trainees_completed", "Số người hoàn thành tập huấn"),
]
# Running totals as of the cut-off (dashboards.indicators: counted from the facts' dates).
TOTAL_LABELS = [
    ("households", "Số hộ gia đình đã ghi nhận"),
    ("households_reached", "Số hộ đã được gặp (hỗ trợ hoặc tuyên truyền)"),
    ("citizens_helped", "Số người dân đã được hỗ trợ"),
    ("trainees_completed", "Số người đã hoàn thành tập huấn"),
]


# ---------------------------------------------------------------------------------------
# Dates


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def month_end(month: datetime.date) -> datetime.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def cut_off_for(month: datetime.date, today: datetime.date | None = None) -> datetime.date:
    """The day the figures are counted to: the month's last day, or today while it lasts."""
    return min(month_end(month), today or timezone.localdate())


# ---------------------------------------------------------------------------------------
# What the report says: one JSON snapshot


def _decimal(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def filing_snapshot(*, filing: Filing, today: datetime.date | None = None) -> dict[str, Any]:
    """Everything the report shows, as plain JSON (frozen into ``Filing.figures`` at
    submission). Figures as of the cut-off are counted from the facts; the month's activity
    is read from the roll-up tables."""
    today = today or timezone.localdate()
    unit = filing.unit
    cut_off = filing.cut_off
    engine = Indicators(unit_id=unit.pk, day=cut_off)
    figures = engine.figures(unit.pk)
    children = engine.children()
    names = dict(AdministrativeUnit.objects.filter(pk__in=children).values_list("pk", "name"))
    hamlets = []
    for child in children:
        counted = engine.figures(child)
        hamlets.append(
            {
                "name": names.get(child, ""),
                "teams": counted["teams_active"],
                "members": counted["members_active"],
            }
        )
    hamlets.sort(key=lambda row: fold(row["name"]))  # type: ignore[arg-type]
    activity = month_figures(unit=unit, month=filing.month)["own"]
    indicators = []
    for item in engine.of(unit.pk):
        indicator = item.indicator
        indicators.append(
            {
                "code": indicator.code,
                "name": indicator.name,
                "source": SOURCES.get(indicator.source, ""),  # type: ignore[call-overload]
                "measured": item.measured,
                "per_hundred": indicator.per_hundred,
                "count": item.count,
                "base": item.base.value,
                "base_as_of": item.base.as_of.isoformat() if item.base.as_of else None,
                "base_source": item.base.source,
                "value": _decimal(item.value),
                "national_target": _decimal(indicator.national_target),
                "target_year": indicator.target_year,
                "target": _decimal(item.target.value) if item.target else None,
                "target_due_on": item.target.due_on.isoformat() if item.target else None,
                "achievement": _decimal(item.achievement),
            }
        )
    parent = unit.parent
    return {
        "format": SNAPSHOT_FORMAT,
        "unit": {"id": unit.pk, "code": unit.code, "name": unit.name},
        "superior": f"UBND {parent.name.upper()}" if parent else "",
        "issuer": f"UBND {unit.name.upper()}",
        "number": filing.number,
        "addressee": filing.addressee,
        "month": filing.month.isoformat(),
        "cut_off": cut_off.isoformat(),
        "dated": today.isoformat(),
        "organisation": {
            "teams": figures["teams_active"],
            "members": figures["members_active"],
            "hamlets": hamlets,
        },
        "activity": {key: activity[key] for key, _label in ACTIVITY_LABELS},
        "totals": {key: figures[key] for key, _label in TOTAL_LABELS},
        "indicators": indicators,
        "difficulties": filing.difficulties,
        "proposals": filing.proposals,
        "signer_title": filing.signer_title,
        "signer_name": filing.signer_name,
    }


# ---------------------------------------------------------------------------------------
# How it is laid out: the same document for the page's preview, the PDF and the xlsx


def _int(value: int | None) -> str:
    if value is None:
        return ""
    return number_format(value, use_l10n=True, force_grouping=True)


def _dec(value: str | None, places: int = 1) -> str:
    if value is None:
        return ""
    return number_format(Decimal(value), decimal_pos=places, use_l10n=True, force_grouping=True)


def _date(value: str | None) -> str:
    return datetime.date.fromisoformat(value).strftime("%d/%m/%Y") if value else ""


def _indicator_row(row: dict) -> dict[str, str]:
    unit = " người/100 dân" if row["per_hundred"] else "%"
    if not row["measured"]:
        result = {"count": "", "base": "", "value": "Cổng không ghi nhận số liệu này"}
    elif row["base"] is None:
        result = {"count": _int(row["count"]), "base": "chưa có mẫu số", "value": ""}
    else:
        result = {
            "count": _int(row["count"]),
            "base": _int(row["base"]),
            "value": f"{_dec(row['value'])}{unit}" if row["value"] is not None else "",
        }
    national = ""
    if row["national_target"] is not None:
        national = f"{_dec(row['national_target'], 0)}{unit}"
        if row["target_year"]:
            national += f" (năm {row['target_year']})"
    assigned = ""
    if row["target"] is not None:
        assigned = f"{_dec(row['target'])}{unit} đến {_date(row['target_due_on'])}"
    base_note = ""
    if row["base_as_of"]:
        base_note = f"mẫu số: {row['base_source']}, {_date(row['base_as_of'])}"
    return {
        "name": row["name"],
        "measured": row["measured"],
        "source": row["source"],
        **result,
        "base_note": base_note,
        "national": national,
        "assigned": assigned,
        "achievement": f"{_dec(row['achievement'])}%" if row["achievement"] else "",
    }


def filing_document(snapshot: dict[str, Any]) -> dict[str, Any]:
    """The snapshot with its numbers and dates written the Vietnamese way (2.255; 28/11/2026),
    for the templates (templates/dashboards/_filing_document.html)."""
    with translation.override("vi"):
        month = datetime.date.fromisoformat(snapshot["month"])
        dated = datetime.date.fromisoformat(snapshot["dated"])
        organisation = snapshot["organisation"]
        name = snapshot["unit"]["name"]
        month_label = f"tháng {month.month:02d} năm {month.year}"
        return {
            "superior": snapshot["superior"],
            "issuer": snapshot["issuer"],
            "number": snapshot["number"],
            "place_date": f"{snapshot['unit']['name']}, {official_date(dated)}",
            "title": "BÁO CÁO",
            "subtitle": f"Kết quả hoạt động của Tổ công nghệ số cộng đồng {month_label}",
            "month_label": month_label,
            "unit_name": snapshot["unit"]["name"],
            "committee": f"Ủy ban nhân dân {name[:1].lower()}{name[1:]}",
            "addressee": snapshot["addressee"],
            "period": f"{_date(snapshot['month'])} – {_date(snapshot['cut_off'])}",
            "cut_off": _date(snapshot["cut_off"]),
            "teams": _int(organisation["teams"]),
            "members": _int(organisation["members"]),
            "hamlets": [
                {"name": h["name"], "teams": _int(h["teams"]), "members": _int(h["members"])}
                for h in organisation["hamlets"]
            ],
            "activity": [
                (label, _int(snapshot["activity"][key])) for key, label in ACTIVITY_LABELS
            ],
            "totals": [(label, _int(snapshot["totals"][key])) for key, label in TOTAL_LABELS],
            "indicators": [_indicator_row(row) for row in snapshot["indicators"]],
            "difficulties": snapshot["difficulties"],
            "proposals": snapshot["proposals"],
            "recipients": RECIPIENTS,
            "signer_title": snapshot["signer_title"],
            "signer_name": snapshot["signer_name"],
        }


def filing_pdf(snapshot: dict[str, Any], *, draft: bool = False) -> bytes:
    from weasyprint import HTML  # heavy: loaded when a PDF is made

    html = render_to_string(
        "dashboards/filing_pdf.html", {"doc": filing_document(snapshot), "draft": draft}
    )
    return HTML(string=html).write_pdf()


def filing_xlsx(snapshot: dict[str, Any], *, draft: bool = False) -> bytes:
    doc = filing_document(snapshot)
    header = [
        doc["superior"],
        doc["issuer"],
        f"Số: {doc['number']}",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM - Độc lập - Tự do - Hạnh phúc",
        doc["place_date"],
        ("DỰ THẢO - " if draft else "") + f"{doc['title']}: {doc['subtitle']}",
        f"Kính gửi: {doc['addressee']}",
        f"Số liệu tính đến ngày {doc['cut_off']}",
    ]
    organisation = snapshot["organisation"]
    rows: list[list] = [["I. Tổ chức"]]
    rows += [
        ["Số tổ công nghệ số cộng đồng đang hoạt động", organisation["teams"]],
        ["Số thành viên tổ", organisation["members"]],
    ]
    rows += [
        [f"   {h['name']}: số tổ / số thành viên", h["teams"], h["members"]]
        for h in organisation["hamlets"]
    ]
    rows += [[], ["II. Kết quả hoạt động trong tháng"]]
    rows += [[label, snapshot["activity"][key]] for key, label in ACTIVITY_LABELS]
    rows += [[f"Lũy kế đến ngày {doc['cut_off']}"]]
    rows += [[label, snapshot["totals"][key]] for key, label in TOTAL_LABELS]
    rows += [
        [],
        ["III. Kết quả thực hiện các chỉ tiêu"],
        [
            "Chỉ tiêu",
            "Tử số",
            "Mẫu số",
            "Tỷ lệ",
            "Chỉ tiêu quốc gia",
            "Chỉ tiêu được giao",
            "Mức đạt so với chỉ tiêu giao",
        ],
    ]
    for raw, shown in zip(snapshot["indicators"], doc["indicators"], strict=True):
        rows.append(
            [
                shown["name"],
                raw["count"] if raw["measured"] else shown["value"],
                raw["base"] if raw["base"] is not None else shown["base"],
                shown["value"] if raw["measured"] else "",
                shown["national"],
                shown["assigned"],
                shown["achievement"],
            ]
        )
    rows += [[], ["IV. Khó khăn, vướng mắc"], [doc["difficulties"] or "Không có."]]
    rows += [[], ["V. Đề xuất, kiến nghị"], [doc["proposals"] or "Không có."]]
    rows += [
        [],
        ["TM. ỦY BAN NHÂN DÂN", doc["signer_title"]],
        ["", doc["signer_name"]],
    ]
    return xlsx_bytes(
        ["Nội dung", "Số liệu", "", "", "", "", ""],
        rows,
        sheet_title="Báo cáo tháng",
        extra_header_rows=header,
    )


# ---------------------------------------------------------------------------------------
# Writes


def _check_scope(actor, unit: AdministrativeUnit) -> None:
    require(policies.can_file_report, actor, unit)
    if not AdministrativeUnit.objects.for_user(actor).filter(pk=unit.pk).exists():
        raise PermissionDenied


def filing_defaults(*, month: datetime.date, today: datetime.date | None = None) -> dict:
    """What a new report starts with (the form of a month not yet started shows these)."""
    return {
        "number": DEFAULT_NUMBER,
        "addressee": DEFAULT_ADDRESSEE,
        "signer_title": DEFAULT_SIGNER_TITLE,
        "signer_name": "",
        "difficulties": "",
        "proposals": "",
        "cut_off": cut_off_for(month, today),
    }


def filing_open(*, actor, unit: AdministrativeUnit, month: datetime.date) -> Filing:
    """The commune's report for ``month``: the one started already, or a new draft."""
    _check_scope(actor, unit)
    if unit.level != Level.COMMUNE or not unit.is_current:
        raise ValidationError(_("Only a current commune files a monthly report."))
    month = month_start(month)
    if month > month_start(timezone.localdate()):
        raise ValidationError(_("A month that has not begun cannot be reported on."))
    defaults = filing_defaults(month=month)
    filing, _created = Filing.objects.get_or_create(
        unit=unit, month=month, defaults={**defaults, "created_by": actor}
    )
    return filing


def _locked(filing: Filing, version: int) -> Filing:
    locked = (
        Filing.objects.select_for_update(of=("self",))
        .select_related("unit__parent")
        .get(pk=filing.pk)
    )
    # Version 0: the page was opened before the draft existed (filing_open made it since);
    # accepted while nobody has saved it yet.
    current = version == locked.version or (version == 0 and locked.version == 1)
    if not current:
        raise ValidationError(
            _(
                "This report was changed by someone else since you opened it: nothing was "
                "saved. Open it again to see the change."
            ),
            code="stale",
        )
    if locked.status not in EDITABLE_STATUSES:
        raise ValidationError(
            _("This report was submitted: it can be changed only if the province returns it."),
            code="not_editable",
        )
    return locked


def filing_update(*, actor, filing: Filing, version: int, **fields) -> Filing:
    """Save the report's text (a draft, or a report the province returned)."""
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise TypeError(f"not editable: {', '.join(sorted(unknown))}")
    _check_scope(actor, filing.unit)
    with transaction.atomic():
        locked = _locked(filing, version)
        for name, value in fields.items():
            setattr(locked, name, (value or "").strip())
        locked.cut_off = cut_off_for(locked.month)
        locked.version += 1
        locked.full_clean()
        locked.save(update_fields=[*fields, "cut_off", "version"])
    return locked


def filing_submit(*, actor, filing: Filing, version: int, request=None) -> Filing:
    """File the report: its figures are counted now (to the cut-off) and frozen, with the
    xlsx and PDF made from them; later visits change the preview, never what was filed."""
    _check_scope(actor, filing.unit)
    rollup()  # the month's activity as recorded until now
    with transaction.atomic():
        locked = _locked(filing, version)
        if not any(ch.isdigit() for ch in locked.number):
            raise ValidationError(
                {"number": _("Give the report its number, for example 15/BC-UBND.")}
            )
        today = timezone.localdate()
        locked.cut_off = cut_off_for(locked.month, today)
        snapshot = filing_snapshot(filing=locked, today=today)
        locked.figures = snapshot
        locked.xlsx = filing_xlsx(snapshot)
        locked.pdf = filing_pdf(snapshot)
        locked.status = FilingStatus.SUBMITTED
        locked.round += 1
        locked.submitted_by = actor
        locked.submitted_at = timezone.now()
        locked.version += 1
        locked.save(
            update_fields=[
                "cut_off",
                "figures",
                "xlsx",
                "pdf",
                "status",
                "round",
                "submitted_by",
                "submitted_at",
                "version",
            ]
        )
        _audit(locked, actor, request, f"submitted (round {locked.round})")
    return locked


def _reviewable(*, actor, filing: Filing, version: int | None = None) -> Filing:
    require(policies.can_review_filings, actor)
    if not Filing.objects.for_user(actor).filter(pk=filing.pk).exists():
        raise PermissionDenied
    locked = Filing.objects.select_for_update(of=("self",)).select_related("unit").get(pk=filing.pk)
    if version is not None and version != locked.version:
        raise ValidationError(
            _("The commune filed this report again since you opened it: open it again."),
            code="stale",
        )
    if locked.status != FilingStatus.SUBMITTED:
        raise ValidationError(
            _("Only a submitted report can be returned or approved; this one is %(status)s.")
            % {"status": locked.get_status_display()},
            code="not_submitted",
        )
    return locked


def filing_return(*, actor, filing: Filing, comment: str, request=None) -> Filing:
    """Send the report back to the commune with what to correct; it is filed again later."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Say what the commune should correct.")})
    with transaction.atomic():
        locked = _reviewable(actor=actor, filing=filing)
        locked.status = FilingStatus.RETURNED
        locked.comment = comment
        locked.reviewed_by = actor
        locked.reviewed_at = timezone.now()
        locked.version += 1
        locked.save(update_fields=["status", "comment", "reviewed_by", "reviewed_at", "version"])
        _audit(locked, actor, request, f"returned (round {locked.round})")
    return locked


def filing_approve(*, actor, filing: Filing, version: int | None = None, request=None) -> Filing:
    """Accept the report as filed (``version``: the one the province read, if given)."""
    with transaction.atomic():
        locked = _reviewable(actor=actor, filing=filing, version=version)
        locked.status = FilingStatus.APPROVED
        locked.reviewed_by = actor
        locked.reviewed_at = timezone.now()
        locked.version += 1
        locked.save(update_fields=["status", "reviewed_by", "reviewed_at", "version"])
        _audit(locked, actor, request, f"approved (round {locked.round})")
    return locked


def _audit(filing: Filing, actor, request, what: str) -> None:
    audit_record(
        action=Action.FILING,
        request=request,
        user=actor,
        object_type="filing",
        object_id=filing.pk,
        detail=f"{what}: unit {filing.unit.code}, {filing.month:%m/%Y}",
    )


def filing_save(
    *, actor, unit: AdministrativeUnit, month: datetime.date, version: int, **fields
) -> Filing:
    """The month page's "Save": the draft (started now if need be) with the text typed."""
    filing = filing_open(actor=actor, unit=unit, month=month)
    return filing_update(actor=actor, filing=filing, version=version, **fields)
