"""The owner's Billing page, Checkout and customer-portal redirects; everyone else is kept out."""

import pytest

from billing.models import Plan, Status, Subscription
from tenants.models import User
from tests.billing.conftest import make_event, post_event, subscription_of
from tests.conftest import make_tenant

BILLING = "/app/alpha/billing/"
CHECKOUT = "/app/alpha/billing/checkout/"
MANAGE = "/app/alpha/billing/manage/"


def test_owner_sees_trial_end_and_seats(client_for, owner_a, member_a):
    trial_end = subscription_of(owner_a.memberships.get().tenant).trial_end
    page = client_for(owner_a).get(BILLING)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Trial plan" in html
    assert f"{trial_end.day} {trial_end:%b %Y}" in html  # e.g. "11 Dec 2026"
    assert "2 of 3 used" in html


def test_offers_only_plans_with_prices_when_stripe_is_configured(client_for, owner_a, priced_plans, settings):
    settings.STRIPE_SECRET_KEY = ""
    html = client_for(owner_a).get(BILLING).content.decode()
    assert "Online payment is not configured" in html and 'name="interval"' not in html
    settings.STRIPE_SECRET_KEY = "sk_test_x"
    html = client_for(owner_a).get(BILLING).content.decode()
    assert "USD 149 / month" in html and "USD 1,490 / year" in html
    assert 'value="scale"' not in html  # Scale has no Stripe price yet: shown, not sold


@pytest.mark.parametrize("role_fixture", ["admin_a", "member_a", "viewer_a"])
def test_non_owners_are_asked_to_see_the_owner(request, client_for, role_fixture, stripe_stubs, settings):
    settings.STRIPE_SECRET_KEY = "sk_test_x"
    client = client_for(request.getfixturevalue(role_fixture))
    page = client.get(BILLING)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Only the workspace owner" in html and "owner@alpha.test" in html
    assert "Trial plan" not in html and 'name="interval"' not in html
    assert client.post(CHECKOUT, {"plan": "growth", "interval": "month"}).status_code == 404
    assert client.post(MANAGE).status_code == 404
    assert not stripe_stubs.checkout_sessions and not stripe_stubs.portal_sessions


def test_cross_tenant_billing_is_404(client_for, owner_a, member_a, tenant_b, stripe_stubs):
    for user in (owner_a, member_a):
        client = client_for(user)
        assert client.get("/app/beta/billing/").status_code == 404
        assert client.post("/app/beta/billing/checkout/", {"plan": "growth", "interval": "month"}).status_code == 404
        assert client.post("/app/beta/billing/manage/").status_code == 404
    assert not stripe_stubs.checkout_sessions
    assert subscription_of(tenant_b).stripe_customer_id == ""


def test_anonymous_is_sent_to_login(client, tenant_a):
    response = client.get(BILLING)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_checkout_redirects_to_stripe_with_the_tenant(
    client_for, owner_a, tenant_a, localstripe, stripe_prices, stripe_stubs
):
    response = client_for(owner_a).post(CHECKOUT, {"plan": "growth", "interval": "year"})
    assert response.status_code == 302
    (session,) = stripe_stubs.checkout_sessions.values()
    assert response["Location"] == session["url"]
    assert session["mode"] == "subscription" and session["client_reference_id"] == str(tenant_a.pk)
    assert session["line_items"] == [{"price": "price_growth_yearly", "quantity": 1}]
    assert session["success_url"].startswith("http://testserver/app/alpha/billing/?checkout=success")
    # The customer was really created in (local) Stripe, tied to the tenant.
    customer = localstripe.api.customers.retrieve(session["customer"]).to_dict()
    assert customer["metadata"] == {"tenant_id": str(tenant_a.pk), "tenant_slug": "alpha"}
    assert customer["email"] == "owner@alpha.test"
    assert subscription_of(tenant_a).stripe_customer_id == customer["id"]
    # The remaining trial days stay free.
    assert session["subscription_data"]["trial_end"] == int(subscription_of(tenant_a).trial_end.timestamp())


def test_a_second_checkout_reuses_the_customer(client_for, owner_a, tenant_a, localstripe, stripe_prices, stripe_stubs):
    client = client_for(owner_a)
    client.post(CHECKOUT, {"plan": "growth", "interval": "month"})
    client.post(CHECKOUT, {"plan": "starter", "interval": "month"})
    customers = {s["customer"] for s in stripe_stubs.checkout_sessions.values()}
    assert len(customers) == 1 and len(stripe_stubs.checkout_sessions) == 2


def test_checkout_refuses_bad_input(client_for, owner_a, localstripe, stripe_prices, stripe_stubs):
    client = client_for(owner_a)
    assert client.post(CHECKOUT, {"plan": "trial", "interval": "month"}).status_code == 404
    assert client.post(CHECKOUT, {"plan": "nope", "interval": "month"}).status_code == 404
    response = client.post(CHECKOUT, {"plan": "growth", "interval": "weekly"}, follow=True)
    assert "Choose monthly or yearly" in response.content.decode()
    Plan.objects.filter(slug="starter").update(stripe_price_yearly="")
    response = client.post(CHECKOUT, {"plan": "starter", "interval": "year"}, follow=True)
    assert "cannot be bought yearly online" in response.content.decode()
    assert client.get(CHECKOUT).status_code == 405
    assert not stripe_stubs.checkout_sessions


def test_checkout_when_stripe_is_down_says_so(client_for, owner_a, priced_plans, stripe_stubs, settings):
    settings.STRIPE_SECRET_KEY, settings.STRIPE_API_BASE = "sk_test_x", "http://127.0.0.1:9"
    response = client_for(owner_a).post(CHECKOUT, {"plan": "growth", "interval": "month"}, follow=True)
    assert "Stripe could not start the checkout" in response.content.decode()
    assert not stripe_stubs.checkout_sessions


def test_customer_portal(client_for, owner_a, tenant_a, localstripe, stripe_prices, stripe_stubs):
    client = client_for(owner_a)
    response = client.post(MANAGE, follow=True)
    assert "subscribe to a plan first" in response.content.decode()
    client.post(CHECKOUT, {"plan": "growth", "interval": "month"})
    response = client.post(MANAGE)
    (portal,) = stripe_stubs.portal_sessions
    assert response.status_code == 302 and response["Location"] == portal["url"]
    assert portal["customer"] == subscription_of(tenant_a).stripe_customer_id
    assert portal["return_url"] == "http://testserver/app/alpha/billing/"


def test_done_when_checkout_moves_to_paid_plan_and_unlocks_api(
    client, client_for, api_client_for, localstripe, stripe_prices, stripe_stubs, settings
):
    """Trial over (API refused) → Checkout → signed checkout.session.completed → Growth, API open."""
    settings.TRIAL_DAYS = settings.PAST_DUE_GRACE_DAYS = 0  # a workspace whose trial is already over
    tenant = make_tenant("gamma", "owner@gamma.test")
    api, _ = api_client_for(tenant)
    assert api.get("/api/v1/billing/").status_code == 402
    owner = client_for(User.objects.get(email="owner@gamma.test"))
    owner.post("/app/gamma/billing/checkout/", {"plan": "growth", "interval": "month"})
    (session_id,) = stripe_stubs.checkout_sessions
    # Stripe's side: the customer pays, Stripe creates the subscription and completes the session.
    sub = localstripe.subscribe(stripe_stubs.checkout_sessions[session_id]["customer"], "price_growth_monthly")
    session = stripe_stubs.complete(session_id, sub["id"])
    response = post_event(client, make_event("checkout.session.completed", session, "evt_checkout"))
    assert response.status_code == 200
    subscription = subscription_of(tenant)
    assert (subscription.plan.slug, subscription.status) == ("growth", Status.ACTIVE)
    assert subscription.current_period_end.timestamp() == sub["current_period_end"]
    response = api.get("/api/v1/billing/")
    assert response.status_code == 200 and response.json()["plan"] == "Growth"
    html = owner.get("/app/gamma/billing/").content.decode()
    assert "Growth plan" in html and "Renews on" in html and "Manage payment methods" in html


def test_returning_from_checkout_mirrors_at_once(
    client_for, owner_a, tenant_a, localstripe, stripe_prices, stripe_stubs
):
    owner = client_for(owner_a)
    owner.post(CHECKOUT, {"plan": "starter", "interval": "month"})
    (session_id,) = stripe_stubs.checkout_sessions
    sub = localstripe.subscribe(stripe_stubs.checkout_sessions[session_id]["customer"], "price_starter_monthly")
    stripe_stubs.complete(session_id, sub["id"])
    response = owner.get(f"{BILLING}?checkout=success&session_id={session_id}", follow=True)
    assert "Thank you" in response.content.decode()
    assert subscription_of(tenant_a).plan.slug == "starter"


def test_another_tenants_session_id_in_the_return_url_changes_nothing(
    client_for, owner_a, owner_b, tenant_a, tenant_b, localstripe, stripe_prices, stripe_stubs
):
    client_for(owner_b).post("/app/beta/billing/checkout/", {"plan": "growth", "interval": "month"})
    (session_id,) = stripe_stubs.checkout_sessions
    sub = localstripe.subscribe(stripe_stubs.checkout_sessions[session_id]["customer"], "price_growth_monthly")
    stripe_stubs.complete(session_id, sub["id"])
    client_for(owner_a).get(f"{BILLING}?checkout=success&session_id={session_id}")
    assert subscription_of(tenant_a).status == Status.TRIALING
    assert subscription_of(tenant_a).stripe_customer_id == ""
    assert subscription_of(tenant_b).status == Status.TRIALING  # B's own webhook will move B, not A's page


def test_live_subscription_changes_plan_in_the_portal_not_checkout(
    client_for, owner_a, tenant_a, localstripe, stripe_prices, stripe_stubs
):
    Subscription.unscoped.filter(tenant=tenant_a).update(stripe_subscription_id="sub_live", status=Status.ACTIVE)
    client = client_for(owner_a)
    html = client.get(BILLING).content.decode()
    assert 'name="interval"' not in html and "use “Manage” above" in html
    response = client.post(CHECKOUT, {"plan": "growth", "interval": "month"}, follow=True)
    assert "already have a subscription" in response.content.decode()
    assert not stripe_stubs.checkout_sessions
