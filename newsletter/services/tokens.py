"""Signed links: confirmation links expire, subscriber links (preferences, unsubscribe) do not.

Old newsletters must keep a working unsubscribe link, so subscriber tokens carry no timestamp;
they are HMAC-signed with SECRET_KEY and a per-purpose salt, so they cannot be forged or reused
for another purpose.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

CONFIRM_SALT = "newsletter.confirm"
SUBSCRIBER_SALT = "newsletter.subscriber"


class InvalidToken(Exception):
    """The link was tampered with, is for something else, or has expired."""

    def __init__(self, message: str, expired: bool = False) -> None:
        super().__init__(message)
        self.expired = expired


def absolute_url(path_or_url: str) -> str:
    """An absolute URL for mail: keep http(s) URLs, prefix paths with SITE_URL."""
    if path_or_url.startswith(("http://", "https://")):
        return path_or_url
    return f"{settings.SITE_URL}/{path_or_url.lstrip('/')}"


def make_confirm_token(demo_request_id: int, email: str, name: str, interests: tuple[str, ...], consent: bool) -> str:
    # The token carries what the visitor submitted, so confirming applies exactly that.
    payload = {"r": demo_request_id, "e": email, "n": name, "i": list(interests), "c": int(consent)}
    return signing.dumps(payload, salt=CONFIRM_SALT, compress=True)


def read_confirm_token(token: str) -> dict:
    try:
        return signing.loads(token, salt=CONFIRM_SALT, max_age=settings.NEWSLETTER_CONFIRM_MAX_AGE)
    except signing.SignatureExpired:
        raise InvalidToken("This confirmation link has expired.", expired=True)
    except signing.BadSignature:
        raise InvalidToken("This confirmation link is not valid.")


def make_subscriber_token(subscriber_id: int) -> str:
    return signing.Signer(salt=SUBSCRIBER_SALT).sign(str(subscriber_id))


def read_subscriber_token(token: str) -> int:
    try:
        return int(signing.Signer(salt=SUBSCRIBER_SALT).unsign(token))
    except (signing.BadSignature, ValueError):
        raise InvalidToken("This link is not valid.")


def confirm_url(token: str) -> str:
    return absolute_url(reverse("newsletter:confirm", args=[token]))


def preferences_url(token: str) -> str:
    return absolute_url(reverse("newsletter:preferences", args=[token]))


def unsubscribe_url(token: str) -> str:
    return absolute_url(reverse("newsletter:unsubscribe", args=[token]))


def unsubscribe_mailto(token: str) -> str:
    return f"mailto:{settings.NEWSLETTER_UNSUBSCRIBE_MAILTO}?subject=unsubscribe%20{token}"
