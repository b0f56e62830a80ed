from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import ServiceForm
from teams.forms import DateInput


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class CourseForm(ServiceForm):
    name = forms.CharField(label=_("Course name"), max_length=200)
    audience = forms.CharField(
        label=_("For whom"),
        max_length=200,
        required=False,
        help_text=_("For example: IT officers of the communes, members of the teams."),
    )
    starts_on = forms.DateField(label=_("Starts on"), widget=DateInput())
    ends_on = forms.DateField(label=_("Ends on"), required=False, widget=DateInput())
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class CourseCreateForm(CourseForm):
    unit = UnitChoiceField(label=_("Organised by"), queryset=None)
    field_order = ["unit", "name", "audience", "starts_on", "ends_on", "description"]

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class SessionForm(ServiceForm):
    held_on = forms.DateField(label=_("Date"), widget=DateInput())
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    topic = forms.CharField(label=_("Topic"), max_length=200, required=False)


class TraineeForm(ServiceForm):
    name = forms.CharField(label=_("Full name"), max_length=150)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    workplace = forms.CharField(label=_("Position and workplace"), max_length=200, required=False)
    unit = UnitChoiceField(
        label=_("Works in"),
        queryset=None,
        required=False,
        empty_label=_("— the unit that runs the course —"),
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class TickForm(ServiceForm):
    """Checkboxes over a list of trainees: ``ticked`` among the ``shown`` ones.

    ``shown`` says which trainees the page listed, so that a filtered list changes only them.
    """

    ticked = forms.TypedMultipleChoiceField(coerce=int, required=False)
    shown = forms.TypedMultipleChoiceField(coerce=int, required=False)

    def __init__(self, *args, trainee_ids, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(pk, pk) for pk in trainee_ids]
        self.fields["ticked"].choices = choices
        self.fields["shown"].choices = choices


class CompletionForm(TickForm):
    completed_on = forms.DateField(
        label=_("Completed on"),
        initial=timezone.localdate,
        widget=DateInput(),
        help_text=_("Recorded for the newly ticked trainees; others keep their date."),
    )
