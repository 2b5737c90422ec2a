"""Every call we make to Stripe, in one thin module: the single point tests stub or redirect.

Functions return plain dicts (stripe-python objects are not dicts). Configuration comes from
settings at call time: STRIPE_SECRET_KEY, STRIPE_API_BASE (e.g. localstripe), STRIPE_WEBHOOK_SECRET.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import stripe
from django.conf import settings


class StripeNotConfigured(RuntimeError):
    """No STRIPE_SECRET_KEY: online payment is switched off on this server."""


def is_configured() -> bool:
    return bool(settings.STRIPE_SECRET_KEY)


@lru_cache(maxsize=4)
def _client(api_key: str, api_base: str) -> stripe.StripeClient:
    bases = {"api": api_base} if api_base else None
    # Retries are safe: stripe-python sends an idempotency key with every POST.
    return stripe.StripeClient(api_key, base_addresses=bases, max_network_retries=2)


def client() -> stripe.StripeClient:
    if not is_configured():
        raise StripeNotConfigured("STRIPE_SECRET_KEY is not set.")
    return _client(settings.STRIPE_SECRET_KEY, settings.STRIPE_API_BASE)


def _plain(obj: Any) -> dict:
    return obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)


# --- Customers and subscriptions (exercised against localstripe in tests) ----------------------


def create_customer(*, email: str, name: str, metadata: dict[str, str]) -> dict:
    return _plain(client().v1.customers.create(params={"email": email, "name": name, "metadata": metadata}))


def retrieve_subscription(subscription_id: str) -> dict:
    return _plain(client().v1.subscriptions.retrieve(subscription_id))


def list_subscriptions(customer_id: str) -> list[dict]:
    """All of a customer's subscriptions, ended ones included (status=all)."""
    page = client().v1.subscriptions.list(params={"customer": customer_id, "status": "all", "limit": 100})
    return [_plain(item) for item in page.data]


def cancel_subscription(subscription_id: str) -> dict:
    return _plain(client().v1.subscriptions.cancel(subscription_id))


# --- Prices, Checkout and the customer portal (localstripe lacks them: stubbed in tests) -------


def retrieve_price(price_id: str) -> dict:
    return _plain(client().v1.prices.retrieve(price_id))


def create_checkout_session(params: dict[str, Any]) -> dict:
    return _plain(client().v1.checkout.sessions.create(params=params))


def retrieve_checkout_session(session_id: str) -> dict:
    return _plain(client().v1.checkout.sessions.retrieve(session_id))


def create_portal_session(*, customer_id: str, return_url: str) -> dict:
    params = {"customer": customer_id, "return_url": return_url}
    return _plain(client().v1.billing_portal.sessions.create(params=params))


# --- Webhooks ----------------------------------------------------------------------------------


def construct_event(payload: bytes, signature_header: str) -> dict:
    """Verify the Stripe-Signature header (HMAC-SHA256 and timestamp tolerance) and parse the event.

    Raises stripe.SignatureVerificationError or ValueError (not JSON).
    """
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret:
        # Without a secret anyone could forge events: refuse them all.
        raise stripe.SignatureVerificationError("STRIPE_WEBHOOK_SECRET is not set.", signature_header)
    event = stripe.Webhook.construct_event(
        payload, signature_header, secret, tolerance=settings.STRIPE_WEBHOOK_TOLERANCE
    )
    return _plain(event)


def dashboard_url(kind: str, object_id: str) -> str:
    """Link to an object in the Stripe dashboard (kind: customers, subscriptions)."""
    test = "test/" if settings.STRIPE_SECRET_KEY.startswith(("sk_test_", "rk_test_")) else ""
    return f"https://dashboard.stripe.com/{test}{kind}/{object_id}"
