"""The API's JSON parser: bodies nested deeper than any of ours are refused with a clear 400
(Python's parser would raise RecursionError, a 500, for a few thousand nested "[")."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

# Our deepest body is a visit: {assistances: [{…}]} is three levels.
MAX_DEPTH = 10


def _too_deep(data, limit: int) -> bool:
    """Whether ``data`` nests more than ``limit`` levels (iteratively: no recursion)."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        children: Iterable
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


class BoundedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        message = _("The JSON body is nested more than %(max)d levels deep.") % {"max": MAX_DEPTH}
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError(message) from exc
        if _too_deep(data, MAX_DEPTH):
            raise ParseError(message)
        return data
