"""An oversized body is refused on what the request declares, before anything reads it."""

from __future__ import annotations

import pytest
from django.urls import reverse


class Untouchable:
    """A body that fails the test if anyone reads it."""

    def read(self, *args, **kwargs):
        raise AssertionError("the body was read")

    readline = read


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [lambda: reverse("imports:upload", args=["roster"]), lambda: "/api/v1/visits/"],
)
def test_a_body_declared_too_large_is_refused_unread(client_for, officer_a, url):
    client = client_for(officer_a)
    response = client.post(
        url(),
        content_type="multipart/form-data; boundary=x",
        **{"CONTENT_LENGTH": str(50 * 1024 * 1024), "wsgi.input": Untouchable()},
    )
    assert response.status_code == 413
    assert "50,0" in response.content.decode()


@pytest.mark.django_db
def test_an_ordinary_form_is_not_refused(client_for, officer_a):
    response = client_for(officer_a).post(reverse("imports:upload", args=["roster"]), {})
    assert response.status_code in (200, 400)
