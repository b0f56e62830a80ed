from __future__ import annotations

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters changed (page reset): ?q=…&sort=name."""
    params = context["request"].GET.copy()
    params.pop("page", None)
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    return "?" + params.urlencode()


@register.simple_tag(takes_context=True)
def sortable_th(context, key: str, label: str, default: str = "", css: str = "") -> str:
    """A column header that sorts by ``key``, and by ``-key`` when already sorted by it. The
    ``<th>`` carries ``aria-sort`` (screen readers read it on the header cell, not on a link)."""
    current = context["request"].GET.get("sort", default)
    target = f"-{key}" if current == key else key
    arrow = " ▲" if current == key else " ▼" if current == f"-{key}" else ""
    sorted_as = "ascending" if current == key else "descending" if current == f"-{key}" else ""
    return format_html(
        '<th{}{}><a href="{}">{}{}</a></th>',
        format_html(' class="{}"', css) if css else "",
        format_html(' aria-sort="{}"', sorted_as) if sorted_as else "",
        query_with(context, sort=target),
        label,
        arrow,
    )
