"""Weight: a field page's first load on a phone stays under 150 KB compressed.

Everything a first visit downloads is counted: the shell, every file it references, the
service worker, and data.json for a hamlet the size of Tổ dân phố Trung Kiên (242 households,
about four citizens each). A new font, framework or fat payload fails here before it reaches
a phone on a weak signal.
"""

from __future__ import annotations

import gzip
import re

import pytest
from django.urls import reverse

from field.tests.builders import hamlet_with_households

pytestmark = pytest.mark.django_db

BUDGET = 150 * 1024
REFERENCES = re.compile(r'(?:src|href|data-sw-url|data-data-url)="(/[^"?#]*)')


def body_of(response) -> bytes:
    assert response.status_code == 200, response
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def test_first_load_of_the_field_page_is_under_150_kb_compressed(
    client_for, leader_a, tree, capsys
):
    hamlet_with_households(hamlet=tree.hamlet_a, leader_user=leader_a, households=242)
    client = client_for(leader_a)
    shell = body_of(client.get(reverse("field:home")))
    urls = sorted(set(REFERENCES.findall(shell.decode())))
    assert reverse("field:data") in urls and reverse("field:sw") in urls
    assert any(u.endswith("field.js") for u in urls) and any(u.endswith("field.css") for u in urls)

    sizes = {reverse("field:home"): len(gzip.compress(shell))}
    for url in urls:
        body = body_of(client.get(url))
        sizes[url] = len(gzip.compress(body))
    data = client.get(reverse("field:data")).json()
    assert len(data["households"]) == 242
    assert sum(len(h["citizens"]) for h in data["households"]) == 968

    total = sum(sizes.values())
    with capsys.disabled():
        detail = ", ".join(f"{url} {size / 1024:.1f}" for url, size in sizes.items())
        print(f"\nfield first load: {total / 1024:.1f} KB gzipped ({detail})")
    assert total <= BUDGET
