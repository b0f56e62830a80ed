"""Writing audit events. Callers name what happened; who and from where come from the
request (core.http.client_ip: REMOTE_ADDR, or the address the trusted proxies saw)."""

from __future__ import annotations

from core.http import client_ip

from .models import Action, AuditEvent


def audit_record(
    *,
    action: str,
    request=None,
    user=None,
    route: str = "",
    object_type: str = "",
    object_id: str | int = "",
    status: int | None = None,
    detail: str = "",
) -> AuditEvent:
    user = user if user is not None else getattr(request, "user", None)
    known = user is not None and user.is_authenticated
    return AuditEvent.objects.create(
        actor_id=user.pk if known else None,
        actor=user.get_username() if known else "",
        action=Action(action),
        route=route or (request.resolver_match.view_name if _resolved(request) else ""),
        object_type=object_type,
        object_id=str(object_id)[:50],
        status=status,
        ip=client_ip(request),
        detail=detail[:300],
    )


def _resolved(request) -> bool:
    return request is not None and getattr(request, "resolver_match", None) is not None
