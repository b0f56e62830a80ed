from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from core.exports import export_response, wants_export
from core.pagination import paginate, query_without_page

from .models import Action, AuditEvent, can_read_audit


def _day(value: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@login_required
def event_list(request):
    """Province officers search the log: by account, action, page and dates."""
    if not can_read_audit(request.user):
        raise PermissionDenied
    events = AuditEvent.objects.for_user(request.user)
    actor = request.GET.get("actor", "").strip()
    action = request.GET.get("action", "")
    since, until = _day(request.GET.get("since")), _day(request.GET.get("until"))
    if actor:
        events = events.filter(actor__icontains=actor)
    if action in Action.values:
        events = events.filter(action=action)
    if since:
        events = events.filter(at__date__gte=since)
    if until:
        events = events.filter(at__date__lte=until)
    if wants_export(request):
        return export_response(
            request,
            "nhat-ky",
            ["Thời điểm", "Tài khoản", "Hành động", "Trang", "Đối tượng", "Mã", "Mã HTTP", "Từ"],
            (
                (
                    e.at,
                    e.actor,
                    e.get_action_display(),
                    e.route,
                    e.object_type,
                    e.object_id,
                    e.status,
                    e.ip,
                )
                for e in events.iterator()
            ),
        )
    return render(
        request,
        "audit/event_list.html",
        {
            "page": paginate(request, events),
            "page_query": query_without_page(request),
            "actions": Action.choices,
            "actor": actor,
            "action": action,
            "since": request.GET.get("since", ""),
            "until": request.GET.get("until", ""),
        },
    )
