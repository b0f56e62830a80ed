from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import ServiceForm, unit_choice_field


class FlagCheckForm(ServiceForm):
    """Mark one flag as checked. The note is kept as typed (spaces too) when the service
    refuses it, so nothing the officer wrote is lost."""

    rule = forms.CharField(widget=forms.HiddenInput, max_length=40)
    key = forms.CharField(widget=forms.HiddenInput, max_length=120)
    note = forms.CharField(
        label=_("What did you check?"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class FlagFilters(forms.Form):
    """The list's filters, read from its query string (a value not offered is ignored, so
    the dashboard's link to a hamlet's flags keeps working)."""

    def __init__(self, data=None, *, rules, units, current=None) -> None:
        super().__init__(data if data is not None else {}, auto_id="flag-%s")
        self.fields["unit"] = unit_choice_field(
            _("Area"), [(str(u.pk), u.name) for u in units], current=current
        )
        self.fields["rule"] = forms.ChoiceField(
            label=_("Kind of flag"),
            required=False,
            choices=[("", _("Every kind of flag")), *rules],
        )
        self.fields["status"] = forms.ChoiceField(
            label=_("Status"),
            required=False,
            choices=[
                ("open", _("Not checked yet")),
                ("checked", _("Checked")),
                ("all", _("Open and checked")),
            ],
        )

    def value(self, name: str) -> str:
        self.is_valid()
        return self.cleaned_data.get(name) or ""
