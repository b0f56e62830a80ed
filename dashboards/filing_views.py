"""The report a commune files: the commune officer's month page (edit, preview, submit,
download) and the province's pages (which communes have submitted, review, return, approve).
dashboards.filings writes; who may is asked of accounts.policies."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import policies
from accounts.policies import require, requires
from areas import selectors as area_selectors
from areas.models import AdministrativeUnit, Level
from core.exports import XLSX_CONTENT_TYPE
from core.pagination import paginate, query_without_page

from . import filings, selectors, services
from .filing_forms import FilingForm, FilingReturnForm, FilingSubmitForm
from .models import Filing, FilingStatus

MONTH_FORMAT = "%Y-%m"


def _month(value: str | None) -> datetime.date | None:
    """ "2026-11" → 1 November 2026; None when not a month that has begun."""
    try:
        month = datetime.datetime.strptime(value or "", MONTH_FORMAT).date()  # noqa: DTZ007
    except ValueError:
        return None
    return month if month <= timezone.localdate().replace(day=1) else None


def _commune_month(request, pk: str | int, month: str) -> tuple[AdministrativeUnit, datetime.date]:
    unit = area_selectors.get_unit_for_user(user=request.user, pk=int(pk))  # 404 outside
    require(policies.can_file_report, request.user, unit)
    day = _month(month)
    if day is None:
        raise Http404
    return unit, day


def _month_url(unit: AdministrativeUnit, month: datetime.date) -> str:
    return reverse("filings:month", args=[unit.pk, month.strftime(MONTH_FORMAT)])


def _live_document(unit: AdministrativeUnit, month: datetime.date, filing: Filing | None):
    """The report as it would be filed now (the draft's text, today's figures)."""
    if filing is None:
        filing = Filing(unit=unit, month=month, **filings.filing_defaults(month=month))
    else:
        filing.cut_off = filings.cut_off_for(month)
    return filings.filing_snapshot(filing=filing)


@login_required
def filing_mine(request):
    """Where "Monthly report" leads: this month's report of the officer's commune (or the
    month asked for); the province's officers go to the communes' submissions."""
    user = request.user
    scope = user.scope_unit if user.scope_unit_id else None
    if scope is not None and policies.can_file_report(user, scope):
        month = _month(request.GET.get("month")) or timezone.localdate().replace(day=1)
        return redirect(_month_url(scope, month))
    if policies.can_review_filings(user):
        return redirect("filings:submissions")
    raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def filing_month(request, pk: str, month: str):
    unit, day = _commune_month(request, pk, month)
    filing = Filing.objects.filter(unit=unit, month=day).first()
    editable = filing is None or filing.status in filings.EDITABLE_STATUSES
    if request.method == "POST" and not editable:
        messages.error(request, _("This report was submitted: it can no longer be changed."))
        return redirect(_month_url(unit, day))
    if filing is not None:
        initial = {name: getattr(filing, name) for name in filings.EDITABLE}
        initial["version"] = filing.version
    else:
        initial = {**filings.filing_defaults(month=day), "version": 0}
    form = FilingForm(request.POST or None, initial=initial, filing=filing)
    if request.method == "POST" and (
        saved := form.submit(filings.filing_save, actor=request.user, unit=unit, month=day)
    ):
        if request.POST.get("action") == "submit":
            return redirect("filings:submit", pk=unit.pk, month=month)
        messages.success(request, _("The draft was saved."))
        return redirect(_month_url(saved.unit, saved.month))
    if editable:
        services.figures_keep_fresh()  # the preview counts what was recorded until now
        snapshot = _live_document(unit, day, filing)
    else:
        snapshot = filing.figures  # type: ignore[union-attr]
    return render(
        request,
        "dashboards/filing_month.html",
        {
            "unit": unit,
            "month": day,
            "filing": filing,
            "form": form if editable else None,
            "doc": filings.filing_document(snapshot),
            "live": editable,
            "filings": selectors.unit_filings(unit=unit),
            "months": selectors.report_months(),
            "statuses": FilingStatus,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def filing_submit(request, pk: str, month: str):
    """The confirmation: what will be filed, then "Submit"."""
    unit, day = _commune_month(request, pk, month)
    filing = Filing.objects.filter(unit=unit, month=day).first()
    if filing is None or filing.status not in filings.EDITABLE_STATUSES:
        return redirect(_month_url(unit, day))
    form = FilingSubmitForm(request.POST or None, initial={"version": filing.version})
    if request.method == "POST" and form.submit(
        filings.filing_submit, actor=request.user, filing=filing, request=request
    ):
        messages.success(
            request,
            _("The report for %(month)s was submitted to the province.")
            % {"month": day.strftime("%m/%Y")},
        )
        return redirect(_month_url(unit, day))
    return render(
        request,
        "dashboards/filing_submit.html",
        {"unit": unit, "month": day, "filing": filing, "form": form},
    )


@login_required
def filing_preview(request, pk: str, month: str, kind: str):
    """The draft as it would be filed now, marked "DỰ THẢO" (draft)."""
    unit, day = _commune_month(request, pk, month)
    filing = Filing.objects.filter(unit=unit, month=day).first()
    services.figures_keep_fresh()
    snapshot = _live_document(unit, day, filing)
    if kind == "pdf":
        content = filings.filing_pdf(snapshot, draft=True)
    elif kind == "xlsx":
        content = filings.filing_xlsx(snapshot, draft=True)
    else:
        raise Http404
    return _file(content, kind, f"du-thao-bao-cao-{unit.code}-{day:%Y-%m}")


@login_required
def filing_download(request, pk: int, kind: str):
    """The files as they were filed (the latest submission)."""
    require(policies.can_read_reports, request.user)
    filing = selectors.get_filing_for_user(user=request.user, pk=pk)
    content = bytes(filing.pdf if kind == "pdf" else filing.xlsx)
    if not filing.round or kind not in ("pdf", "xlsx") or not content:
        raise Http404
    return _file(content, kind, f"bao-cao-{filing.unit.code}-{filing.month:%Y-%m}")


def _file(content: bytes, kind: str, stem: str) -> HttpResponse:
    mime = "application/pdf" if kind == "pdf" else XLSX_CONTENT_TYPE
    response = HttpResponse(content, content_type=mime)
    response["Content-Disposition"] = content_disposition_header(  # type: ignore[assignment]
        as_attachment=kind != "pdf", filename=f"{stem}.{kind}"
    )
    return response


# --- The province -----------------------------------------------------------------------


@login_required
@requires(policies.can_review_filings)
def filing_submissions(request):
    months = selectors.report_months()
    month = _month(request.GET.get("month")) or months[0]
    if month not in months:
        months.append(month)
    rows, counts = selectors.filing_submissions(user=request.user, month=month)
    labels = {selectors.FILING_NOT_STARTED: _("Not started"), **dict(FilingStatus.choices)}
    for row in rows:
        row.label = labels[row.status]
    status = request.GET.get("status", "")
    if status in counts:
        rows = [row for row in rows if row.status == status]
    else:
        status = ""
    return render(
        request,
        "dashboards/filing_submissions.html",
        {
            "month": month,
            "months": months,
            "status": status,
            "counts": [(key, labels[key], n) for key, n in counts.items()],
            "total": sum(counts.values()),
            # Since July 2025 communes sit under the province: no district column then.
            "with_districts": any(row.unit.parent.level == Level.DISTRICT for row in rows),
            "page": paginate(request, rows, per_page=100),
            "page_query": query_without_page(request),
        },
    )


def _reviewed(request, pk: int) -> Filing:
    filing = selectors.get_filing_for_user(user=request.user, pk=pk)
    require(policies.can_review_filings, request.user)
    return filing


def _review_page(request, filing: Filing, form: FilingReturnForm, status: int = 200):
    return render(
        request,
        "dashboards/filing_review.html",
        {
            "filing": filing,
            "form": form,
            "doc": filings.filing_document(filing.figures) if filing.round else None,
            "statuses": FilingStatus,
            "back": reverse("filings:submissions") + f"?month={filing.month:%Y-%m}",
        },
        status=status,
    )


@login_required
def filing_review(request, pk: int):
    filing = _reviewed(request, pk)
    return _review_page(request, filing, FilingReturnForm())


@login_required
@require_http_methods(["POST"])
def filing_return(request, pk: int):
    filing = _reviewed(request, pk)
    form = FilingReturnForm(request.POST)
    if form.submit(filings.filing_return, actor=request.user, filing=filing, request=request):
        messages.success(
            request,
            _("The report of %(unit)s was returned with your comment.")
            % {"unit": filing.unit.name},
        )
        return redirect(reverse("filings:submissions") + f"?month={filing.month:%Y-%m}")
    return _review_page(request, filing, form)


@login_required
@require_http_methods(["GET", "POST"])
def filing_approve(request, pk: int):
    """The confirmation, then the approval."""
    filing = _reviewed(request, pk)
    form = FilingSubmitForm(request.POST or None, initial={"version": filing.version})
    if request.method == "POST" and form.submit(
        filings.filing_approve, actor=request.user, filing=filing, request=request
    ):
        messages.success(
            request, _("The report of %(unit)s was approved.") % {"unit": filing.unit.name}
        )
        return redirect(reverse("filings:submissions") + f"?month={filing.month:%Y-%m}")
    return render(request, "dashboards/filing_approve.html", {"filing": filing, "form": form})
