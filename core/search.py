"""Search text kept out of URLs.

What officers type in a search box is often a person's name or phone number. In a URL it would
end up in browser history, proxy and server access logs and Referer headers (the CommCare leak).
So the search forms of signed-in pages are POSTed; this middleware keeps the text in the
session under a short random token and redirects to the list with ``?s=<token>`` instead.
Pagination, sorting and export links carry the token like any other filter.

A ``?q=`` from an old bookmark is redirected the same way. Anonymous pages (the public team
directory, which searches hamlet names) keep their plain ``?q=``.
"""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.http import HttpRequest, HttpResponseRedirect
from django.utils.http import urlencode
from django.utils.translation import gettext as _

SEARCH_FIELD = "q"
TOKEN_FIELD = "s"
MARKER_FIELD = "_search"  # the hidden field that marks a POST as a search form's
SESSION_KEY = "searches"
MAX_KEPT = 30  # searches remembered per session (oldest dropped)
MAX_LENGTH = 100
# Pages with their own search box, outside the portal's lists: the Django admin, the API.
EXEMPT_NAMESPACES = {"admin", "api"}


def search_text(request: HttpRequest) -> str:
    """The search the list should apply: from the session token, else a plain ``?q=``."""
    token = request.GET.get(TOKEN_FIELD, "")
    if token:
        session = getattr(request, "session", None)
        kept = session.get(SESSION_KEY, {}) if session is not None else {}
        return kept.get(token, "")
    return request.GET.get(SEARCH_FIELD, "").strip()[:MAX_LENGTH]


def _token_for(request: HttpRequest, text: str) -> str:
    kept: dict[str, str] = dict(request.session.get(SESSION_KEY, {}))
    for token, value in kept.items():
        if value == text:
            return token
    token = secrets.token_urlsafe(6)
    kept[token] = text
    while len(kept) > MAX_KEPT:
        kept.pop(next(iter(kept)))
    request.session[SESSION_KEY] = kept
    return token


def _redirect(request: HttpRequest, params: list[tuple[str, str]], text: str):
    params = [(k, v) for k, v in params if k not in (SEARCH_FIELD, TOKEN_FIELD, "page") and v != ""]
    if text:
        params.append((TOKEN_FIELD, _token_for(request, text)))
    query = urlencode(params)
    return HttpResponseRedirect(request.path + (f"?{query}" if query else ""), status=303)


class PrivateSearchMiddleware:
    """After CSRF and authentication: its ``process_view`` runs once the CSRF check passed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        match = getattr(request, "resolver_match", None)
        if match is not None and match.namespace in EXEMPT_NAMESPACES:
            return None
        token = request.GET.get(TOKEN_FIELD, "")
        if request.method == "GET" and token and token not in request.session.get(SESSION_KEY, {}):
            # An expired session, or a link from someone else's: never show (or export) the
            # whole list as if it were the search.
            messages.info(request, _("That search is no longer available: search again."))
            fields = [(key, value) for key, values in request.GET.lists() for value in values]
            return _redirect(request, [(k, v) for k, v in fields if k != "export"], "")
        if request.method == "POST" and MARKER_FIELD in request.POST:
            text = request.POST.get(SEARCH_FIELD, "").strip()[:MAX_LENGTH]
            fields = [
                (key, value)
                for key, values in request.POST.lists()
                if key not in ("csrfmiddlewaretoken", MARKER_FIELD)
                for value in values
            ]
            return _redirect(request, fields, text)
        if request.method == "GET" and SEARCH_FIELD in request.GET:
            text = request.GET.get(SEARCH_FIELD, "").strip()[:MAX_LENGTH]
            fields = [(key, value) for key, values in request.GET.lists() for value in values]
            return _redirect(request, fields, text)
        return None
