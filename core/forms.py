from __future__ import annotations

import datetime
import html
from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

T = TypeVar("T")


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form, beside the field it names when it can.

    The form keeps what the user typed; errors for fields the form doesn't have go on top.
    """
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            if field == NON_FIELD_ERRORS:
                target = None
            for error in errors:
                form.add_error(target, error)
    else:
        for error in exc.error_list:  # each keeps its code (a stale save re-arms the form)
            form.add_error(None, error)


class ServiceForm(forms.Form):
    """A form whose data a service writes: ``submit`` runs the service with the cleaned data
    (and the context given) and puts the service's ValidationError on the form, which keeps
    what was typed. Reshaping input belongs in ``clean_<field>``."""

    def submit(self, service, /, **context):
        """The service's result (True when it returns nothing); None when the form is not
        bound, not valid, or the service refused (its errors are then on the form)."""
        if not self.is_bound or not self.is_valid():
            return None
        try:
            result = service(**self.cleaned_data, **context)
        except ValidationError as exc:
            add_service_errors(self, exc)
            return None
        return True if result is None else result


def attempt(service: Callable[..., T], /, **kwargs) -> tuple[T | bool | None, list[str]]:
    """For an action without a form (a button): run the service; (its result or True, [])
    when it went through, (None, its messages) when it refused."""
    try:
        result = service(**kwargs)
    except ValidationError as exc:
        return None, list(exc.messages)
    return (True if result is None else result), []


class ListFilters(forms.Form):
    """A list's filters, parsed as a form from its query string and rendered by one partial
    (includes/_filter_bar.html) beside the list's search box. A value the list does not offer
    is ignored (the list shows everything), never an error page: links from dashboards and old
    bookmarks keep working. ``unit`` (when the list has it) takes any unit id; the list's
    selector decides whether it is inside the user's scope."""

    def __init__(self, data=None, **kwargs) -> None:
        super().__init__(data if data is not None else {}, auto_id="%s", **kwargs)

    def value(self, name: str):
        """The cleaned value, or the field's default when absent or not offered."""
        field = self.fields.get(name)
        if field is None:
            return ""
        self.is_valid()  # cleans once, on first use
        found = self.cleaned_data.get(name)
        return found if found not in (None, "") else (field.initial or "")

    @property
    def is_filtered(self) -> bool:
        return any(self.value(name) != (field.initial or "") for name, field in self.fields.items())


def unit_choice_field(label, choices, *, current=None) -> forms.CharField:
    """The "area" filter: a menu of ``choices`` (grouped or not), which also shows the unit
    currently applied when a link named one the menu does not list."""
    options = list(choices)
    if current is not None and str(current.pk) not in _option_values(options):
        options.append((str(current.pk), current.name))
    return forms.CharField(label=label, required=False, widget=LongSelect(choices=options))


class LongSelect(forms.Select):
    """A menu of thousands of options (every hamlet of the province) drawn in one pass: the
    same markup as Django's Select, without a template rendered for each option (which took
    1.7 s of a province officer's households list)."""

    def render(self, name, value, attrs=None, renderer=None):
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        chosen = set(self.format_value(value))
        parts = [format_html("<select{}>", flatatt(final))]

        def option(option_value, label) -> str:
            text = str(option_value)
            selected = text in chosen
            if selected:
                chosen.discard(text)  # as Django: one option selected in a single menu
            # The standard library's escape (as Django's, without its per-call wrappers).
            return (
                f'<option value="{html.escape(text)}"{" selected" if selected else ""}>'
                f"{html.escape(str(label))}</option>"
            )

        for group, label in self.choices:
            if isinstance(label, list | tuple):
                parts.append(format_html('<optgroup label="{}">', group))
                parts.extend(option(v, lab) for v, lab in label)
                parts.append("</optgroup>")
            else:
                parts.append(option(group, label))
        parts.append("</select>")
        return mark_safe("\n".join(parts))  # noqa: S308 - every part is escaped


def _option_values(options) -> set[str]:
    values: set[str] = set()
    for value, label in options:
        if isinstance(label, list | tuple):
            values |= {str(v) for v, _l in label}
        else:
            values.add(str(value))
    return values


class VersionedForm(ServiceForm):
    """An edit form that remembers the version it was opened on (``opened_at``, the record's
    ``updated_at``): the service refuses a save over a later change (core.history
    ``refuse_if_changed``). After such a refusal the form is re-armed on the version that
    won, so saving again, having seen the other person's change, keeps this person's."""

    opened_at = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, opened=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if opened is not None:
            self.fields["opened_at"].initial = opened.isoformat()
        else:  # a form that creates: there is no version to compare with
            del self.fields["opened_at"]
        self._current = opened

    def clean_opened_at(self):
        value = self.cleaned_data.get("opened_at") or ""
        try:
            return datetime.datetime.fromisoformat(value) if value else None
        except ValueError:
            return None

    def submit(self, service, /, **context):
        result = super().submit(service, **context)
        stale = any(e.code == "stale" for e in self.non_field_errors().as_data())
        if result is None and self.is_bound and self._current is not None and stale:
            data = self.data.copy()
            data[self.add_prefix("opened_at")] = self._current.isoformat()
            self.data = data
        return result


class WholeNumberField(forms.IntegerField):
    """A count typed on a keypad: the message says what to type, not "Enter a whole number"."""

    default_error_messages = {
        "invalid": _("Type a number in digits, for example 3."),
        "min_value": _("The number cannot be below %(limit_value)s."),
        "max_value": _("The number cannot be above %(limit_value)s."),
    }
