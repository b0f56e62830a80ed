from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import ServiceForm


class HamletForm(ServiceForm):
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        help_text=_("As people say it, with its type: Xóm Làng Mới, Tổ dân phố Trung Kiên."),
    )
    code = forms.CharField(
        label=_("Local code"),
        max_length=20,
        required=False,
        help_text=_("Leave empty to number it automatically (commune code-01, -02, …)."),
    )


class HamletCloseForm(ServiceForm):
    closed_on = forms.DateField(
        label=_("Last day in force"),
        initial=timezone.localdate,
        help_text=_("dd/mm/yyyy"),
    )
