"""The one seam between forms and services: the service writes, its refusal lands on the form
(beside the field it names), what was typed stays."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from core.forms import ServiceForm, attempt


class NameForm(ServiceForm):
    name = forms.CharField()
    year = forms.IntegerField(required=False)


def refuse_year(*, name, year):
    raise ValidationError({"year": "Năm sinh không hợp lệ.", "__all__": "Không lưu được."})


def test_the_service_runs_with_the_cleaned_data_and_the_context():
    form = NameForm(data={"name": " Lưu Văn Bình ", "year": "1970"})
    assert form.submit(lambda *, name, year, team: (name, year, team), team=7) == (
        "Lưu Văn Bình",
        1970,
        7,
    )


def test_a_service_returning_nothing_counts_as_done():
    assert NameForm(data={"name": "An"}).submit(lambda **kw: None) is True


def test_a_refusal_lands_on_the_form_beside_its_field_and_keeps_what_was_typed():
    form = NameForm(data={"name": "Lưu Văn Bình", "year": "1870"})
    assert form.submit(refuse_year) is None
    assert form.errors["year"] == ["Năm sinh không hợp lệ."]
    assert form.non_field_errors() == ["Không lưu được."]
    assert 'value="Lưu Văn Bình"' in str(form["name"])


def test_an_invalid_or_unbound_form_never_calls_the_service():
    def explode(**kw):
        raise AssertionError("called")

    assert NameForm().submit(explode) is None
    assert NameForm(data={"year": "x"}).submit(explode) is None


def test_an_action_without_a_form_reports_the_refusal_as_messages():
    assert attempt(lambda **kw: 5, x=1) == (5, [])
    result, problems = attempt(refuse_year, name="A", year=1)
    assert result is None and set(problems) == {"Năm sinh không hợp lệ.", "Không lưu được."}
