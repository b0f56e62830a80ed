"""Audit of page and API reads, exports, imports, account changes and denials, decided in one
place from the route that answered, whatever the method: a new personal-data page is audited
by adding its route name to PERSONAL_ROUTES (tests/test_permission_matrix.py fails for a route
that shows someone's personal data without leaving an audit row, by any method)."""

from __future__ import annotations

import logging

from .models import Action
from .services import audit_record

# Routes that show personal data (names, phones, households), with what they show.
PERSONAL_ROUTES = {
    "teams:team-detail": "team",
    "teams:member-list": "member",
    "teams:member-edit": "member",
    "teams:member-retire": "member",
    "citizens:household-list": "household",
    "citizens:household-detail": "household",
    "citizens:household-edit": "household",
    "citizens:citizen-add": "household",
    "citizens:citizen-list": "citizen",
    "citizens:citizen-edit": "citizen",
    "citizens:citizen-data": "citizen",
    "citizens:citizen-anonymise": "citizen",
    "citizens:citizen-phone": "citizen",
    "citizens:duplicate-list": "citizen",
    "citizens:duplicate-merge": "citizen",
    "citizens:merge-list": "citizen",
    "citizens:merge-undo": "citizen",
    "training:course-detail": "trainee",
    "training:session-attendance": "trainee",
    "training:completion": "trainee",
    "imports:preview": "import",
    "imports:errors": "import",
    "visits:visit-list": "visit",
    "visits:visit-detail": "visit",
    "visits:visit-correct": "visit",
    "visits:visit-withdraw": "visit",
    "field:home": "household",
    "field:data": "household",
    "accounts:user-list": "user",
    "accounts:user-set-active": "user",
    "accounts:user-password-reset": "user",
    "teams:leader-accounts": "member",
    "api:member-list": "member",
    "api:member-detail": "member",
    "api:household-list": "household",
    "api:household-detail": "household",
    "api:citizen-list": "citizen",
    "api:citizen-detail": "citizen",
    "api:visit-list": "visit",
    "api:visit-detail": "visit",
    "api:visit-correct": "visit",
    "api:visit-withdraw": "visit",
    "api:attendance-list": "trainee",
    "api:attendance-detail": "trainee",
    "api:member-search": "member",
    "api:household-search": "household",
    "api:citizen-search": "citizen",
    "api:visit-search": "visit",
    "api:attendance-search": "trainee",
    "dashboards:report-download": "report",
}
# Successful POSTs that change who may do what, or bring data in.
CHANGE_ROUTES = {
    "accounts:user-create": Action.ACCOUNT,
    "accounts:user-set-active": Action.ACCOUNT,
    "account_change_password": Action.ACCOUNT,
    "account_set_password": Action.ACCOUNT,
    "mfa_activate_totp": Action.ACCOUNT,
    "mfa_deactivate_totp": Action.ACCOUNT,
    "imports:confirm": Action.IMPORT,
}
EXPORT_FORMATS = {"xlsx", "csv"}
EXPORT_ROUTES = {"dashboards:report-download", "citizens:citizen-data"}
# Pages showing a number that lists mask (a citizen's full phone).
REVEAL_ROUTES = {"citizens:citizen-phone"}


class AuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        try:
            self._record(request, response)
        except Exception:  # noqa: BLE001 - never lose the user's answer to the log
            logging.getLogger("audit").exception("audit event not written")
        return response

    def _record(self, request, response) -> None:
        match = getattr(request, "resolver_match", None)
        route = match.view_name if match else ""
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        status = response.status_code
        object_id = (match.kwargs.get("pk", "") if match else "") or ""
        if status in (401, 403) or (status == 404 and match and signed_in):
            audit_record(
                action=Action.DENIED,
                request=request,
                route=route,
                object_id=object_id,
                status=status,
            )
            return
        if not signed_in or status >= 400:
            return
        # A change went through when it answers 201 or redirects; a form shown again (200)
        # had errors and changed nothing.
        if request.method == "POST" and route in CHANGE_ROUTES and status in (201, 302):
            audit_record(
                action=CHANGE_ROUTES[route],
                request=request,
                route=route,
                object_id=object_id,
                status=status,
            )
            return
        # Any method that answered with the page (GET, HEAD, a POST showing a form again, the
        # API's OPTIONS): what answered shows personal data, so it is a read.
        if route in PERSONAL_ROUTES:
            exported = request.GET.get("export") in EXPORT_FORMATS or route in EXPORT_ROUTES
            action = Action.EXPORT if exported else Action.READ
            full = exported and request.GET.get("numbers") == "full"
            audit_record(
                action=Action.REVEAL if route in REVEAL_ROUTES else action,
                request=request,
                route=route,
                object_type=PERSONAL_ROUTES[route],
                object_id=object_id,
                status=status,
                detail="full numbers" if full else "",
            )
