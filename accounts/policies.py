"""Who may do what: the one door. One predicate per question, one condition per line, each
tested per persona (accounts/tests/test_policies.py).

Views ask through ``requires(predicate)`` or call a predicate; the API through
``api.permissions.permission_for(predicate)``; services before they write; importers name
theirs in a ``policy`` attribute; templates read ``may`` (``may.manage_registry``…, see
``accounts.context_processors``). Nothing else compares ``user.role``.

What a user *sees* is another door: every queryset starts from ``.for_user(user)``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from .models import CREATABLE_ROLES, Role

Predicate = Callable[[object], bool]


def _role(user) -> str:
    if not user.is_authenticated:
        return ""
    return Role.ADMIN if user.is_superuser else user.role


def is_administrator(user) -> bool:
    """Administrators see every province (reorganizations, accounts of closed units)."""
    return _role(user) == Role.ADMIN


def works_in_the_field(user) -> bool:
    """Team leaders: they land on the field app and work in one hamlet."""
    return _role(user) == Role.TEAM_LEADER


def can_manage_registry(user) -> bool:
    """Teams, members, hamlets and registry imports are kept by area officers (and admins)."""
    return _role(user) in (Role.ADMIN, Role.AREA_OFFICER)


def can_manage_hamlets(user) -> bool:
    return can_manage_registry(user)


def can_edit_households(user) -> bool:
    """Area officers keep the registry; a team leader records the households of their own
    hamlet (their scope). Province officers read."""
    return _role(user) in (Role.ADMIN, Role.AREA_OFFICER, Role.TEAM_LEADER)


def can_review_duplicates(user) -> bool:
    """Probable duplicate people and the merges made: area officers and admins, who merge
    (``can_manage_registry``), and the province, which reads."""
    return _role(user) in (Role.ADMIN, Role.AREA_OFFICER, Role.PROVINCE_OFFICER)


def can_export_people(user) -> bool:
    """Lists of citizens leave the portal with officers only, never from a team leader's
    account (a phone shared at the door)."""
    return _role(user) in (Role.ADMIN, Role.AREA_OFFICER, Role.PROVINCE_OFFICER)


def can_record_visits(user) -> bool:
    """Team leaders at the door, and area officers recording for them."""
    return _role(user) in (Role.ADMIN, Role.AREA_OFFICER, Role.TEAM_LEADER)


def can_correct_visit(user, visit) -> bool:
    """The area's officers correct or withdraw a visit at any time; whoever recorded it,
    for ``VISIT_CORRECTION_DAYS`` days after recording it. (Scope is the queryset's door:
    the visit was fetched through ``Visit.objects.for_user``.)"""
    if _role(user) in (Role.ADMIN, Role.AREA_OFFICER):
        return True
    if not can_record_visits(user) or visit.recorded_by_id != user.pk:
        return False
    return timezone.now() - visit.created_at <= correction_window()


def correction_window() -> datetime.timedelta:
    return datetime.timedelta(days=settings.VISIT_CORRECTION_DAYS)


def can_manage_training(user) -> bool:
    """Province and area officers (and admins) run courses in their scope."""
    return _role(user) in (Role.ADMIN, Role.PROVINCE_OFFICER, Role.AREA_OFFICER)


def can_manage_apps(user) -> bool:
    """The app catalogue is the province's."""
    return _role(user) in (Role.ADMIN, Role.PROVINCE_OFFICER)


def can_reorganize(user) -> bool:
    """Re-drawing the administrative map is the province's work (and administrators')."""
    return _role(user) in (Role.ADMIN, Role.PROVINCE_OFFICER)


def can_read_audit(user) -> bool:
    """The audit log is read at the province (and by administrators)."""
    return _role(user) in (Role.ADMIN, Role.PROVINCE_OFFICER)


def can_read_reports(user) -> bool:
    """Monthly reports are asked for and filed by officers and the province."""
    return _role(user) in (Role.ADMIN, Role.AREA_OFFICER, Role.PROVINCE_OFFICER)


def can_record_population(user, unit=None) -> bool:
    """Population bases: the officer of the unit (area officers, the province) enters or
    imports them. (Scope: the unit was fetched through ``for_user``.)"""
    return _role(user) in (Role.ADMIN, Role.PROVINCE_OFFICER, Role.AREA_OFFICER)


def can_set_target(user, unit=None) -> bool:
    """Targets are handed down by the level above: the province for its communes, a commune
    for its hamlets; never for one's own unit. Without ``unit``: whether they set any."""
    if _role(user) not in (Role.ADMIN, Role.PROVINCE_OFFICER, Role.AREA_OFFICER):
        return False
    if unit is None or user.is_superuser:
        return True
    scope = user.scope_unit
    return scope is not None and unit.pk != scope.pk and unit.is_within(scope)


def can_manage_indicators(user) -> bool:
    """The indicator registry is the province's (a new indicator needs no code)."""
    return _role(user) in (Role.ADMIN, Role.PROVINCE_OFFICER)


def can_file_report(user, unit=None) -> bool:
    """The month's report is filed by the officers of a commune, for their own commune."""
    if _role(user) not in (Role.ADMIN, Role.AREA_OFFICER):
        return False
    if unit is None or user.is_superuser:
        return True
    return unit.level == "commune" and unit.pk == user.scope_unit_id


def can_review_filings(user) -> bool:
    """The province sees which communes have filed, returns a report or approves it."""
    return _role(user) in (Role.ADMIN, Role.PROVINCE_OFFICER)


def can_check_flags(user, unit=None) -> bool:
    """Data-quality flags are read and marked as checked by area and province officers (and
    admins), in their own scope; never by team leaders. Without ``unit``: whether they check
    any."""
    if _role(user) not in (Role.ADMIN, Role.PROVINCE_OFFICER, Role.AREA_OFFICER):
        return False
    if unit is None or user.is_superuser:
        return True
    scope = user.scope_unit
    return scope is not None and unit.is_within(scope)


def creatable_roles(user) -> list[Role]:
    """The roles of the accounts this user may create (always inside their own scope)."""
    role = _role(user)
    return list(CREATABLE_ROLES.get(Role(role), [])) if role else []


def can_manage_accounts(user) -> bool:
    return bool(creatable_roles(user))


def can_manage_account(user, account) -> bool:
    """Lock, unlock or reset the password of one account: one of the roles the user creates,
    never their own. (Scope is the queryset's door: the account was fetched through
    ``User.objects.for_user``; the services check it again.)"""
    if account.pk == user.pk:
        return False
    return account.role in creatable_roles(user)


def can_create_leader_accounts(user) -> bool:
    """Team leaders' accounts made in bulk from the roster: whoever creates team leaders."""
    return Role.TEAM_LEADER in creatable_roles(user)


def requires(predicate: Predicate):
    """A view decorator: 403 unless ``predicate(request.user)``."""

    def decorate(view):
        @wraps(view)
        def guarded(request, *args, **kwargs):
            if not predicate(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return guarded

    return decorate


def require(predicate: Callable[..., bool], user, *objects) -> None:
    """For a view that decides after fetching: 403 unless ``predicate(user, *objects)``."""
    if not predicate(user, *objects):
        raise PermissionDenied


class May:
    """For templates: ``{% if may.manage_registry %}`` asks ``can_manage_registry``,
    ``{% if may.works_in_the_field %}`` asks ``works_in_the_field``."""

    def __init__(self, user) -> None:
        self._user = user

    def __getattr__(self, question: str) -> bool:
        predicate = globals().get(f"can_{question}") or globals().get(question)
        if predicate is None or question.startswith("_"):
            raise AttributeError(question)
        return predicate(self._user)
