"""What a tenant may use, from its plan and subscription state. The one place everyone asks.

Interface (stable):
    entitlements_for(tenant) -> Entitlements
    check(tenant, feature) -> None, or raises EntitlementError(message, code)
Features: "api", "invite" (a seat is free), "csv_export", "segment:fashion", "segment:beauty".

Standing: a paying (active), trialing or past-due-within-grace subscription gets its plan. Once a
trial has ended, a payment stayed failed, or the subscription ended, features stay on for
PAST_DUE_GRACE_DAYS more days (the clock starts at the first failed payment, or else at the end),
then the tenant falls back to LAPSED: it keeps its data and portal read access, nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone

if TYPE_CHECKING:
    from billing.models import Subscription
    from tenants.models import Tenant

FEATURES = ("api", "invite", "csv_export", "segment:fashion", "segment:beauty")


class EntitlementError(Exception):
    """The tenant's plan or subscription does not allow this. `code` is machine-readable."""

    def __init__(self, message: str, code: str = "plan_limit") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class Entitlements:
    seats: int | None = None  # None = unlimited
    api_access: bool = True
    api_rate_limit: str = "600/min"
    segments: frozenset[str] = field(default_factory=lambda: frozenset({"fashion", "beauty"}))
    items_per_week: int = 20
    keywords_per_week: int = 20
    catalogue_size: int | None = None  # None = unlimited
    csv_export: bool = True
    # Where these come from, for messages and the Billing page.
    plan_name: str = ""
    status: str = ""
    standing: str = "ok"  # "ok", "grace" (features on, clock running) or "lapsed" (features withdrawn)
    grace_until: datetime | None = None


# What a lapsed tenant keeps: its people and data (read-only), no new work.
LAPSED = Entitlements(
    seats=1,
    api_access=False,
    segments=frozenset(),
    items_per_week=0,
    keywords_per_week=0,
    catalogue_size=0,
    csv_export=False,
    standing="lapsed",
)


def grace_period() -> timedelta:
    return timedelta(days=settings.PAST_DUE_GRACE_DAYS)


def trouble_since(subscription: Subscription, now: datetime) -> datetime | None:
    """When the subscription stopped being in good standing, or None while it is."""
    from billing.models import Status

    status = subscription.status
    if status == Status.ACTIVE:
        return None
    if status == Status.TRIALING:
        trial_end = subscription.trial_end
        return trial_end if trial_end is not None and trial_end <= now else None
    if status == Status.PAST_DUE:
        return subscription.past_due_since or subscription.stripe_state_at or now
    # canceled, unpaid, paused, incomplete(_expired): a failed payment started the clock, else the end.
    return subscription.past_due_since or subscription.ended_at or subscription.stripe_state_at or now


def for_subscription(subscription: Subscription, now: datetime | None = None) -> Entitlements:
    now = now or timezone.now()
    plan = subscription.plan
    granted = Entitlements(
        seats=plan.seats,
        api_access=plan.api_access,
        api_rate_limit=plan.api_rate_limit,
        segments=plan.segments,
        items_per_week=plan.items_per_week,
        keywords_per_week=plan.keywords_per_week,
        catalogue_size=plan.catalogue_size,
        csv_export=plan.csv_export,
        plan_name=plan.name,
        status=subscription.status,
    )
    since = trouble_since(subscription, now)
    if since is None:
        return granted
    grace_until = since + grace_period()
    if now < grace_until:
        return replace(granted, standing="grace", grace_until=grace_until)
    return replace(LAPSED, plan_name=plan.name, status=subscription.status, grace_until=grace_until)


def entitlements_for(tenant: Tenant, now: datetime | None = None) -> Entitlements:
    from billing.services import ensure_subscription

    return for_subscription(ensure_subscription(tenant), now)


def seats_used(tenant: Tenant) -> int:
    """Members plus pending invitations: an invitation holds its seat until accepted, revoked or expired."""
    from tenants.models import Invitation, Membership

    members = Membership.objects.filter(tenant=tenant).count()
    pending = Invitation.unscoped.filter(
        tenant=tenant, status=Invitation.Status.PENDING, expires_at__gt=timezone.now()
    ).count()
    return members + pending


def _lapsed_message(ent: Entitlements) -> str:
    return (
        f"Your {ent.plan_name} subscription is no longer active ({ent.status.replace('_', ' ')}). "
        "Your data is kept; an owner can renew on the Billing page to restore access."
    )


def check(tenant: Tenant, feature: str) -> None:
    """Raise EntitlementError when `tenant` may not use `feature` now."""
    if feature not in FEATURES:
        raise ValueError(f"Unknown feature {feature!r}; known: {', '.join(FEATURES)}")
    ent = entitlements_for(tenant)
    if ent.standing == "lapsed":
        raise EntitlementError(_lapsed_message(ent), code="subscription_inactive")
    if feature == "api" and not ent.api_access:
        raise EntitlementError(
            f"The {ent.plan_name} plan does not include API access. An owner can upgrade on the Billing page.",
            code="plan_no_api",
        )
    if feature == "invite" and ent.seats is not None and seats_used(tenant) >= ent.seats:
        raise EntitlementError(
            f"All {ent.seats} seats of the {ent.plan_name} plan are taken (members and pending invitations). "
            "Remove someone or upgrade to invite more people.",
            code="seat_limit",
        )
    if feature == "csv_export" and not ent.csv_export:
        raise EntitlementError(f"The {ent.plan_name} plan does not include CSV export.", code="plan_no_csv_export")
    if feature.startswith("segment:"):
        segment = feature.split(":", 1)[1]
        if segment not in ent.segments:
            raise EntitlementError(
                f"The {ent.plan_name} plan does not include the {segment} segment.", code="plan_no_segment"
            )
