"""Operations: `manage.py sync_subscriptions` re-reads Stripe; the admin links to Stripe's dashboard."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from billing.checkout import ensure_customer
from billing.models import Plan, Status, Subscription
from tests.billing.conftest import subscription_of
from tests.conftest import make_user


def sync(*args: str) -> str:
    out = StringIO()
    call_command("sync_subscriptions", *args, stdout=out, stderr=out)
    return out.getvalue()


@pytest.fixture
def drifted_a(tenant_a, owner_a, localstripe, stripe_prices) -> dict:
    """Alpha pays in Stripe, but no webhook ever reached us (our copy still says trial)."""
    return localstripe.subscribe(ensure_customer(tenant_a, owner_a), "price_growth_monthly")


def test_sync_repairs_a_missed_webhook_and_prints_it(drifted_a, tenant_a, tenant_b):
    output = sync()
    assert "alpha: changed" in output
    assert "  plan: Trial → Growth" in output and "  status: trialing → active" in output
    assert f"  stripe_subscription_id: — → {drifted_a['id']}" in output
    assert "beta: skipped, no Stripe customer" in output
    subscription = subscription_of(tenant_a)
    assert (subscription.plan.slug, subscription.status) == ("growth", Status.ACTIVE)
    assert "alpha: unchanged" in sync()


def test_sync_picks_up_a_failed_payment_and_a_cancellation(drifted_a, tenant_a, localstripe):
    sync()
    localstripe.fail_renewal(drifted_a["id"], "price_growth_yearly")  # localstripe sends no webhook for this
    output = sync()
    assert "  status: active → past_due" in output and "  interval: month → year" in output
    assert subscription_of(tenant_a).past_due_since is not None
    localstripe.cancel(drifted_a["id"])
    assert "  status: past_due → canceled" in sync("--tenant", "alpha")
    assert subscription_of(tenant_a).ended_at is not None


def test_dry_run_saves_nothing(drifted_a, tenant_a):
    assert "alpha: would change" in sync("--dry-run")
    assert subscription_of(tenant_a).status == Status.TRIALING


def test_one_tenant_failing_does_not_stop_the_others(drifted_a, tenant_a, tenant_b):
    # Beta's customer was deleted in Stripe: Stripe answers 404 for it.
    Subscription.unscoped.filter(tenant=tenant_b).update(stripe_customer_id="cus_deleted_in_stripe")
    out = StringIO()
    with pytest.raises(CommandError, match="1 tenant"):
        call_command("sync_subscriptions", stdout=out, stderr=out)
    assert "alpha: changed" in out.getvalue() and "beta: Stripe error, not synced" in out.getvalue()
    assert subscription_of(tenant_a).status == Status.ACTIVE


def test_sync_refuses_without_stripe_or_unknown_tenant(db, settings, localstripe):
    with pytest.raises(CommandError, match="No tenant"):
        sync("--tenant", "nope")
    settings.STRIPE_SECRET_KEY = ""
    with pytest.raises(CommandError, match="STRIPE_SECRET_KEY"):
        sync()


@pytest.fixture
def staff_client(db, client):
    client.force_login(make_user("staff@trendsaas.test", is_staff=True, is_superuser=True))
    return client


def test_admin_lists_every_tenant_with_stripe_links(staff_client, drifted_a, tenant_a, tenant_b, settings):
    sync()
    html = staff_client.get("/admin/billing/subscription/").content.decode()
    customer = subscription_of(tenant_a).stripe_customer_id
    assert f'href="https://dashboard.stripe.com/test/customers/{customer}"' in html
    assert f'href="https://dashboard.stripe.com/test/subscriptions/{drifted_a["id"]}"' in html
    assert "Alpha" in html and "Beta" in html
    detail = staff_client.get(f"/admin/billing/subscription/{subscription_of(tenant_a).pk}/change/")
    assert detail.status_code == 200 and customer in detail.content.decode()


def test_admin_resync_action(staff_client, drifted_a, tenant_a):
    pk = subscription_of(tenant_a).pk
    response = staff_client.post(
        "/admin/billing/subscription/", {"action": "resync", "_selected_action": [pk]}, follow=True
    )
    assert "Alpha: plan: Trial → Growth" in response.content.decode()
    assert subscription_of(tenant_a).status == Status.ACTIVE


def plan_form(plan: Plan, **changes) -> dict:
    data = {
        field: getattr(plan, field)
        for field in ("name", "slug", "description", "sort_order", "currency", "api_rate_limit", "items_per_week",
                      "keywords_per_week")
    }  # fmt: skip
    for flag in ("is_public", "api_access", "segment_fashion", "segment_beauty", "csv_export"):
        if getattr(plan, flag):
            data[flag] = "on"
    data.update(
        monthly_amount=plan.monthly_amount or "", yearly_amount=plan.yearly_amount or "", seats=plan.seats or ""
    )
    data.update(catalogue_size=plan.catalogue_size or "", stripe_price_monthly="", stripe_price_yearly="")
    data.update(changes)
    return data


def test_admin_checks_price_ids_with_stripe(staff_client, stripe_stubs, settings):
    settings.STRIPE_SECRET_KEY = "sk_test_x"
    stripe_stubs.prices["price_m"] = {"id": "price_m", "active": True, "recurring": {"interval": "month"}}
    growth = Plan.objects.get(slug="growth")
    url = f"/admin/billing/plan/{growth.pk}/change/"
    response = staff_client.post(url, plan_form(growth, stripe_price_monthly="price_missing"))
    assert "Stripe has no price price_missing" in response.content.decode()
    response = staff_client.post(url, plan_form(growth, stripe_price_yearly="price_m"))
    assert "recurs every month, not every year" in response.content.decode()
    response = staff_client.post(url, plan_form(growth, stripe_price_monthly="price_m", items_per_week=35))
    assert response.status_code == 302
    growth.refresh_from_db()
    assert (growth.stripe_price_monthly, growth.items_per_week) == ("price_m", 35)


def test_admin_cannot_delete_a_subscription(staff_client, tenant_a):
    pk = subscription_of(tenant_a).pk
    assert staff_client.get(f"/admin/billing/subscription/{pk}/delete/").status_code == 403
