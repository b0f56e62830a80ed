"""What the API shows and what it accepts. Serializers validate; services write.

Every id a client sends is looked up within the sender's scope (``ScopedPrimaryKeyRelatedField``):
an id outside it gets the same "does not exist" answer as an id that was never used.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.settings import api_settings

from apps_catalog.models import App, Outcome
from areas.models import AdministrativeUnit
from citizens.models import Assistance, Citizen, Household, Sex, Visit, VisitKind, VisitStatus
from citizens.services.visits import (
    MAX_ASSISTANCES,
    MAX_MEMBERS_PRESENT,
    MAX_NEW_CITIZENS,
    MAX_NOTES,
    MAX_REASON,
    household_for_visit,
)
from core.phones import InvalidPhone, mask_phone, normalize_phone
from teams.models import Team, TeamMember
from training.models import Attendance, Course

from .filters import MAX_ID


def drf_validation_error(exc: DjangoValidationError) -> serializers.ValidationError:
    """A service's django ValidationError as DRF's: {field: [messages]}, and the errors that
    name no field under "non_field_errors" (as a serializer would put them)."""
    if hasattr(exc, "error_dict"):
        detail = {
            (api_settings.NON_FIELD_ERRORS_KEY if field == "__all__" else field): messages
            for field, messages in exc.message_dict.items()
        }
    else:
        detail = {api_settings.NON_FIELD_ERRORS_KEY: exc.messages}
    return serializers.ValidationError(detail)


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """An id resolved through ``model.objects.for_user(request.user)``: the one door.

    With ``preloaded`` set, an id that the root serializer already looked up (in one query
    for the whole payload, through the same door: ``context["preloaded"][preloaded]``, id →
    object or None) is answered from there, with the same answers."""

    def __init__(self, model, *, preloaded: str = "", **kwargs):
        self.model = model
        self.preloaded = preloaded
        super().__init__(queryset=model.objects.none(), **kwargs)

    def get_queryset(self):
        return self.model.objects.for_user(self.context["request"].user)

    def to_internal_value(self, data):
        found = self.context.get("preloaded", {}).get(self.preloaded) if self.preloaded else None
        if found is not None and type(data) is int and data in found:
            if found[data] is None:
                self.fail("does_not_exist", pk_value=data)
            return found[data]
        return super().to_internal_value(data)


# --- Reading ----------------------------------------------------------------------------------


class UnitSerializer(serializers.ModelSerializer):
    is_current = serializers.BooleanField(read_only=True)

    class Meta:
        model = AdministrativeUnit
        fields = ["id", "code", "name", "level", "parent", "valid_from", "valid_to", "is_current"]


class TeamSerializer(serializers.ModelSerializer):
    hamlet_name = serializers.CharField(source="hamlet.name", read_only=True)
    commune = serializers.IntegerField(source="hamlet.parent_id", read_only=True)
    commune_name = serializers.CharField(source="hamlet.parent.name", read_only=True)
    member_count = serializers.IntegerField(
        read_only=True, help_text=_("Current members of the team.")
    )

    class Meta:
        model = Team
        fields = [
            "id",
            "name",
            "hamlet",
            "hamlet_name",
            "commune",
            "commune_name",
            "decision_number",
            "decision_date",
            "status",
            "dissolved_on",
            "member_count",
        ]


class MemberSerializer(serializers.ModelSerializer):
    team_name = serializers.CharField(source="team.name", read_only=True)
    hamlet = serializers.IntegerField(source="team.hamlet_id", read_only=True)
    hamlet_name = serializers.CharField(source="team.hamlet.name", read_only=True)
    is_current = serializers.BooleanField(read_only=True)

    class Meta:
        model = TeamMember
        fields = [
            "id",
            "team",
            "team_name",
            "hamlet",
            "hamlet_name",
            "name",
            "phone",
            "role",
            "affiliation",
            "joined_on",
            "left_on",
            "is_current",
            "listed_publicly",
        ]


class HouseholdSerializer(serializers.ModelSerializer):
    hamlet_name = serializers.CharField(source="hamlet.name", read_only=True)
    commune_name = serializers.CharField(source="hamlet.parent.name", read_only=True)
    citizen_count = serializers.IntegerField(read_only=True, help_text=_("Citizens recorded."))

    class Meta:
        model = Household
        fields = [
            "id",
            "hamlet",
            "hamlet_name",
            "commune_name",
            "head_name",
            "address",
            "member_count",
            "smartphone_count",
            "consent_on",
            "citizen_count",
        ]


class CitizenSerializer(serializers.ModelSerializer):
    """A citizen as officers may see them: phone masked, the ID number only as its last four
    digits; the keyed hash never leaves the database."""

    hamlet = serializers.IntegerField(source="household.hamlet_id", read_only=True)
    phone = serializers.SerializerMethodField(help_text=_("Masked: 0912•••678."))
    masked_id_number = serializers.CharField(read_only=True)

    class Meta:
        model = Citizen
        fields = [
            "id",
            "household",
            "hamlet",
            "full_name",
            "birth_year",
            "sex",
            "phone",
            "masked_id_number",
        ]

    @extend_schema_field(OpenApiTypes.STR)
    def get_phone(self, citizen: Citizen) -> str:
        return mask_phone(citizen.phone)


class OutcomeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Outcome
        fields = ["code", "name"]


class AppSerializer(serializers.ModelSerializer):
    outcomes = OutcomeSerializer(many=True, read_only=True)

    class Meta:
        model = App
        fields = ["id", "slug", "name", "description", "is_active", "outcomes"]


class AssistanceSerializer(serializers.ModelSerializer):
    citizen_name = serializers.CharField(source="citizen.full_name", read_only=True)
    app: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    outcome: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )

    class Meta:
        model = Assistance
        fields = ["id", "citizen", "citizen_name", "app", "outcome"]


class VisitSerializer(serializers.ModelSerializer):
    """A recorded visit. ``team`` and ``recorded_by`` are set by the server, never the client.
    ``version`` above 1 means it was corrected or withdrawn since it was recorded."""

    members_present: serializers.PrimaryKeyRelatedField = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )
    assistances = AssistanceSerializer(many=True, read_only=True)
    status = serializers.ChoiceField(
        choices=VisitStatus.choices,
        read_only=True,
        help_text=_("recorded, corrected (version above 1) or withdrawn (no longer counted)."),
    )

    class Meta:
        model = Visit
        fields = [
            "id",
            "client_uuid",
            "household",
            "visited_on",
            "kind",
            "members_present",
            "notes",
            "team",
            "recorded_by",
            "assistances",
            "version",
            "status",
            "withdrawn_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class CourseSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    trainee_count = serializers.IntegerField(read_only=True)
    completed_count = serializers.IntegerField(read_only=True)
    session_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Course
        fields = [
            "id",
            "name",
            "unit",
            "unit_name",
            "audience",
            "description",
            "starts_on",
            "ends_on",
            "trainee_count",
            "completed_count",
            "session_count",
        ]


class AttendanceSerializer(serializers.ModelSerializer):
    course = serializers.IntegerField(source="session.course_id", read_only=True)
    course_name = serializers.CharField(source="session.course.name", read_only=True)
    held_on = serializers.DateField(source="session.held_on", read_only=True)
    trainee_name = serializers.CharField(source="trainee.name", read_only=True)
    team_member = serializers.IntegerField(
        source="trainee.team_member_id", read_only=True, allow_null=True
    )

    class Meta:
        model = Attendance
        fields = [
            "id",
            "course",
            "course_name",
            "session",
            "held_on",
            "trainee",
            "trainee_name",
            "team_member",
        ]


# --- Writing ----------------------------------------------------------------------------------


class NewCitizenSerializer(serializers.Serializer):
    ref = serializers.CharField(
        max_length=40, help_text=_("The submission's own name for this person, e.g. “n1”.")
    )
    full_name = serializers.CharField(max_length=150)
    birth_year = serializers.IntegerField(required=False, allow_null=True, default=None)
    sex = serializers.ChoiceField(choices=Sex.choices, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")

    def validate_phone(self, value: str) -> str:
        # Checked here too: the service fingerprints the submission (normalising the phone)
        # before it validates anything.
        try:
            normalize_phone(value)
        except InvalidPhone as exc:
            raise serializers.ValidationError(str(exc)) from exc
        return value


class TextSlugRelatedField(serializers.SlugRelatedField):
    """A slug that must be text a database can hold: a NUL character is refused as an
    unknown value (400) instead of reaching PostgreSQL, which rejects it (found by fuzzing:
    it was a 500)."""

    def to_internal_value(self, data):
        if not isinstance(data, str) or "\x00" in data:
            self.fail("invalid")
        apps = self.context.get("preloaded", {}).get("apps", {})
        if data in apps:  # found with the payload's outcomes (VisitRecordSerializer)
            return apps[data]
        return super().to_internal_value(data)


class AssistanceInputSerializer(serializers.Serializer):
    citizen = ScopedPrimaryKeyRelatedField(
        Citizen,
        preloaded="citizens",
        required=False,
        allow_null=True,
        default=None,
        help_text=_("A citizen already recorded in the household; or use new_citizen."),
    )
    new_citizen = serializers.CharField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("The ref of a person in new_citizens."),
    )
    app = TextSlugRelatedField(
        slug_field="slug", queryset=App.objects.all(), help_text=_("The app's identifier.")
    )
    outcome = serializers.SlugField(help_text=_("The outcome's identifier within that app."))

    def validate(self, attrs: dict) -> dict:
        if (attrs["citizen"] is None) == (attrs["new_citizen"] in (None, "")):
            raise serializers.ValidationError(
                _("Name exactly one person: a recorded citizen or a new citizen.")
            )
        app = attrs["app"]
        preloaded = self.context.get("preloaded", {})
        if app.pk in preloaded.get("apps_with_outcomes", ()):
            outcome = preloaded["outcomes"].get((app.pk, attrs["outcome"]))
        else:
            outcome = Outcome.objects.filter(app=app, code=attrs["outcome"]).first()
        if outcome is None:
            raise serializers.ValidationError(
                {
                    "outcome": _("“%(outcome)s” is not an outcome of %(app)s.")
                    % {"outcome": attrs["outcome"], "app": app.name}
                }
            )
        return {**attrs, "outcome": outcome}


class ScopedIdListField(serializers.ListField):
    """A bounded list of ids resolved in one query through ``model.objects.for_user``
    (a related field with many=True costs one query per id, and has no length limit)."""

    def __init__(self, model, **kwargs):
        self.model = model
        # Bounded like every id filter: a larger number is "invalid", never an overflow (500).
        super().__init__(child=serializers.IntegerField(min_value=1, max_value=MAX_ID), **kwargs)

    def to_internal_value(self, data):
        ids = super().to_internal_value(data)
        found = self.model.objects.for_user(self.context["request"].user).in_bulk(ids)
        missing = [pk for pk in ids if pk not in found]
        if missing:
            raise serializers.ValidationError(
                _("Invalid pk “%(pk)s”: object does not exist.") % {"pk": missing[0]}
            )
        return [found[pk] for pk in dict.fromkeys(ids)]


class VisitContentSerializer(serializers.Serializer):
    """What a visit says, as recorded or corrected; the bounds answer 400 before any of it
    is looked up."""

    kind = serializers.ChoiceField(
        choices=VisitKind.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text=_(
            "helped (assistances given), informed (met, information only) or nobody_home. "
            "Without it, a visit with assistances is “helped”; one without is refused."
        ),
    )
    visited_on = serializers.DateField()
    members_present = ScopedIdListField(
        TeamMember, required=False, default=list, max_length=MAX_MEMBERS_PRESENT
    )
    notes = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=MAX_NOTES
    )


class VisitRecordSerializer(VisitContentSerializer):
    """A visit as the phone sends it; ``client_uuid`` makes a repeated submission harmless."""

    client_uuid = serializers.UUIDField(
        help_text=_("Generated by the client once per visit; sending it again is safe.")
    )
    household = ScopedPrimaryKeyRelatedField(Household, preloaded="households")
    consent_given = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_(
            "The household agreed, at this visit, to store its members' personal data; "
            "needed to add new citizens to a household without recorded consent."
        ),
    )
    new_citizens = NewCitizenSerializer(
        many=True, required=False, default=list, max_length=MAX_NEW_CITIZENS
    )  # type: ignore[call-arg]  # DRF's ListSerializer takes max_length; the stubs lag
    assistances = AssistanceInputSerializer(
        many=True, required=False, default=list, max_length=MAX_ASSISTANCES
    )  # type: ignore[call-arg]

    def to_internal_value(self, data):
        if isinstance(data, dict):
            self._context["preloaded"] = _visit_lookups(self.context["request"].user, data)
        return super().to_internal_value(data)


def _plain_ids(values) -> list[int]:
    return list(dict.fromkeys(v for v in values if type(v) is int and 1 <= v <= MAX_ID))


def _visit_lookups(user, data: dict) -> dict:
    """What a visit names, looked up in one query per kind (the household with its hamlet and
    team; the citizens; the apps with their outcomes) through the same doors as the fields
    would, which then answer from here. Anything unusual is left to the fields themselves."""
    found: dict = {}
    household = data.get("household")
    if type(household) is int and 1 <= household <= MAX_ID:
        found["households"] = {household: household_for_visit(user=user, pk=household)}
    items = data.get("assistances")
    items = [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []
    if len(items) > MAX_ASSISTANCES:
        return found  # refused for its length anyway
    citizens = _plain_ids(item.get("citizen") for item in items)
    if citizens:
        in_scope = Citizen.objects.for_user(user).in_bulk(citizens)
        found["citizens"] = {pk: in_scope.get(pk) for pk in citizens}
    slugs = {
        item.get("app")
        for item in items
        if isinstance(item.get("app"), str) and "\x00" not in item["app"]
    }
    if slugs:
        apps: dict = {}
        outcomes: dict = {}
        for outcome in Outcome.objects.filter(app__slug__in=slugs).select_related("app"):
            app = apps.setdefault(outcome.app.slug, outcome.app)
            outcome.app = app
            outcomes[(app.pk, outcome.code)] = outcome
        found["apps"] = apps
        found["apps_with_outcomes"] = {app.pk for app in apps.values()}
        found["outcomes"] = outcomes
    return found


class CorrectionAssistanceSerializer(AssistanceInputSerializer):
    new_citizen = None  # type: ignore[assignment]  # a correction names recorded citizens

    def validate(self, attrs: dict) -> dict:
        if attrs.get("citizen") is None:
            raise serializers.ValidationError({"citizen": _("Name a recorded citizen.")})
        return super().validate({**attrs, "new_citizen": None})


class VisitCorrectSerializer(VisitContentSerializer):
    version = serializers.IntegerField(
        min_value=1, help_text=_("The version the correction was made from (stale: 409).")
    )
    assistances = CorrectionAssistanceSerializer(
        many=True, required=False, default=list, max_length=MAX_ASSISTANCES
    )  # type: ignore[call-arg]
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=MAX_REASON
    )


class VisitWithdrawSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        min_value=1, help_text=_("The version the withdrawal was decided on (stale: 409).")
    )
    reason = serializers.CharField(max_length=MAX_REASON)


class HouseholdCreateSerializer(serializers.Serializer):
    client_uuid = serializers.UUIDField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_(
            "Generated by a phone once per new household: sending it again answers the "
            "household already recorded (200) instead of a second one."
        ),
    )
    hamlet = ScopedPrimaryKeyRelatedField(AdministrativeUnit)
    head_name = serializers.CharField(max_length=150)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    member_count = serializers.IntegerField(required=False, default=1)
    smartphone_count = serializers.IntegerField(required=False, default=0)
    consent_on = serializers.DateField(required=False, allow_null=True, default=None)


class CitizenCreateSerializer(serializers.Serializer):
    household = ScopedPrimaryKeyRelatedField(Household, preloaded="households")
    full_name = serializers.CharField(max_length=150)
    birth_year = serializers.IntegerField(required=False, allow_null=True, default=None)
    sex = serializers.ChoiceField(choices=Sex.choices, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    id_number = serializers.CharField(
        max_length=20,
        required=False,
        allow_blank=True,
        default="",
        write_only=True,
        help_text=_("The 12-digit citizen ID number; stored only as a keyed hash."),
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True)


class VisitConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    visit = serializers.IntegerField(required=False)
