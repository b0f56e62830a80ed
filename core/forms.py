from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

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
        for message in exc.messages:
            form.add_error(None, message)


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
