"""Citizen ID numbers (CCCD, 12 digits): never stored. We keep a keyed HMAC of the number (to
match the same person across imports and refuse duplicates) and its last four digits (to show
it masked). The key is ``settings.CITIZEN_ID_KEY`` (in development, derived from SECRET_KEY;
production refuses to start without one: core.production)."""

from __future__ import annotations

import hashlib
import hmac
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

from core.text import clean_text

ID_NUMBER_LENGTH = 12
_ID_SEPARATORS = re.compile(r"[\s.\-]")


# The one answer for a number that cannot be recorded: malformed, or already the number of
# someone outside what the user sees. Telling those apart would tell anyone who types a number
# whether that person is registered somewhere in the province (an oracle).
ID_NUMBER_REFUSED = gettext_lazy("Check the citizen ID number (CCCD): 12 digits, the person's own.")


def id_number_refused() -> ValidationError:
    return ValidationError({"id_number": ID_NUMBER_REFUSED}, code="invalid_id_number")


def _citizen_id_key() -> bytes:
    key = getattr(settings, "CITIZEN_ID_KEY", None)
    if key:
        return key if isinstance(key, bytes) else str(key).encode()
    return hashlib.sha256(b"citizen-id:" + settings.SECRET_KEY.encode()).digest()


def normalize_id_number(raw: object) -> str:
    """The 12 digits of a citizen ID number ("" if blank); spaces, dots and dashes dropped.

    Raises ``ValidationError`` on "id_number" when what is left is not exactly 12 digits.
    """
    text = _ID_SEPARATORS.sub("", clean_text("" if raw is None else str(raw)))
    if not text:
        return ""
    if not (text.isascii() and text.isdigit() and len(text) == ID_NUMBER_LENGTH):
        raise id_number_refused()
    return text


def citizen_id_digest(number: str) -> str:
    """HMAC-SHA256 (hex) of a citizen ID number's 12 digits: what is stored to match it."""
    digits = _ID_SEPARATORS.sub("", number)
    return hmac.new(_citizen_id_key(), digits.encode(), hashlib.sha256).hexdigest()
