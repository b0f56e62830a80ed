"""Account security the whole portal relies on: who must use a second factor. (API tokens end
with the password or the account: accounts.services.user_password_set / user_set_active.)"""

from __future__ import annotations

import time

from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

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


# Pages an account that must change its one-time code can still open (and the second
# factor's setup, which RequireMfaMiddleware asks for first).
PASSWORD_CHANGE_OPEN = (
    "account_change_password",
    "account_logout",
    "set_language",
    "language",
    *MFA_SETUP_OPEN,
)


class RequirePasswordChangeMiddleware:
    """An account signed in with a one-time code (an officer's reset, a bulk-made team leader
    account) chooses its own password before anything else; the API refuses it meanwhile."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or match.view_name in PASSWORD_CHANGE_OPEN:
            return None
        if request.path.startswith(settings.STATIC_URL):
            return None
        if "api" in match.namespaces:
            if _api_caller_must_change_password(request):
                return JsonResponse(
                    {
                        "detail": _(
                            "This account signed in with a one-time code: choose a new "
                            "password on the portal's sign-in page first."
                        ),
                        "code": "password_change_required",
                    },
                    status=403,
                )
            return None
        user = request.user
        if user.is_authenticated and user.must_change_password:
            return redirect("account_change_password")
        return None


def _api_caller_must_change_password(request) -> bool:
    """The session's account, or (DRF authenticates in the view, after us) the token's."""
    if request.user.is_authenticated:
        return request.user.must_change_password
    header = request.headers.get("authorization", "").split()
    if len(header) != 2 or header[0].lower() != "token":
        return False
    token = api_token(request, header[1])
    return token is not None and token.user.must_change_password


def api_token(request, key: str) -> Token | None:
    """The API token ``key`` with its account and the account's scope, read once per request:
    this middleware's check and the API's authentication share it."""
    cached = getattr(request, "_api_token", None)
    if cached is not None and cached[0] == key:
        return cached[1]
    token = Token.objects.select_related("user__scope_unit").filter(key=key).first()
    request._api_token = (key, token)
    return token
