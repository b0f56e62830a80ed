"""The portal's own answers when a page cannot be shown: 403, 404, 429, 500 (503 when the
database is unreachable), and a refused form (CSRF). Vietnamese first, on the portal's layout
with the way back; JSON under /api/."""

from __future__ import annotations

import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError, connections
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token
from django.views.defaults import server_error as django_server_error

from .middleware import database_unavailable_response


def _wants_json(request) -> bool:
    return request.path.startswith("/api/")


def _refusal(request, status: int, title: str, detail: str):
    if _wants_json(request):
        return JsonResponse({"detail": detail}, status=status)
    context = {"code": status, "title": title, "detail": detail}
    return render(request, "refusal.html", context, status=status)


@requires_csrf_token
def permission_denied(request, exception=None):
    return _refusal(
        request, 403, _("Not allowed"), _("Your role may not open this page or do this.")
    )


@requires_csrf_token
def page_not_found(request, exception=None):
    return _refusal(
        request,
        404,
        _("Page not found"),
        _("This page does not exist, or what it shows is outside your area."),
    )


@requires_csrf_token
def too_many_requests(request, exception=None):
    return _refusal(
        request,
        429,
        _("Too many attempts"),
        _("Too many attempts in a short time: wait a minute, then try again."),
    )


@requires_csrf_token
def csrf_failure(request, reason: str = ""):
    """A form sent from a page that was open too long, or after signing in elsewhere."""
    return _refusal(
        request,
        403,
        _("This form has expired"),
        _("Go back, reload the page and send the form again."),
    )


@requires_csrf_token
def server_error(request, *args, **kwargs):
    """500 handler: when the error is the database being unreachable, say so with a 503 (the
    page needs no database) and drop the broken connections, so the next request reconnects
    and the portal recovers without a restart."""
    error = sys.exc_info()[1]
    if isinstance(error, (OperationalError, InterfaceError)):
        for connection in connections.all():
            connection.close()
        return database_unavailable_response(request)
    if _wants_json(request):
        return JsonResponse({"detail": _("Server error; it has been logged.")}, status=500)
    return django_server_error(request, *args, **kwargs)


def language(request, code: str):
    """The VI/EN switch: remembers the choice in the language cookie and goes back. A link,
    not a form, so public pages carry no CSRF token and can be cached (a language is no
    secret to forge)."""

    if code not in dict(settings.LANGUAGES):
        raise Http404
    back = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = "/"
    response = HttpResponseRedirect(back)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


# The help page's sections, per role (the role's own first); the roles' values as stored.
HELP_SECTIONS = {
    "team_leader": ("visit", "offline", "household"),
    "area_officer": ("roster", "report", "accounts", "visit"),
    "province_officer": ("review", "targets", "accounts"),
}
HELP_ALL = ("visit", "offline", "household", "roster", "report", "accounts", "review", "targets")


def help_page(request):
    """How to do the portal's everyday tasks, in plain words; the user's own first."""
    role = "admin" if request.user.is_superuser else getattr(request.user, "role", "")
    first = HELP_SECTIONS.get(role, ())
    order = list(first) + [s for s in HELP_ALL if s not in first]
    return render(request, "help.html", {"sections": order, "own": set(first)})
