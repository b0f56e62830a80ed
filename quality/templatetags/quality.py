"""``{% open_flags unit user %}``: the dashboard's panel of the area's open data-quality
flags, counted per rule, for those who check them (nothing, and no query, for others)."""

from __future__ import annotations

from django import template

from accounts import policies

from ..selectors import open_flag_counts

register = template.Library()


@register.inclusion_tag("quality/_open_flags.html")
def open_flags(unit, user) -> dict:
    if not policies.can_check_flags(user, unit):
        return {"shown": False}
    counts, counted_at = open_flag_counts(user=user, unit=unit)
    return {
        "shown": True,
        "unit": unit,
        "counts": counts,
        "counted_at": counted_at,
        "total": sum(n for _code, _label, n in counts),
    }
