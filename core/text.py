"""Vietnamese text helpers: NFC normalisation for storage, folding for search keys.

Search ignores diacritics and case on every database the same way: each searchable model keeps
a folded copy of its name (``search_key``) and queries fold the user's words with ``fold``.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def clean_text(value: str | None) -> str:
    """NFC-normalise, trim and collapse inner whitespace (names typed or pasted from Excel)."""
    if value is None:
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", str(value))).strip()


def fold(value: str | None) -> str:
    """Lower-case, strip diacritics (đ → d) and collapse spaces: "Định  Hóa" → "dinh hoa"."""
    if not value:
        return ""
    decomposed = unicodedata.normalize("NFD", str(value))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = stripped.replace("đ", "d").replace("Đ", "D")
    return _SPACES.sub(" ", stripped).strip().lower()
