"""Abuse guards for public sign-up: address checks and fixed-window rate limits in the Django cache."""

from __future__ import annotations

import hashlib
import re
from functools import cache as memoize
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

DISPOSABLE_LIST = Path(__file__).resolve().parent.parent / "data" / "disposable_domains.txt"
_PERIODS = {"s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60, "h": 3600, "hour": 3600, "d": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([a-z]+)\s*$")


@memoize
def disposable_domains() -> frozenset[str]:
    lines = DISPOSABLE_LIST.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def normalize_email(raw: str) -> str:
    # Lower-casing the local part too: no mail provider we target treats it case-sensitively,
    # and one row per person matters more than RFC pedantry.
    return raw.strip().lower()


def check_address(email: str) -> str:
    """Return the normalised address, or raise ValidationError with a message a visitor understands."""
    email = normalize_email(email)
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError("Enter a valid email address, like name@company.com.", code="malformed")
    domain = email.rsplit("@", 1)[1]
    if domain.startswith("[") or "." not in domain:
        raise ValidationError("Enter an address at a real mail domain, like name@company.com.", code="malformed")
    labels = domain.split(".")
    # Match the domain and every parent domain, so eu.mailinator.com is caught too.
    if any(".".join(labels[i:]) in disposable_domains() for i in range(len(labels) - 1)):
        raise ValidationError(
            f"Addresses at {domain} are disposable mailboxes and can't receive our newsletter. "
            "Please use your work email.",
            code="disposable",
        )
    return email


def parse_rate(rate: str) -> tuple[int, int]:
    """'10/hour' -> (10, 3600); '5/10m' -> (5, 600)."""
    match = _RATE.match(rate.lower())
    if not match or match[3] not in _PERIODS:
        raise ValueError(f"Bad rate {rate!r}: use e.g. '10/hour', '3/10m'.")
    return int(match[1]), int(match[2] or 1) * _PERIODS[match[3]]


def hit_rate_limit(scope: str, identity: str, rate: str) -> bool:
    """Count one attempt; return True when `identity` is over `rate` in the current window."""
    limit, window = parse_rate(rate)
    digest = hashlib.sha256(identity.encode()).hexdigest()[:32]  # no raw addresses in cache keys
    key = f"newsletter:rl:{scope}:{digest}"
    cache.add(key, 0, window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        count = 1
    return count > limit


def ip_over_limit(ip: str) -> bool:
    return hit_rate_limit("ip", ip or "unknown", settings.NEWSLETTER_SIGNUP_RATE_IP)


def address_over_limit(email: str) -> bool:
    return hit_rate_limit("email", email, settings.NEWSLETTER_SIGNUP_RATE_EMAIL)
