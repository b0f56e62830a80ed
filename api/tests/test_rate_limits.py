"""Per-account and per-token API rate limits: a script reading people as fast as it can is
answered 429 with Retry-After; a field app's day of visits is not."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_a_token_reading_people_too_fast_gets_429_with_retry_after(settings, leader_a):
    from rest_framework.authtoken.models import Token

    settings.API_RATE_LIMITS = {"account": "1000/minute", "token": "20/minute"}
    token = Token.objects.create(user=leader_a)
    client = APIClient(HTTP_AUTHORIZATION=f"Token {token.key}")
    statuses = [client.get("/api/v1/citizens/").status_code for _ in range(21)]
    assert statuses[:20] == [200] * 20
    assert statuses[20] == 429
    assert int(client.get("/api/v1/citizens/")["Retry-After"]) > 0


def test_the_account_limit_counts_sessions_and_tokens_together(settings, leader_a):
    from rest_framework.authtoken.models import Token

    settings.API_RATE_LIMITS = {"account": "10/minute", "token": "1000/minute"}
    browser = APIClient()
    browser.force_login(leader_a)
    script = APIClient(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=leader_a).key}")
    statuses = [
        (browser if n % 2 else script).get("/api/v1/households/").status_code for n in range(11)
    ]
    assert statuses[:10] == [200] * 10 and statuses[10] == 429


def test_a_days_work_sent_at_once_stays_under_the_default_limits(leader_a):
    client = APIClient()
    client.force_login(leader_a)
    # A day's outbox (60 visits), each POST answered, well under the default limits.
    assert all(client.get("/api/v1/apps/").status_code == 200 for _ in range(60))
