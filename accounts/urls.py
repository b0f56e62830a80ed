from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.user_list, name="user-list"),
    path("new/", views.user_create, name="user-create"),
    path("<int:pk>/active/", views.user_set_active, name="user-set-active"),
    path("<int:pk>/password/", views.user_password_reset, name="user-password-reset"),
]
