"""Handling of verified Stripe events: each once, in any order, never for the wrong tenant.

Subscription state is re-read from Stripe rather than taken from the (possibly stale) payload, and
stamped with the read time; `apply_stripe_subscription` refuses anything older than what it holds.
Only when Stripe no longer knows the subscription is the payload used, stamped with the event's
own `created` time. Reads happen before the database transaction, so no lock waits on the network.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import stripe
from django.db import IntegrityError, transaction
from django.utils import timezone

from billing import checkout, services, stripe_client
from billing.models import ProcessedEvent
from tenants.models import Tenant

logger = logging.getLogger(__name__)

Apply = Callable[[], tuple[Tenant | None, str]]


@dataclass(frozen=True)
class Outcome:
    message: str
    duplicate: bool = False


def _nothing(message: str) -> Apply:
    return lambda: (None, message)


def _current_subscription(
    subscription_id: str, payload: dict | None, created: datetime
) -> tuple[dict | None, datetime]:
    """The subscription as Stripe has it now (and when we read it); else the payload, as of the event."""
    read_at = timezone.now()
    try:
        return stripe_client.retrieve_subscription(subscription_id), read_at
    except stripe.InvalidRequestError as exc:
        if exc.http_status != 404:
            raise
        logger.warning("Subscription %s is unknown to Stripe: falling back to the event payload.", subscription_id)
        return payload, created


def _mirror(customer_id: str, subscription_id: str, payload: dict | None, event: dict, created: datetime) -> Apply:
    target = services.subscription_for_customer(customer_id)
    if target is None:
        logger.warning("Stripe event %s (%s) is for unknown customer %s.", event["id"], event["type"], customer_id)
        return _nothing(f"unknown customer {customer_id or '(none)'}: acknowledged, nothing changed")
    data, as_of = _current_subscription(subscription_id, payload, created)
    if data is None:
        return _nothing(f"subscription {subscription_id} unknown to Stripe: nothing changed")

    def apply() -> tuple[Tenant | None, str]:
        locked = services.lock_subscription(target.pk)
        changes = services.apply_stripe_subscription(locked, data, as_of, event_id=event["id"])
        return locked.tenant, "; ".join(changes) or "no change"

    return apply


def _on_subscription(event: dict, created: datetime) -> Apply:
    obj = event["data"]["object"]
    return _mirror(services.stripe_id(obj.get("customer")), obj["id"], obj, event, created)


def _on_invoice(event: dict, created: datetime) -> Apply:
    obj = event["data"]["object"]
    # Older API versions put the subscription on the invoice, newer ones under parent.
    parent = (obj.get("parent") or {}).get("subscription_details") or {}
    subscription_id = services.stripe_id(obj.get("subscription") or parent.get("subscription"))
    if not subscription_id:
        return _nothing("invoice of no subscription: ignored")
    return _mirror(services.stripe_id(obj.get("customer")), subscription_id, None, event, created)


def _on_checkout_completed(event: dict, created: datetime) -> Apply:
    session = event["data"]["object"]
    target = checkout.checkout_target(session)
    if target is None:
        return _nothing("checkout session for no known tenant: acknowledged, nothing changed")
    read_at = timezone.now()
    data = stripe_client.retrieve_subscription(services.stripe_id(session["subscription"]))

    def apply() -> tuple[Tenant | None, str]:
        changes = checkout.link_checkout(target, session, data, read_at, event_id=event["id"])
        return target.tenant, "; ".join(changes) or "no change"

    return apply


HANDLERS: dict[str, Callable[[dict, datetime], Apply]] = {
    "checkout.session.completed": _on_checkout_completed,
    "customer.subscription.created": _on_subscription,
    "customer.subscription.updated": _on_subscription,
    "customer.subscription.deleted": _on_subscription,
    "customer.subscription.paused": _on_subscription,
    "customer.subscription.resumed": _on_subscription,
    "customer.subscription.trial_will_end": _on_subscription,
    "invoice.paid": _on_invoice,
    "invoice.payment_succeeded": _on_invoice,
    "invoice.payment_failed": _on_invoice,
}


def handle_event(event: dict) -> Outcome:
    """Process one verified event exactly once. Stripe errors propagate, so Stripe redelivers later."""
    event_id, event_type = event["id"], event["type"]
    if ProcessedEvent.objects.filter(event_id=event_id).exists():
        return Outcome("already processed", duplicate=True)
    created = services.from_timestamp(event.get("created")) or timezone.now()
    handler = HANDLERS.get(event_type)
    apply = handler(event, created) if handler else _nothing("event type not used: ignored")
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = ProcessedEvent.objects.create(event_id=event_id, type=event_type, created=created)
        except IntegrityError:
            return Outcome("already processed", duplicate=True)  # a concurrent delivery won
        tenant, message = apply()
        record.tenant = tenant
        record.outcome = message[:200]
        record.save(update_fields=["tenant", "outcome"])
    logger.info("Stripe event %s (%s): %s", event_id, event_type, message)
    return Outcome(message)
