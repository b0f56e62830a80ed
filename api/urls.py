from django.urls import include, path
from rest_framework.routers import DefaultRouter

from . import figures, views
from .schema import SchemaView

app_name = "api"

router = DefaultRouter()
router.register("units", views.UnitViewSet, basename="unit")
router.register("teams", views.TeamViewSet, basename="team")
router.register("members", views.MemberViewSet, basename="member")
router.register("households", views.HouseholdViewSet, basename="household")
router.register("citizens", views.CitizenViewSet, basename="citizen")
router.register("apps", views.AppViewSet, basename="app")
router.register("visits", views.VisitViewSet, basename="visit")
router.register("courses", views.CourseViewSet, basename="course")
router.register("attendance", views.AttendanceViewSet, basename="attendance")
router.register("figures/units", figures.FigureUnitViewSet, basename="figures-unit")
router.register("figures/indicators", figures.FigureIndicatorViewSet, basename="figures-indicator")

urlpatterns = [
    path("auth/token/", views.AuthTokenCreateApi.as_view(), name="token"),
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", views.api_docs, name="docs"),
    path("", include(router.urls)),
]
