"""A refused upload answers as one: 400 with the reason on the page, 413 when too large."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from imports.models import ImportBatch
from imports.services import MAX_UPLOAD_BYTES

pytestmark = pytest.mark.django_db

URL = reverse("imports:upload", args=["roster"])


def test_an_unreadable_file_is_a_400_with_the_reason_on_the_page(client_for, officer_a, tree):
    response = client_for(officer_a).post(
        URL, {"file": SimpleUploadedFile("ds.xlsx", b"PK\x03\x04junk"), "unit": tree.district_a.pk}
    )
    assert response.status_code == 400
    assert "xlsx" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_a_form_without_a_file_is_a_400(client_for, officer_a, tree):
    response = client_for(officer_a).post(URL, {"unit": tree.district_a.pk})
    assert response.status_code == 400


def test_a_file_over_the_limit_is_a_413(client_for, officer_a, tree):
    big = SimpleUploadedFile("ds.xlsx", b"x" * (MAX_UPLOAD_BYTES + 1))
    response = client_for(officer_a).post(URL, {"file": big, "unit": tree.district_a.pk})
    assert response.status_code == 413
    assert "5 MB" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_a_request_declaring_a_body_far_over_the_limit_is_refused_on_its_length(
    client_for, officer_a, tree
):
    big = SimpleUploadedFile("ds.xlsx", b"x" * (6 * 1024 * 1024))
    response = client_for(officer_a).post(URL, {"file": big, "unit": tree.district_a.pk})
    assert response.status_code == 413
    assert "5 MB" in response.content.decode()
    # Refused on Content-Length before anything read the body (core RequestSizeMiddleware).
    assert response.context["code"] == 413
    assert not ImportBatch.objects.exists()
