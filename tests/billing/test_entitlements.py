"""The one place that says what a tenant may use: plan limits, trial, past-due grace, lapse."""

from datetime import timedelta

import pytest
from django.utils import timezone

from billing.entitlements import EntitlementError, check, entitlements_for
from billing.models import Plan, Status, Subscription
from tenants.models import Invitation, Role
from tests.billing.conftest import subscription_of
from tests.conftest import add_member


def put_on(tenant, slug: str, status: str = Status.ACTIVE, **fields) -> Subscription:
    Subscription.unscoped.filter(tenant=tenant).update(plan=Plan.objects.get(slug=slug), status=status, **fields)
    return subscription_of(tenant)


def test_trial_grants_the_trial_plan(tenant_a):
    ent = entitlements_for(tenant_a)
    trial = Plan.objects.get(is_trial=True)
    assert (ent.plan_name, ent.standing, ent.seats, ent.api_access) == ("Trial", "ok", trial.seats, True)
    assert ent.api_rate_limit == trial.api_rate_limit
    check(tenant_a, "api")


def test_plan_limits_follow_the_plan(tenant_a):
    put_on(tenant_a, "starter")
    ent = entitlements_for(tenant_a)
    assert (ent.items_per_week, ent.api_access, ent.csv_export) == (10, False, False)
    with pytest.raises(EntitlementError) as caught:
        check(tenant_a, "api")
    assert caught.value.code == "plan_no_api"
    with pytest.raises(EntitlementError) as caught:
        check(tenant_a, "csv_export")
    assert caught.value.code == "plan_no_csv_export"
    put_on(tenant_a, "growth")
    assert entitlements_for(tenant_a).items_per_week == 30
    check(tenant_a, "api")
    check(tenant_a, "csv_export")


def test_segments(tenant_a):
    Plan.objects.create(slug="beauty", name="Beauty only", segment_fashion=False, segment_beauty=True)
    put_on(tenant_a, "beauty")
    check(tenant_a, "segment:beauty")
    with pytest.raises(EntitlementError) as caught:
        check(tenant_a, "segment:fashion")
    assert caught.value.code == "plan_no_segment"


def test_unknown_feature_is_a_programming_error(tenant_a):
    with pytest.raises(ValueError, match="Unknown feature"):
        check(tenant_a, "teleport")


def test_invites_stop_at_the_seat_limit(tenant_a, owner_a, in_tenant):
    put_on(tenant_a, "starter")  # 3 seats
    add_member(tenant_a, "second@alpha.test", Role.MEMBER)
    check(tenant_a, "invite")  # 2 of 3 used
    with in_tenant(tenant_a):
        invitation = Invitation.objects.create(email="third@alpha.test", invited_by=owner_a)
    with pytest.raises(EntitlementError) as caught:
        check(tenant_a, "invite")  # a pending invitation holds the third seat
    assert caught.value.code == "seat_limit"
    assert "3 seats" in caught.value.message
    invitation.status, invitation.revoked_at = Invitation.Status.REVOKED, timezone.now()
    invitation.save()
    check(tenant_a, "invite")  # revoking frees the seat
    put_on(tenant_a, "scale")
    add_member(tenant_a, "fourth@alpha.test", Role.VIEWER)
    check(tenant_a, "invite")  # unlimited seats


def test_seat_limit_is_per_tenant(tenant_a, tenant_b):
    put_on(tenant_a, "starter")
    for n in range(2):
        add_member(tenant_a, f"m{n}@alpha.test", Role.MEMBER)
    with pytest.raises(EntitlementError):
        check(tenant_a, "invite")
    check(tenant_b, "invite")  # beta's single owner is not counted against alpha


def test_expired_trial_keeps_features_during_grace_then_lapses(tenant_a, settings, travel):
    settings.PAST_DUE_GRACE_DAYS = 7
    trial_end = subscription_of(tenant_a).trial_end
    travel(trial_end + timedelta(days=1))
    ent = entitlements_for(tenant_a)
    assert ent.standing == "grace" and ent.grace_until == trial_end + timedelta(days=7)
    check(tenant_a, "api")
    travel(trial_end + timedelta(days=7, minutes=1))
    ent = entitlements_for(tenant_a)
    assert (ent.standing, ent.api_access, ent.items_per_week, ent.seats) == ("lapsed", False, 0, 1)
    with pytest.raises(EntitlementError) as caught:
        check(tenant_a, "api")
    assert caught.value.code == "subscription_inactive"


def test_past_due_grace_period(tenant_a, settings, travel):
    settings.PAST_DUE_GRACE_DAYS = 5
    failed_at = timezone.now()
    put_on(tenant_a, "growth", status=Status.PAST_DUE, past_due_since=failed_at, trial_end=None)
    travel(timedelta(days=4))
    assert entitlements_for(tenant_a).standing == "grace"
    check(tenant_a, "api")
    travel(timedelta(days=5, minutes=1))
    assert entitlements_for(tenant_a).standing == "lapsed"
    with pytest.raises(EntitlementError):
        check(tenant_a, "api")


def test_cancelled_subscription_lapses_after_grace(tenant_a, settings, travel):
    settings.PAST_DUE_GRACE_DAYS = 7
    put_on(tenant_a, "growth", status=Status.CANCELED, ended_at=timezone.now(), trial_end=None)
    check(tenant_a, "api")  # still within grace
    travel(timedelta(days=7, minutes=1))
    with pytest.raises(EntitlementError) as caught:
        check(tenant_a, "invite")
    assert caught.value.code == "subscription_inactive"
    assert "Your data is kept" in caught.value.message


def test_cancellation_after_failed_payments_does_not_restart_the_grace(tenant_a, settings):
    settings.PAST_DUE_GRACE_DAYS = 7
    now = timezone.now()
    put_on(
        tenant_a,
        "growth",
        status=Status.CANCELED,
        past_due_since=now - timedelta(days=10),
        ended_at=now,
        trial_end=None,
    )
    assert entitlements_for(tenant_a).standing == "lapsed"
