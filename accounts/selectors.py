from __future__ import annotations

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from areas.models import AdministrativeUnit
from core.text import fold

from . import policies
from .models import SCOPE_LEVELS, User


def users_for_user(*, user: User, search: str = "", role: str = "") -> QuerySet[User]:
    users = User.objects.for_user(user).select_related("scope_unit").order_by("username")
    if role:
        users = users.filter(role=role)
    if search:
        users = users.filter(
            Q(username__icontains=search)
            | Q(search_key__contains=fold(search))
            | Q(email__icontains=search)
            | Q(scope_unit__search_key__contains=fold(search))
        )
    return users


def get_user_for_user(*, user: User, pk: int) -> User:
    return get_object_or_404(User.objects.for_user(user).select_related("scope_unit"), pk=pk)


def assignable_units(*, user: User) -> QuerySet[AdministrativeUnit]:
    """Current units in the user's scope that can be the scope of an account they create."""
    levels = set().union(*(SCOPE_LEVELS[role] for role in policies.creatable_roles(user)))
    return (
        AdministrativeUnit.objects.for_user(user)
        .current()
        .filter(level__in=levels)
        .select_related("parent")
        .order_by("path")
    )
