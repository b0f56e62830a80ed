from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import ServiceForm

from .services import MAX_UPLOAD_BYTES


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class UploadForm(ServiceForm):
    file = forms.FileField(
        label=_("Spreadsheet"),
        help_text=_("Excel (.xlsx) or CSV, up to 5 MB. Title rows above the header are fine."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    unit = UnitChoiceField(
        label=_("Area of the list"),
        queryset=None,
        help_text=_("Rows outside this area are reported as errors."),
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        if units.count() == 1:
            self.fields["unit"].initial = units.first()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(too_large_message(upload.size), code="too_large")
        return upload


def too_large_message(size: int) -> str:
    return _("The file is too large (%(size).1f MB); the limit is 5 MB.") % {
        "size": size / 1024 / 1024
    }
