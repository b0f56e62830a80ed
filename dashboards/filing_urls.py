from django.urls import path, re_path

from . import filing_views as views

app_name = "filings"

MONTH = r"(?P<pk>[0-9]+)/(?P<month>[0-9]{4}-[0-9]{2})"  # a commune's month: 12/2026-11

urlpatterns = [
    path("", views.filing_mine, name="mine"),
    re_path(rf"^{MONTH}/$", views.filing_month, name="month"),
    re_path(rf"^{MONTH}/submit/$", views.filing_submit, name="submit"),
    re_path(rf"^{MONTH}/preview\.(?P<kind>pdf|xlsx)$", views.filing_preview, name="preview"),
    path("<int:pk>.<str:kind>", views.filing_download, name="download"),
    path("communes/", views.filing_submissions, name="submissions"),
    path("<int:pk>/review/", views.filing_review, name="review"),
    path("<int:pk>/return/", views.filing_return, name="return"),
    path("<int:pk>/approve/", views.filing_approve, name="approve"),
]
