"""Stripe Checkout, the customer portal, and tying a completed checkout to its tenant."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from billing import stripe_client
from billing.models import Plan, Subscription
from billing.services import (
    LIVE_STATUSES,
    BillingError,
    apply_stripe_subscription,
    ensure_subscription,
    lock_subscription,
    stripe_id,
    subscription_for_customer,
)
from tenants.models import Tenant, User

logger = logging.getLogger(__name__)


def ensure_customer(tenant: Tenant, user: User) -> str:
    """The tenant's Stripe customer id, created on first use (with the tenant in its metadata)."""
    subscription = ensure_subscription(tenant)
    if subscription.stripe_customer_id:
        return subscription.stripe_customer_id
    with transaction.atomic():
        # The lock makes a double click create one customer, not two.
        locked = lock_subscription(subscription.pk)
        if not locked.stripe_customer_id:
            customer = stripe_client.create_customer(
                email=user.email,
                name=tenant.name,
                metadata={"tenant_id": str(tenant.pk), "tenant_slug": tenant.slug},
            )
            locked.stripe_customer_id = customer["id"]
            locked.save(update_fields=["stripe_customer_id", "updated_at"])
        return locked.stripe_customer_id


def checkout_url(tenant: Tenant, plan: Plan, interval: str, user: User, return_url: str) -> str:
    """Start Stripe Checkout for `plan` billed each `interval`; return the page to send the owner to."""
    subscription = ensure_subscription(tenant)
    if subscription.stripe_subscription_id and subscription.status in LIVE_STATUSES:
        raise BillingError("You already have a subscription: change plans in the customer portal.")
    price_id = plan.price_id(interval)
    if not plan.purchasable or not price_id:
        raise BillingError(f"The {plan.name} plan cannot be bought {interval}ly online.")
    customer_id = ensure_customer(tenant, user)
    metadata = {"tenant_id": str(tenant.pk), "plan": plan.slug}
    subscription_data: dict[str, Any] = {"metadata": metadata}
    trial_end = subscription.trial_end
    # Subscribing during the trial keeps its remaining days free (Stripe needs 48 hours' notice).
    if subscription.is_local_trial and trial_end and trial_end > timezone.now() + timedelta(hours=49):
        subscription_data["trial_end"] = int(trial_end.timestamp())
    session = stripe_client.create_checkout_session(
        {
            "mode": "subscription",
            "customer": customer_id,
            "client_reference_id": str(tenant.pk),
            "line_items": [{"price": price_id, "quantity": 1}],
            "success_url": f"{return_url}?checkout=success&session_id={{CHECKOUT_SESSION_ID}}",
            "cancel_url": f"{return_url}?checkout=cancelled",
            "metadata": metadata,
            "subscription_data": subscription_data,
            "allow_promotion_codes": True,
        }
    )
    return session["url"]


def customer_portal_url(tenant: Tenant, return_url: str) -> str:
    subscription = ensure_subscription(tenant)
    if not subscription.stripe_customer_id:
        raise BillingError("There is nothing to manage yet: subscribe to a plan first.")
    return stripe_client.create_portal_session(customer_id=subscription.stripe_customer_id, return_url=return_url)[
        "url"
    ]


def checkout_target(session: dict) -> Subscription | None:
    """The tenant subscription a completed Checkout Session pays for, or None (logged) if it is for no one.

    The tenant comes from client_reference_id, which we set when creating the session; a customer
    already tied to another tenant is never moved.
    """
    if session.get("mode") != "subscription" or not session.get("subscription"):
        return None
    customer_id = stripe_id(session.get("customer"))
    tenant_id = str(session.get("client_reference_id") or "")
    target = Subscription.unscoped.filter(tenant_id=int(tenant_id)).first() if tenant_id.isdigit() else None
    target = target or subscription_for_customer(customer_id)
    if target is None:
        logger.warning("Checkout session %s is for no tenant we know (customer %s).", session.get("id"), customer_id)
        return None
    holder = subscription_for_customer(customer_id)
    if holder is not None and holder.pk != target.pk:
        logger.error(
            "Customer %s belongs to tenant %s, not %s: ignored.", customer_id, holder.tenant_id, target.tenant_id
        )
        return None
    if target.stripe_customer_id and target.stripe_customer_id != customer_id:
        logger.error("Tenant %s pays as %s, not %s: ignored.", target.tenant_id, target.stripe_customer_id, customer_id)
        return None
    return target


def link_checkout(target: Subscription, session: dict, data: dict, as_of: datetime, event_id: str = "") -> list[str]:
    """Tie the session's customer to the tenant and mirror its new subscription. Call inside a transaction."""
    locked = lock_subscription(target.pk)
    if not locked.stripe_customer_id:
        # Saved on its own: the customer is theirs even if the subscription is not followed (unpaid).
        locked.stripe_customer_id = stripe_id(session.get("customer"))
        locked.save(update_fields=["stripe_customer_id", "updated_at"])
    return apply_stripe_subscription(locked, data, as_of, event_id=event_id)


def complete_checkout(tenant: Tenant, session_id: str) -> list[str]:
    """The owner came back from Checkout: mirror at once rather than wait for the webhook."""
    session = stripe_client.retrieve_checkout_session(session_id)
    if str(session.get("client_reference_id")) != str(tenant.pk) or session.get("status") != "complete":
        return []  # not this tenant's session (or not paid): change nothing
    target = checkout_target(session)
    if target is None:
        return []
    read_at = timezone.now()
    data = stripe_client.retrieve_subscription(stripe_id(session["subscription"]))
    with transaction.atomic():
        return link_checkout(target, session, data, read_at)
