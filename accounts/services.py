"""Writes to accounts. Who may create whom, and where, is decided here and only here."""

from __future__ import annotations

import datetime
import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from areas.models import AdministrativeUnit, Level
from audit.models import Action
from audit.services import audit_record
from core.text import clean_text, fold

from . import policies
from .models import SCOPE_LEVELS, LockReason, Role, User


def _validate_scope(*, role: str, scope_unit: AdministrativeUnit | None) -> None:
    if role == Role.ADMIN:
        return
    if scope_unit is None:
        raise ValidationError({"scope_unit": _("Choose the unit this account works in.")})
    if not scope_unit.is_current:
        raise ValidationError({"scope_unit": _("This unit is no longer in force.")})
    allowed = SCOPE_LEVELS[Role(role)]
    if scope_unit.level not in allowed:
        raise ValidationError(
            {
                "scope_unit": _("A %(role)s works in a %(levels)s, not a %(level)s.")
                % {
                    "role": Role(role).label.lower(),
                    "levels": " / ".join(str(Level(lv).label).lower() for lv in sorted(allowed)),
                    "level": str(Level(scope_unit.level).label).lower(),
                }
            }
        )


def _check_actor_may_manage(
    *, actor: User | None, role: str, scope_unit: AdministrativeUnit | None
) -> None:
    """An actor creates only the roles below them, inside their own scope. None = a script."""
    if actor is None or actor.is_superuser:
        return
    if role not in policies.creatable_roles(actor):
        raise ValidationError({"role": _("You cannot create accounts with this role.")})
    if scope_unit is None or actor.scope_unit is None or not scope_unit.is_within(actor.scope_unit):
        raise ValidationError({"scope_unit": _("This unit is outside your area.")})


def user_create(
    *,
    actor: User | None,
    username: str,
    role: str,
    scope_unit: AdministrativeUnit | None,
    password: str,
    name: str = "",
    email: str = "",
    must_change_password: bool = False,
) -> User:
    username = clean_text(username).lower()
    if role == Role.ADMIN and actor is not None and not actor.is_superuser:
        raise ValidationError({"role": _("You cannot create accounts with this role.")})
    _check_actor_may_manage(actor=actor, role=role, scope_unit=scope_unit)
    _validate_scope(role=role, scope_unit=scope_unit)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This username is already taken.")})
    if email and User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("Another account already uses this e-mail address.")})
    user = User(
        username=username,
        name=clean_text(name),
        search_key=fold(name),
        email=email.strip().lower(),
        role=role,
        scope_unit=scope_unit,
        created_by=actor,
        is_staff=role == Role.ADMIN,
        is_superuser=role == Role.ADMIN,
        must_change_password=must_change_password,
    )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)
    user.full_clean(exclude=["password"])
    with transaction.atomic():
        user.save()
    return user


def user_tokens_end(*, user: User) -> None:
    """End every API token of the account (its web sessions end by themselves: Django checks
    the password hash and is_active on every request)."""

    Token.objects.filter(user_id=user.pk).delete()


def user_password_set(*, user: User, password: str, must_change: bool = False) -> User:
    """A new password (the sign-in pages, a reset, the admin): the old one's API tokens end.
    A password the person chose (``must_change`` False) ends the obligation to change it."""
    with transaction.atomic():
        user.set_password(password)
        user.must_change_password = must_change
        user.save(update_fields=["password", "must_change_password"])
        user_tokens_end(user=user)
    return user


# No 0/o, 1/l/i: read aloud over the phone and typed on one without mistakes.
ONE_TIME_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
ONE_TIME_LENGTH = 10


def one_time_code() -> str:
    """A first-sign-in code: 10 characters (about 50 bits), shown in two groups of five."""
    return "".join(secrets.choice(ONE_TIME_ALPHABET) for _position in range(ONE_TIME_LENGTH))


def user_password_reset(*, actor: User, user: User) -> str:
    """An officer resets the password of an account they manage (team leaders rarely have an
    e-mail address): a one-time code becomes the password, to be changed at the next sign-in.
    Returns the code, which is kept nowhere else: the officer reads it to the person once."""
    if actor.pk == user.pk:
        raise ValidationError(_("Change your own password from your account page."))
    _check_actor_may_manage(actor=actor, role=user.role, scope_unit=user.scope_unit)
    code = one_time_code()
    user_password_set(user=user, password=code, must_change=True)
    return code


def user_set_active(*, actor: User, user: User, active: bool) -> User:
    """Deactivate or reactivate an account the actor manages (never their own); a
    deactivated account's API tokens end."""
    if actor.pk == user.pk:
        raise ValidationError(_("You cannot deactivate your own account."))
    _check_actor_may_manage(actor=actor, role=user.role, scope_unit=user.scope_unit)
    return _user_lock(user=user, active=active)


def _user_lock(*, user: User, active: bool, reason: str = "") -> User:
    with transaction.atomic():
        user.is_active = active
        user.locked_at = None if active else timezone.now()
        user.locked_reason = "" if active else reason
        user.save(update_fields=["is_active", "locked_at", "locked_reason"])
        if not active:
            user_tokens_end(user=user)
    return user


def user_set_scope(*, actor: User | None, user: User, scope_unit: AdministrativeUnit) -> User:
    """Move an account to another unit (after a reorganization closed its own). The actor
    must be able to manage both the account's role and the new unit; takes effect on the
    account's next request."""
    _check_actor_may_manage(actor=actor, role=user.role, scope_unit=scope_unit)
    _validate_scope(role=user.role, scope_unit=scope_unit)
    user.scope_unit = scope_unit
    user.save(update_fields=["scope_unit"])
    return user


# A phone that sends often writes its time at most once a minute.
FIELD_SYNC_RESOLUTION = datetime.timedelta(minutes=1)


def user_field_synced(*, user: User) -> None:
    """The account's phone reached the server from the field app (its list, a visit or a
    household sent): officers see when, to know whose work may still wait on a phone."""
    now = timezone.now()
    last = user.field_synced_at
    if last is not None and now - last < FIELD_SYNC_RESOLUTION:
        return
    User.objects.filter(pk=user.pk).update(field_synced_at=now)
    user.field_synced_at = now


def former_members_accounts_lock(*, today: datetime.date | None = None) -> int:
    """The daily job: lock the active accounts of people who left their team (a ``left_on``
    before today) and serve in no team now; their tokens end and the account says why.
    Returns how many were locked."""
    today = today or timezone.localdate()
    accounts = (
        User.objects.filter(is_active=True, is_superuser=False)
        .filter(team_memberships__left_on__lt=today)
        .exclude(team_memberships__left_on__isnull=True)
        .distinct()
    )
    locked = 0
    for user in accounts.iterator():
        _user_lock(user=user, active=False, reason=LockReason.LEFT_TEAM)
        audit_record(
            action=Action.ACCOUNT,
            route="accounts.lock_former_members",
            object_type="user",
            object_id=user.pk,
            detail=f"locked automatically, left the team: {user.username}",
        )
        locked += 1
    return locked
