from django.urls import path

from . import views

app_name = "quality"

urlpatterns = [
    path("", views.flag_list, name="flag-list"),
]
