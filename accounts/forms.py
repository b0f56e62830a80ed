from __future__ import annotations

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from core.forms import ListFilters, ServiceForm

from .models import Role


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        if obj.parent_id:
            return f"{obj.name} ({obj.code}) · {obj.parent.name}"
        return f"{obj.name} ({obj.code})"


class UserCreateForm(ServiceForm):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        help_text=_("Letters, digits and . _ - only; used to sign in."),
        validators=[
            RegexValidator(
                r"^[A-Za-z0-9._-]+\Z", _("Use only letters without accents, digits and . _ -")
            )
        ],
    )
    name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"), required=False)
    role = forms.ChoiceField(label=_("Role"))
    scope_unit = UnitChoiceField(label=_("Works in"), queryset=None)
    password = forms.CharField(
        label=_("Initial password"),
        widget=forms.PasswordInput(render_value=True),
        help_text=_("At least 8 characters; give it to the person, who can change it."),
    )

    def __init__(self, *args, roles: list[Role], units, **kwargs):
        super().__init__(*args, **kwargs)
        role_field = self.fields["role"]
        unit_field = self.fields["scope_unit"]
        assert isinstance(role_field, forms.ChoiceField)
        assert isinstance(unit_field, forms.ModelChoiceField)
        role_field.choices = [(r.value, r.label) for r in roles]
        unit_field.queryset = units


class UserFilters(ListFilters):
    role = forms.ChoiceField(label=_("Role"), required=False)

    def __init__(self, data=None, *, see_administrators: bool) -> None:
        super().__init__(data)
        roles = [r for r in Role if see_administrators or r != Role.ADMIN]
        self.fields["role"].choices = [("", _("All roles"))] + [(r.value, r.label) for r in roles]  # type: ignore[attr-defined]
