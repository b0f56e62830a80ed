from django.urls import path

from . import visit_views as views

app_name = "visits"

urlpatterns = [
    path("", views.visit_list, name="visit-list"),
    path("<int:pk>/", views.visit_detail, name="visit-detail"),
    path("<int:pk>/correct/", views.visit_correct, name="visit-correct"),
    path("<int:pk>/withdraw/", views.visit_withdraw, name="visit-withdraw"),
]
