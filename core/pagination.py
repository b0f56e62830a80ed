from __future__ import annotations

from functools import cached_property

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

PAGE_SIZE = 50


class CountedPaginator(Paginator):
    """A paginator told its total (e.g. from a roll-up), so it never counts the list."""

    def __init__(self, object_list, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self._given_count = count

    @cached_property
    def count(self) -> int:
        return self._given_count


def paginate(
    request: HttpRequest,
    queryset: QuerySet,
    *,
    per_page: int = PAGE_SIZE,
    count: int | None = None,
) -> Page:
    """One page of a list; a bad or too-large ?page= gives the nearest valid page, not a 404.
    With ``count``, the total is taken as given instead of counted."""
    paginator = (
        Paginator(queryset, per_page)
        if count is None
        else CountedPaginator(queryset, per_page, count=count)
    )
    return paginator.get_page(request.GET.get("page"))


def query_without_page(request: HttpRequest) -> str:
    """The current filters as a query string, for pagination links that keep them."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
