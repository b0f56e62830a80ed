"""The API's one exception handler: a service's Django ValidationError is a 400 with DRF's
shape ({field: [messages]}, "non_field_errors" for the whole body), so API views need no
try blocks around the services they call (HackSoft's styleguide). Two codes answer
otherwise: "stale" (the record changed since the client read it) is a 409 and
"not_allowed" (the policy refuses this record to this user) a 403, each as {"detail": …}."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .serializers import drf_validation_error

STATUS_FOR_CODE = {"stale": status.HTTP_409_CONFLICT, "not_allowed": status.HTTP_403_FORBIDDEN}


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        code = getattr(exc, "code", None) if not hasattr(exc, "error_dict") else None
        if code in STATUS_FOR_CODE:
            return Response(
                {"detail": " ".join(exc.messages), "code": code}, status=STATUS_FOR_CODE[code]
            )
        exc = drf_validation_error(exc)
    return drf_exception_handler(exc, context)
