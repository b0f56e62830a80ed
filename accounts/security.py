"""Account security the whole portal relies on: who must use a second factor. (API tokens end
with the password or the account: accounts.services.user_password_set / user_set_active.)"""

from __future__ import annotations

import time

from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.conf import settings
from django.shortcuts import redirect

from .models import Role


def requires_mfa(user) -> bool:
    """Whether the account must use a second factor: whole-province access and administration
    always (a stolen password alone must not be enough), other roles when MFA_REQUIRED_ROLES
    names them (an administrator's choice, e.g. area officers)."""
    if not getattr(settings, "MFA_REQUIRED", True) or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return user.role in set(settings.MFA_REQUIRED_ROLES) | {Role.PROVINCE_OFFICER, Role.ADMIN}


def has_totp(user) -> bool:

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def totp_code_is_valid(user, code: str) -> bool:

    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    return bool(code) and authenticator is not None and TOTP(authenticator).validate_code(code)


def totp_now(secret: str) -> str:
    """The current code an authenticator app shows for ``secret`` (demo accounts, tests)."""

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


# Pages an account that must set up its second factor can still open.
MFA_SETUP_OPEN = (
    "mfa_index",
    "mfa_activate_totp",
    "mfa_view_recovery_codes",
    "mfa_download_recovery_codes",
    "mfa_generate_recovery_codes",
    "mfa_reauthenticate",
    "account_logout",
    "account_reauthenticate",
    "set_language",
)


class RequireMfaMiddleware:
    """Province officers and administrators without an authenticator app are sent to set
    one up before anything else. (With one, allauth asks for its code at every sign-in.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or match.view_name in MFA_SETUP_OPEN:
            return None
        if request.path.startswith(settings.STATIC_URL):
            return None
        # (Token requests reach here anonymous: DRF authenticates in the view, and the token
        # endpoint refuses these accounts a token without their code.)
        user = request.user
        if requires_mfa(user) and not has_totp(user):  # one indexed query, these roles only
            return redirect("mfa_activate_totp")
        return None


class MfaAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator) -> bool:
        """Those who must use a second factor cannot remove their only one."""
        if requires_mfa(authenticator.user) and authenticator.type == "totp":
            return False
        return super().can_delete_authenticator(authenticator)
