from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import ListFilters, ServiceForm, unit_choice_field

from .models import Sex


class DateInput(forms.DateInput):
    input_type = "text"

    def __init__(self, **kwargs):
        super().__init__(
            format="%d/%m/%Y",
            attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"},
        )


class NumberInput(forms.TextInput):
    """A plain text box with the numeric keypad on phones (no spinner, no localisation)."""

    def __init__(self, **kwargs):
        super().__init__(attrs={"inputmode": "numeric", "autocomplete": "off", **kwargs})


class HamletChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name} · {obj.parent.name}"


class HouseholdForm(ServiceForm):
    hamlet = HamletChoiceField(label=_("Hamlet"), queryset=None)
    head_name = forms.CharField(label=_("Head of household"), max_length=150)
    address = forms.CharField(
        label=_("House number / address"),
        max_length=200,
        required=False,
        help_text=_("For example: Số 12, đường Trung Kiên."),
    )
    member_count = forms.IntegerField(label=_("Members"), initial=1, widget=NumberInput())
    smartphone_count = forms.IntegerField(
        label=_("Smartphones in the household"), initial=0, widget=NumberInput()
    )
    consent_on = forms.DateField(
        label=_("Consent to store personal data given on"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty until the household has agreed."),
    )

    def __init__(self, *args, hamlets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hamlet"].queryset = hamlets


class CitizenForm(ServiceForm):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    birth_year = forms.IntegerField(
        label=_("Year of birth"), required=False, widget=NumberInput(placeholder="1985")
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", "—"), *Sex.choices], required=False)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    id_number = forms.CharField(
        label=_("Citizen ID number (CCCD)"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_("12 digits. The number itself is not stored: only its last 4 digits."),
    )

    def __init__(self, *args, citizen=None, **kwargs):
        super().__init__(*args, **kwargs)
        if citizen is not None and citizen.id_number_last4:
            self.fields["id_number"].help_text = _(
                "Recorded: %(masked)s. Leave empty to keep it; type a new one to replace it."
            ) % {"masked": citizen.masked_id_number}
            self.fields["clear_id_number"] = forms.BooleanField(
                label=_("Remove the recorded citizen ID number"), required=False
            )


def _hamlet_choices(hamlets, *, whole_communes: bool) -> list:
    """Hamlets grouped by their commune; with ``whole_communes``, each commune as a whole too."""
    by_commune: dict = {}
    for hamlet in hamlets:
        by_commune.setdefault(hamlet.parent, []).append(hamlet)
    choices: list = [("", _("All communes and hamlets"))]
    for commune, members in by_commune.items():
        whole = [(str(commune.pk), _("All of %(name)s") % {"name": commune.name})]
        options = (whole if whole_communes else []) + [(str(h.pk), h.name) for h in members]
        choices.append((commune.name, options))
    return choices


class HouseholdFilters(ListFilters):
    """``whole_communes``: offer each commune as a whole (not to a team leader, who works in
    one hamlet). With a single hamlet in scope there is nothing to choose."""

    def __init__(self, data=None, *, hamlets, whole_communes: bool, current_unit=None) -> None:
        super().__init__(data)
        hamlets = list(hamlets)
        unit = {}
        if len(hamlets) > 1:
            unit["unit"] = unit_choice_field(
                _("Commune or hamlet"),
                _hamlet_choices(hamlets, whole_communes=whole_communes),
                current=current_unit,
            )
        self.fields = {**unit, **self.fields}


class CitizenFilters(HouseholdFilters):
    sex = forms.ChoiceField(
        label=_("Sex"), required=False, choices=[("", _("Any sex")), *Sex.choices]
    )
