"""Sortable column headers: the header cell says how the table is sorted (WCAG: aria-sort
belongs on the <th>, never on the link inside it)."""

from __future__ import annotations

from django.template import Context, Template
from django.test import RequestFactory

TEMPLATE = Template(
    '{% load portal %}{% sortable_th "name" "Tên" "name" %}'
    '{% sortable_th "members" "Thành viên" "name" css="num" %}'
)


def render(query: str) -> str:
    request = RequestFactory().get(f"/teams/?{query}")
    return TEMPLATE.render(Context({"request": request}))


def test_the_sorted_column_says_so_on_its_header_cell():
    html = render("")
    assert '<th aria-sort="ascending"><a href="?sort=-name">Tên ▲</a></th>' in html
    assert '<th class="num"><a href="?sort=members">Thành viên</a></th>' in html


def test_sorting_the_other_way_is_descending_and_keeps_the_filters():
    html = render("sort=-members&s=abc&page=3")
    assert '<th class="num" aria-sort="descending"><a href="?sort=members&amp;s=abc">' in html
    assert "aria-sort" not in html.split("</th>")[0]  # the name column is not the sorted one
