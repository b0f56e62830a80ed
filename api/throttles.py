"""API rate limits per account and per token (reads and writes), set in settings
(API_RATE_LIMITS), answered with 429 and Retry-After. Generous for a field app sending a day's
work at once; a script reading a whole area's people as fast as it can is slowed down."""

from __future__ import annotations

import hashlib

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class _SettingsRateThrottle(SimpleRateThrottle):
    scope: str

    def get_rate(self) -> str:
        return settings.API_RATE_LIMITS[self.scope]


class AccountRateThrottle(_SettingsRateThrottle):
    """Every request of one account, whatever its session or token."""

    scope = "account"

    def get_cache_key(self, request, view) -> str | None:
        if not request.user or not request.user.is_authenticated:
            return None  # answered 401 anyway; the token endpoint has its own limits
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class TokenRateThrottle(_SettingsRateThrottle):
    """Every request made with one API token (a token that leaks is slowed as such)."""

    scope = "token"

    def get_cache_key(self, request, view) -> str | None:
        key = getattr(request.auth, "key", None)
        if not key:
            return None
        digest = hashlib.sha256(key.encode()).hexdigest()[:32]  # never the token in the cache
        return self.cache_format % {"scope": self.scope, "ident": digest}
