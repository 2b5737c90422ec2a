"""The API asks the same entitlements: 402 with the shared JSON error shape, and the plan's rate."""

from datetime import timedelta

from django.core.cache import cache
from django.utils import timezone

from billing.models import Plan, Status, Subscription
from tests.billing.conftest import subscription_of

BILLING_API = "/api/v1/billing/"


def set_state(tenant, slug: str, status: str, **fields) -> None:
    Subscription.unscoped.filter(tenant=tenant).update(plan=Plan.objects.get(slug=slug), status=status, **fields)


def test_trial_key_can_call_the_api(tenant_a, api_client_for):
    client, _ = api_client_for(tenant_a)
    response = client.get(BILLING_API)
    assert response.status_code == 200
    body = response.json()
    assert (body["plan"], body["status"], body["standing"]) == ("Trial", "trialing", "ok")
    assert body["trial_end"] is not None and body["seats_used"] == 1


def test_plan_without_api_gets_402(tenant_a, api_client_for):
    set_state(tenant_a, "starter", Status.ACTIVE, trial_end=None)
    client, _ = api_client_for(tenant_a)
    response = client.get(BILLING_API)
    assert response.status_code == 402, response.json()
    error = response.json()["error"]
    assert error["status"] == 402 and error["code"] == "plan_no_api"
    assert "does not include API access" in error["message"]


def test_cancelled_subscription_gets_402_after_grace(tenant_a, api_client_for, settings, travel):
    settings.PAST_DUE_GRACE_DAYS = 7
    set_state(tenant_a, "growth", Status.CANCELED, ended_at=timezone.now(), trial_end=None)
    client, _ = api_client_for(tenant_a)
    assert client.get(BILLING_API).json()["standing"] == "grace"
    travel(timedelta(days=7, hours=1))
    response = client.get(BILLING_API)
    assert response.status_code == 402
    assert response.json()["error"]["code"] == "subscription_inactive"


def test_402_is_per_tenant(tenant_a, tenant_b, api_client_for):
    set_state(tenant_a, "starter", Status.ACTIVE, trial_end=None)
    client_a, _ = api_client_for(tenant_a)
    client_b, _ = api_client_for(tenant_b)
    assert client_a.get(BILLING_API).status_code == 402
    response = client_b.get(BILLING_API)
    assert response.status_code == 200 and response.json()["plan"] == "Trial"


def test_billing_api_shows_only_the_key_tenant(tenant_a, tenant_b, api_client_for):
    set_state(tenant_b, "scale", Status.ACTIVE, trial_end=None)
    client_a, _ = api_client_for(tenant_a)
    assert client_a.get(BILLING_API).json()["plan"] == "Trial"
    client_b, _ = api_client_for(tenant_b)
    assert client_b.get(BILLING_API).json()["plan"] == "Scale"


def test_no_key_is_401_not_402(db, client):
    response = client.get(BILLING_API)
    assert response.status_code in (401, 403)
    assert response.json()["error"]["status"] == response.status_code


def test_throttle_uses_the_plan_rate(tenant_a, api_client_for):
    cache.clear()
    Plan.objects.filter(is_trial=True).update(api_rate_limit="2/min")
    client, _ = api_client_for(tenant_a)
    assert [client.get(BILLING_API).status_code for _ in range(3)] == [200, 200, 429]
    Plan.objects.filter(is_trial=True).update(api_rate_limit="5/min")
    assert client.get(BILLING_API).status_code == 200  # a bigger plan lifts the limit at once
    assert subscription_of(tenant_a).status == Status.TRIALING
