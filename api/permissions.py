"""Who may write through the API: the same predicates as the UI (accounts.policies), one
permission class built from each.

Scope is not checked here: every queryset starts from ``.for_user(user)``, so an object outside
the user's area is not found (404, or 400 when named in a payload).
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from accounts import policies


def permission_for(predicate, message: str | Promise) -> type[BasePermission]:
    """Reading needs a signed-in user; writing, ``predicate(user)``."""

    class PolicyPermission(BasePermission):
        def has_permission(self, request, view) -> bool:
            user = request.user
            if not (user and user.is_authenticated):
                return False
            return request.method in SAFE_METHODS or predicate(user)

    PolicyPermission.message = str(message)  # type: ignore[attr-defined]
    PolicyPermission.__name__ = f"May{predicate.__name__.removeprefix('can_').title()}"
    return PolicyPermission


VisitWritePermission = permission_for(
    policies.can_record_visits, _("Only team leaders and area officers record visits.")
)
RegistryWritePermission = permission_for(
    policies.can_edit_households, _("You may read households and citizens but not change them.")
)
