"""The API's one exception handler: a service's Django ValidationError is a 400 with DRF's
shape ({field: [messages]}, "non_field_errors" for the whole body), so API views need no
try blocks around the services they call (HackSoft's styleguide)."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.views import exception_handler as drf_exception_handler

from .serializers import drf_validation_error


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = drf_validation_error(exc)
    return drf_exception_handler(exc, context)
