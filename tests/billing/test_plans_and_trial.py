"""Plans live in the database (default ones from a migration); every new workspace starts a trial."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from billing.models import Plan, Status
from tenants.services import create_tenant
from tests.billing.conftest import subscription_of
from tests.conftest import make_user


def test_default_plans_come_from_the_migration(db):
    plans = {plan.slug: plan for plan in Plan.objects.all()}
    assert {"trial", "starter", "growth", "scale"} <= set(plans)
    assert plans["trial"].is_trial and not plans["trial"].is_public
    assert not plans["starter"].api_access and plans["growth"].api_access
    assert plans["scale"].seats is None  # unlimited


def test_new_tenant_starts_on_the_trial(db, settings):
    settings.TRIAL_DAYS = 30
    before = timezone.now()
    tenant = create_tenant("Gamma", "gamma", make_user("owner@gamma.test"))
    subscription = subscription_of(tenant)
    assert subscription.plan.is_trial
    assert subscription.status == Status.TRIALING
    assert before + timedelta(days=30) <= subscription.trial_end <= timezone.now() + timedelta(days=30)
    assert subscription.is_local_trial and not subscription.stripe_customer_id


def test_only_one_trial_plan(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        Plan.objects.create(slug="trial-2", name="Second trial", is_trial=True)


def test_a_stripe_price_belongs_to_one_plan(db):
    Plan.objects.filter(slug="starter").update(stripe_price_monthly="price_shared")
    with pytest.raises(IntegrityError), transaction.atomic():
        Plan.objects.filter(slug="growth").update(stripe_price_monthly="price_shared")


def test_plan_validation_explains_bad_values(db):
    plan = Plan(
        slug="odd", name="Odd", api_rate_limit="lots", stripe_price_monthly="price_x", stripe_price_yearly="price_x"
    )
    with pytest.raises(ValidationError) as caught:
        plan.full_clean()
    assert "api_rate_limit" in caught.value.message_dict
    assert "stripe_price_yearly" in caught.value.message_dict
    trial = Plan.objects.get(is_trial=True)
    trial.stripe_price_monthly = "price_free"
    with pytest.raises(ValidationError, match="free"):
        trial.full_clean()


def test_display_price(db):
    growth = Plan.objects.get(slug="growth")
    assert growth.display_price("month") == "USD 149"
    growth.yearly_amount = 149050
    assert growth.display_price("year") == "USD 1,490.50"
