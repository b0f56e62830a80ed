from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from areas import selectors as area_selectors

from .selectors import scope_figures, unit_dashboard
from .tasks import rollup


def home(request):
    """The role-aware landing page: a welcome for visitors, the user's own area for others."""
    if not request.user.is_authenticated:
        return render(request, "home_public.html")
    tops = list(area_selectors.top_units_for_user(user=request.user))
    return render(
        request,
        "home.html",
        {
            "scopes": [
                (unit, area_selectors.unit_level_counts(unit=unit), scope_figures(unit=unit))
                for unit in tops
            ],
        },
    )


@login_required
def dashboard_home(request):
    tops = list(area_selectors.top_units_for_user(user=request.user))
    if not tops:
        raise Http404
    return redirect("dashboards:unit", pk=tops[0].pk)


@login_required
def dashboard_unit(request, pk: int):
    unit = area_selectors.get_unit_for_user(user=request.user, pk=pk)
    return render(
        request,
        "dashboards/unit.html",
        {
            "unit": unit,
            "breadcrumbs": area_selectors.unit_breadcrumbs(unit=unit, user=request.user),
            **unit_dashboard(unit=unit),
        },
    )


@login_required
@require_POST
def dashboard_refresh(request, pk: int):
    """An officer asks for fresh figures: the roll-up task runs (on a worker when there is
    one; in-process otherwise) and the page says so."""
    unit = area_selectors.get_unit_for_user(user=request.user, pk=pk)
    rollup.delay()
    messages.info(request, _("The figures are being recomputed; reload the page in a moment."))
    return redirect("dashboards:unit", pk=unit.pk)


@login_required
@require_POST
def report_request(request, pk: int):
    """Ask for the unit's report: a task builds it; the page lists it with its progress."""
    from django.db import transaction

    from .reports import report_request as request_report
    from .tasks import build_report

    unit = area_selectors.get_unit_for_user(user=request.user, pk=pk)
    report = request_report(user=request.user, unit=unit)
    transaction.on_commit(lambda: build_report.delay(report.pk))
    messages.info(request, _("Your report is being prepared; it appears below when ready."))
    return redirect("dashboards:reports")


@login_required
def report_list(request):
    from .models import Report

    reports = Report.objects.for_user(request.user).select_related("unit").defer("xlsx", "pdf")[:20]
    return render(request, "dashboards/reports.html", {"reports": reports})


@login_required
def report_download(request, pk: int, kind: str):
    from django.http import HttpResponse
    from django.shortcuts import get_object_or_404
    from django.utils.http import content_disposition_header

    from .models import Report, ReportStatus

    report = get_object_or_404(
        Report.objects.for_user(request.user), pk=pk, status=ReportStatus.DONE
    )
    content, mime = (
        (bytes(report.pdf), "application/pdf")
        if kind == "pdf"
        else (
            bytes(report.xlsx),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    )
    response = HttpResponse(content, content_type=mime)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"bao-cao-{report.unit.code}-{report.created_at:%Y%m%d}.{kind}"
    )
    return response
