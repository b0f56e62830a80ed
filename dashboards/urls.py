from django.urls import path

from . import views

app_name = "dashboards"

urlpatterns = [
    path("", views.dashboard_home, name="home"),
    path("<int:pk>/", views.dashboard_unit, name="unit"),
    path("<int:pk>/refresh/", views.dashboard_refresh, name="refresh"),
]
