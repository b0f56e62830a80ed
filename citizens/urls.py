from django.urls import path

from . import duplicate_views, views

app_name = "citizens"

urlpatterns = [
    path("", views.household_list, name="household-list"),
    path("new/", views.household_create, name="household-create"),
    path("<int:pk>/", views.household_detail, name="household-detail"),
    path("<int:pk>/edit/", views.household_edit, name="household-edit"),
    path("<int:pk>/citizens/new/", views.citizen_add, name="citizen-add"),
    path("citizens/", views.citizen_list, name="citizen-list"),
    path("citizens/<int:pk>/edit/", views.citizen_edit, name="citizen-edit"),
    path("citizens/<int:pk>/phone/", views.citizen_phone, name="citizen-phone"),
    path("citizens/<int:pk>/data.json", views.citizen_data, name="citizen-data"),
    path("citizens/<int:pk>/anonymise/", views.citizen_anonymise, name="citizen-anonymise"),
    path("duplicates/", duplicate_views.duplicate_list, name="duplicate-list"),
    path("duplicates/<int:pk>/merge/", duplicate_views.duplicate_merge, name="duplicate-merge"),
    path("merges/", duplicate_views.merge_list, name="merge-list"),
    path("merges/<int:pk>/undo/", duplicate_views.merge_undo, name="merge-undo"),
]
