from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from accounts.views import home

admin.site.site_header = _("Thái Nguyên digital-technology teams portal")
admin.site.site_title = _("Portal administration")

urlpatterns = [
    path("", home, name="home"),
    path("units/", include("areas.urls")),
    path("users/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
