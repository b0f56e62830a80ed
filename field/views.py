"""The field page for team leaders' phones: a small shell, its data and its service worker.

The shell is the same for every user and hamlet (the hamlet comes from ``?hamlet=`` and
everything personal from ``data.json``), so the service worker can serve it from its cache
when the phone has no signal.
"""

from __future__ import annotations

import hashlib
import json
import logging

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.db import DatabaseError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET

from accounts import policies
from accounts.services import user_field_synced

from . import selectors

logger = logging.getLogger(__name__)

# The REST API's endpoints the outbox posts to (idempotent on client_uuid).
VISITS_API_URL = "/api/v1/visits/"
HOUSEHOLDS_API_URL = "/api/v1/households/"
STATIC_FILES = ("field/field.js", "field/field.css")
# Bump when the service worker's own logic changes (its caches are named after the version).
SW_REVISION = "1"


def _api_url(name: str, fallback: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return fallback


def _strings() -> dict[str, str]:
    """What the page's script says, translated here (no JavaScript catalogue to download)."""
    return {
        "progress": _("Visited %(done)s/%(total)s households"),
        "not_visited": _("Not visited"),
        "visited_on": _("Visited %(date)s"),
        "nobody_tag": _("Nobody home"),
        "visited_waiting": _("Visited · waiting to send"),
        "nobody_waiting": _("Nobody home · waiting to send"),
        "new_household": _("New household · waiting to send"),
        "apps": _("Apps: %(count)s"),
        "waiting": _("Waiting to send"),
        "waiting_household": _("Waiting for its household to be sent first."),
        "attention": _("Needs attention"),
        "outbox": _("To send: %(count)s"),
        "saved_visit": _("Visit to %(name)s saved: %(what)s."),
        "saved_visit_offline": _(
            "Visit to %(name)s saved on this phone: %(what)s. It will be sent when the "
            "connection returns."
        ),
        "what_helped": _("%(people)s people helped, %(apps)s apps"),
        "what_informed": _("met, information only"),
        "what_nobody": _("nobody at home"),
        "household_saved": _("Household of %(name)s added."),
        "household_saved_offline": _(
            "Household of %(name)s added on this phone: it will be sent when the connection "
            "returns."
        ),
        "household_label": _("New household: %(name)s"),
        "changed_on_portal": _("The visit to %(name)s was changed on the portal since."),
        "withdrawn_on_portal": _("The visit to %(name)s was withdrawn on the portal."),
        "sent": _("All visits sent."),
        "offline": _("No connection: visits stay on this phone until it returns."),
        "signed_out": _("You are signed out: sign in again to send the visits."),
        "server_error": _("The server did not answer: trying again later."),
        "no_match": _("No household matches."),
        "more": _("Showing %(shown)s of %(total)s: type to narrow down."),
        "left": _("Left to do: %(apps)s"),
        "left_all": _("Nothing done yet: all %(count)s apps left"),
        "all_done": _("All apps done"),
        "to_do": _("To do: %(count)s"),
        "need_kind": _(
            "Choose what happened: helped with apps, met for information only, or nobody at home."
        ),
        "need_person": _("Tick at least one person."),
        "need_outcome": _("Choose an app and what was done."),
        "need_name": _("Enter the person's full name."),
        "need_consent": _(
            "This household has not agreed yet to store its members' data: tick its consent "
            "before adding a person."
        ),
        "need_head": _("Enter the name of the head of household."),
        "bad_members": _("The number of members is between 1 and 60."),
        "bad_phones": _("The number of smartphones is between 0 and 60."),
        "duplicate_household": _("This household is already in the list: search for it."),
        "bad_year": _("The year of birth has four digits."),
        "bad_date": _("Choose the date of the visit."),
        "new_person": _("new"),
        "storage_error": _("Could not save on this phone."),
        "storage_persistent": _(
            "This phone keeps what waits here until it is sent, even when space runs low."
        ),
        "storage_best_effort": _(
            "This phone may delete what waits here when space runs low: send it soon, or "
            "save it to a file."
        ),
        "logout_warning": _(
            "%(count)s visits have not been sent yet. Signing out deletes them from this "
            "phone. Sign out anyway?"
        ),
        "logout_offline": _("Signing out needs a connection."),
        "discard": _("Discard"),
        "discard_confirm": _("Discard this visit for good? It will not be sent."),
        "discard_household_confirm": _(
            "Discard this household for good, with the visits recorded for it? They will not "
            "be sent."
        ),
        "nothing_waiting": _("Nothing waiting to be sent."),
        "no_team": _("This hamlet has no active team."),
        "load_error": _("Could not load the household list."),
        "sign_in": _("Sign in again"),
        "other_account": _("Recorded by another account: sign in with it to send."),
    }


@login_required
@ensure_csrf_cookie
@cache_control(private=True, no_cache=True)
@gzip_page
@require_GET
def home(request):
    if not policies.can_record_visits(request.user):
        raise Http404
    context = {
        "strings": _strings(),
        "api_url": _api_url("api:visit-list", VISITS_API_URL),
        "households_api_url": _api_url("api:household-list", HOUSEHOLDS_API_URL),
        "csrf_cookie_name": settings.CSRF_COOKIE_NAME,
    }
    return render(request, "field/home.html", context)


@login_required
@never_cache
@gzip_page
@require_GET
def data(request):
    hamlet_id = request.GET.get("hamlet")
    if hamlet_id is not None and not hamlet_id.isdigit():
        raise Http404
    hamlet = selectors.get_field_hamlet_for_user(
        user=request.user, hamlet_id=int(hamlet_id) if hamlet_id else None
    )
    try:
        user_field_synced(user=request.user)  # one UPDATE, in autocommit: nothing to roll back
    except DatabaseError:
        # Bookkeeping: a database too busy for the stamp must not cost the leader the list
        # at the door (the next fetch or send stamps it).
        logger.warning("field sync not stamped for user %s", request.user.pk, exc_info=True)
    return JsonResponse(
        selectors.field_data(user=request.user, hamlet=hamlet),
        json_dumps_params={"ensure_ascii": False, "separators": (",", ":")},
    )


def _sw_version(precache: list[str]) -> str:
    """Changes whenever a cached static file changes: hashed URLs in production, the files'
    content where they are served from the source folders. (The shell needs none: the
    worker refreshes it in the background on every visit.)"""
    digest = hashlib.sha256(f"{SW_REVISION} {precache}".encode())
    for name in STATIC_FILES:
        path = finders.find(name)
        if path:
            with open(path, "rb") as f:
                digest.update(f.read())
    return digest.hexdigest()[:12]


# Public (no personal data): an update check while signed out must not get a login redirect.
@cache_control(no_cache=True)
@gzip_page
@require_GET
def service_worker(request):
    shell = reverse("field:home")
    assets = [static(name) for name in STATIC_FILES]
    context = {
        "version": _sw_version([shell, *assets]),
        "shell": json.dumps(shell),
        "data": json.dumps(reverse("field:data")),
        "assets": json.dumps(assets),
        "static_prefix": json.dumps(static("field/")),
    }
    response = HttpResponse(
        render_to_string("field/sw.js", context), content_type="application/javascript"
    )
    response["Service-Worker-Allowed"] = shell
    return response


# Public, like the service worker: browsers fetch the manifest without the session cookie.
@cache_control(max_age=3600)
@require_GET
def manifest(request):
    """What makes the field page installable: it opens on its own, at the visit list."""
    start = reverse("field:home")
    return JsonResponse(
        {
            "name": _("Household visits · Digital-technology teams"),
            "short_name": _("Household visits"),
            "description": _("Record household visits, even without a signal."),
            "lang": request.LANGUAGE_CODE,
            "start_url": start,
            "scope": start,
            "id": start,
            "display": "standalone",
            "orientation": "portrait",
            "theme_color": "#b4161b",
            "background_color": "#f5f7fa",
            "icons": [
                {"src": static("img/icon-192.png"), "sizes": "192x192", "type": "image/png"},
                {"src": static("img/icon-512.png"), "sizes": "512x512", "type": "image/png"},
                {
                    "src": static("img/icon-512.png"),
                    "sizes": "512x512",
                    "type": "image/png",
                    "purpose": "maskable",
                },
                {"src": static("img/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
            ],
        },
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )
