"""Abuse guards for public sign-up: address checks and fixed-window rate limits in the Django cache."""

from __future__ import annotations

from functools import cache as memoize
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from trendsaas import ratelimit

DISPOSABLE_LIST = Path(__file__).resolve().parent.parent / "data" / "disposable_domains.txt"


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


def ip_over_limit(ip: str) -> bool:
    return ratelimit.hit("signup:ip", ip or "unknown", settings.NEWSLETTER_SIGNUP_RATE_IP)


def address_over_limit(email: str) -> bool:
    return ratelimit.hit("signup:email", email, settings.NEWSLETTER_SIGNUP_RATE_EMAIL)
