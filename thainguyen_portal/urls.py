from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from core.health import healthz
from core.views import help_page, language
from dashboards.views import home
from teams.views import directory as team_directory

admin.site.site_header = _("Thái Nguyên digital-technology teams portal")
admin.site.site_title = _("Portal administration")
# The admin signs in through the portal's login (rate-limited, MFA-aware), not its own form.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("units/", include("areas.urls")),
    path("dashboard/", include("dashboards.urls")),
    path("reports/filed/", include("dashboards.filing_urls")),
    path("quality/", include("quality.urls")),
    path("users/", include("accounts.urls")),
    path("audit/", include("audit.urls")),
    path("teams/", include("teams.urls")),
    path("directory/", team_directory, name="directory"),
    path("households/", include("citizens.urls")),
    path("visits/", include("citizens.visit_urls")),
    path("field/", include("field.urls")),
    path("courses/", include("training.urls")),
    path("imports/", include("imports.urls")),
    path("apps/", include("apps_catalog.urls")),
    path("reorganizations/", include("reorganizations.urls")),
    path("notifications/", include("notifications.urls")),
    path("api/v1/", include("api.urls")),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("language/<str:code>/", language, name="language"),
    path("help/", help_page, name="help"),
    path("admin/", admin.site.urls),
]

# The portal's own refusals, in Vietnamese on its layout (JSON under /api/); a database
# restarting gives a clear 503 instead of a server error (core.views).
handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler429 = "core.views.too_many_requests"  # allauth's rate limits answer through it
handler500 = "core.views.server_error"
