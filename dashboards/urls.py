from django.urls import path

from . import views

app_name = "dashboards"

urlpatterns = [
    path("", views.dashboard_home, name="home"),
    path("<int:pk>/", views.dashboard_unit, name="unit"),
    path("status/", views.dashboard_status, name="status"),
    path("<int:pk>/refresh/", views.dashboard_refresh, name="refresh"),
    path("<int:pk>/report/", views.report_request, name="report-request"),
    path("reports/", views.report_list, name="reports"),
    path("reports/<int:pk>.<str:kind>", views.report_download, name="report-download"),
]
