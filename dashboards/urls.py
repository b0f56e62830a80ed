from django.urls import path

from . import indicator_views, training_views, views

app_name = "dashboards"

urlpatterns = [
    path("", views.dashboard_home, name="home"),
    path("<int:pk>/", views.dashboard_unit, name="unit"),
    path("status/", views.dashboard_status, name="status"),
    path("<int:pk>/refresh/", views.dashboard_refresh, name="refresh"),
    path("<int:pk>/report/", views.report_request, name="report-request"),
    path("reports/", views.report_list, name="reports"),
    path("<int:pk>/population/", indicator_views.population, name="population"),
    path("<int:pk>/targets/", indicator_views.targets, name="targets"),
    path("indicators/", indicator_views.indicator_list, name="indicators"),
    path("reports/<int:pk>.<str:kind>", views.report_download, name="report-download"),
    path("training/", training_views.course_effects, name="training-effects"),
    path("training/<int:pk>/", training_views.course_effect_page, name="course-effect"),
]
