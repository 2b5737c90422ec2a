"""Sign-up with double opt-in, confirmation, preferences and unsubscribing.

Nothing here tells a caller whether an address was already known: the public views answer the
same way whatever happens, and what differs (a "you're already subscribed" mail) goes to the
mailbox owner only.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from newsletter.models import DemoRequest, Subscriber
from newsletter.services import tokens
from newsletter.services.mail import send_confirmation_mail

Status = Subscriber.Status


@dataclass(frozen=True)
class SignUp:
    """A validated demo request; `email` already normalised by guards.check_address."""

    name: str
    email: str
    company: str
    role: str
    interests: tuple[str, ...]
    consent: bool
    ip_address: str | None = None


def _subscriber_for(email: str) -> Subscriber | None:
    return Subscriber.objects.filter(email__iexact=email).first()


def _upsert_demo_request(data: SignUp) -> DemoRequest:
    fields = {"name": data.name, "company": data.company, "role": data.role, "consent": data.consent}
    demo = DemoRequest.objects.filter(email__iexact=data.email).first()
    if demo is None:
        demo = DemoRequest(email=data.email, ip_address=data.ip_address, **fields)
        demo.set_interests(data.interests)
        try:
            with transaction.atomic():
                demo.save()
            return demo
        except IntegrityError:  # a parallel submission of the same address won the insert
            demo = DemoRequest.objects.get(email__iexact=data.email)
    updates: dict = {"request_count": F("request_count") + 1, "last_requested_at": timezone.now()}
    if demo.confirmed_at is None:
        # Unconfirmed details may be anyone's typing; once the owner confirmed, keep theirs.
        updates.update(fields, ip_address=data.ip_address, **{i: i in data.interests for i in ("fashion", "beauty")})
    DemoRequest.objects.filter(pk=demo.pk).update(**updates)
    demo.refresh_from_db()
    return demo


def request_demo(data: SignUp) -> DemoRequest:
    """Record the request and mail a confirmation link (or an "already subscribed" note)."""
    demo = _upsert_demo_request(data)
    subscriber = _subscriber_for(data.email)
    send_confirmation_mail(
        email=data.email,
        name=data.name,
        token=tokens.make_confirm_token(demo.pk, data.email, data.name, data.interests, data.consent),
        consent=data.consent,
        already_subscribed=subscriber is not None and subscriber.status == Status.ACTIVE,
        subscriber=subscriber,
    )
    return demo


def request_subscription(email: str, name: str, interests: tuple[str, ...]) -> None:
    """Double opt-in without a demo request (the portal's "subscribe me")."""
    subscriber = _subscriber_for(email)
    send_confirmation_mail(
        email=email,
        name=name,
        token=tokens.make_confirm_token(0, email, name, interests, True),
        consent=True,
        already_subscribed=subscriber is not None and subscriber.status == Status.ACTIVE,
        subscriber=subscriber,
    )


@dataclass(frozen=True)
class Confirmation:
    demo_request: DemoRequest | None
    subscriber: Subscriber | None


def check_confirmation(token: str) -> dict:
    """Validate a confirmation link without acting on it (for the GET page); raises InvalidToken."""
    payload = tokens.read_confirm_token(token)
    if payload["r"] and not DemoRequest.objects.filter(pk=payload["r"], email__iexact=payload["e"]).exists():
        raise tokens.InvalidToken("This confirmation link is no longer valid.")
    return payload


@transaction.atomic
def confirm(token: str) -> Confirmation:
    """Apply a confirmation link: mark the demo request confirmed and activate the subscription."""
    payload = check_confirmation(token)
    now = timezone.now()
    demo = None
    if payload["r"]:
        demo = DemoRequest.objects.select_for_update().get(pk=payload["r"])
        if demo.confirmed_at is None:
            demo.confirmed_at = now
            demo.save(update_fields=["confirmed_at"])
    if not payload["c"]:
        return Confirmation(demo, None)
    interests = tuple(payload["i"])
    subscriber = Subscriber.objects.select_for_update().filter(email__iexact=payload["e"]).first()
    if subscriber is None:
        subscriber = Subscriber(email=payload["e"], name=payload.get("n", ""), source="landing" if demo else "portal")
    if subscriber.status != Status.ACTIVE:
        subscriber.confirmed_at = now
    subscriber.set_interests(interests)
    subscriber.status = Status.ACTIVE
    subscriber.consent_at = now
    subscriber.hard_bounces = 0
    subscriber.unsubscribed_at = subscriber.bounced_at = None
    subscriber.save()
    return Confirmation(demo, subscriber)


def subscriber_from_token(token: str) -> Subscriber:
    """The subscriber a preference/unsubscribe link belongs to; raises InvalidToken."""
    subscriber = Subscriber.objects.filter(pk=tokens.read_subscriber_token(token)).first()
    if subscriber is None:
        raise tokens.InvalidToken("This link is not valid any more.")
    return subscriber


def update_interests(subscriber: Subscriber, interests: tuple[str, ...]) -> None:
    if not interests:
        raise ValueError("Choose at least one interest, or unsubscribe.")
    subscriber.set_interests(interests)
    subscriber.save(update_fields=["fashion", "beauty"])


def unsubscribe(subscriber: Subscriber) -> bool:
    """Stop all further mail; True if this call changed anything. Takes effect for the next send."""
    changed = Subscriber.objects.filter(pk=subscriber.pk).exclude(status=Status.UNSUBSCRIBED)
    updated = changed.update(status=Status.UNSUBSCRIBED, unsubscribed_at=timezone.now())
    subscriber.refresh_from_db()
    return bool(updated)


def resubscribe(subscriber: Subscriber) -> None:
    """Back in from the preference page: the signed link proves the mailbox, so no new opt-in mail."""
    if subscriber.status != Status.UNSUBSCRIBED:
        return
    subscriber.status = Status.ACTIVE
    subscriber.unsubscribed_at = None
    subscriber.consent_at = timezone.now()
    subscriber.save(update_fields=["status", "unsubscribed_at", "consent_at"])
