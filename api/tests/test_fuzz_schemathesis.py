"""API fuzzing: schemathesis generates requests from /api/v1/schema/ (valid and invalid data)
for every operation, sent in-process with the token of each role. No answer may be a server
error or disagree with the schema (status codes, bodies, headers)."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.consent import CONSENTED

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """The WSGI app is called directly (not through Django's test client), so do what the
    test client does: keep request_started from closing the test transaction's connection."""
    from django.core.signals import request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)


@pytest.fixture
def tokens(leader_a, officer_a, province_officer, tree):
    from citizens.models import Citizen, Household

    household = Household.objects.create(
        consent_on=CONSENTED, hamlet=tree.hamlet_a, head_name="Chủ hộ"
    )
    Citizen.objects.create(household=household, full_name="Người dân")
    return {
        "leader": Token.objects.create(user=leader_a).key,
        "area_officer": Token.objects.create(user=officer_a).key,
        "province_officer": Token.objects.create(user=province_officer).key,
    }


def operations():
    # The WSGI handler itself: the test process has the test settings, not production's
    # secrets (which thainguyen_portal.wsgi insists on with DEBUG off).
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("role", ["leader", "area_officer", "province_officer"])
def test_no_answer_is_a_server_error_or_off_schema(role, tokens):
    # The WSGI test transport does not decompress; the portal gzips for those who ask.
    headers = {"Authorization": f"Token {tokens[role]}", "Accept-Encoding": "identity"}
    checked = []
    for operation in operations():

        @FUZZ
        @given(case=operation.as_strategy())
        def fuzz(case):
            # A well-formed request naming another area's household, or a wrong password,
            # is rightly refused (400/404): "schema-valid data must be accepted" does not
            # hold for an API whose answers depend on who asks and what exists.
            case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

        fuzz()
        checked.append(operation.label)
    assert len(checked) >= 10, checked


def test_an_id_too_large_for_the_database_is_a_400_not_a_server_error(client, tokens):
    """Found by the fuzzing above: ?course=<20 digits> overflowed the database integer."""
    response = client.get(
        "/api/v1/attendance/?course=186792688186792688186792688",
        HTTP_AUTHORIZATION=f"Token {tokens['leader']}",
    )
    assert response.status_code == 400 and "course" in response.json()


def test_a_nul_character_in_an_app_is_a_400_not_a_server_error(client, tokens, tree):
    """Found by the fuzzing on PostgreSQL: a NUL in the app's identifier reached the database."""
    import datetime
    import json
    import uuid

    from citizens.models import Citizen

    citizen = Citizen.objects.get(full_name="Người dân")
    response = client.post(
        "/api/v1/visits/",
        json.dumps(
            {
                "client_uuid": str(uuid.uuid4()),
                "household": citizen.household_id,
                "visited_on": datetime.date(2026, 11, 2).isoformat(),
                "assistances": [
                    {"citizen": citizen.pk, "app": "vne\x00id", "outcome": "installed"}
                ],
            }
        ),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {tokens['leader']}",
    )
    assert response.status_code == 400 and "assistances" in response.json()
