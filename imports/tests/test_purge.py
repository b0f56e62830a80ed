from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from imports.models import ImportBatch
from imports.services import batches_purge
from imports.tasks import purge_old_uploads

pytestmark = pytest.mark.django_db


def make_batch(user, unit, days_old: int) -> ImportBatch:
    batch = ImportBatch.objects.create(
        kind="roster", created_by=user, unit=unit, filename="ds.csv", data=b"Ho ten,Thon\nA,B\n"
    )
    ImportBatch.objects.filter(pk=batch.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=days_old)
    )
    return batch


def test_uploads_older_than_a_week_lose_their_file_but_keep_their_record(officer_a, tree):
    old = make_batch(officer_a, tree.district_a, days_old=8)
    recent = make_batch(officer_a, tree.district_a, days_old=2)
    assert purge_old_uploads.delay().get() == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert bytes(old.data) == b"" and bytes(recent.data) != b""
    assert batches_purge() == 0  # running it again changes nothing


def test_a_purged_upload_says_so_instead_of_failing(client_for, officer_a, tree):
    batch = make_batch(officer_a, tree.district_a, days_old=8)
    batches_purge()
    client = client_for(officer_a)
    response = client.get(reverse("imports:preview", args=[batch.pk]), follow=True)
    assert "hệ thống không còn lưu tệp" in response.content.decode()
