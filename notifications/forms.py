from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Rule


class PreferenceForm(forms.Form):
    receive = forms.MultipleChoiceField(
        label=_("Tell me when"),
        choices=Rule.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    digest = forms.BooleanField(
        label=_("Send me a weekly digest by e-mail (Monday morning)"), required=False
    )
