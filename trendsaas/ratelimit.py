"""Fixed-window attempt counters in the Django cache, shared by sign-up and sign-in guards.

Behind several web processes the cache must be shared (CACHE_URL=redis://…); the default
local-memory cache counts per process.
"""

from __future__ import annotations

import hashlib
import re

from django.core.cache import cache
from django.http import HttpRequest

_PERIODS = {"s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60, "h": 3600, "hour": 3600, "d": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([a-z]+)\s*$")


def parse_rate(rate: str) -> tuple[int, int]:
    """'10/hour' -> (10, 3600); '5/15m' -> (5, 900)."""
    match = _RATE.match(rate.lower())
    if not match or match[3] not in _PERIODS:
        raise ValueError(f"Bad rate {rate!r}: use e.g. '10/hour', '3/10m'.")
    return int(match[1]), int(match[2] or 1) * _PERIODS[match[3]]


def _key(scope: str, identity: str) -> str:
    digest = hashlib.sha256(identity.encode()).hexdigest()[:32]  # no raw addresses in cache keys
    return f"rl:{scope}:{digest}"


def hit(scope: str, identity: str, rate: str) -> bool:
    """Count one attempt; return True when `identity` is over `rate` in the current window."""
    limit, window = parse_rate(rate)
    key = _key(scope, identity)
    cache.add(key, 0, window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        count = 1
    return count > limit


def exhausted(scope: str, identity: str, rate: str) -> bool:
    """Whether `identity` has used up `rate` in the current window (counts nothing)."""
    limit, _ = parse_rate(rate)
    return (cache.get(_key(scope, identity)) or 0) >= limit


def client_ip(request: HttpRequest) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is client-controlled unless a proxy rewrites it.
    return request.META.get("REMOTE_ADDR", "")
