"""Forms of the filed monthly report (dashboards.filings writes)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import ServiceForm

from .models import Filing


class FilingForm(ServiceForm):
    """The report's text. ``version`` is the one the page was opened on (0: no draft yet);
    after a refusal because someone else saved meanwhile, the form is re-armed on the version
    that won, so saving again, having seen the message, keeps what this person typed."""

    version = forms.IntegerField(widget=forms.HiddenInput(), min_value=0)
    number = forms.CharField(
        label=_("Number"),
        max_length=50,
        required=False,
        help_text=_("The number the office gives the report, for example 15/BC-UBND."),
    )
    addressee = forms.CharField(label=_("To (Kính gửi)"), max_length=300)
    difficulties = forms.CharField(
        label=_("Difficulties"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Section IV of the report. Leave empty if there were none."),
    )
    proposals = forms.CharField(
        label=_("Proposals"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Section V of the report: what you ask of the province."),
    )
    signer_title = forms.CharField(
        label=_("Title of the signer"),
        max_length=150,
        help_text=_("Signed on behalf of the people's committee, for example CHỦ TỊCH."),
    )
    signer_name = forms.CharField(label=_("Name of the signer"), max_length=150, required=False)

    def __init__(self, *args, filing: Filing | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._filing = filing

    def submit(self, service, /, **context):
        result = super().submit(service, **context)
        stale = any(e.code == "stale" for e in self.non_field_errors().as_data())
        if result is None and stale:
            current = Filing.objects.filter(pk=getattr(self._filing, "pk", None)).first()
            if current is None and "unit" in context:
                current = Filing.objects.filter(
                    unit=context["unit"], month=context["month"]
                ).first()
            if current is not None:
                data = self.data.copy()
                data[self.add_prefix("version")] = current.version
                self.data = data
        return result


class FilingSubmitForm(ServiceForm):
    version = forms.IntegerField(widget=forms.HiddenInput(), min_value=0)


class FilingReturnForm(ServiceForm):
    comment = forms.CharField(
        label=_("What should the commune correct?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The commune sees this comment beside its report."),
    )
