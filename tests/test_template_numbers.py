"""Identifiers written into pages are never formatted as numbers: with the Vietnamese
thousands separator, a trainee 1234 would post back as "1.234" and a row's data-unit would
read "3.780"."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.template import Context, Template

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
# {{ something.pk }} or {{ something.id }} with no filter turning it into plain digits.
BARE_ID = re.compile(r"\{\{\s*[\w.]+\.(pk|id)\s*\}\}")


def test_no_template_prints_a_bare_identifier():
    offenders = [
        f"{path.relative_to(TEMPLATES)}:{n}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if BARE_ID.search(line)
    ]
    assert offenders == []


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_way_identifiers_are_printed_keeps_them_digits(settings, language):
    from django.utils import translation

    settings.USE_THOUSAND_SEPARATOR = True
    with translation.override(language):
        bare = Template("{{ n }}").render(Context({"n": 3780}))
        kept = Template("{{ n|stringformat:'d' }}").render(Context({"n": 3780}))
    assert bare != "3780"  # what the test above guards against
    assert kept == "3780"
