"""A Redis cache that degrades instead of failing: with Redis down, reads miss and writes are
dropped (logged), so pages, sign-in and visits keep working. What uses the cache here can
live without it for a while: rate-limit counters (they restart from zero) and throttles."""

from __future__ import annotations

import functools
import logging

from django.core.cache.backends.redis import RedisCache

log = logging.getLogger(__name__)

try:
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    DOWN: tuple[type[BaseException], ...] = (RedisConnectionError, RedisTimeoutError, OSError)
except ImportError:  # pragma: no cover
    DOWN = (OSError,)

# What each operation answers when Redis does not.
FALLBACKS = {
    "get": lambda *a, **k: k.get("default", a[1] if len(a) > 1 else None),
    "get_many": lambda *a, **k: {},
    "has_key": lambda *a, **k: False,
    "add": lambda *a, **k: True,
    "set": lambda *a, **k: None,
    "set_many": lambda *a, **k: [],
    "touch": lambda *a, **k: False,
    "delete": lambda *a, **k: False,
    "delete_many": lambda *a, **k: None,
    "incr": lambda *a, **k: a[1] if len(a) > 1 else k.get("delta", 1),
    "clear": lambda *a, **k: None,
}


def _resilient(name: str):
    original = getattr(RedisCache, name)
    fallback = FALLBACKS[name]

    @functools.wraps(original)
    def method(self, *args, **kwargs):
        try:
            return original(self, *args, **kwargs)
        except DOWN as error:
            log.warning("cache unavailable (%s): %s answered without it", error, name)
            return fallback(*args, **kwargs)

    return method


class ResilientRedisCache(RedisCache):
    pass


for _name in FALLBACKS:
    setattr(ResilientRedisCache, _name, _resilient(_name))
