"""Sign-ins, sign-outs and failed sign-ins, from Django's auth signals (every login path:
the site, the admin, the API token endpoint)."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .models import Action
from .services import audit_record


@receiver(user_logged_in, dispatch_uid="audit-login")
def _logged_in(sender, request, user, **kwargs):
    audit_record(action=Action.LOGIN, request=request, user=user)


@receiver(user_logged_out, dispatch_uid="audit-logout")
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(action=Action.LOGOUT, request=request, user=user)


@receiver(user_login_failed, dispatch_uid="audit-login-failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    # The name tried is kept (it is what a brute force varies); the password never is.
    tried = credentials.get("username") or credentials.get("email") or credentials.get("login")
    audit_record(action=Action.LOGIN_FAILED, request=request, detail=str(tried or "")[:150])
