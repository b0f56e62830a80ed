"""A Redis cache that degrades instead of failing: with Redis down, reads miss and writes are
dropped (logged), so pages, sign-in and visits keep working. What uses the cache here can
live without it for a while: rate-limit counters (they restart from zero) and throttles."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import TypeVar

from django.core.cache.backends.redis import RedisCache

log = logging.getLogger(__name__)

T = TypeVar("T")

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


DAY_SECONDS = 24 * 60 * 60


def kept(key: str, compute: Callable[[], T], seconds: int = DAY_SECONDS) -> T:
    """What ``compute()`` answers, kept in the default cache under ``key`` for ``seconds``:
    later calls with the same key read it back. The key names everything the answer depends
    on (the callers put the roll-up run in it: a new run means new keys, never a stale read)."""
    from django.core.cache import cache

    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds)
    return value
