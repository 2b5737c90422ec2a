"""Assembling mails: the opt-in confirmation and one subscriber's copy of an issue."""

from __future__ import annotations

from email.utils import formatdate, make_msgid, parseaddr
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import sanitize_address
from django.core.mail.utils import DNS_NAME
from django.template.loader import render_to_string

from newsletter.services import tokens
from newsletter.services.content import PREFS_MARK, UNSUB_MARK
from newsletter.services.smtp import dot_stuff

if TYPE_CHECKING:
    from newsletter.models import Subscriber
    from newsletter.services.content import Rendered

LIST_ID = "TrendSaaS Weekly <weekly.trendsaas.list-id>"
TO_MARK = "recipient@to-marker.invalid"
MSGID_MARK = "message-id@id-marker.invalid"
DATE_MARK = "Mon, 01 Jan 2001 00:00:00 -0000"
TOKEN_MARK = "__SUBSCRIBER_TOKEN__"  # noqa: S105 (a placeholder, not a secret; URL-safe for reverse())


def send_confirmation_mail(
    *,
    email: str,
    name: str,
    token: str,
    consent: bool,
    already_subscribed: bool,
    subscriber: Subscriber | None,
) -> None:
    """The double opt-in mail; an active subscriber gets a note with their preference link instead."""
    context = {
        "name": name,
        "confirm_url": tokens.confirm_url(token),
        "consent": consent,
        "already_subscribed": already_subscribed,
        "preferences_url": tokens.preferences_url(tokens.make_subscriber_token(subscriber.pk))
        if already_subscribed and subscriber
        else "",
        "max_age_days": max(1, settings.NEWSLETTER_CONFIRM_MAX_AGE // 86400),
        "site_url": settings.SITE_URL,
    }
    subject = (
        "You're already subscribed to TrendSaaS Weekly" if already_subscribed else "Confirm your email for TrendSaaS"
    )
    html = render_to_string("email/newsletter_confirm.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("email/newsletter_confirm.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email],
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(html, "text/html")
    message.send()


def _issue_message(
    rendered: Rendered,
    to: str,
    preferences: str,
    unsubscribe: str,
    mailto: str,
    connection: BaseEmailBackend | None = None,
    extra_headers: dict[str, str] | None = None,
) -> EmailMultiAlternatives:
    html, text = rendered.personalise(preferences, unsubscribe)
    message = EmailMultiAlternatives(
        subject=rendered.subject,
        body=text,
        from_email=settings.NEWSLETTER_FROM_EMAIL,
        to=[to],
        connection=connection,
        headers={
            # RFC 8058 one-click unsubscribe, plus the mailto form older clients use.
            "List-Unsubscribe": f"<{unsubscribe}>, <{mailto}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": LIST_ID,
            "Precedence": "bulk",
            "Auto-Submitted": "auto-generated",
            **(extra_headers or {}),
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def issue_message(
    rendered: Rendered,
    subscriber: Subscriber,
    connection: BaseEmailBackend | None = None,
    to: str | None = None,
) -> EmailMultiAlternatives:
    """One subscriber's copy as an EmailMessage (any mail backend)."""
    token = tokens.make_subscriber_token(subscriber.pk)
    return _issue_message(
        rendered,
        to or subscriber.email,
        tokens.preferences_url(token),
        tokens.unsubscribe_url(token),
        tokens.unsubscribe_mailto(token),
        connection,
    )


def _date_header() -> bytes:
    local = settings.EMAIL_USE_LOCALTIME
    return formatdate(localtime=local, usegmt=not local).encode()


class PreparedIssue:
    """One interest combination's message, MIME-encoded once; each copy only swaps a few markers.

    Building a MIME message costs milliseconds; replacing the recipient, Date, Message-ID and
    signed links in ready bytes costs microseconds, which is what lets one worker send hundreds of
    messages a second. If the encoder ever hides a marker (quoted-printable, base64), `ready` is
    False and callers build each message the normal way.
    """

    def __init__(self, rendered: Rendered) -> None:
        self.rendered = rendered
        message = _issue_message(
            rendered,
            TO_MARK,
            PREFS_MARK,
            UNSUB_MARK,
            tokens.unsubscribe_mailto(TOKEN_MARK),
            extra_headers={"Message-ID": f"<{MSGID_MARK}>", "Date": DATE_MARK},
        )
        self.from_address = parseaddr(sanitize_address(message.from_email, "utf-8"))[1]  # the envelope sender
        # Dot-stuffed once here; the values swapped in later never start a line.
        self.template = dot_stuff(message.message().as_bytes(linesep="\r\n"))
        self.eight_bit = not self.template.isascii()
        # URL prefixes resolved once: reverse() per copy would cost more than the whole substitution.
        self.preferences_url = tokens.preferences_url(TOKEN_MARK).encode()
        self.unsubscribe_url = tokens.unsubscribe_url(TOKEN_MARK).encode()
        markers = (TO_MARK, PREFS_MARK, UNSUB_MARK, TOKEN_MARK, MSGID_MARK, DATE_MARK)
        self.ready = all(marker.encode() in self.template for marker in markers)

    def raw(self, subscriber: Subscriber) -> bytes:
        """The dot-stuffed DATA of `subscriber`'s copy (ASCII addresses only; check `usable_for`)."""
        token = tokens.make_subscriber_token(subscriber.pk).encode()
        message_id = make_msgid(domain=str(DNS_NAME)).strip("<>")
        return (
            self.template.replace(TO_MARK.encode(), subscriber.email.encode("ascii"))
            .replace(MSGID_MARK.encode(), message_id.encode())
            .replace(DATE_MARK.encode(), _date_header())
            .replace(PREFS_MARK.encode(), self.preferences_url)
            .replace(UNSUB_MARK.encode(), self.unsubscribe_url)
            .replace(TOKEN_MARK.encode(), token)
        )

    def usable_for(self, subscriber: Subscriber) -> bool:
        return self.ready and subscriber.email.isascii()
