from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from citizens.forms import DateInput
from core.forms import ServiceForm

MAX_FILE_BYTES = 2 * 1024 * 1024


class CsvField(forms.FileField):
    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload and upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("The file is too large (%(size).1f MB); the limit is 2 MB.")
                % {"size": upload.size / 1024 / 1024}
            )
        return upload


class ReorganizationForm(ServiceForm):
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        required=False,
        help_text=_("For example: Sắp xếp đơn vị hành chính 2025 (Nghị quyết 1683/NQ-UBTVQH15)."),
    )
    effective_on = forms.DateField(
        label=_("Effective from"), widget=DateInput(), input_formats=["%d/%m/%Y", "%Y-%m-%d"]
    )
    units_file = CsvField(
        label=_("New units (CSV)"),
        help_text=_("Columns code, name, level, parent_code: the structure from that date."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv"}),
    )
    mapping_file = CsvField(
        label=_("Old → new communes (CSV)"),
        help_text=_(
            "Columns old_code, new_code and merge_type (full or partial): where each former "
            "commune goes."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv"}),
    )
