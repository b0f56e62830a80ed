"""Official reports of a unit's figures: an xlsx and a PDF laid out like a Vietnamese
administrative report (issuing body, title, period, tables, place for date and signature)."""

from __future__ import annotations

import datetime

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format

from core.exports import xlsx_bytes

from .models import Report, ReportStatus
from .rollups import rollup
from .selectors import month_figures, unit_dashboard

FIGURE_LABELS = [
    ("teams_active", "Số tổ công nghệ số cộng đồng đang hoạt động"),
    ("members_active", "Số thành viên tổ"),
    ("households", "Số hộ gia đình đã ghi nhận"),
    ("households_reached", "Số hộ đã được gặp (hỗ trợ hoặc tuyên truyền)"),
    ("citizens_helped", "Số người dân được hỗ trợ"),
    ("visits", "Số lượt thăm hộ"),
    ("visits_informed", "Trong đó: gặp, chỉ tuyên truyền"),
    ("visits_nobody_home", "Trong đó: không gặp ai ở nhà"),
    ("trainees", "Số người được tập huấn"),
    ("trainees_completed", "Số người hoàn thành tập huấn"),
]


MONTH_LABELS = [
    ("visits", "Số lượt thăm hộ trong tháng"),
    ("visits_nobody_home", "Trong đó: không gặp ai ở nhà"),
    ("households_visited", "Số hộ được gặp trong tháng"),
    ("citizens_helped", "Số người dân được hỗ trợ trong tháng"),
    ("assistances", "Số lượt hỗ trợ cài đặt, sử dụng ứng dụng trong tháng"),
    ("trainees_completed", "Số người hoàn thành tập huấn trong tháng"),
]


def report_request(*, user, unit, month: datetime.date) -> Report:
    return Report.objects.create(requested_by=user, unit=unit, month=month)


def _progress(report: Report, percent: int) -> None:
    report.progress = percent
    Report.objects.filter(pk=report.pk).update(progress=percent)


def report_build(*, report: Report) -> Report:
    """Make both files from the roll-up tables: the month's activity, then the running
    totals as they stand now. Progress is saved as it goes (the reports page shows it)."""
    month = report.month or timezone.localdate().replace(day=1)
    rollup()  # what changed since the last run: a report states the facts as they are now
    _progress(report, 10)
    with translation.override("vi"):
        data = unit_dashboard(unit=report.unit)
        during = month_figures(unit=report.unit, month=month)
        now = timezone.localtime()
        context = {
            "unit": report.unit,
            "issuer": "UBND TỈNH THÁI NGUYÊN",
            "title": "BÁO CÁO KẾT QUẢ HOẠT ĐỘNG TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG",
            "period": f"Tháng {month:%m/%Y}",
            "as_of": date_format(timezone.localtime(data["computed_at"]), "SHORT_DATETIME_FORMAT")
            if data["computed_at"]
            else "",
            "today": f"Thái Nguyên, ngày {now:%d} tháng {now:%m} năm {now:%Y}",
            "month_figures": [(label, during["own"][key]) for key, label in MONTH_LABELS],
            "figures": [
                (label, getattr(data["figures"], key, 0) if data["figures"] else 0)
                for key, label in FIGURE_LABELS
            ],
            "children": [
                (child, during["children"].get(child.unit_id)) for child in data["children"]
            ],
            "apps": data["apps"],
        }
        _progress(report, 30)
        rows: list[list] = [["I. Kết quả trong tháng", ""]]
        rows += [[label, value] for label, value in context["month_figures"]]
        rows += [[], ["II. Số liệu lũy kế", ""]]
        rows += [[label, value] for label, value in context["figures"]]
        rows += [
            [],
            [
                "Đơn vị",
                "Lượt thăm trong tháng",
                "Người dân được hỗ trợ trong tháng",
                "Hộ đã hỗ trợ / đã ghi (lũy kế)",
                "Người dân được hỗ trợ (lũy kế)",
            ],
        ]
        rows += [
            [
                child.unit.name,
                month_row.visits if month_row else 0,
                month_row.citizens_helped if month_row else 0,
                f"{child.households_reached}/{child.households}",
                child.citizens_helped,
            ]
            for child, month_row in context["children"]
        ]
        rows += [[], ["Ứng dụng", "Kết quả", "Số người dân (lũy kế)"]]
        rows += [[a.app.name, a.outcome.name, a.citizens] for a in data["apps"]]
        report.xlsx = xlsx_bytes(
            ["Chỉ tiêu", "Số liệu", "", "", ""],
            rows,
            sheet_title="Báo cáo",
            extra_header_rows=[
                context["issuer"],
                context["title"],
                f"{report.unit.name} · {context['period']}",
            ],
        )
        _progress(report, 50)
        from weasyprint import HTML

        html = render_to_string("dashboards/report_pdf.html", context)
        report.pdf = HTML(string=html).write_pdf()
    report.status = ReportStatus.DONE
    report.progress = 100
    report.finished_at = timezone.now()
    report.save(update_fields=["xlsx", "pdf", "status", "progress", "finished_at"])
    return report


def report_fail(*, report_id: int) -> None:
    """A build that raised: the page says "failed" instead of "being prepared" for ever."""
    Report.objects.filter(pk=report_id).update(status=ReportStatus.FAILED)
