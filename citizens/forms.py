from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import ListFilters, ServiceForm, VersionedForm, WholeNumberField, unit_choice_field

from .models import Sex, VisitKind
from .services.visits import MAX_NOTES, MAX_REASON


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


class HouseholdForm(VersionedForm):
    hamlet = HamletChoiceField(label=_("Hamlet"), queryset=None)
    head_name = forms.CharField(label=_("Head of household"), max_length=150)
    address = forms.CharField(
        label=_("House number / address"),
        max_length=200,
        required=False,
        help_text=_("For example: Số 12, đường Trung Kiên."),
    )
    member_count = WholeNumberField(label=_("Members"), initial=1, widget=NumberInput())
    smartphone_count = WholeNumberField(
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


class CitizenForm(VersionedForm):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    birth_year = WholeNumberField(
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
    """Hamlets grouped by their commune; with ``whole_communes``, each commune as a whole too.
    ``hamlets``: (pk, name, commune pk, commune name) rows, in the order to show."""
    by_commune: dict = {}
    for pk, name, commune_pk, commune_name in hamlets:
        by_commune.setdefault((commune_pk, commune_name), []).append((str(pk), name))
    choices: list = [("", _("All communes and hamlets"))]
    for (commune_pk, commune_name), members in by_commune.items():
        whole = [(str(commune_pk), _("All of %(name)s") % {"name": commune_name})]
        choices.append((commune_name, (whole if whole_communes else []) + members))
    return choices


class HouseholdFilters(ListFilters):
    """``whole_communes``: offer each commune as a whole (not to a team leader, who works in
    one hamlet). With a single hamlet in scope there is nothing to choose. ``hamlets``: a
    queryset of hamlets, read as plain rows (a province has thousands)."""

    def __init__(self, data=None, *, hamlets, whole_communes: bool, current_unit=None) -> None:
        super().__init__(data)
        rows = list(hamlets.values_list("pk", "name", "parent_id", "parent__name"))
        unit = {}
        if len(rows) > 1:
            unit["unit"] = unit_choice_field(
                _("Commune or hamlet"),
                _hamlet_choices(rows, whole_communes=whole_communes),
                current=current_unit,
            )
        self.fields = {**unit, **self.fields}


class CitizenFilters(HouseholdFilters):
    sex = forms.ChoiceField(
        label=_("Sex"), required=False, choices=[("", _("Any sex")), *Sex.choices]
    )


# --- visits ------------------------------------------------------------------------------------


class VisitFilters(HouseholdFilters):
    kind = forms.ChoiceField(
        label=_("What happened"),
        required=False,
        choices=[("", _("Any visit")), *VisitKind.choices],
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        initial="counted",
        choices=[
            ("counted", _("Counted (not withdrawn)")),
            ("corrected", _("Corrected")),
            ("withdrawn", _("Withdrawn")),
            ("all", _("All, withdrawn too")),
        ],
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date_from"].widget.attrs["placeholder"] = _("from dd/mm/yyyy")
        self.fields["date_to"].widget.attrs["placeholder"] = _("to dd/mm/yyyy")


class VisitCorrectForm(ServiceForm):
    """A visit's content, to correct it: what happened, the day, who of the team was there, a
    note, and per person and app the outcomes reached (checkboxes), plus why."""

    version = forms.IntegerField(widget=forms.HiddenInput())
    kind = forms.ChoiceField(
        label=_("What happened"), choices=VisitKind.choices, widget=forms.RadioSelect
    )
    visited_on = forms.DateField(label=_("Date of the visit"), widget=DateInput())
    members_present: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=_("Team members present"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=MAX_NOTES,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    reason = forms.CharField(
        label=_("Why the correction"),
        max_length=MAX_REASON,
        help_text=_("For example: the wrong app was ticked at the door."),
    )

    def __init__(self, *args, visit, citizens, apps, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members_present"].queryset = members
        self.help_fields: list[tuple] = []  # (citizen, [(app, bound field)])
        self._help_keys: dict[str, tuple] = {}
        for citizen in citizens:
            row = []
            for app in apps:
                name = f"help_{citizen.pk}_{app.pk}"
                outcomes = {str(o.pk): o for o in app.outcomes.all()}
                self.fields[name] = forms.MultipleChoiceField(
                    label=f"{citizen.full_name} · {app.name}",
                    required=False,
                    choices=[(pk, o.name) for pk, o in outcomes.items()],
                    widget=forms.CheckboxSelectMultiple,
                )
                self._help_keys[name] = (citizen, app, outcomes)
                row.append((app, name))
            self.help_fields.append((citizen, row))

    def help_rows(self):
        """For the template: per citizen, per app, the bound checkbox field."""
        return [
            (citizen, [(app, self[name]) for app, name in row]) for citizen, row in self.help_fields
        ]

    def clean(self):
        cleaned = super().clean()
        assistances = []
        for name, (citizen, app, outcomes) in self._help_keys.items():
            for pk in cleaned.pop(name, []) or []:
                assistances.append({"citizen": citizen, "app": app, "outcome": outcomes[pk]})
        cleaned["assistances"] = assistances
        cleaned["members_present"] = list(cleaned.get("members_present") or [])
        return cleaned


class VisitWithdrawForm(ServiceForm):
    version = forms.IntegerField(widget=forms.HiddenInput())
    reason = forms.CharField(
        label=_("Why is the visit withdrawn?"),
        max_length=MAX_REASON,
        help_text=_("For example: recorded for the wrong household."),
    )
