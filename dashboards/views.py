from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.menu import first_tasks
from accounts.policies import May
from areas import selectors as area_selectors
from core import outbox
from core.cache import kept
from core.sheets import parse_date

from . import services
from .models import Report, ReportStatus
from .reports import report_request as request_report
from .selectors import (
    indicator_panel,
    indicator_panel_key,
    refresh_status,
    report_months,
    scope_figures,
    unit_dashboard,
)
from .tasks import build_report


def home(request):
    """The role-aware landing page: a welcome for visitors, the user's own area for others."""
    if not request.user.is_authenticated:
        return render(request, "home_public.html")
    tops = list(area_selectors.top_units_for_user(user=request.user))
    return render(
        request,
        "home.html",
        {
            "first_tasks": first_tasks(request.user),
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


def _as_of(request, unit) -> tuple[datetime.date | None, str]:
    """The day whose structure to show (None: today's, from the roll-up tables) and a notice
    when the asked day cannot be shown. ``?as_of=`` picks the day; a former unit shows its
    last day unless asked for an earlier one."""

    raw = request.GET.get("as_of", "").strip()
    try:
        day = parse_date(raw) if raw else None
    except ValueError:
        day = None
        notice = _("“%(value)s” is not a date: today's structure is shown.") % {"value": raw}
    else:
        notice = ""
    if day is not None and not unit.was_valid_on(day):
        notice = _("%(unit)s did not exist on %(date)s.") % {
            "unit": unit.name,
            "date": day.strftime("%d/%m/%Y"),
        }
        day = None
    if day is None:
        day = unit.valid_to  # a former unit: its last day; a current one: today (None)
    if day is not None and unit.valid_to is None and day >= timezone.localdate():
        day = None
    return day, notice


@login_required
def dashboard_unit(request, pk: int):
    unit = area_selectors.get_unit_for_user(user=request.user, pk=pk)
    as_of, notice = _as_of(request, unit)
    if notice:
        messages.warning(request, notice)
    status = services.figures_keep_fresh()
    today_map = as_of is not None and request.GET.get("map") == "today"
    ranked = request.GET.get("indicator", "")
    key = _figures_key(unit=unit, as_of=as_of, today_map=today_map, status=status)
    counted: dict = {}

    def render_shared() -> dict:
        counted.update(
            unit_dashboard(
                unit=unit,
                as_of=as_of,
                user=request.user,
                status=status,
                ranked=ranked,
                today_map=today_map,
            )
        )
        return _render_figures({"unit": unit, "as_of": as_of, **counted})

    shared = kept(key, render_shared) if key else render_shared()
    if counted:  # counted just now, with this user's parts
        data = counted
    else:  # served from what was computed: only the per-user parts are read
        indicators, indicators_html = _indicators_kept(
            request, unit=unit, ranked=ranked, run=status["computed_at"]
        )
        data = {
            **status,
            "figures": shared["figures"],
            "indicators": indicators,
            "indicators_html": mark_safe(indicators_html),  # noqa: S308 - our own template
        }
    return render(
        request,
        "dashboards/unit.html",
        {
            "unit": unit,
            "as_of": as_of,
            "today_map": today_map,
            "breadcrumbs": area_selectors.unit_breadcrumbs(unit=unit, user=request.user),
            "report_months": report_months(),
            **data,
            "headline_html": mark_safe(shared["headline"]),  # noqa: S308 - our own templates
            "figures_html": mark_safe(shared["body"]),  # noqa: S308 - our own templates
        },
    )


def _indicators_kept(request, *, unit, ranked: str, run) -> tuple[dict, str]:
    """Today's indicators panel of ``unit`` for this user, and its HTML: kept for users of
    the same scope and rights until the roll-up runs or an input changes
    (selectors.indicator_panel_key). A province's panel takes a few hundred milliseconds to
    count and tens to draw."""
    may = May(request.user)
    rights = f"{may.record_population:d}{may.set_target:d}"  # the panel's links
    key = indicator_panel_key(unit=unit, user=request.user, ranked=ranked, run=run)

    def draw() -> tuple[dict, str]:
        panel = indicator_panel(unit=unit, user=request.user, ranked=ranked)
        context = {"unit": unit, "as_of": None, "indicators": panel, "may": may}
        return panel, render_to_string("dashboards/_indicators.html", context)

    return kept(f"{key}:{rights}", draw)


def _figures_key(*, unit, as_of, today_map: bool, status: dict) -> str | None:
    """The cache key (core.cache.kept) of a dashboard's shared figures: the unit, the
    language, the day (today's weeks and months end today), the structure's day and map, and
    the roll-up they were read from. Figures as of a past day are counted afresh (the
    indicators share that work), and figures never computed are not kept."""

    computed_at = status.get("computed_at")
    if as_of is not None or computed_at is None:
        return None
    return ":".join(
        (
            "dashboard-figures",
            str(unit.pk),
            get_language() or "",
            timezone.localdate().isoformat(),
            str(bool(today_map)),
            computed_at.isoformat(),
        )
    )


def _render_figures(context: dict) -> dict:
    """The shared parts of a dashboard, rendered once in the active language."""

    return {
        "figures": bool(context["figures"]),
        "headline": render_to_string("dashboards/_unit_headline.html", context)
        if context["figures"]
        else "",
        "body": render_to_string("dashboards/_unit_figures.html", context)
        if context["figures"]
        else "",
    }


@login_required
@require_POST
def dashboard_refresh(request, pk: int):
    """An officer asks for fresh figures: the roll-up task runs (on a worker when there is
    one; in-process otherwise); the page shows it is running and reloads when done."""
    unit = area_selectors.get_unit_for_user(user=request.user, pk=pk)
    services.figures_refresh_request()
    messages.info(request, _("The figures are being recomputed; this page updates when done."))
    return redirect("dashboards:unit", pk=unit.pk)


@login_required
def dashboard_status(request):
    """For the page's script: are the figures being recomputed, and since when computed."""

    status = refresh_status()
    computed_at = status["computed_at"]
    return JsonResponse(
        {
            "refreshing": status["refreshing"],
            "computed_at": computed_at.isoformat() if computed_at else None,
        }
    )


@login_required
@require_POST
def report_request(request, pk: int):
    """Ask for the unit's report: a task builds it; the page lists it with its progress."""

    unit = area_selectors.get_unit_for_user(user=request.user, pk=pk)
    months = {month.strftime("%Y-%m"): month for month in report_months()}
    month = months.get(request.POST.get("month", ""))
    if month is None:
        messages.error(request, _("Choose one of the months offered."))
        return redirect("dashboards:unit", pk=unit.pk)
    report = request_report(user=request.user, unit=unit, month=month)
    transaction.on_commit(lambda: outbox.send(build_report, report.pk))
    messages.info(request, _("Your report is being prepared; it appears below when ready."))
    return redirect("dashboards:reports")


@login_required
def report_list(request):

    reports = list(
        Report.objects.for_user(request.user).select_related("unit").defer("xlsx", "pdf")[:20]
    )
    return render(
        request,
        "dashboards/reports.html",
        {"reports": reports, "pending": any(r.status == "pending" for r in reports)},
    )


@login_required
def report_download(request, pk: int, kind: str):

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
    month = report.month or report.created_at
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"bao-cao-{report.unit.code}-{month:%Y-%m}.{kind}"
    )
    return response
