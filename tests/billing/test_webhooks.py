"""The webhook endpoint: signature, tolerance, once-only processing, ordering, unknown customers.

Payloads are signed here with Stripe's documented scheme; the subscriptions they name live in
localstripe, which the handler re-reads.
"""

import json
import logging
import time

import pytest

from billing.models import ProcessedEvent, Status, Subscription
from tests.billing.conftest import WEBHOOK_URL, make_event, post_event, sign, subscription_of


@pytest.fixture
def paying_a(tenant_a, owner_a, localstripe, stripe_prices):
    """Alpha with a Stripe customer (as the Billing page creates it) and an active Growth subscription."""
    from billing.checkout import ensure_customer

    customer_id = ensure_customer(tenant_a, owner_a)
    return localstripe.subscribe(customer_id, "price_growth_monthly")


def subscription_event(sub: dict, event_id: str, event_type: str = "customer.subscription.updated", **kw) -> dict:
    return make_event(event_type, sub, event_id, **kw)


def test_signed_event_updates_the_tenant(client, tenant_a, paying_a):
    response = post_event(client, subscription_event(paying_a, "evt_1", "customer.subscription.created"))
    assert response.status_code == 200 and response.json()["received"] is True
    subscription = subscription_of(tenant_a)
    assert (subscription.plan.slug, subscription.status, subscription.interval) == ("growth", "active", "month")
    assert subscription.stripe_subscription_id == paying_a["id"]
    assert subscription.current_period_end is not None and subscription.last_event_id == "evt_1"
    assert ProcessedEvent.objects.get(event_id="evt_1").tenant == tenant_a


def refused(client, payload: bytes, signature: str | None):
    headers = {"HTTP_STRIPE_SIGNATURE": signature} if signature is not None else {}
    return client.post(WEBHOOK_URL, data=payload, content_type="application/json", **headers)


def assert_nothing_changed(tenant) -> None:
    subscription = subscription_of(tenant)
    assert subscription.status == Status.TRIALING and not subscription.stripe_subscription_id
    assert not ProcessedEvent.objects.exists()


def test_tampered_payload_is_refused(client, tenant_a, paying_a):
    payload = json.dumps(subscription_event(paying_a, "evt_t")).encode()
    signature = sign(payload)
    tampered = payload.replace(b'"active"', b'"canceled"')
    assert tampered != payload
    response = refused(client, tampered, signature)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_signature"
    assert_nothing_changed(tenant_a)


def test_wrong_secret_is_refused(client, tenant_a, paying_a):
    payload = json.dumps(subscription_event(paying_a, "evt_w")).encode()
    assert refused(client, payload, sign(payload, secret="whsec_someone_else")).status_code == 400
    assert_nothing_changed(tenant_a)


def test_stale_timestamp_is_refused(client, tenant_a, paying_a, settings):
    payload = json.dumps(subscription_event(paying_a, "evt_s")).encode()
    stale = int(time.time()) - settings.STRIPE_WEBHOOK_TOLERANCE - 5
    assert refused(client, payload, sign(payload, timestamp=stale)).status_code == 400
    assert_nothing_changed(tenant_a)


@pytest.mark.parametrize("signature", [None, "", "t=123", "v1=abc", "garbage"])
def test_missing_or_malformed_signature_is_refused(client, tenant_a, paying_a, signature):
    payload = json.dumps(subscription_event(paying_a, "evt_m")).encode()
    assert refused(client, payload, signature).status_code == 400
    assert_nothing_changed(tenant_a)


def test_no_configured_secret_refuses_everything(client, tenant_a, paying_a, settings):
    settings.STRIPE_WEBHOOK_SECRET = ""
    payload = json.dumps(subscription_event(paying_a, "evt_n")).encode()
    assert refused(client, payload, sign(payload, secret="")).status_code == 400
    assert_nothing_changed(tenant_a)


def test_signed_non_json_is_refused(client, tenant_a, webhook_secret):
    assert refused(client, b"not json", sign(b"not json")).status_code == 400


def test_get_is_not_allowed(client, db):
    assert client.get(WEBHOOK_URL).status_code == 405


def test_replay_is_acknowledged_and_ignored(client, tenant_a, paying_a, localstripe):
    event = subscription_event(paying_a, "evt_replay", "customer.subscription.created")
    assert post_event(client, event).json()["duplicate"] is False
    localstripe.cancel(paying_a["id"])
    second = post_event(client, event)  # the same event again, freshly signed
    assert second.status_code == 200 and second.json()["duplicate"] is True
    assert subscription_of(tenant_a).status == Status.ACTIVE  # the replay did not re-read or write
    assert ProcessedEvent.objects.filter(event_id="evt_replay").count() == 1


def test_reordered_events_settle_on_stripe_current_state(client, tenant_a, paying_a, localstripe):
    cancelled = localstripe.cancel(paying_a["id"])
    now = int(time.time())
    post_event(client, subscription_event(cancelled, "evt_late", "customer.subscription.deleted", created=now))
    # The older "created" event arrives last: it must not revive the subscription.
    post_event(client, subscription_event(paying_a, "evt_early", "customer.subscription.created", created=now - 60))
    subscription = subscription_of(tenant_a)
    assert subscription.status == Status.CANCELED and subscription.ended_at is not None


def test_older_payload_never_overwrites_newer_when_stripe_lost_the_object(client, tenant_a, paying_a):
    """With no subscription to re-read (404), the payload is used and ordered by the event's created time."""
    from billing.services import ensure_subscription

    customer = ensure_subscription(tenant_a).stripe_customer_id
    gone = {**paying_a, "id": "sub_unknown_to_stripe", "customer": customer}
    now = int(time.time())
    newer = {**gone, "status": "canceled", "ended_at": now}
    post_event(client, subscription_event(newer, "evt_new", "customer.subscription.deleted", created=now))
    response = post_event(client, subscription_event(gone, "evt_old", created=now - 30))
    assert response.status_code == 200 and response.json()["outcome"] == "no change"
    subscription = subscription_of(tenant_a)
    assert (subscription.status, subscription.last_event_id) == (Status.CANCELED, "evt_new")


def test_unknown_customer_is_logged_and_acknowledged(client, tenant_a, localstripe, stripe_prices, caplog):
    stranger = localstripe.api.customers.create(params={"email": "stranger@nowhere.test"}).id
    sub = localstripe.subscribe(stranger, "price_starter_monthly")
    with caplog.at_level(logging.WARNING, logger="billing.webhooks"):
        response = post_event(client, subscription_event(sub, "evt_stranger", "customer.subscription.created"))
    assert response.status_code == 200 and "unknown customer" in response.json()["outcome"]
    assert stranger in caplog.text
    assert subscription_of(tenant_a).status == Status.TRIALING
    assert ProcessedEvent.objects.get(event_id="evt_stranger").tenant is None


def test_event_types_we_do_not_use_are_acknowledged(client, tenant_a, webhook_secret):
    response = post_event(client, make_event("customer.created", {"id": "cus_x", "object": "customer"}, "evt_other"))
    assert response.status_code == 200 and "ignored" in response.json()["outcome"]


def test_payment_failure_then_payment_marks_past_due_then_clears_it(client, tenant_a, paying_a, localstripe):
    post_event(client, subscription_event(paying_a, "evt_c", "customer.subscription.created"))
    failed = localstripe.fail_renewal(paying_a["id"], "price_growth_yearly")
    assert failed["status"] == "past_due"
    invoice = {"id": failed["latest_invoice"], "object": "invoice", "customer": failed["customer"]}
    # Current API versions name the subscription under parent; older ones on the invoice itself.
    invoice["parent"] = {"type": "subscription_details", "subscription_details": {"subscription": failed["id"]}}
    post_event(client, make_event("invoice.payment_failed", invoice, "evt_failed"))
    subscription = subscription_of(tenant_a)
    assert subscription.status == Status.PAST_DUE and subscription.past_due_since is not None
    assert subscription.interval == "year"
    recovered = localstripe.change_price(failed["id"], "price_growth_monthly")  # a working card, charged
    assert recovered["status"] == "active"
    paid = {"id": "in_paid", "object": "invoice", "customer": failed["customer"], "subscription": failed["id"]}
    post_event(client, make_event("invoice.paid", paid, "evt_paid"))
    subscription = subscription_of(tenant_a)
    assert subscription.status == Status.ACTIVE and subscription.past_due_since is None


def test_invoice_without_subscription_is_ignored(client, tenant_a, paying_a):
    invoice = {"id": "in_oneoff", "object": "invoice", "customer": paying_a["customer"], "subscription": None}
    response = post_event(client, make_event("invoice.paid", invoice, "evt_oneoff"))
    assert response.status_code == 200 and "no subscription" in response.json()["outcome"]


def test_stripe_unreachable_gets_503_and_is_not_recorded(client, tenant_a, paying_a, settings):
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens on the discard port
    response = post_event(client, subscription_event(paying_a, "evt_later"))
    assert response.status_code == 503
    assert not ProcessedEvent.objects.filter(event_id="evt_later").exists()  # Stripe's retry will be processed


def test_a_customer_of_one_tenant_never_moves_to_another(client, tenant_a, tenant_b, paying_a):
    """A checkout session naming tenant B but paid by A's customer changes neither tenant."""
    session = {
        "id": "cs_test_cross",
        "object": "checkout.session",
        "mode": "subscription",
        "status": "complete",
        "client_reference_id": str(tenant_b.pk),
        "customer": paying_a["customer"],
        "subscription": paying_a["id"],
    }
    response = post_event(client, make_event("checkout.session.completed", session, "evt_cross"))
    assert response.status_code == 200
    assert subscription_of(tenant_b).stripe_customer_id == ""
    assert subscription_of(tenant_b).status == Status.TRIALING
    assert subscription_of(tenant_a).stripe_subscription_id == ""  # not linked through B's session either
    assert Subscription.unscoped.filter(stripe_customer_id=paying_a["customer"]).count() == 1
