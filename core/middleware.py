from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _


class VietnameseFirstLocaleMiddleware:
    """Vietnamese unless the user chose English with the language switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language, and most phones and
    office PCs here send English; the portal must speak Vietnamese to them. Only the language
    cookie set by the switch (django.views.i18n.set_language) changes it.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


class ServedMethodsMiddleware:
    """The portal's pages answer GET, HEAD and POST only: any other method (OPTIONS, PUT,
    PATCH, DELETE, or an invented one) is refused with 405 before a view runs, so no page can
    be read by a method nobody audits. The API (DRF) answers its own methods itself."""

    SERVED = ("GET", "HEAD", "POST")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in self.SERVED and not request.path.startswith("/api/"):
            return HttpResponseNotAllowed(self.SERVED)
        return self.get_response(request)


class NoStoreForSignedInMiddleware:
    """What a browser, a proxy or a shared computer may keep.

    Pages shown to a signed-in user (and API answers) may hold personal data: nobody keeps a
    copy (``no-store``). Signing out asks the browser to forget this site's cache and storage
    (``Clear-Site-Data``: the field app's offline copy of the households included). The public
    pages (home, the teams directory), which hold no personal data and no form token, may be
    kept a few minutes by anyone."""

    PUBLIC_ROUTES = {"home", "directory"}
    PUBLIC_MAX_AGE = 300

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):

        signed_in_before = getattr(request, "user", None) and request.user.is_authenticated
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        route = match.view_name if match else ""
        user = getattr(request, "user", None)
        if route == "account_logout" and request.method == "POST":
            response["Clear-Site-Data"] = '"cache", "storage"'
        if (
            (user is not None and user.is_authenticated)
            or signed_in_before
            or (request.path.startswith("/api/"))
        ):
            patch_cache_control(response, no_store=True, private=True)
        elif (
            route in self.PUBLIC_ROUTES
            and request.method in ("GET", "HEAD")
            and response.status_code == 200
            and not response.cookies
        ):
            patch_cache_control(response, public=True, max_age=self.PUBLIC_MAX_AGE)
        return response


def database_unavailable_response(request):

    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"detail": "Cơ sở dữ liệu tạm thời không truy cập được. Vui lòng thử lại sau."},
            status=503,
        )
    else:
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = "30"
    return response


class RequestSizeMiddleware:
    """A request that says it carries more than MAX_REQUEST_BYTES is refused with 413 before
    anything reads its body (the CSRF check and the private search read POSTed forms).
    Placed right after authentication, so the refusal page has its user and menu."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        limit = settings.MAX_REQUEST_BYTES
        if declared > limit:
            detail = _("What was sent is too large (%(size)s MB): at most %(max)s MB.") % {
                "size": _megabytes(declared),
                "max": round(limit / (1024 * 1024)),  # the file's limit, as pages state it
            }
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": detail}, status=413)
            context = {"code": 413, "title": _("Too large"), "detail": detail}
            html = render_to_string("refusal.html", context, request=request)
            return HttpResponse(html, status=413)
        return self.get_response(request)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",")
