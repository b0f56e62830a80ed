"""Every id a form field's aria-describedby names exists on the page (help and errors)."""

from __future__ import annotations

import re

from django import forms
from django.template.loader import render_to_string


class PhoneForm(forms.Form):
    phone = forms.CharField(help_text="10 chữ số, ví dụ 0912345678")
    name = forms.CharField()


def test_help_texts_and_errors_carry_the_ids_the_widgets_point_to():
    form = PhoneForm(data={"phone": ""})
    html = render_to_string("includes/_form_fields.html", {"form": form})
    described = set(" ".join(re.findall(r'aria-describedby="([^"]+)"', html)).split())
    assert described == {"id_phone_helptext", "id_phone_error", "id_name_error"}
    for ref in described:
        assert f'id="{ref}"' in html
