from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import ListFilters, ServiceForm, VersionedForm, unit_choice_field

from .models import Affiliation, MemberRole, TeamStatus


class DateInput(forms.DateInput):
    input_type = "text"

    def __init__(self, **kwargs):
        super().__init__(
            format="%d/%m/%Y",
            attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"},
        )


class TeamForm(VersionedForm):
    name = forms.CharField(
        label=_("Team name"),
        max_length=200,
        required=False,
        help_text=_("Leave empty for “Tổ công nghệ số cộng đồng” + the hamlet's name."),
    )
    decision_number = forms.CharField(
        label=_("Founding decision number"), max_length=100, required=False
    )
    decision_date = forms.DateField(
        label=_("Founding decision date"), required=False, widget=DateInput()
    )


class HamletChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name} · {obj.parent.name}"


class TeamCreateForm(TeamForm):
    hamlet = HamletChoiceField(label=_("Hamlet"), queryset=None)
    field_order = ["hamlet", "name", "decision_number", "decision_date"]

    def __init__(self, *args, hamlets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hamlet"].queryset = hamlets


class MemberForm(VersionedForm):
    name = forms.CharField(label=_("Full name"), max_length=150)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    # Empty until chosen: a form that defaults to "Leader" makes leaders by mistake.
    role = forms.ChoiceField(
        label=_("Role in the team"), choices=[("", _("— choose —")), *MemberRole.choices]
    )
    affiliation = forms.ChoiceField(
        label=_("Affiliation"), choices=[("", _("— choose —")), *Affiliation.choices]
    )
    joined_on = forms.DateField(
        label=_("Joined on"), initial=timezone.localdate, widget=DateInput()
    )
    listed_publicly = forms.BooleanField(
        label=_("Agrees to be listed with their phone in the public team directory"),
        required=False,
    )


class DateForm(ServiceForm):
    """A confirmation step that asks for the date it takes effect (retire, dissolve)."""

    on = forms.DateField(label=_("Date"), initial=timezone.localdate, widget=DateInput())


def _commune_choices(communes) -> list[tuple[str, str]]:
    return [("", _("All communes"))] + [(str(c.pk), c.name) for c in communes]


class TeamFilters(ListFilters):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *TeamStatus.choices],
    )

    def __init__(self, data=None, *, communes, current_unit=None) -> None:
        super().__init__(data)
        self.fields = {
            "unit": unit_choice_field(
                _("Commune"), _commune_choices(communes), current=current_unit
            ),
            **self.fields,
        }


class MemberFilters(ListFilters):
    role = forms.ChoiceField(
        label=_("Role in the team"),
        required=False,
        choices=[("", _("Any role")), *MemberRole.choices],
    )
    affiliation = forms.ChoiceField(
        label=_("Affiliation"),
        required=False,
        choices=[("", _("Any affiliation")), *Affiliation.choices],
    )
    state = forms.ChoiceField(
        label=_("Membership"),
        required=False,
        initial="current",
        choices=[
            ("current", _("Current members")),
            ("former", _("Former members")),
            ("all", _("Everyone")),
        ],
    )

    def __init__(self, data=None, *, communes, current_unit=None) -> None:
        super().__init__(data)
        self.fields = {
            "unit": unit_choice_field(
                _("Commune"), _commune_choices(communes), current=current_unit
            ),
            **self.fields,
        }
