"""Ending a subscription withdraws features but deletes nothing; the demo starts on a trial."""

from datetime import timedelta
from io import StringIO

from django.apps import apps
from django.utils import timezone

from billing import demo
from billing.checkout import ensure_customer
from billing.entitlements import entitlements_for
from billing.models import Status
from tenants.models import Invitation, Membership
from tenants.scoping import TenantOwnedModel
from tenants.services import create_api_key
from tests.billing.conftest import make_event, post_event, subscription_of
from tests.conftest import make_tenant


def tenant_rows(tenant) -> dict[str, int]:
    """Every tenant-owned row of `tenant`, per model, plus its memberships."""
    counts = {
        model._meta.label: model.unscoped.filter(tenant=tenant).count()
        for model in apps.get_models()
        if issubclass(model, TenantOwnedModel)
    }
    counts["memberships"] = Membership.objects.filter(tenant=tenant).count()
    return counts


def test_cancelled_subscription_withdraws_api_after_grace_and_keeps_data(
    client, tenant_a, owner_a, member_a, api_client_for, localstripe, stripe_prices, settings, travel, in_tenant
):
    """Done when: a cancelled subscription withdraws API access after the grace period without deleting data."""
    settings.PAST_DUE_GRACE_DAYS = 7
    api, _ = api_client_for(tenant_a)
    create_api_key(tenant_a, "second shop")
    with in_tenant(tenant_a):
        Invitation.objects.create(email="later@alpha.test", invited_by=owner_a)
    sub = localstripe.subscribe(ensure_customer(tenant_a, owner_a), "price_growth_monthly")
    post_event(client, make_event("customer.subscription.created", sub, "evt_created"))
    before = tenant_rows(tenant_a)
    assert before["tenants.ApiKey"] == 2 and before["tenants.Invitation"] == 1 and before["memberships"] == 2

    cancelled = localstripe.cancel(sub["id"])
    post_event(client, make_event("customer.subscription.deleted", cancelled, "evt_deleted"))
    assert subscription_of(tenant_a).status == Status.CANCELED
    assert api.get("/api/v1/billing/").status_code == 200  # within the grace period
    travel(timedelta(days=7, hours=1))
    response = api.get("/api/v1/billing/")
    assert response.status_code == 402 and response.json()["error"]["code"] == "subscription_inactive"
    assert tenant_rows(tenant_a) == before
    assert subscription_of(tenant_a).plan.slug == "growth"  # the record of what they had stays too
    assert entitlements_for(tenant_a).items_per_week == 0


def test_demo_owner_sees_the_trial_and_its_end_date(db, client_for, settings):
    settings.TRIAL_DAYS = 14
    tenant = make_tenant("demo", "owner@demo.trendsaas.localhost")
    out = StringIO()
    demo.setup_demo(out)
    demo.setup_demo(out)  # idempotent
    trial_end = subscription_of(tenant).trial_end
    assert timezone.now() + timedelta(days=13) < trial_end <= timezone.now() + timedelta(days=14)
    assert f"trial ends {trial_end:%d %b %Y}" in out.getvalue()
    owner = Membership.objects.get(tenant=tenant).user
    html = client_for(owner).get("/app/demo/billing/").content.decode()
    assert "Trial plan" in html and "Trial ends" in html and f"{trial_end.day} {trial_end:%b %Y}" in html


def test_demo_restarts_an_expired_demo_trial(db, travel):
    tenant = make_tenant("demo", "owner@demo.trendsaas.localhost")
    later = travel(subscription_of(tenant).trial_end + timedelta(days=30))
    demo.setup_demo(StringIO())
    assert subscription_of(tenant).trial_end > later
    assert entitlements_for(tenant).standing == "ok"
