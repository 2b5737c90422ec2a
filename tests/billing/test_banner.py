"""The billing banner on every portal page: past due, trial ending within 3 days, ended."""

from datetime import timedelta

from django.utils import timezone

from billing.models import Plan, Status, Subscription
from tests.billing.conftest import make_event, post_event, subscription_of

DASHBOARD = "/app/alpha/"


def banner_of(client, url: str = DASHBOARD) -> str:
    html = client.get(url).content.decode()
    if 'data-testid="billing-banner"' not in html:
        return ""
    start = html.index('data-testid="billing-banner"')
    return html[start : html.index("</div>", start)]


def test_no_banner_early_in_the_trial(client_for, owner_a):
    assert banner_of(client_for(owner_a)) == ""


def test_trial_ending_within_three_days(client_for, owner_a, member_a, tenant_a, travel):
    trial_end = subscription_of(tenant_a).trial_end
    travel(trial_end - timedelta(days=4))
    assert banner_of(client_for(owner_a)) == ""
    travel(trial_end - timedelta(days=2, hours=12))
    banner = banner_of(client_for(owner_a))
    assert "Your trial ends in 2 days" in banner and "Go to Billing" in banner
    member_banner = banner_of(client_for(member_a))
    assert "Your trial ends in 2 days" in member_banner and "Ask a workspace owner" in member_banner


def test_payment_failure_shows_the_banner_on_every_page(
    client, client_for, owner_a, tenant_a, localstripe, stripe_prices, settings
):
    """Done when: a payment failure (signed invoice.payment_failed) shows the banner."""
    settings.PAST_DUE_GRACE_DAYS = 7
    from billing.checkout import ensure_customer

    sub = localstripe.subscribe(ensure_customer(tenant_a, owner_a), "price_growth_monthly")
    post_event(client, make_event("customer.subscription.created", sub, "evt_sub"))
    owner = client_for(owner_a)
    assert banner_of(owner) == ""
    failed = localstripe.fail_renewal(sub["id"], "price_growth_yearly")
    invoice = {
        "id": failed["latest_invoice"],
        "object": "invoice",
        "customer": failed["customer"],
        "subscription": sub["id"],
    }
    post_event(client, make_event("invoice.payment_failed", invoice, "evt_fail"))
    deadline = (timezone.now() + timedelta(days=7)).strftime("%d %b %Y")
    for url in (DASHBOARD, "/app/alpha/billing/"):
        banner = banner_of(owner, url)
        assert "Your last payment failed" in banner and deadline in banner, url
    assert 'class="banner banner-danger"' in owner.get(DASHBOARD).content.decode()


def test_ended_subscription_banner_and_no_cross_tenant_leak(client_for, owner_a, owner_b, tenant_a, settings):
    settings.PAST_DUE_GRACE_DAYS = 0
    Subscription.unscoped.filter(tenant=tenant_a).update(
        plan=Plan.objects.get(slug="growth"), status=Status.CANCELED, ended_at=timezone.now(), trial_end=None
    )
    assert "Your subscription has ended" in banner_of(client_for(owner_a))
    assert banner_of(client_for(owner_b), "/app/beta/") == ""
