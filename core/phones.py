"""Vietnamese phone numbers: one stored form ("0912345678") whatever people typed or Excel did.

Accepted input: international forms (+84 / 84 / 0084), separators (spaces, dots, dashes,
brackets), numbers that Excel stored as numbers and so lost their leading 0 (912345678 or
912345678.0), landlines (0208 3855 123, area code 0208 is Thái Nguyên) and pre-2018 11-digit
mobile numbers, converted to their current 10-digit form (01686123456 → 0386123456).
"""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.text import clean_text

MOBILE = re.compile(r"^0(3[2-9]|5[2689]|7[06-9]|8[1-9]|9\d)\d{7}$")
LANDLINE = re.compile(r"^02\d{9}$")

# Pre-2018 11-digit mobile prefixes → the current 10-digit prefixes (conversion of 2018).
OLD_MOBILE_PREFIXES = {
    "0162": "032",
    "0163": "033",
    "0164": "034",
    "0165": "035",
    "0166": "036",
    "0167": "037",
    "0168": "038",
    "0169": "039",
    "0120": "070",
    "0121": "079",
    "0122": "077",
    "0126": "076",
    "0128": "078",
    "0123": "083",
    "0124": "084",
    "0125": "085",
    "0127": "081",
    "0129": "082",
    "0186": "056",
    "0188": "058",
    "0199": "059",
}

_ALLOWED = re.compile(r"^[\d\s+().\-/]+$")
_EXCEL_FLOAT_TEXT = re.compile(r"^(\d+)\.0+$")  # "912345678.0": a number pasted as text
_MASK = "•"


class InvalidPhone(ValueError):
    """Not a Vietnamese phone number; ``str(exc)`` is a translated message naming the value."""

    def __init__(self, value: object) -> None:
        self.value = value
        shown = _display(value)
        super().__init__(
            _("“%(value)s” is not a Vietnamese mobile or landline number.") % {"value": shown}
        )


def _display(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = clean_text(str(value))
    return text if len(text) <= 40 else text[:39] + "…"


def _as_text(raw: str | int | float) -> str:
    if isinstance(raw, bool):
        raise InvalidPhone(raw)
    if isinstance(raw, float):
        if not raw.is_integer() or raw < 0:
            raise InvalidPhone(raw)
        return str(int(raw))
    if isinstance(raw, int):
        if raw < 0:
            raise InvalidPhone(raw)
        return str(raw)
    # NFKC: full-width digits and no-break spaces pasted from Word or the web.
    text = clean_text(unicodedata.normalize("NFKC", str(raw)))
    match = _EXCEL_FLOAT_TEXT.match(text)
    return match.group(1) if match else text


def _national_digits(text: str, raw: object) -> str:
    """Digits of ``text`` in national form (leading 0 where it belongs), not yet validated."""
    if not _ALLOWED.match(text):
        raise InvalidPhone(raw)
    digits = re.sub(r"\D", "", text)
    if "+" in text:
        if text.count("+") > 1 or not text.lstrip("( ").startswith("+"):
            raise InvalidPhone(raw)
        if not digits.startswith("84"):
            raise InvalidPhone(raw)  # a foreign number
        rest = digits[2:]
        return rest if rest.startswith("0") else "0" + rest  # "+84 (0) 912…" keeps its 0
    if digits.startswith("0084"):
        rest = digits[4:]
        return rest if rest.startswith("0") else "0" + rest
    if digits.startswith("84") and len(digits) in (11, 12):
        return "0" + digits[2:]
    # Excel stored the number as a number and dropped the leading 0.
    if (len(digits) == 9 and digits[0] in "35789") or (len(digits) == 10 and digits[0] in "12"):
        return "0" + digits
    return digits


def normalize_phone(raw: str | int | float | None) -> str:
    """Return the number as 10 (mobile) or 11 (landline) digits starting with 0, or "" if blank.

    Raises ``InvalidPhone`` when the value is not a Vietnamese mobile or landline number.
    """
    if raw is None:
        return ""
    text = _as_text(raw)
    if not text:
        return ""
    digits = _national_digits(text, raw)
    if len(digits) == 11 and digits.startswith("01"):
        new_prefix = OLD_MOBILE_PREFIXES.get(digits[:4])
        if new_prefix is None:
            raise InvalidPhone(raw)
        digits = new_prefix + digits[4:]
    if MOBILE.match(digits) or LANDLINE.match(digits):
        return digits
    raise InvalidPhone(raw)


def mask_phone(phone: str) -> str:
    """Hide the middle digits: "0912345678" → "0912•••678" (first 4 and last 3 stay)."""
    if not phone:
        return ""
    if len(phone) <= 7:
        return _MASK * max(len(phone) - 3, 0) + phone[-3:]
    return phone[:4] + _MASK * (len(phone) - 7) + phone[-3:]


def clean_phone(raw: str | int | float | None, *, field: str = "phone") -> str:
    """``normalize_phone`` for services: a bad number is a ValidationError on ``field``."""

    try:
        return normalize_phone(raw)
    except InvalidPhone as exc:
        raise ValidationError({field: str(exc)}) from exc
