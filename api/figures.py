"""The figures API: totals, activity per period and official indicators of any unit, as the
dashboards show them, for the province's data-sharing platform and operations centre.

Read only. A unit outside the user's scope answers 404, as every other resource; the figures
are those of the roll-up tables (``/figures/units/{id}/``, ``…/periods/``) or, for a past day
(``?as_of=``), counted from the records' own dates by the indicator engine.
"""

from __future__ import annotations

import datetime

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from areas.models import AdministrativeUnit
from dashboards.indicators import DATED_FIGURES, Indicators
from dashboards.models import (
    PERIOD_FIGURES,
    Indicator,
    Period,
    UnitAppFigures,
    UnitFigures,
    UnitPeriodFigures,
)

from .pagination import ApiPagination
from .views import API_AUTHENTICATION

# The longest range of periods one request reads (a year of days).
MAX_PERIODS = 366


def _day(request, name: str) -> datetime.date | None:
    raw = request.query_params.get(name, "").strip()
    if not raw:
        return None
    try:
        day = datetime.date.fromisoformat(raw)
    except ValueError:
        raise ValidationError({name: _("Give a date as YYYY-MM-DD.")}) from None
    if day > timezone.localdate():
        raise ValidationError({name: _("The date cannot be in the future.")})
    return day


class AppFigureSerializer(serializers.Serializer):
    app = serializers.CharField(help_text=_("The app's identifier (slug)."))
    outcome = serializers.CharField(help_text=_("The outcome's identifier."))
    citizens = serializers.IntegerField(help_text=_("Distinct citizens who reached it."))


class UnitTotalsSerializer(serializers.Serializer):
    unit = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    as_of = serializers.DateField(allow_null=True)
    computed_at = serializers.DateTimeField(allow_null=True)
    figures = serializers.DictField(child=serializers.IntegerField())
    apps = AppFigureSerializer(many=True)


class PeriodFiguresSerializer(serializers.Serializer):
    period = serializers.ChoiceField(choices=Period.choices)
    starts_on = serializers.DateField()
    figures = serializers.DictField(child=serializers.IntegerField())


class BaseSerializer(serializers.Serializer):
    value = serializers.IntegerField(allow_null=True)
    as_of = serializers.DateField(allow_null=True)
    source = serializers.CharField(allow_blank=True)  # type: ignore[assignment]
    missing = serializers.IntegerField(help_text=_("Units below without a base (value null)."))


class UnitTargetSerializer(serializers.Serializer):
    value = serializers.DecimalField(max_digits=6, decimal_places=2, coerce_to_string=False)
    due_on = serializers.DateField()


class IndicatorValueSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    measured = serializers.BooleanField()
    count = serializers.IntegerField(allow_null=True)
    base = BaseSerializer()
    value = serializers.DecimalField(
        max_digits=9, decimal_places=2, allow_null=True, coerce_to_string=False
    )
    unit = serializers.ChoiceField(choices=["percent", "per_100"])
    national_target = serializers.DecimalField(
        max_digits=6, decimal_places=2, allow_null=True, coerce_to_string=False
    )
    target_year = serializers.IntegerField(allow_null=True)
    gap = serializers.DecimalField(
        max_digits=9, decimal_places=2, allow_null=True, coerce_to_string=False
    )
    target = UnitTargetSerializer(allow_null=True)
    achievement = serializers.DecimalField(
        max_digits=9, decimal_places=1, allow_null=True, coerce_to_string=False
    )
    projected = serializers.DecimalField(
        max_digits=9, decimal_places=2, allow_null=True, coerce_to_string=False
    )
    at_risk = serializers.BooleanField()


class UnitIndicatorsSerializer(serializers.Serializer):
    unit = serializers.IntegerField()
    name = serializers.CharField()
    as_of = serializers.DateField()
    indicators = IndicatorValueSerializer(many=True)


class IndicatorSerializer(serializers.ModelSerializer):
    app: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )
    outcome: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )

    class Meta:
        model = Indicator
        fields = [
            "code",
            "name",
            "description",
            "numerator",
            "app",
            "outcome",
            "figure",
            "base",
            "per_hundred",
            "national_target",
            "target_year",
            "source",
            "is_active",
        ]


def _value(item) -> dict:
    target = item.target
    return {
        "code": item.indicator.code,
        "name": item.indicator.name,
        "measured": item.measured,
        "count": item.count,
        "base": {
            "value": item.base.value,
            "as_of": item.base.as_of,
            "source": item.base.source,
            "missing": item.base.missing,
        },
        "value": item.value,
        "unit": "per_100" if item.indicator.per_hundred else "percent",
        "national_target": item.indicator.national_target,
        "target_year": item.indicator.target_year,
        "gap": item.gap,
        "target": {"value": target.value, "due_on": target.due_on} if target else None,
        "achievement": item.achievement,
        "projected": item.projected,
        "at_risk": item.at_risk,
    }


AS_OF = OpenApiParameter(
    "as_of",
    OpenApiTypes.DATE,
    description=_("Figures as they stood at the end of this day (default: now)."),
)
EXAMPLE_INDICATORS = OpenApiExample(
    "A commune's VNeID level 2",
    value={
        "unit": 7,
        "name": "Xã Định Hóa",
        "as_of": "2026-11-30",
        "indicators": [
            {
                "code": "vneid-level-2",
                "name": "Người trưởng thành có tài khoản định danh điện tử mức 2",
                "measured": True,
                "count": 25736,
                "base": {
                    "value": 36845,
                    "as_of": "2026-06-30",
                    "source": "Công an xã",
                    "missing": 0,
                },
                "value": 69.85,
                "unit": "percent",
                "national_target": None,
                "target_year": None,
                "gap": None,
                "target": {"value": 80.0, "due_on": "2026-12-31"},
                "achievement": 87.3,
                "projected": 72.4,
                "at_risk": True,
            }
        ],
    },
)


class FigureUnitViewSet(viewsets.GenericViewSet):
    """Figures of one unit (and everything inside it)."""

    authentication_classes = API_AUTHENTICATION
    permission_classes = [IsAuthenticated]
    serializer_class = UnitTotalsSerializer

    def get_queryset(self):
        return AdministrativeUnit.objects.for_user(self.request.user)

    def _unit(self, pk) -> AdministrativeUnit:
        return get_object_or_404(self.get_queryset(), pk=pk)

    @extend_schema(
        parameters=[AS_OF],
        responses=UnitTotalsSerializer,
        examples=[
            OpenApiExample(
                "A commune's totals",
                value={
                    "unit": 7,
                    "code": "05569",
                    "name": "Xã Định Hóa",
                    "as_of": None,
                    "computed_at": "2026-12-02T09:00:00+07:00",
                    "figures": {"teams_active": 24, "members_active": 121, "households": 5230},
                    "apps": [{"app": "vneid", "outcome": "level-2", "citizens": 2573}],
                },
            )
        ],
    )
    def retrieve(self, request, pk=None, format=None):  # noqa: A002 - DRF format suffix
        unit = self._unit(pk)
        day = _day(request, "as_of")
        if day is None:
            row = UnitFigures.objects.filter(unit=unit).first()
            figures = {name: getattr(row, name, 0) for name in DATED_FIGURES if hasattr(row, name)}
            apps = [
                {"app": a.app.slug, "outcome": a.outcome.code, "citizens": a.citizens}
                for a in UnitAppFigures.objects.filter(unit=unit)
                .select_related("app", "outcome")
                .order_by("app__position", "outcome__position")
            ]
            computed_at = row.computed_at if row else None
        else:
            engine = Indicators(unit_id=unit.pk, day=day, user=request.user, indicators=[])
            figures = engine.figures()
            from apps_catalog.models import App, Outcome

            counts = engine.app_counts()
            slugs = dict(App.objects.values_list("pk", "slug"))
            codes = dict(Outcome.objects.values_list("pk", "code"))
            apps = [
                {"app": slugs[a], "outcome": codes[o], "citizens": n}
                for (a, o), n in sorted(counts.items())
                if n
            ]
            computed_at = None
        data = {
            "unit": unit.pk,
            "code": unit.code,
            "name": unit.name,
            "as_of": day,
            "computed_at": computed_at,
            "figures": figures,
            "apps": apps,
        }
        return Response(UnitTotalsSerializer(data).data)

    @extend_schema(
        parameters=[
            AS_OF,
            OpenApiParameter("indicator", OpenApiTypes.STR, description=_("One indicator's code.")),
        ],
        responses=UnitIndicatorsSerializer,
        examples=[EXAMPLE_INDICATORS],
    )
    @action(detail=True, methods=["get"])
    def indicators(self, request, pk=None, format=None):  # noqa: A002
        unit = self._unit(pk)
        day = _day(request, "as_of") or timezone.localdate()
        chosen = list(Indicator.objects.active().select_related("app", "outcome"))
        code = request.query_params.get("indicator", "").strip()
        if code:
            chosen = [i for i in chosen if i.code == code]
            if not chosen:
                raise ValidationError({"indicator": _("No indicator has this code.")})
        engine = Indicators(unit_id=unit.pk, day=day, user=request.user, indicators=chosen)
        data = {
            "unit": unit.pk,
            "name": unit.name,
            "as_of": day,
            "indicators": [_value(item) for item in engine.of(unit.pk)],
        }
        return Response(UnitIndicatorsSerializer(data).data)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "period",
                OpenApiTypes.STR,
                enum=list(Period.values),
                description=_("day, week or month"),
            ),
            OpenApiParameter("from", OpenApiTypes.DATE),
            OpenApiParameter("to", OpenApiTypes.DATE),
        ],
        responses=PeriodFiguresSerializer(many=True),
    )
    @action(detail=True, methods=["get"])
    def periods(self, request, pk=None, format=None):  # noqa: A002
        unit = self._unit(pk)
        period = request.query_params.get("period", Period.MONTH)
        if period not in Period.values:
            raise ValidationError({"period": _("Choose day, week or month.")})
        rows = UnitPeriodFigures.objects.filter(unit=unit, period=period)
        low, high = _day(request, "from"), _day(request, "to")
        if low:
            rows = rows.filter(starts_on__gte=low)
        if high:
            rows = rows.filter(starts_on__lte=high)
        if low and high and high < low:
            raise ValidationError({"to": _("The end cannot be before the start.")})
        rows = rows.order_by("-starts_on")[:MAX_PERIODS]
        data = [
            {
                "period": row.period,
                "starts_on": row.starts_on,
                "figures": {name: getattr(row, name) for name in PERIOD_FIGURES},
            }
            for row in rows
        ]
        return Response(PeriodFiguresSerializer(data, many=True).data)


class FigureIndicatorViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The indicator registry: how every official indicator is counted."""

    authentication_classes = API_AUTHENTICATION
    permission_classes = [IsAuthenticated]
    serializer_class = IndicatorSerializer
    pagination_class = ApiPagination
    queryset = Indicator.objects.select_related("app", "outcome").order_by("position", "pk")
