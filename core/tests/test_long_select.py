"""The area menu with thousands of hamlets is drawn without a template per option, and says
the same as Django's own menu."""

from __future__ import annotations

from html.parser import HTMLParser

from django import forms

from core.forms import LongSelect

CHOICES = [
    ("", "Tất cả xã và xóm"),
    ("Xã Định Hóa", [("5569", "Toàn bộ Xã Định Hóa"), ("17", 'Xóm Nà <Mòn> & "Bản"')]),
    ("Xã Đại Từ", [("5830", "Toàn bộ Xã Đại Từ"), ("18", "Xóm Đồng")]),
]


class Markup(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.seen: list = []

    def handle_starttag(self, tag, attrs):
        self.seen.append((tag, sorted(attrs)))

    def handle_endtag(self, tag):
        self.seen.append(("/" + tag,))

    def handle_data(self, data):
        if data.strip():
            self.seen.append(("text", data.strip()))


def parsed(html: str) -> list:
    markup = Markup()
    markup.feed(html)
    return markup.seen


def test_the_long_menu_reads_as_djangos():
    attrs = {"id": "id_unit", "class": "filter", "aria-describedby": "help"}
    for value in ("", "17", "5830", "999"):
        ours = LongSelect(choices=CHOICES).render("unit", value, attrs)
        django = forms.Select(choices=CHOICES).render("unit", value, attrs)
        assert parsed(ours) == parsed(django), value


def test_names_are_escaped_and_one_option_is_chosen():
    html = LongSelect(choices=CHOICES).render("unit", "17", {"id": "id_unit"})
    assert "Xóm Nà &lt;Mòn&gt; &amp; &quot;Bản&quot;" in html
    assert html.count(" selected") == 1
    assert '<option value="17" selected>' in html
