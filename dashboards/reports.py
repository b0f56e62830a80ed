"""Official reports of a unit's figures: an xlsx and a PDF laid out like a Vietnamese
administrative report (issuing body, title, period, tables, place for date and signature)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format

from core.exports import xlsx_bytes

from .models import Report, ReportStatus
from .selectors import unit_dashboard

FIGURE_LABELS = [
    ("teams_active", "Số tổ công nghệ số cộng đồng đang hoạt động"),
    ("members_active", "Số thành viên tổ"),
    ("households", "Số hộ gia đình đã ghi nhận"),
    ("households_reached", "Số hộ đã được hỗ trợ"),
    ("citizens_helped", "Số người dân được hỗ trợ"),
    ("visits", "Số lượt thăm hộ"),
    ("trainees", "Số người được tập huấn"),
    ("trainees_completed", "Số người hoàn thành tập huấn"),
]


def report_request(*, user, unit) -> Report:
    return Report.objects.create(requested_by=user, unit=unit)


def report_build(*, report: Report) -> Report:
    """Make both files from the roll-up tables, as the figures stand now."""
    with translation.override("vi"):
        data = unit_dashboard(unit=report.unit)
        now = timezone.localtime()
        context = {
            "unit": report.unit,
            "issuer": "UBND TỈNH THÁI NGUYÊN",
            "title": "BÁO CÁO KẾT QUẢ HOẠT ĐỘNG TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG",
            "period": f"Tháng {now:%m/%Y}",
            "as_of": date_format(timezone.localtime(data["computed_at"]), "SHORT_DATETIME_FORMAT")
            if data["computed_at"]
            else "",
            "today": f"Thái Nguyên, ngày {now:%d} tháng {now:%m} năm {now:%Y}",
            "figures": [
                (label, getattr(data["figures"], key, 0) if data["figures"] else 0)
                for key, label in FIGURE_LABELS
            ],
            "children": data["children"],
            "apps": data["apps"],
        }
        rows = [[label, value] for label, value in context["figures"]]
        rows += [[], ["Đơn vị", "Hộ đã hỗ trợ / đã ghi", "Người dân được hỗ trợ"]]
        rows += [
            [c.unit.name, f"{c.households_reached}/{c.households}", c.citizens_helped]
            for c in data["children"]
        ]
        rows += [[], ["Ứng dụng", "Kết quả", "Số người dân"]]
        rows += [[a.app.name, a.outcome.name, a.citizens] for a in data["apps"]]
        report.xlsx = xlsx_bytes(
            ["Chỉ tiêu", "Số liệu", ""],
            rows,
            sheet_title="Báo cáo",
            extra_header_rows=[
                context["issuer"],
                context["title"],
                f"{report.unit.name} · {context['period']}",
            ],
        )
        from weasyprint import HTML

        html = render_to_string("dashboards/report_pdf.html", context)
        report.pdf = HTML(string=html).write_pdf()
    report.status = ReportStatus.DONE
    report.finished_at = timezone.now()
    report.save(update_fields=["xlsx", "pdf", "status", "finished_at"])
    return report
