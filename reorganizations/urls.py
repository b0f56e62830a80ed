from django.urls import path

from . import views

app_name = "reorganizations"

urlpatterns = [
    path("", views.reorganization_list, name="list"),
    path("accounts/", views.account_scopes, name="accounts"),
    path("<int:pk>/", views.reorganization_detail, name="detail"),
    path("<int:pk>/assign/", views.reorganization_assign, name="assign"),
    path("<int:pk>/apply/", views.reorganization_apply, name="apply"),
]
