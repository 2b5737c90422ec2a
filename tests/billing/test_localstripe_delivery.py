"""Webhooks as localstripe itself sends them (signed with our secret) to the running app."""

import pytest

from billing.checkout import ensure_customer
from billing.entitlements import entitlements_for
from billing.models import ProcessedEvent, Status
from tests.billing.conftest import subscription_of

EVENTS = ["customer.subscription.created", "customer.subscription.deleted", "invoice.payment_succeeded"]


@pytest.mark.django_db(transaction=True)
def test_subscribe_and_cancel_through_delivered_webhooks(
    delivered_webhooks, localstripe, stripe_prices, tenant_a, owner_a, subscription_changes, settings
):
    settings.PAST_DUE_GRACE_DAYS = 0  # so the cancellation withdraws API access at once
    delivered_webhooks(EVENTS)
    customer_id = ensure_customer(tenant_a, owner_a)

    sub = localstripe.subscribe(customer_id, "price_growth_monthly")
    subscription_changes.until(lambda: subscription_of(tenant_a).stripe_subscription_id == sub["id"])
    subscription = subscription_of(tenant_a)
    assert (subscription.plan.slug, subscription.status) == ("growth", Status.ACTIVE)
    assert entitlements_for(tenant_a).api_access

    localstripe.cancel(sub["id"])
    subscription_changes.until(lambda: subscription_of(tenant_a).status == Status.CANCELED)
    assert subscription_of(tenant_a).ended_at is not None
    assert entitlements_for(tenant_a).standing == "lapsed"
    # localstripe may still deliver an earlier test's events (it sends each a second late): those
    # are for customers this database never saw, so only this tenant's events are counted.
    delivered = set(ProcessedEvent.objects.filter(tenant=tenant_a).values_list("type", flat=True))
    assert {"customer.subscription.created", "customer.subscription.deleted"} <= delivered
    strays = ProcessedEvent.objects.exclude(tenant=tenant_a)
    assert all(event.tenant_id is None and "unknown customer" in event.outcome for event in strays)
