from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


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
            from django.http import HttpResponseNotAllowed

            return HttpResponseNotAllowed(self.SERVED)
        return self.get_response(request)


class NoStoreForSignedInMiddleware:
    """Pages shown to a signed-in user (and API answers) may hold personal data: no browser,
    proxy or shared computer keeps a copy (``Cache-Control: no-store``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or request.path.startswith("/api/"):
            from django.utils.cache import patch_cache_control

            patch_cache_control(response, no_store=True, private=True)
        return response


def database_unavailable_response(request):
    from django.http import HttpResponse, JsonResponse
    from django.template.loader import render_to_string

    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"detail": "Cơ sở dữ liệu tạm thời không truy cập được. Vui lòng thử lại sau."},
            status=503,
        )
    else:
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = "30"
    return response
