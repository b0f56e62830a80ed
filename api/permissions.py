"""Who may write through the API: the same rules as the UI, read from where the UI reads them.

Scope is not checked here: every queryset starts from ``.for_user(user)``, so an object outside
the user's area is not found (404, or 400 when named in a payload).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from accounts.policies import can_record_visits
from citizens.views import can_edit_households


class VisitWritePermission(BasePermission):
    """Reading visits needs a login; recording one, a team leader's or area officer's role."""

    message = _("Only team leaders and area officers record visits.")

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return request.method in SAFE_METHODS or can_record_visits(user)


class RegistryWritePermission(BasePermission):
    """Reading households and citizens needs a login; adding them, the UI's editor roles."""

    message = _("You may read households and citizens but not change them.")

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return request.method in SAFE_METHODS or can_edit_households(user)
