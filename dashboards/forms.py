"""Forms of the indicator pages: each hands its cleaned data to a service (ServiceForm)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from apps_catalog.models import Outcome
from core.forms import ServiceForm, WholeNumberField

from .models import Base, Indicator, Source


class CountField(WholeNumberField):
    """A population figure as offices type it: "36.845", "36,845" or "36 845"."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace(".", "").replace(",", "").replace(" ", "").replace("\u00a0", "")
        return super().to_python(value)


class PopulationForm(ServiceForm):
    unit = forms.TypedChoiceField(label=_("Unit"), coerce=int)
    as_of = forms.DateField(
        label=_("As of"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    source = forms.CharField(
        label=_("Source"),
        max_length=200,
        help_text=_("Who gave the figures: e.g. the commune police's residence data, 30/06/2026."),
    )
    total = CountField(label=_("Population"), required=False, min_value=0)
    adults = CountField(label=_("Adults (18 and over)"), required=False, min_value=0)
    aged_15_plus = CountField(label=_("Aged 15 and over"), required=False, min_value=0)
    working_age = CountField(label=_("Working age"), required=False, min_value=0)
    households = CountField(label=_("Households (official count)"), required=False, min_value=0)

    def __init__(self, *args, units, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.units = {u.pk: u for u in units}
        self.fields["unit"].choices = [(u.pk, u.name) for u in units]  # type: ignore[attr-defined]

    def clean_unit(self):
        return self.units[self.cleaned_data["unit"]]


class TargetForm(ServiceForm):
    unit = forms.TypedChoiceField(label=_("Unit"), coerce=int)
    indicator = forms.ModelChoiceField(label=_("Indicator"), queryset=Indicator.objects.none())
    value = forms.DecimalField(
        label=_("Target (%)"), max_digits=6, decimal_places=2, min_value=0, localize=True
    )
    due_on = forms.DateField(
        label=_("Due by"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, units, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.units = {u.pk: u for u in units}
        self.fields["unit"].choices = [(u.pk, u.name) for u in units]  # type: ignore[attr-defined]
        self.fields["indicator"].queryset = Indicator.objects.active().exclude(  # type: ignore[attr-defined]
            numerator="none"
        )

    def clean_unit(self):
        return self.units[self.cleaned_data["unit"]]


class IndicatorForm(ServiceForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    code = forms.SlugField(
        label=_("Identifier"), max_length=50, help_text=_("Letters, digits and dashes.")
    )
    outcome = forms.ModelChoiceField(
        label=_("Counts citizens who reached"),
        queryset=Outcome.objects.select_related("app").order_by("app__position", "position"),
    )
    base = forms.ChoiceField(label=_("Counted against"), choices=Base.choices)
    national_target = forms.DecimalField(
        label=_("National target (%)"), required=False, max_digits=6, decimal_places=2
    )
    target_year = forms.IntegerField(
        label=_("Target year"), required=False, min_value=2020, max_value=2100
    )
    source = forms.ChoiceField(label=_("Source"), choices=Source.choices, initial=Source.PROVINCE)
    description = forms.CharField(
        label=_("How it is counted"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        outcome = self.fields["outcome"]
        outcome.label_from_instance = lambda o: f"{o.app.name} · {o.name}"  # type: ignore[attr-defined]

    def clean(self):
        data = super().clean()
        if data.get("outcome") is not None:
            data["app"] = data["outcome"].app
        return data
