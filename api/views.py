"""The REST API: read-only lists and details scoped to the user, and the writes of the field.

Every queryset starts from ``.for_user(request.user)`` (directly or through the app's selector),
so an object outside the user's area answers 404. Writes call the same services as the UI.
"""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from allauth.core import ratelimit
from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django import forms
from django.db.models import Prefetch
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework import mixins, status, viewsets
from rest_framework import serializers as serializers_base
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.exceptions import AuthenticationFailed, Throttled
from rest_framework.exceptions import ValidationError as DrfValidationError
from rest_framework.fields import CharField
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle

from accounts import policies
from accounts.security import api_token, has_totp, requires_mfa, totp_code_is_valid
from accounts.services import user_field_synced
from apps_catalog.models import App, Outcome
from areas.models import AdministrativeUnit
from citizens import services as citizen_services
from citizens.models import Assistance, Visit
from citizens.selectors import citizens_for_user, households_for_user
from core.text import fold
from teams.selectors import members_for_user, teams_for_user
from training.models import Attendance
from training.selectors import courses_for_user

from . import filters, serializers
from .pagination import ApiPagination
from .parsers import BoundedJSONParser
from .permissions import RegistryWritePermission, VisitWritePermission


class PortalTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, in one query: the token with its account and the account's
    scope (which every scoped queryset needs next), shared with the password-change check
    that ran before the view (accounts.security.api_token)."""

    def authenticate(self, request):
        self._request = request._request
        return super().authenticate(request)

    def authenticate_credentials(self, key):
        token = api_token(self._request, key)
        if token is None:
            raise AuthenticationFailed(gettext_lazy("Invalid token."))
        if not token.user.is_active:
            raise AuthenticationFailed(gettext_lazy("User inactive or deleted."))
        return (token.user, token)


# Token first: an unauthenticated request then gets 401 with "WWW-Authenticate: Token".
API_AUTHENTICATION = [PortalTokenAuthentication, SessionAuthentication]


class ScopedReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    """List (paginated, filtered) and detail; ``get_queryset`` starts from the user's scope."""

    authentication_classes = API_AUTHENTICATION
    permission_classes = [IsAuthenticated]
    pagination_class = ApiPagination
    filter_backends = [DjangoFilterBackend]


class SearchRequestSerializer(serializers_base.Serializer):
    search = CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        help_text=gettext_lazy("Words matched without accents or case: “lưu bình”, “luu binh”."),
    )


class PrivateSearchMixin:
    """Lists of people are searched by POST to ``…/search/``: names and phones travel in the
    body, never in a URL that proxies and servers write to their access logs. The other
    filters and the page stay in the query string; a ``?search=`` there is refused (400)."""

    def get_permissions(self):
        if self.action == "search":  # a read, whoever may read the list
            return [IsAuthenticated()]
        return super().get_permissions()

    def list(self, request, *args, **kwargs):
        if "search" in request.query_params:
            raise DrfValidationError(
                {
                    "search": [
                        _(
                            "Search for people by POST to %(url)s: names and phones must not "
                            "be in a URL."
                        )
                        % {"url": request.path.rstrip("/") + "/search/"}
                    ]
                }
            )
        return super().list(request, *args, **kwargs)

    # JSON (as the schema says), or a form as curl -d / -F sends it.
    @action(
        detail=False,
        methods=["post"],
        url_path="search",
        parser_classes=[BoundedJSONParser, FormParser, MultiPartParser],
    )
    def search(self, request, *args, **kwargs):
        data = _validated(SearchRequestSerializer, request)
        queryset = self.filter_queryset(self.get_queryset())
        key = fold(data["search"])
        if key:
            field = self.filterset_class.private_search
            queryset = queryset.filter(**{f"{field}__contains": key})
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


def private_search_schema(serializer_class) -> dict:
    """The schema of a list's POST search: the list's own filters, answer and errors."""
    return {
        "search": extend_schema(
            request=SearchRequestSerializer,
            responses={200: serializer_class(many=True)},
            summary="Search (by POST: the words stay out of URLs)",
        )
    }


# --- Auth ----------------------------------------------------------------------------------


class TokenObtainThrottle(AnonRateThrottle):
    """Password guessing through the API is slowed per address, on top of the sign-in form's
    own limits, which the endpoint shares (TokenRequestSerializer)."""

    scope = "api-token"
    rate = "10/minute"


class TokenRequestSerializer(serializers_base.Serializer):
    """Username and password; accounts with a second factor (always province officers and
    administrators, and anyone who turned one on) also send their authenticator's code.

    The check is the sign-in form's own (allauth's adapter): the same per-account and
    per-address limits and lockout, the same answer for a wrong password and an unknown or
    inactive account."""

    username = CharField(label=gettext_lazy("Username"), write_only=True)
    password = CharField(
        label=gettext_lazy("Password"), style={"input_type": "password"}, write_only=True
    )
    code = CharField(
        required=False, allow_blank=True, write_only=True, label=gettext_lazy("Authenticator code")
    )

    def validate(self, attrs):

        request = self.context["request"]._request
        refused = DrfValidationError(
            _("Unable to log in with provided credentials."), code="authorization"
        )
        if not ratelimit.consume(request, action="login"):
            raise Throttled(wait=60)
        try:
            user = get_adapter(request).authenticate(
                request, username=attrs["username"], password=attrs["password"]
            )
        except forms.ValidationError as exc:  # too many failed attempts for this account
            raise Throttled(wait=5 * 60) from exc
        if user is None or not user.is_active:
            raise refused
        if (requires_mfa(user) or has_totp(user)) and not totp_code_is_valid(
            user, attrs.get("code", "")
        ):
            raise refused  # the same answer as a wrong password
        attrs["user"] = user
        return attrs


@extend_schema(
    request={"application/json": TokenRequestSerializer},
    responses={200: serializers.TokenSerializer},
    summary="Obtain the API token of an account",
    description=(
        "Send the username and password (and `code`, the authenticator's current code, for "
        "accounts with a second factor); use the token as `Authorization: Token <token>`. "
        "A wrong password and an unknown or inactive account get the same 400; too many "
        "attempts for the account or from the address, here or on the sign-in page, get 429 "
        "with `Retry-After`."
    ),
    auth=[],
)
class AuthTokenCreateApi(ObtainAuthToken):
    # No session here: the throttle then applies to every caller, and no CSRF token is needed.
    authentication_classes: list = []
    throttle_classes = [TokenObtainThrottle]
    serializer_class = TokenRequestSerializer


# --- Read-only resources ---------------------------------------------------------------------


class UnitViewSet(ScopedReadOnlyViewSet):
    """Administrative units inside the user's scope (province → district → commune → hamlet)."""

    serializer_class = serializers.UnitSerializer
    filterset_class = filters.UnitFilterSet

    def get_queryset(self):
        return AdministrativeUnit.objects.for_user(self.request.user).order_by("path")


class TeamViewSet(ScopedReadOnlyViewSet):
    serializer_class = serializers.TeamSerializer
    filterset_class = filters.TeamFilterSet

    def get_queryset(self):
        return teams_for_user(user=self.request.user)


@extend_schema_view(**private_search_schema(serializers.MemberSerializer))
class MemberViewSet(PrivateSearchMixin, ScopedReadOnlyViewSet):
    """Team members, current and former (``current=true`` for the current ones)."""

    serializer_class = serializers.MemberSerializer
    filterset_class = filters.MemberFilterSet

    def get_queryset(self):
        return members_for_user(user=self.request.user, state="")


class AppViewSet(ScopedReadOnlyViewSet):
    """The catalogue of apps and their outcomes: the same for everyone signed in."""

    serializer_class = serializers.AppSerializer
    filterset_class = filters.AppFilterSet

    def get_queryset(self):
        return App.objects.prefetch_related(
            Prefetch("outcomes", queryset=Outcome.objects.order_by("position", "pk"))
        )


class CourseViewSet(ScopedReadOnlyViewSet):
    serializer_class = serializers.CourseSerializer
    filterset_class = filters.CourseFilterSet

    def get_queryset(self):
        return courses_for_user(user=self.request.user)


@extend_schema_view(**private_search_schema(serializers.AttendanceSerializer))
class AttendanceViewSet(PrivateSearchMixin, ScopedReadOnlyViewSet):
    """Who attended which session, within the courses the user may see."""

    serializer_class = serializers.AttendanceSerializer
    filterset_class = filters.AttendanceFilterSet

    def get_queryset(self):
        return (
            Attendance.objects.for_user(self.request.user)
            .select_related("session__course", "trainee")
            .order_by("-session__held_on", "session_id", "trainee__search_key", "pk")
        )


# --- Households and citizens: read, and add through the registry services -------------------


@extend_schema_view(
    create=extend_schema(
        request=serializers.HouseholdCreateSerializer,
        responses={
            201: serializers.HouseholdSerializer,
            200: OpenApiResponse(
                serializers.HouseholdSerializer,
                description="Already recorded by an earlier send of the same client_uuid.",
            ),
        },
    ),
    **private_search_schema(serializers.HouseholdSerializer),
)
class HouseholdViewSet(PrivateSearchMixin, mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    parser_classes = [BoundedJSONParser]
    serializer_class = serializers.HouseholdSerializer
    filterset_class = filters.HouseholdFilterSet
    permission_classes = [RegistryWritePermission]

    def get_queryset(self):
        return households_for_user(user=self.request.user)

    def create(self, request, *args, **kwargs):
        data = _validated(serializers.HouseholdCreateSerializer, request)
        client_uuid = data.pop("client_uuid")
        if client_uuid is None:
            household = citizen_services.household_create(**data, recorded_by=request.user)
            created = True
        else:  # from a phone's outbox: safe to repeat
            user_field_synced(user=request.user)
            household, created = citizen_services.household_record(
                client_uuid=client_uuid, recorded_by=request.user, **data
            )
        body = self.get_serializer(self.get_queryset().get(pk=household.pk)).data
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


@extend_schema_view(
    create=extend_schema(
        request=serializers.CitizenCreateSerializer,
        responses={201: serializers.CitizenSerializer},
    ),
    **private_search_schema(serializers.CitizenSerializer),
)
class CitizenViewSet(PrivateSearchMixin, mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """Citizens; the phone is masked and the citizen ID number shown only by its last digits."""

    parser_classes = [BoundedJSONParser]
    serializer_class = serializers.CitizenSerializer
    filterset_class = filters.CitizenFilterSet
    permission_classes = [RegistryWritePermission]

    def get_queryset(self):
        return citizens_for_user(user=self.request.user)

    def create(self, request, *args, **kwargs):
        data = _validated(serializers.CitizenCreateSerializer, request)
        citizen = citizen_services.citizen_create(**data)
        body = self.get_serializer(self.get_queryset().get(pk=citizen.pk)).data
        return Response(body, status=status.HTTP_201_CREATED)


# --- Visits ------------------------------------------------------------------------------------


@extend_schema_view(
    create=extend_schema(
        summary="Record a visit (safe to repeat)",
        description=(
            "Records what a team did at a household. The client generates `client_uuid` once "
            "per visit: sending the same submission again (a lost answer, an offline outbox) "
            "returns the visit already recorded with 200 instead of 201. The same "
            "`client_uuid` with different content is refused with 409 and changes nothing. "
            "`team` and `recorded_by` are set by the server."
        ),
        request=serializers.VisitRecordSerializer,
        responses={
            201: OpenApiResponse(serializers.VisitSerializer, description="Recorded."),
            200: OpenApiResponse(
                serializers.VisitSerializer, description="Already recorded by an earlier send."
            ),
            400: OpenApiResponse(description="Invalid: {field: [messages]}."),
            403: OpenApiResponse(description="The account's role does not record visits."),
            409: OpenApiResponse(
                serializers.VisitConflictSerializer,
                description="This client_uuid was used for a visit with other content.",
            ),
        },
    ),
    **private_search_schema(serializers.VisitSerializer),
)
class VisitViewSet(PrivateSearchMixin, mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    parser_classes = [BoundedJSONParser]
    serializer_class = serializers.VisitSerializer
    filterset_class = filters.VisitFilterSet
    permission_classes = [VisitWritePermission]

    def get_queryset(self):
        assistances = Assistance.objects.select_related("citizen", "app", "outcome").order_by("pk")
        return Visit.objects.for_user(self.request.user).prefetch_related(
            "members_present", Prefetch("assistances", queryset=assistances)
        )

    def create(self, request, *args, **kwargs):
        data = _validated(serializers.VisitRecordSerializer, request)
        try:
            visit, created = citizen_services.visit_record(user=request.user, **data)
        except citizen_services.VisitConflict as exc:
            body = {"detail": _("This visit was already recorded with different content.")}
            # Name the recorded visit only if this user may see it.
            if self.get_queryset().filter(pk=exc.visit.pk).exists():
                body["visit"] = exc.visit.pk
            return Response(body, status=status.HTTP_409_CONFLICT)
        if not created:  # answered with the visit as it is now (corrected, withdrawn…)
            visit = self.get_queryset().get(pk=visit.pk)
        # A new visit comes with its members present and help records in hand.
        body = self.get_serializer(visit).data
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(
        summary="Correct a visit (its earlier version is kept)",
        request=serializers.VisitCorrectSerializer,
        responses={
            200: serializers.VisitSerializer,
            403: OpenApiResponse(description="Not the recorder within the days allowed."),
            409: OpenApiResponse(description="Changed since that version: nothing saved."),
        },
    )
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None, **kwargs):
        visit = self.get_object()
        policies.require(policies.can_correct_visit, request.user, visit)
        data = _validated(serializers.VisitCorrectSerializer, request)
        citizen_services.visit_correct(user=request.user, visit=visit, **data)
        return Response(self.get_serializer(self.get_queryset().get(pk=visit.pk)).data)

    @extend_schema(
        summary="Withdraw a visit recorded by mistake (it leaves the figures)",
        request=serializers.VisitWithdrawSerializer,
        responses={
            200: serializers.VisitSerializer,
            403: OpenApiResponse(description="Not the recorder within the days allowed."),
            409: OpenApiResponse(description="Changed since that version: nothing saved."),
        },
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None, **kwargs):
        visit = self.get_object()
        policies.require(policies.can_correct_visit, request.user, visit)
        data = _validated(serializers.VisitWithdrawSerializer, request)
        citizen_services.visit_withdraw(user=request.user, visit=visit, **data)
        return Response(self.get_serializer(self.get_queryset().get(pk=visit.pk)).data)


def _validated(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data, context={"request": request})
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


# --- Documentation -----------------------------------------------------------------------------


class ApiDocsView(SpectacularSwaggerSplitView):
    """Swagger UI from our own static files (drf-spectacular-sidecar), never a CDN, whatever
    SPECTACULAR_SETTINGS says; its script comes as a separate file for the CSP."""

    url_name = "api:schema"
    title = "Thái Nguyên digital-technology teams API"
    http_method_names = ["get", "head"]  # OPTIONS would try to render the page's metadata

    @staticmethod
    def _swagger_ui_resource(filename: str) -> str:
        return static(f"drf_spectacular_sidecar/swagger-ui-dist/{filename}")

    @staticmethod
    def _swagger_ui_favicon() -> str:
        return static("drf_spectacular_sidecar/swagger-ui-dist/favicon-32x32.png")


# The Swagger UI page carries a three-rule inline <style> block; allow it on this page only.
api_docs = csp_update({"style-src": [UNSAFE_INLINE]})(ApiDocsView.as_view())
