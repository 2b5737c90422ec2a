"""Billing fixtures: a localstripe server, priced plans, Stripe-signed webhooks, stubs for what
localstripe lacks (Prices, Checkout Sessions, Billing Portal), and a clock that moves forward."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from django.test import Client
from django.utils import timezone

from billing import stripe_client
from billing.models import Plan, Subscription
from billing.services import ensure_default_plans
from billing.signals import subscription_changed
from tenants.models import Tenant

WEBHOOK_SECRET = "whsec_billing_tests"
WEBHOOK_URL = "/billing/webhook/"
PRICES = {
    "starter": ("price_starter_monthly", "price_starter_yearly"),
    "growth": ("price_growth_monthly", "price_growth_yearly"),
}


def sign(payload: bytes, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """Stripe's documented scheme: t=<unix>,v1=hex(HMAC-SHA256(secret, "<t>.<payload>"))."""
    t = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{t}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


def make_event(event_type: str, obj: dict, event_id: str, created: int | None = None) -> dict:
    return {
        "id": event_id,
        "object": "event",
        "type": event_type,
        "created": int(time.time()) if created is None else created,
        "api_version": "2025-03-31.basil",
        "livemode": False,
        "data": {"object": obj},
    }


def post_event(client: Client, event: dict, **sign_kwargs: Any):
    payload = json.dumps(event).encode()
    return client.post(
        WEBHOOK_URL, data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=sign(payload, **sign_kwargs)
    )


def subscription_of(tenant: Tenant) -> Subscription:
    return Subscription.unscoped.select_related("plan").get(tenant=tenant)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def localstripe_server(tmp_path_factory) -> Iterator[str]:
    """`localstripe --port <free port>` for the whole session; yields its base URL."""
    port = _free_port()
    log = (tmp_path_factory.mktemp("localstripe") / "server.log").open("w")
    binary = Path(sys.executable).with_name("localstripe")
    # --from-scratch: never load a store another run left in /tmp.
    process = subprocess.Popen([str(binary), "--port", str(port), "--from-scratch"], stdout=log, stderr=log)
    deadline = time.monotonic() + 20
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"localstripe exited with {process.returncode}; see {log.name}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"localstripe did not open port {port} in 20 s; see {log.name}")
                time.sleep(0.1)  # polling a port, bounded by the deadline
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


class LocalStripe:
    """Acts as Stripe's side in tests: what Checkout or a failing card would do to real objects."""

    def __init__(self, base: str) -> None:
        self.base = base

    @property
    def api(self):
        return stripe_client.client().v1

    def create_price(self, price_id: str, interval: str, amount: int = 4900) -> None:
        # localstripe predates Prices; a Plan id is accepted wherever Stripe takes a price id.
        self.api.plans.create(
            params={
                "id": price_id,
                "amount": amount,
                "currency": "usd",
                "interval": interval,
                "product": {"name": price_id},
            }
        )

    def set_card(self, customer_id: str, card: str = "pm_card_visa") -> None:
        method = self.api.payment_methods.attach(card, params={"customer": customer_id})
        self.api.customers.update(customer_id, params={"invoice_settings": {"default_payment_method": method.id}})

    def subscribe(self, customer_id: str, price_id: str) -> dict:
        """What Stripe does when Checkout completes: a paid subscription (default card charged)."""
        self.set_card(customer_id)
        return self.api.subscriptions.create(params={"customer": customer_id, "items": [{"plan": price_id}]}).to_dict()

    def change_price(self, subscription_id: str, price_id: str, card: str = "pm_card_visa") -> dict:
        """Move to another price, paying with `card`; an interval change invoices (and charges) at once."""
        sub = self.api.subscriptions.retrieve(subscription_id).to_dict()
        self.set_card(sub["customer"], card)
        params = {"items": [{"id": sub["items"]["data"][0]["id"], "plan": price_id}]}
        return self.api.subscriptions.update(subscription_id, params=params).to_dict()

    def fail_renewal(self, subscription_id: str, new_price_id: str) -> dict:
        """A charge that fails: a declining card, charged by an interval change (localstripe sends no event)."""
        return self.change_price(subscription_id, new_price_id, card="pm_card_chargeCustomerFail")

    def cancel(self, subscription_id: str) -> dict:
        return self.api.subscriptions.cancel(subscription_id).to_dict()

    def register_webhook(self, url: str, events: list[str]) -> None:
        """Have localstripe deliver `events` to `url`; re-registering replaces the previous endpoint."""
        body = {"url": url, "secret": WEBHOOK_SECRET, "events": events}
        requests.post(f"{self.base}/_config/webhooks/tests", json=body, timeout=5).raise_for_status()

    def stop_webhooks(self) -> None:
        # localstripe cannot unregister; a filter nothing matches drops even deliveries still queued.
        self.register_webhook("http://127.0.0.1:9/", ["none.ever"])


@pytest.fixture
def localstripe(localstripe_server, settings) -> LocalStripe:
    """Point our Stripe client at localstripe with an empty store and sign webhooks with our secret."""
    settings.STRIPE_SECRET_KEY = "sk_test_billing_tests"
    settings.STRIPE_API_BASE = localstripe_server
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    requests.delete(f"{localstripe_server}/_config/data", timeout=5).raise_for_status()
    return LocalStripe(localstripe_server)


@pytest.fixture
def delivered_webhooks(localstripe, live_server) -> Iterator[Callable[[list[str]], None]]:
    """delivered_webhooks(event types): localstripe POSTs them, signed, to the live app's endpoint."""
    yield lambda events: localstripe.register_webhook(live_server.url + WEBHOOK_URL, events)
    localstripe.stop_webhooks()


@pytest.fixture
def webhook_secret(settings) -> str:
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    return WEBHOOK_SECRET


@pytest.fixture
def priced_plans(db) -> dict[str, Plan]:
    """Starter and Growth with Stripe price ids, as staff would set them in the admin."""
    ensure_default_plans()  # a transactional test before this one flushed the migration's plans
    plans = {}
    for slug, (monthly, yearly) in PRICES.items():
        Plan.objects.filter(slug=slug).update(stripe_price_monthly=monthly, stripe_price_yearly=yearly)
        plans[slug] = Plan.objects.get(slug=slug)
    return plans


@pytest.fixture
def stripe_prices(localstripe, priced_plans) -> dict[str, Plan]:
    """The priced plans, with their prices existing in localstripe too."""
    for slug, (monthly, yearly) in PRICES.items():
        localstripe.create_price(monthly, "month", priced_plans[slug].monthly_amount)
        localstripe.create_price(yearly, "year", priced_plans[slug].yearly_amount)
    return priced_plans


class StripeStubs:
    """Stand-ins for the calls localstripe cannot answer; they record what we asked of Stripe."""

    def __init__(self) -> None:
        self.checkout_sessions: dict[str, dict] = {}
        self.portal_sessions: list[dict] = []
        self.prices: dict[str, dict] = {}

    def create_checkout_session(self, params: dict) -> dict:
        session_id = f"cs_test_{len(self.checkout_sessions) + 1:04d}"
        session = {
            "id": session_id,
            "object": "checkout.session",
            "url": f"https://checkout.stripe.com/c/pay/{session_id}",
            "status": "open",
            "subscription": None,
            **params,
        }
        self.checkout_sessions[session_id] = session
        return session

    def retrieve_checkout_session(self, session_id: str) -> dict:
        import stripe

        if session_id not in self.checkout_sessions:
            raise stripe.InvalidRequestError(f"No such checkout.session: {session_id}", "id", http_status=404)
        return self.checkout_sessions[session_id]

    def complete(self, session_id: str, subscription_id: str) -> dict:
        """What Stripe records once the customer has paid."""
        session = self.checkout_sessions[session_id]
        session.update(status="complete", subscription=subscription_id, payment_status="paid")
        return session

    def create_portal_session(self, *, customer_id: str, return_url: str) -> dict:
        session = {"id": "bps_test_1", "customer": customer_id, "return_url": return_url}
        session["url"] = f"https://billing.stripe.com/p/session/{customer_id}"
        self.portal_sessions.append(session)
        return session

    def retrieve_price(self, price_id: str) -> dict:
        import stripe

        if price_id not in self.prices:
            raise stripe.InvalidRequestError(f"No such price: '{price_id}'", "id", http_status=404)
        return self.prices[price_id]


@pytest.fixture
def stripe_stubs(monkeypatch) -> StripeStubs:
    stubs = StripeStubs()
    for name in ("create_checkout_session", "retrieve_checkout_session", "create_portal_session", "retrieve_price"):
        monkeypatch.setattr(stripe_client, name, getattr(stubs, name))
    return stubs


@pytest.fixture
def travel(monkeypatch) -> Callable[[datetime | timedelta], datetime]:
    """travel(moment) or travel(timedelta from the real now) moves Django's clock (time passes, data untouched)."""
    real_now = timezone.now

    def move(to: datetime | timedelta) -> datetime:
        target = real_now() + to if isinstance(to, timedelta) else to
        monkeypatch.setattr(timezone, "now", lambda: target)
        return target

    return move


class ChangeWaiter:
    """Waits (bounded) for a subscription_changed signal that makes `predicate` true."""

    def __init__(self) -> None:
        self._changed = threading.Event()
        subscription_changed.connect(self._on_change, weak=False, dispatch_uid="billing-tests-waiter")

    def _on_change(self, sender: Any, **kwargs: Any) -> None:
        self._changed.set()

    def until(self, predicate: Callable[[], bool], timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError("No matching subscription change arrived in time.")
            self._changed.wait(remaining)
            self._changed.clear()

    def close(self) -> None:
        subscription_changed.disconnect(dispatch_uid="billing-tests-waiter")


@pytest.fixture
def subscription_changes() -> Iterator[ChangeWaiter]:
    waiter = ChangeWaiter()
    yield waiter
    waiter.close()
