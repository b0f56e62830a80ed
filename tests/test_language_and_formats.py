from __future__ import annotations

import datetime

from django.template import Context, Template
from django.urls import reverse
from django.utils import translation


def test_home_speaks_vietnamese_even_to_an_english_browser(client, db):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    assert response["Content-Language"] == "vi"
    assert "Tổ công nghệ số cộng đồng tỉnh Thái Nguyên" in response.content.decode()


def test_the_language_switch_turns_the_portal_english_and_back(client, db):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Community digital-technology teams of Thái Nguyên" in client.get("/").content.decode()
    client.post(reverse("set_language"), {"language": "vi", "next": "/"})
    assert "Tổ công nghệ số cộng đồng tỉnh Thái Nguyên" in client.get("/").content.decode()


def test_numbers_and_dates_are_written_the_vietnamese_way():
    template = Template(
        "{% load humanize %}{{ n }} · {{ n|intcomma }} · {{ d|date:'SHORT_DATE_FORMAT' }}"
    )
    with translation.override("vi"):
        text = template.render(Context({"n": 2255, "d": datetime.date(2026, 11, 28)}))
    assert text == "2.255 · 2.255 · 28/11/2026"


def test_dates_typed_the_vietnamese_way_are_understood(db):
    from areas.forms import HamletCloseForm

    with translation.override("vi"):
        form = HamletCloseForm({"closed_on": "28/11/2026"})
        assert form.is_valid(), form.errors
    assert form.cleaned_data["closed_on"] == datetime.date(2026, 11, 28)


def test_pages_load_nothing_from_outside_the_portal(client_for, officer_a, tree):
    html = client_for(officer_a).get("/").content.decode()
    assert "http://" not in html.replace("http://testserver", "")
    assert "https://" not in html
    assert "//cdn" not in html and "fonts.googleapis" not in html
