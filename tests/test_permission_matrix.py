# ruff: noqa: E501 - one line per route keeps the matrix readable
"""The permission matrix: every URL pattern, every persona, an object in their own area, in a
sibling area and (for units) in the parent area, and the answer expected.

The test walks the URL configuration: a route missing from EXPECTED fails (deny by
default), so a new page cannot ship without someone deciding who may open it.

Personas: ``anon`` (not signed in), ``leader`` (team leader of hamlet A), ``off_a`` (area
officer of district A), ``off_b`` (area officer of district B), ``prov`` (province officer),
``admin``. Objects: ``A`` lives in hamlet A / district A, ``B`` in district B, ``P`` is the
province (the parent area of everyone below it). Answers: ``ok`` (200/201), ``login``
(redirect to sign-in), ``go`` (another redirect: the action was taken or refused with a
message), ``400``, ``401``, ``403``, ``404``, ``405``, ``415`` (a form sent to an API action
that reads JSON, once the caller may act on the object).

GET is used, except for routes that only accept POST (empty form: the access decision comes
before validation).
"""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.consent import CONSENTED

pytestmark = pytest.mark.django_db

PERSONAS = ("anon", "leader", "off_a", "off_b", "prov", "admin")

# Route families not listed one by one: their answers follow one rule, checked below.
ADMIN_PREFIX = "admin:"
# Admin add forms that even administrators do not get: households and citizens.
ADMIN_NO_ADD = {"admin:citizens_household_add", "admin:citizens_citizen_add"}

# route → the kind of object its URL names ("" for none), then the answer per persona for
# each object (A, B[, P]). Lines are "persona:answer-for-A,answer-for-B".
# Reviewed by hand: no persona reads or changes an object of a sibling or parent area;
# writes are for area officers (and administrators) in their area; report files and
# imports only for the person who made them. api:token: six failed attempts from one
# address in a row, so the sixth is refused (429; see accounts/tests/test_security.py).
# Province officers and administrators have an authenticator app (their MFA pages answer).
EXPECTED: dict[str, str] = {
    "account_change_password": "anon:login leader:ok off_a:ok off_b:ok prov:ok admin:ok",
    "account_confirm_email": "anon:ok leader:ok off_a:ok off_b:ok prov:ok admin:ok",
    "account_confirm_login_code": "anon:login leader:go off_a:go off_b:go prov:go admin:go",
    "account_confirm_reauthentication_code": "anon:login leader:go off_a:go off_b:go prov:go admin:go",
    "account_email": "anon:login leader:ok off_a:ok off_b:ok prov:ok admin:ok",
    "account_email_verification_sent": "anon:ok leader:ok off_a:ok off_b:ok prov:ok admin:ok",
    "account_inactive": "anon:ok leader:ok off_a:ok off_b:ok prov:ok admin:ok",
    "account_login": "anon:ok leader:go off_a:go off_b:go prov:go admin:go",
    "account_logout": "anon:go leader:ok off_a:ok off_b:ok prov:ok admin:ok",
    "account_reauthenticate": "anon:login leader:ok off_a:ok off_b:ok prov:ok admin:ok",
    "account_request_reauthentication_code": "anon:login leader:go off_a:go off_b:go prov:go admin:go",
    "account_reset_password": "anon:ok leader:ok off_a:ok off_b:ok prov:ok admin:ok",
    "account_reset_password_done": "anon:ok leader:ok off_a:ok off_b:ok prov:ok admin:ok",
    "account_reset_password_from_key": "anon:ok leader:ok off_a:ok off_b:ok prov:ok admin:ok",
    "account_reset_password_from_key_done": "anon:ok leader:ok off_a:ok off_b:ok prov:ok admin:ok",
    "account_set_password": "anon:login leader:go off_a:go off_b:go prov:go admin:go",
    "account_signup": "anon:ok leader:go off_a:go off_b:go prov:go admin:go",
    "teams:leader-accounts": "anon:login leader:403 off_a:ok off_b:ok prov:ok admin:ok",
    "accounts:user-create": "anon:login leader:403 off_a:ok off_b:ok prov:ok admin:ok",
    "accounts:user-list": "anon:login leader:403 off_a:ok off_b:ok prov:ok admin:ok",
    "accounts:user-set-active": "anon:login,login leader:403,403 off_a:ok,404 off_b:404,ok prov:ok,ok admin:ok,ok",
    "accounts:user-password-reset": "anon:login,login leader:403,403 off_a:ok,404 off_b:404,ok prov:ok,ok admin:ok,ok",
    "api:api-root": "anon:403 leader:ok off_a:ok off_b:ok prov:ok admin:ok",
    "api:app-detail": "anon:401,401 leader:ok,ok off_a:ok,ok off_b:ok,ok prov:ok,ok admin:ok,ok",
    "api:app-list": "anon:401 leader:ok off_a:ok off_b:ok prov:ok admin:ok",
    "api:attendance-detail": "anon:401,401 leader:404,404 off_a:ok,404 off_b:404,ok prov:ok,ok admin:ok,ok",
    "api:attendance-list": "anon:401 leader:ok off_a:ok off_b:ok prov:ok admin:ok",
    "api:attendance-search": "anon:401 leader:ok off_a:ok off_b:ok prov:ok admin:ok",
    "api:citizen-detail": "anon:401,401 leader:ok,404 off_a:ok,404 off_b:404,ok prov:ok,ok admin:ok,ok",
    "api:citizen-list": "anon:401 leader:ok off_a:ok off_b:ok prov:ok admin:ok",
    "api:citizen-search": "anon:401 leader:ok off_a:ok off_b:ok prov:ok admin:ok",
    "api:course-detail": "anon:401,401 leader:404,404 off_a:ok,404 off_b:404,ok prov:ok,ok admin:ok,ok",
    "api:course-list": "anon:401 leader:ok off_a:ok off_b:ok prov:ok admin:ok",
    "api:docs": "anon:ok leader:ok off_a:ok off_b:ok prov:ok admin:ok",
    "api:household-detail": "anon:401,401 leader:ok,404 off_a:ok,404 off_b:404,ok prov:ok,ok admin:ok,ok",
    "api:household-list": "anon:401 leader:ok off_a:ok off_b:ok prov:ok admin:ok",
    "api:household-search": "anon:401 leader:ok off_a:ok off_b:ok prov:ok admin:ok",
    "api:member-detail": "anon:401,401 leader:ok,404 off_a:ok,404 off_b:404,ok prov:ok,ok admin:ok,ok",
    "api:member-list": "anon:401 leader:ok off_a:ok off_b:ok prov:ok admin:ok",
    "api:member-search": "anon:401 leader:ok off_a:ok off_b:ok prov:ok admin:ok",
    "api:schema": "anon:ok leader:ok off_a:ok off_b:ok prov:ok admin:ok",
    "api:team-detail": "anon:401,401 leader:ok,404 off_a:ok,404 off_b:404,ok prov:ok,ok admin:ok,ok",
    "api:team-list": "anon:401 leader:ok off_a:ok off_b:ok prov:ok admin:ok",
    "api:token": "anon:400 leader:400 off_a:400 off_b:400 prov:400 admin:429",
    "api:figures-indicator-list": "anon:401 leader:ok off_a:ok off_b:ok prov:ok admin:ok",
    "api:figures-unit-detail": "anon:401,401,401 leader:ok,404,404 off_a:ok,404,404 off_b:404,ok,404 prov:ok,ok,ok admin:ok,ok,ok",
    "api:figures-unit-indicators": "anon:401,401,401 leader:ok,404,404 off_a:ok,404,404 off_b:404,ok,404 prov:ok,ok,ok admin:ok,ok,ok",
    "api:figures-unit-periods": "anon:401,401,401 leader:ok,404,404 off_a:ok,404,404 off_b:404,ok,404 prov:ok,ok,ok admin:ok,ok,ok",
    "dashboards:indicators": "anon:login leader:403 off_a:403 off_b:403 prov:ok admin:ok",
    "dashboards:population": "anon:login,login,login leader:403,403,403 off_a:ok,404,404 off_b:404,ok,404 prov:ok,ok,ok admin:ok,ok,ok",
    "dashboards:targets": "anon:login,login,login leader:403,403,403 off_a:ok,404,404 off_b:404,ok,404 prov:ok,ok,ok admin:ok,ok,ok",
    "api:unit-detail": "anon:401,401,401 leader:ok,404,404 off_a:ok,404,404 off_b:404,ok,404 prov:ok,ok,ok admin:ok,ok,ok",
    "api:unit-list": "anon:401 leader:ok off_a:ok off_b:ok prov:ok admin:ok",
    "api:visit-detail": "anon:401,401 leader:ok,404 off_a:ok,404 off_b:404,ok prov:ok,ok admin:ok,ok",
    "api:visit-correct": "anon:401,401 leader:403,404 off_a:415,404 off_b:404,415 prov:403,403 admin:415,415",
    "api:visit-withdraw": "anon:401,401 leader:403,404 off_a:415,404 off_b:404,415 prov:403,403 admin:415,415",
    "api:visit-list": "anon:401 leader:ok off_a:ok off_b:ok prov:ok admin:ok",
    "api:visit-search": "anon:401 leader:ok off_a:ok off_b:ok prov:ok admin:ok",
    "apps_catalog:app-create": "anon:login leader:403 off_a:403 off_b:403 prov:ok admin:ok",
    "apps_catalog:app-list": "anon:login leader:ok off_a:ok off_b:ok prov:ok admin:ok",
    "apps_catalog:app-set-active": "anon:login,login leader:403,403 off_a:403,403 off_b:403,403 prov:go,go admin:go,go",
    "areas:browse": "anon:login leader:go off_a:go off_b:go prov:go admin:go",
    "areas:hamlet-close": "anon:login,login,login leader:403,404,404 off_a:ok,404,404 off_b:404,ok,404 prov:403,403,403 admin:ok,ok,403",
    "areas:hamlet-create": "anon:login,login leader:404,404 off_a:ok,404 off_b:404,ok prov:403,403 admin:ok,ok",
    "areas:hamlet-edit": "anon:login,login,login leader:403,404,404 off_a:ok,404,404 off_b:404,ok,404 prov:403,403,403 admin:ok,ok,403",
    "areas:unit-detail": "anon:login,login,login leader:ok,404,404 off_a:ok,404,404 off_b:404,ok,404 prov:ok,ok,ok admin:ok,ok,ok",
    "audit:event-list": "anon:login leader:403 off_a:403 off_b:403 prov:ok admin:ok",
    "citizens:citizen-add": "anon:login,login leader:ok,404 off_a:ok,404 off_b:404,ok prov:403,403 admin:ok,ok",
    "citizens:citizen-anonymise": "anon:login,login leader:ok,404 off_a:ok,404 off_b:404,ok prov:403,403 admin:ok,ok",
    "citizens:citizen-data": "anon:login,login leader:ok,404 off_a:ok,404 off_b:404,ok prov:403,403 admin:ok,ok",
    "citizens:citizen-edit": "anon:login,login leader:ok,404 off_a:ok,404 off_b:404,ok prov:403,403 admin:ok,ok",
    "citizens:citizen-phone": "anon:login,login leader:ok,404 off_a:ok,404 off_b:404,ok prov:403,403 admin:ok,ok",
    "citizens:citizen-list": "anon:login leader:ok off_a:ok off_b:ok prov:ok admin:ok",
    "citizens:duplicate-list": "anon:login leader:403 off_a:ok off_b:ok prov:ok admin:ok",
    "citizens:duplicate-merge": "anon:login,login leader:403,403 off_a:400,404 off_b:404,400 prov:403,403 admin:400,400",
    "citizens:merge-list": "anon:login leader:403 off_a:ok off_b:ok prov:ok admin:ok",
    "citizens:merge-undo": "anon:login,login leader:403,403 off_a:ok,404 off_b:404,ok prov:403,403 admin:ok,ok",
    "citizens:household-create": "anon:login leader:ok off_a:ok off_b:ok prov:403 admin:ok",
    "citizens:household-detail": "anon:login,login leader:ok,404 off_a:ok,404 off_b:404,ok prov:ok,ok admin:ok,ok",
    "visits:visit-list": "anon:login leader:ok off_a:ok off_b:ok prov:ok admin:ok",
    "visits:visit-detail": "anon:login,login leader:ok,404 off_a:ok,404 off_b:404,ok prov:ok,ok admin:ok,ok",
    "visits:visit-correct": "anon:login,login leader:403,404 off_a:ok,404 off_b:404,ok prov:403,403 admin:ok,ok",
    "visits:visit-withdraw": "anon:login,login leader:403,404 off_a:ok,404 off_b:404,ok prov:403,403 admin:ok,ok",
    "citizens:household-edit": "anon:login,login leader:ok,404 off_a:ok,404 off_b:404,ok prov:403,403 admin:ok,ok",
    "citizens:household-list": "anon:login leader:ok off_a:ok off_b:ok prov:ok admin:ok",
    "dashboards:home": "anon:login leader:go off_a:go off_b:go prov:go admin:go",
    "dashboards:refresh": "anon:login,login,login leader:go,404,404 off_a:go,404,404 off_b:404,go,404 prov:go,go,go admin:go,go,go",
    "dashboards:report-download": "anon:login,login leader:404,404 off_a:ok,404 off_b:404,ok prov:404,404 admin:404,404",
    "dashboards:report-request": "anon:login,login,login leader:go,404,404 off_a:go,404,404 off_b:404,go,404 prov:go,go,go admin:go,go,go",
    "dashboards:reports": "anon:login leader:ok off_a:ok off_b:ok prov:ok admin:ok",
    "quality:flag-list": "anon:login leader:403 off_a:ok off_b:ok prov:ok admin:ok",
    "reorganizations:list": "anon:login leader:403 off_a:403 off_b:403 prov:ok admin:ok",
    "reorganizations:accounts": "anon:login leader:403 off_a:403 off_b:403 prov:ok admin:ok",
    "reorganizations:detail": "anon:login,login leader:403,403 off_a:403,403 off_b:403,403 prov:ok,404 admin:ok,ok",
    "reorganizations:assign": "anon:login,login leader:403,403 off_a:403,403 off_b:403,403 prov:go,404 admin:go,go",
    "reorganizations:apply": "anon:login,login leader:403,403 off_a:403,403 off_b:403,403 prov:ok,404 admin:ok,ok",
    "dashboards:status": "anon:login leader:ok off_a:ok off_b:ok prov:ok admin:ok",
    "dashboards:unit": "anon:login,login,login leader:ok,404,404 off_a:ok,404,404 off_b:404,ok,404 prov:ok,ok,ok admin:ok,ok,ok",
    "dashboards:course-effect": "anon:login,login leader:404,404 off_a:ok,404 off_b:404,ok prov:ok,ok admin:ok,ok",
    "dashboards:training-effects": "anon:login leader:ok off_a:ok off_b:ok prov:ok admin:ok",
    # The month's report: filed by a commune's own officers (none among these personas: see
    # dashboards/tests/test_filings.py), read by the district, reviewed by the province.
    "filings:approve": "anon:login,login leader:404,404 off_a:403,404 off_b:404,403 prov:ok,ok admin:ok,ok",
    "filings:download": "anon:login,login leader:403,403 off_a:ok,404 off_b:404,ok prov:ok,ok admin:ok,ok",
    "filings:mine": "anon:login leader:403 off_a:403 off_b:403 prov:go admin:go",
    "filings:month": "anon:login,login leader:404,404 off_a:403,404 off_b:404,403 prov:403,403 admin:ok,ok",
    "filings:preview": "anon:login,login leader:404,404 off_a:403,404 off_b:404,403 prov:403,403 admin:ok,ok",
    "filings:return": "anon:login,login leader:404,404 off_a:403,404 off_b:404,403 prov:ok,ok admin:ok,ok",
    "filings:review": "anon:login,login leader:404,404 off_a:403,404 off_b:404,403 prov:ok,ok admin:ok,ok",
    "filings:submissions": "anon:login leader:403 off_a:403 off_b:403 prov:ok admin:ok",
    "filings:submit": "anon:login,login leader:404,404 off_a:403,404 off_b:404,403 prov:403,403 admin:go,go",
    "directory": "anon:ok leader:ok off_a:ok off_b:ok prov:ok admin:ok",
    "field:data": "anon:login leader:ok off_a:404 off_b:404 prov:404 admin:404",
    "field:home": "anon:login leader:ok off_a:ok off_b:ok prov:404 admin:ok",
    "field:sw": "anon:ok leader:ok off_a:ok off_b:ok prov:ok admin:ok",
    "field:manifest": "anon:ok leader:ok off_a:ok off_b:ok prov:ok admin:ok",
    "healthz": "anon:ok leader:ok off_a:ok off_b:ok prov:ok admin:ok",
    "home": "anon:ok leader:ok off_a:ok off_b:ok prov:ok admin:ok",
    "help": "anon:ok leader:ok off_a:ok off_b:ok prov:ok admin:ok",
    "notifications:list": "anon:login leader:ok off_a:ok off_b:ok prov:ok admin:ok",
    "notifications:open": "anon:login,login leader:404,404 off_a:go,404 off_b:404,go prov:404,404 admin:404,404",
    "notifications:read-all": "anon:login leader:go off_a:go off_b:go prov:go admin:go",
    "notifications:settings": "anon:login leader:ok off_a:ok off_b:ok prov:ok admin:ok",
    "notifications:unsubscribe": "anon:ok leader:ok off_a:ok off_b:ok prov:ok admin:ok",
    "imports:confirm": "anon:login,login leader:404,404 off_a:go,404 off_b:404,go prov:404,404 admin:404,404",
    "imports:errors": "anon:login,login leader:404,404 off_a:go,404 off_b:404,go prov:404,404 admin:404,404",
    "imports:preview": "anon:login,login leader:404,404 off_a:go,404 off_b:404,go prov:404,404 admin:404,404",
    "imports:upload": "anon:login leader:403 off_a:ok off_b:ok prov:403 admin:ok",
    "imports:template": "anon:login leader:403 off_a:ok off_b:ok prov:403 admin:ok",
    "mfa_activate_totp": "anon:login leader:go off_a:go off_b:go prov:go admin:go",
    "mfa_authenticate": "anon:login leader:go off_a:go off_b:go prov:go admin:go",
    "mfa_deactivate_totp": "anon:login leader:404 off_a:404 off_b:404 prov:go admin:go",
    "mfa_download_recovery_codes": "anon:login leader:404 off_a:404 off_b:404 prov:404 admin:404",
    "mfa_generate_recovery_codes": "anon:login leader:go off_a:go off_b:go prov:go admin:go",
    "mfa_index": "anon:login leader:ok off_a:ok off_b:ok prov:ok admin:ok",
    "mfa_reauthenticate": "anon:login leader:go off_a:go off_b:go prov:ok admin:ok",
    "mfa_view_recovery_codes": "anon:login leader:404 off_a:404 off_b:404 prov:404 admin:404",
    "set_language": "anon:go leader:go off_a:go off_b:go prov:go admin:go",
    "language": "anon:go leader:go off_a:go off_b:go prov:go admin:go",
    "teams:member-add": "anon:login,login leader:403,403 off_a:ok,404 off_b:404,ok prov:403,403 admin:ok,ok",
    "teams:member-edit": "anon:login,login leader:403,403 off_a:ok,404 off_b:404,ok prov:403,403 admin:ok,ok",
    "teams:member-list": "anon:login leader:ok off_a:ok off_b:ok prov:ok admin:ok",
    "teams:member-retire": "anon:login,login leader:403,403 off_a:ok,404 off_b:404,ok prov:403,403 admin:ok,ok",
    "teams:team-create": "anon:login leader:403 off_a:ok off_b:ok prov:403 admin:ok",
    "teams:team-detail": "anon:login,login leader:ok,404 off_a:ok,404 off_b:404,ok prov:ok,ok admin:ok,ok",
    "teams:team-dissolve": "anon:login,login leader:403,403 off_a:ok,404 off_b:404,ok prov:403,403 admin:ok,ok",
    "teams:team-edit": "anon:login,login leader:403,403 off_a:ok,404 off_b:404,ok prov:403,403 admin:ok,ok",
    "teams:team-list": "anon:login leader:ok off_a:ok off_b:ok prov:ok admin:ok",
    "teams:team-roster-pdf": "anon:login,login leader:ok,404 off_a:ok,404 off_b:404,ok prov:ok,ok admin:ok,ok",
    "teams:team-poster-pdf": "anon:login,login leader:ok,404 off_a:ok,404 off_b:404,ok prov:ok,ok admin:ok,ok",
    "training:completion": "anon:login,login leader:403,403 off_a:ok,404 off_b:404,ok prov:ok,ok admin:ok,ok",
    "training:course-create": "anon:login leader:403 off_a:ok off_b:ok prov:ok admin:ok",
    "training:course-detail": "anon:login,login leader:404,404 off_a:ok,404 off_b:404,ok prov:ok,ok admin:ok,ok",
    "training:course-edit": "anon:login,login leader:403,403 off_a:ok,404 off_b:404,ok prov:ok,ok admin:ok,ok",
    "training:course-list": "anon:login leader:ok off_a:ok off_b:ok prov:ok admin:ok",
    "training:session-add": "anon:login,login leader:403,403 off_a:ok,404 off_b:404,ok prov:ok,ok admin:ok,ok",
    "training:session-attendance": "anon:login,login leader:403,403 off_a:ok,404 off_b:404,ok prov:ok,ok admin:ok,ok",
    "training:session-remove": "anon:login,login leader:403,403 off_a:ok,404 off_b:404,ok prov:ok,ok admin:ok,ok",
    "training:trainee-add": "anon:login,login leader:403,403 off_a:ok,404 off_b:404,ok prov:ok,ok admin:ok,ok",
}


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            namespace = pattern.namespace
            yield from _walk(pattern.url_patterns, f"{prefix}{namespace}:" if namespace else prefix)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{prefix}{pattern.name}", pattern


def routes() -> dict[str, list[URLPattern]]:
    found: dict[str, list[URLPattern]] = {}
    for name, pattern in _walk(get_resolver().url_patterns):
        found.setdefault(name, []).append(pattern)
    return found


# --- the world every route is tried in ---------------------------------------------------


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    from django.core.cache import cache

    cache.clear()  # each route starts with no earlier failures counted against it


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module (each test's own writes are rolled back), emptied after."""
    from django.core.management import call_command

    from apps_catalog.catalogue import load_catalogue
    from apps_catalog.models import App, Outcome
    from conftest import (
        build_tree,
        make_admin_user,
        make_leader_a,
        make_officer_a,
        make_officer_b,
        make_province_officer,
    )

    with django_db_blocker.unblock():
        tree = build_tree()
        built = _build_world(
            tree,
            make_province_officer(tree),
            make_officer_a(tree),
            make_officer_b(tree),
            make_leader_a(tree),
            make_admin_user(),
        )
        yield built
        call_command("flush", interactive=False, verbosity=0)
        load_catalogue(App, Outcome)
        from dashboards.models import Indicator
        from dashboards.registry import load_indicators

        load_indicators(Indicator, App, Outcome)  # as the data migration left it


def _build_world(tree, province_officer, officer_a, officer_b, leader_a, admin_user):
    from accounts.services import user_create
    from apps_catalog.models import App
    from citizens.models import Assistance, Citizen, Household, Visit
    from dashboards.models import Report
    from imports.models import ImportBatch
    from teams.services import member_add, team_create
    from training.models import Course, Session, Trainee

    today = datetime.date(2026, 11, 20)
    objects: dict[str, dict[str, object]] = {"A": {}, "B": {}, "P": {}}
    for side, hamlet, district, officer in (
        ("A", tree.hamlet_a, tree.district_a, officer_a),
        ("B", tree.hamlet_b, tree.district_b, officer_b),
    ):
        team = team_create(hamlet=hamlet)
        member = member_add(
            team=team, name=f"Thành viên {side}", joined_on=today, phone=PHONES[side][0]
        )
        household = Household.objects.create(
            consent_on=CONSENTED, hamlet=hamlet, head_name=f"Chủ hộ {side}"
        )
        citizen = Citizen.objects.create(
            household=household, full_name=f"Người {side}", phone=PHONES[side][1]
        )
        visit = Visit.objects.create(
            client_uuid=uuid.uuid4(),
            content_digest="x",
            household=household,
            recorded_by=officer,
            visited_on=today,
        )
        vneid = App.objects.get(slug="vneid")
        Assistance.objects.create(
            visit=visit, citizen=citizen, app=vneid, outcome=vneid.outcomes.first()
        )
        course = Course.objects.create(name=f"Khóa {side}", unit=district, starts_on=today)
        session = Session.objects.create(course=course, held_on=today)
        trainee = Trainee.objects.create(course=course, name=f"Học viên {side}", unit=district)
        attendance = session.attendances.create(trainee=trainee)
        user = user_create(
            actor=None,
            username=f"target-{side.lower()}",
            role="team_leader",
            scope_unit=hamlet,
            password="Thai-Nguyen-2026",
            name=f"Tài khoản {side}",
        )
        report = Report.objects.create(
            requested_by=officer, unit=district, status="done", pdf=b"%PDF", xlsx=b"PK"
        )
        from dashboards.filings import filing_snapshot
        from dashboards.models import Filing

        filing = Filing.objects.create(  # the commune's report, submitted to the province
            unit=hamlet.parent,
            month=today.replace(day=1),
            cut_off=today,
            status="submitted",
            round=1,
            pdf=b"%PDF",
            xlsx=b"PK",
        )
        filing.figures = filing_snapshot(filing=filing)
        filing.save(update_fields=["figures"])
        batch = ImportBatch.objects.create(
            kind="roster", created_by=officer, unit=district, filename="x.xlsx", data=b""
        )
        from citizens.models import CitizenMerge

        merge = CitizenMerge.objects.create(
            kept=citizen, merged=citizen, actor=officer, at=datetime.datetime.now(datetime.UTC)
        )
        from notifications.models import Notification

        notification = Notification.objects.create(
            user=officer,
            rule="team_inactive",
            key=f"team-{team.pk}",
            unit=hamlet,
            url="/teams/",
            params={"team": team.name, "days": 21, "last": ""},
        )
        objects[side] = {
            "notification": notification,
            "merge": merge,
            "unit": hamlet,
            "commune": hamlet.parent,
            "team": team,
            "member": member,
            "household": household,
            "citizen": citizen,
            "visit": visit,
            "course": course,
            "session": session,
            "attendance": attendance,
            "user": user,
            "report": report,
            "filing": filing,
            "import": batch,
            "app": vneid,
        }
    from reorganizations.models import Reorganization

    # A: re-draws the officers' province; B: another province's (only administrators see it).
    for side, province in (("A", tree.province), ("B", None)):
        objects[side]["reorganization"] = Reorganization.objects.create(
            province=province,
            name=f"Sắp xếp {side}",
            effective_on=datetime.date(2027, 1, 1),
            units_file="code,name,level,parent_code\n",
            mapping_file="old_code,new_code\n",
        )
    objects["P"] = {"unit": tree.province, "commune": tree.province}
    return {
        "personas": {
            "leader": leader_a,
            "off_a": officer_a,
            "off_b": officer_b,
            "prov": province_officer,
            "admin": admin_user,
        },
        "objects": objects,
    }


# Phones of side A's and B's member and citizen: personal data a page may show.
PHONES = {"A": ("0912000111", "0912000222"), "B": ("0913000111", "0913000222")}
# What only a page showing side A's people would contain.
PERSONAL_A = ("Người A", "Chủ hộ A", "Thành viên A", "Học viên A", "Tài khoản A", *PHONES["A"])
METHODS = ("get", "post", "options", "put", "patch", "delete")


# Which object each route's pk names (routes without a pk are tried once, as "-").
PK_KINDS = {
    "areas:unit-detail": "unit",
    "areas:hamlet-create": "commune",
    "areas:hamlet-edit": "unit",
    "areas:hamlet-close": "unit",
    "dashboards:unit": "unit",
    "dashboards:population": "unit",
    "dashboards:targets": "unit",
    "api:figures-unit-detail": "unit",
    "api:figures-unit-indicators": "unit",
    "api:figures-unit-periods": "unit",
    "dashboards:refresh": "unit",
    "dashboards:report-request": "unit",
    "dashboards:report-download": "report",
    "dashboards:course-effect": "course",
    "filings:month": "commune",
    "filings:submit": "commune",
    "filings:preview": "commune",
    "filings:download": "filing",
    "filings:review": "filing",
    "filings:return": "filing",
    "filings:approve": "filing",
    "reorganizations:detail": "reorganization",
    "reorganizations:assign": "reorganization",
    "reorganizations:apply": "reorganization",
    "accounts:user-set-active": "user",
    "accounts:user-password-reset": "user",
    "teams:team-detail": "team",
    "teams:team-roster-pdf": "team",
    "teams:team-poster-pdf": "team",
    "teams:team-edit": "team",
    "teams:team-dissolve": "team",
    "teams:member-add": "team",
    "teams:member-edit": "member",
    "teams:member-retire": "member",
    "citizens:household-detail": "household",
    "citizens:household-edit": "household",
    "citizens:citizen-add": "household",
    "citizens:citizen-edit": "citizen",
    "citizens:citizen-phone": "citizen",
    "citizens:citizen-data": "citizen",
    "citizens:citizen-anonymise": "citizen",
    "citizens:duplicate-merge": "citizen",
    "citizens:merge-undo": "merge",
    "training:course-detail": "course",
    "training:course-edit": "course",
    "training:session-add": "course",
    "training:trainee-add": "course",
    "training:completion": "course",
    "training:session-attendance": "session",
    "training:session-remove": "session",
    "imports:preview": "import",
    "imports:confirm": "import",
    "imports:errors": "import",
    "apps_catalog:app-set-active": "app",
    "api:unit-detail": "unit",
    "api:team-detail": "team",
    "api:member-detail": "member",
    "api:household-detail": "household",
    "api:citizen-detail": "citizen",
    "api:app-detail": "app",
    "api:visit-detail": "visit",
    "api:visit-correct": "visit",
    "api:visit-withdraw": "visit",
    "visits:visit-detail": "visit",
    "visits:visit-correct": "visit",
    "visits:visit-withdraw": "visit",
    "api:course-detail": "course",
    "api:attendance-detail": "attendance",
    "notifications:open": "notification",
}
# Other URL arguments, the same for every request.
FIXED_KWARGS = {
    "kind": "pdf",
    "format": "json",
    "key": "nope",
    "uidb36": "0",
    "code": "en",
    "month": "2026-11",
    "token": "nope",
}
IMPORT_KINDS = {"imports:upload": {"kind": "roster"}, "imports:template": {"kind": "roster"}}


def _url(name: str, pattern: URLPattern, target) -> str:
    kwargs = {}
    for key in pattern.pattern.regex.groupindex:
        if key == "pk":
            kwargs["pk"] = target.pk
        elif name in IMPORT_KINDS and key == "kind":
            kwargs["kind"] = IMPORT_KINDS[name]["kind"]
        else:
            kwargs[key] = FIXED_KWARGS[key]
    return reverse(name, kwargs=kwargs)


def _answer(response) -> str:
    code = response.status_code
    if code in (301, 302):
        location = response["Location"]
        return "login" if "/accounts/login/" in location or "/admin/login/" in location else "go"
    if code in (200, 201):
        return "ok"
    return str(code)


def observe(client, name: str, patterns: list[URLPattern], world) -> str:
    """The answers of one route as one line: 'persona:A,B[,P] …' (the same line for each
    of its patterns, e.g. the API's .json suffix; different lines are joined with ' | ')."""
    lines = {_observe(client, name, pattern, world) for pattern in patterns}
    return " | ".join(sorted(lines))


def _observe(client, name: str, pattern: URLPattern, world) -> str:
    kind = PK_KINDS.get(name, "")
    sides = (("A", "B", "P") if kind in ("unit",) else ("A", "B")) if kind else ("-",)
    parts = []
    for persona in PERSONAS:
        client.logout()
        if persona != "anon":
            client.force_login(world["personas"][persona])
        answers = []
        for side in sides:
            target = world["objects"][side][kind] if kind else None
            url = _url(name, pattern, target)
            response = client.get(url)
            if response.status_code == 405:
                response = client.post(url, {})
            answers.append(_answer(response))
        parts.append(f"{persona}:{','.join(answers)}")
    return " ".join(parts)


def test_every_route_is_in_the_matrix():
    missing = sorted(
        name for name in routes() if not name.startswith(ADMIN_PREFIX) and name not in EXPECTED
    )
    assert missing == [], f"routes nobody classified: {missing}"


def test_the_admin_site_is_for_administrators_only(client, world):
    """Every admin page without arguments (index, lists, add forms): anonymous and
    non-administrator personas are sent to sign in; the administrator gets the page."""
    checked = 0
    for name, patterns in routes().items():
        if not name.startswith(ADMIN_PREFIX) or patterns[0].pattern.regex.groupindex:
            continue
        url = reverse(name)
        for persona in PERSONAS:
            client.logout()
            if persona != "anon":
                client.force_login(world["personas"][persona])
            expected = "ok" if persona == "admin" else "login"
            if name == "admin:logout":  # POST only, for staff; anyone else is sent on
                expected = "405" if persona == "admin" else "go"
            if name == "admin:autocomplete" and persona == "admin":  # needs its parameters
                expected = "403"
            if name == "admin:login":  # the portal's own sign-in, rate-limited
                expected = {"anon": "login", "admin": "go"}.get(persona, "403")
            if name in ADMIN_NO_ADD and persona == "admin":
                expected = "403"  # created through the portal's services only (citizens/admin.py)
            assert _answer(client.get(url)) == expected, (name, persona)
        checked += 1
    assert checked > 20


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_persona_gets_the_expected_answer(client, world, name):
    patterns = routes()[name]
    assert observe(client, name, patterns, world) == EXPECTED[name]


def test_every_answer_showing_someones_personal_data_leaves_an_audit_row(client, world):
    """Whatever the method (a form re-shown by POST, the API's OPTIONS, an export asked for
    with DELETE…), an answer that shows side A's people is in the audit log; pages refuse
    the methods they do not serve (405). A new personal-data route fails here until it is
    audited (audit/middleware.py PERSONAL_ROUTES)."""
    from audit.models import Action, AuditEvent

    reads = (Action.READ, Action.EXPORT, Action.REVEAL)
    shown_unaudited, checked = [], 0
    for name, patterns in routes().items():
        if name.startswith(ADMIN_PREFIX) or name in ("account_logout", "api:token"):
            continue
        kind = PK_KINDS.get(name, "")
        target = world["objects"]["A"][kind] if kind else None
        url = _url(name, patterns[0], target)
        for persona in ("leader", "off_a", "prov", "admin"):
            client.force_login(world["personas"][persona])
            for method in METHODS:
                for query in ("", "?export=csv"):
                    before = AuditEvent.objects.filter(action__in=reads).count()
                    response = getattr(client, method)(url + query)
                    body = b"".join(response) if response.streaming else response.content
                    text = body.decode(errors="replace")
                    if response.status_code < 400 and any(m in text for m in PERSONAL_A):
                        checked += 1
                        if AuditEvent.objects.filter(action__in=reads).count() == before:
                            shown_unaudited.append(f"{method.upper()} {url}{query} as {persona}")
            client.logout()
    assert checked > 50
    assert shown_unaudited == [], "\n".join(shown_unaudited)


def test_pages_refuse_the_methods_they_do_not_serve(client, world):
    client.force_login(world["personas"]["off_a"])
    url = reverse("citizens:citizen-list") + "?export=csv"
    for method in ("options", "put", "patch", "delete"):
        response = getattr(client, method)(url)
        assert response.status_code == 405, method
        assert response["Allow"] == "GET, HEAD, POST"
