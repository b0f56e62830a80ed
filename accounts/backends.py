"""``user.has_perm("portal.<question>")`` answered by ``accounts.policies.can_<question>``: the
one door, for the apps below accounts (areas, audit), which may not import it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from . import policies


class PolicyBackend:
    def authenticate(self, request, **credentials):
        return None  # it signs nobody in; it only answers questions

    def has_perm(self, user_obj, perm: str, obj=None) -> bool:
        app, _dot, question = perm.partition(".")
        if app != "portal":
            return False
        predicate = getattr(policies, f"can_{question}", None)
        if predicate is None:
            raise ValueError(f"no policy answers {perm}")
        if user_obj.is_active and predicate(user_obj):
            return True
        # A "no" is final: no other backend (Django's per-user permission tables) is asked.
        raise PermissionDenied
