"""Signing in to the API (session or token), and the OpenAPI schema with its docs page."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from conftest import PASSWORD

pytestmark = pytest.mark.django_db


def token_for(api, username: str, password: str):
    return api.post(
        reverse("api:token"), {"username": username, "password": password}, format="json"
    )


def test_a_script_obtains_a_token_and_calls_the_api_with_it(api, world, officer_a):
    response = token_for(api, "dinhhoa", PASSWORD)
    assert response.status_code == 200
    token = response.json()["token"]

    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    teams = api.get(reverse("api:team-list")).json()["results"]
    assert [team["id"] for team in teams] == [world.team_a.pk]


def test_the_same_token_comes_back_on_a_second_request(api, officer_a):
    first = token_for(api, "dinhhoa", PASSWORD).json()["token"]
    assert token_for(api, "dinhhoa", PASSWORD).json()["token"] == first


def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(api, officer_a):
    wrong_password = token_for(api, "dinhhoa", "not-the-password")
    unknown_user = token_for(api, "nobody", PASSWORD)
    assert wrong_password.status_code == unknown_user.status_code == 400
    assert wrong_password.json() == unknown_user.json()
    assert "token" not in wrong_password.json()


def test_an_inactive_account_gets_no_token(api, officer_a):
    officer_a.is_active = False
    officer_a.save(update_fields=["is_active"])
    response = token_for(api, "dinhhoa", PASSWORD)
    assert response.status_code == 400
    assert response.json() == token_for(api, "nobody", PASSWORD).json()


def test_an_unknown_token_is_refused(api, world):
    api.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    assert api.get(reverse("api:team-list")).status_code == 401


def test_the_browser_session_works_too(api_for, world, officer_a):
    assert api_for(officer_a).get(reverse("api:team-list")).status_code == 200


def test_password_guessing_for_a_token_locks_the_account_as_the_sign_in_form_does(api, officer_a):
    from conftest import PASSWORD

    statuses = [token_for(api, "dinhhoa", f"guess-{n}").status_code for n in range(6)]
    assert statuses == [400] * 5 + [429]
    locked = token_for(api, "dinhhoa", PASSWORD)  # the right password, too late
    assert locked.status_code == 429 and "token" not in locked.json()
    assert int(locked["Retry-After"]) > 0


def test_a_new_x_forwarded_for_on_each_try_does_not_dodge_the_limits(api, officer_a, leader_a):
    from conftest import PASSWORD

    statuses = [
        api.post(
            reverse("api:token"),
            {"username": "dinhhoa", "password": f"guess-{n}"},
            format="json",
            HTTP_X_FORWARDED_FOR=f"10.0.{n}.{n}",
        ).status_code
        for n in range(6)
    ]
    assert statuses[-1] == 429
    # Other accounts from the same address: the address's own limit, whatever the header.
    others = [
        api.post(
            reverse("api:token"),
            {"username": f"nobody-{n}", "password": "x"},
            format="json",
            HTTP_X_FORWARDED_FOR=f"10.1.{n}.{n}",
        ).status_code
        for n in range(12)
    ]
    assert 429 in others
    right = api.post(
        reverse("api:token"),
        {"username": "trungkien", "password": PASSWORD},
        format="json",
        HTTP_X_FORWARDED_FOR="10.9.9.9",
    )
    assert right.status_code == 429


def test_an_account_locked_on_the_sign_in_page_gets_no_token(client, api, officer_a):
    from conftest import PASSWORD

    for n in range(5):
        client.post(reverse("account_login"), {"login": "dinhhoa", "password": f"guess-{n}"})
    response = token_for(api, "dinhhoa", PASSWORD)
    assert response.status_code == 429
    assert "token" not in response.json()


def test_a_second_factor_turned_on_by_a_team_leader_is_asked_for_a_token_too(api, leader_a):
    from accounts.security import totp_now
    from conftest import PASSWORD, TOTP_SECRET, with_totp

    with_totp(leader_a)
    assert token_for(api, "trungkien", PASSWORD).status_code == 400
    response = api.post(
        reverse("api:token"),
        {"username": "trungkien", "password": PASSWORD, "code": totp_now(TOTP_SECRET)},
        format="json",
    )
    assert response.status_code == 200 and response.json()["token"]


def test_the_schema_validates_without_warnings(tmp_path):
    # With the project's own SPECTACULAR_SETTINGS (including its post-processing hooks).
    call_command("spectacular", validate=True, fail_on_warn=True, file=str(tmp_path / "schema.yml"))
    schema = (tmp_path / "schema.yml").read_text()
    for path in ("units", "teams", "members", "households", "citizens", "apps", "visits"):
        assert f"/api/v1/{path}/{{id}}/:" in schema
    assert "/api/v1/courses/:" in schema and "/api/v1/attendance/:" in schema
    assert "/api/v1/auth/token/:" in schema
    assert "visited_from" in schema and "VisitRecordRequest" in schema
    assert "'429':" in schema  # the error answers every operation can give (api/schema.py)


def test_the_schema_is_served_as_openapi_3(api):
    response = api.get(reverse("api:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")


def test_the_docs_page_uses_our_own_static_files_and_a_separate_script(client):
    page = client.get(reverse("api:docs"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    assert "<script>" not in html  # inline scripts would break the Content-Security-Policy
    policy = dict(d.strip().split(" ", 1) for d in page["Content-Security-Policy"].split(";"))
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self' 'unsafe-inline'"  # for its three-rule <style> block
    script = client.get(reverse("api:docs") + "?script=")
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()


def served_schema(client, language: str | None = None) -> dict:
    from django.conf import settings

    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("api:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def test_the_schema_is_the_same_whatever_the_callers_language(client):
    from django.test import Client

    english = served_schema(Client(), "en")
    assert served_schema(Client(), "vi") == english == served_schema(Client())
    assert english["info"]["title"] == "Thai Nguyen digital-technology teams API"


def test_every_name_a_client_generates_identifiers_from_is_ascii(client):
    import re

    schema = served_schema(client, "vi")
    identifier = re.compile(r"^[A-Za-z0-9_.-]+$")
    assert all(identifier.match(name) for name in schema["components"]["schemas"])
    for methods in schema["paths"].values():
        for operation in methods.values():
            assert identifier.match(operation["operationId"])
            for parameter in operation.get("parameters", []):
                assert identifier.match(parameter["name"])
                assert "title" not in parameter["schema"]  # enums would be named after it
                for value in parameter["schema"].get("enum", []):
                    assert identifier.match(str(value))


def test_each_operation_takes_one_request_content_type_and_documents_its_errors(client):
    schema = served_schema(client)
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            if "requestBody" in operation:
                assert list(operation["requestBody"]["content"]) == ["application/json"], path
            responses = operation["responses"]
            assert responses["400"]["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/ValidationError"
            }, (method, path)
            for status in ("401", "403", "404", "429"):
                assert responses[status]["content"]["application/json"]["schema"] == {
                    "$ref": "#/components/schemas/Error"
                }
    conflict = schema["paths"]["/api/v1/visits/"]["post"]["responses"]["409"]
    assert conflict["content"]["application/json"]["schema"]["$ref"].endswith("/VisitConflict")


def test_fields_every_answer_carries_are_required_in_the_schema(client):
    schema = served_schema(client)["components"]["schemas"]
    for name in ("Household", "Member", "Team", "Unit", "Citizen", "PaginatedVisitList"):
        assert set(schema[name]["required"]) == set(schema[name]["properties"]), name
    assert "visit" not in schema["VisitConflict"]["required"]  # only when the caller may see it


def test_the_token_endpoint_still_takes_a_form_post_as_curl_sends_it(client, leader_a):
    from conftest import PASSWORD

    response = client.post(reverse("api:token"), {"username": "trungkien", "password": PASSWORD})
    assert response.status_code == 200
    assert response.json()["token"]
