from django.urls import path

from . import views

app_name = "areas"

urlpatterns = [
    path("", views.unit_browse, name="browse"),
    path("<int:pk>/", views.unit_detail, name="unit-detail"),
    path("<int:pk>/hamlets/new/", views.hamlet_create, name="hamlet-create"),
    path("<int:pk>/edit/", views.hamlet_edit, name="hamlet-edit"),
    path("<int:pk>/close/", views.hamlet_close, name="hamlet-close"),
]
