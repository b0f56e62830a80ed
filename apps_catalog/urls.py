from django.urls import path

from . import views

app_name = "apps_catalog"

urlpatterns = [
    path("", views.app_list, name="app-list"),
    path("new/", views.app_create, name="app-create"),
    path("<int:pk>/active/", views.app_set_active, name="app-set-active"),
]
