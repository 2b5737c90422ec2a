"""Billing operations shared by views, webhooks, the sync command, the admin and the demo.

Stripe owns subscription state; `apply_stripe_subscription` is the only writer of our mirror and
refuses a state older than the one it holds (`stripe_state_at`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import stripe
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from billing import stripe_client
from billing.default_plans import create_missing
from billing.models import Plan, Status, Subscription
from billing.signals import subscription_changed
from tenants.models import Tenant

logger = logging.getLogger(__name__)

LIVE_STATUSES = (Status.ACTIVE, Status.TRIALING, Status.PAST_DUE)
TRIAL_WARNING_DAYS = 3


class BillingError(Exception):
    """A billing action the user asked for cannot be done; the message is for them."""


@dataclass(frozen=True)
class Banner:
    level: str  # "warning" or "danger"
    message: str


# --- Plans and the trial ------------------------------------------------------------------------


def ensure_default_plans() -> list[str]:
    """Create the default plans that are missing; return their slugs."""
    return create_missing(Plan)


def trial_plan() -> Plan:
    plan = Plan.objects.filter(is_trial=True).first()
    if plan is None:
        ensure_default_plans()
        plan = Plan.objects.get(is_trial=True)
    return plan


def ensure_subscription(tenant: Tenant) -> Subscription:
    """The tenant's subscription; a workspace without one starts its TRIAL_DAYS trial now."""
    subscription = Subscription.unscoped.select_related("plan").filter(tenant=tenant).first()
    if subscription is not None:
        return subscription
    trial_end = timezone.now() + timedelta(days=settings.TRIAL_DAYS)
    subscription, _ = Subscription.unscoped.select_related("plan").get_or_create(
        tenant=tenant, defaults={"plan": trial_plan(), "status": Status.TRIALING, "trial_end": trial_end}
    )
    return subscription


def plan_for_price(price_id: str) -> Plan | None:
    if not price_id:
        return None
    return (
        Plan.objects.filter(stripe_price_monthly=price_id).first()
        or Plan.objects.filter(stripe_price_yearly=price_id).first()
    )


def lock_subscription(pk: int) -> Subscription:
    """The subscription row, locked until the surrounding transaction ends.

    No joins in the locking query: PostgreSQL re-checks a locked row's join conditions after a
    concurrent update, so a join on `plan` makes the row vanish when another event just changed it.
    """
    return Subscription.unscoped.select_for_update().get(pk=pk)


def subscription_for_customer(customer_id: str) -> Subscription | None:
    if not customer_id:
        return None
    return Subscription.unscoped.select_related("plan", "tenant").filter(stripe_customer_id=customer_id).first()


# --- Reading Stripe objects -----------------------------------------------------------------------


def from_timestamp(value: Any) -> datetime | None:
    return datetime.fromtimestamp(int(value), tz=UTC) if value else None


def stripe_id(value: Any) -> str:
    """A Stripe reference is an id, or the expanded object."""
    if isinstance(value, dict):
        return str(value.get("id") or "")
    return str(value or "")


def _first_item(data: dict) -> dict:
    items = (data.get("items") or {}).get("data") or []
    return items[0] if items else {}


def price_and_interval(data: dict) -> tuple[str, str]:
    """The subscription's price id and interval, from `price` (current API) or `plan` (legacy, localstripe)."""
    item = _first_item(data)
    price = item.get("price") or data.get("price") or {}
    legacy = item.get("plan") or data.get("plan") or {}
    price_id = stripe_id(price) or stripe_id(legacy)
    interval = ((price.get("recurring") or {}).get("interval") if isinstance(price, dict) else None) or (
        legacy.get("interval") if isinstance(legacy, dict) else None
    )
    return price_id, interval if interval in ("month", "year") else ""


def period_end(data: dict) -> datetime | None:
    # Newer API versions moved current_period_end from the subscription to its items.
    return from_timestamp(data.get("current_period_end") or _first_item(data).get("current_period_end"))


# --- The one writer of the mirror ---------------------------------------------------------------


def _should_follow(subscription: Subscription, data: dict) -> bool:
    """Whether `data` (maybe another of the customer's subscriptions) should become the mirrored one."""
    incoming_id = data.get("id", "")
    if not subscription.stripe_subscription_id or subscription.stripe_subscription_id == incoming_id:
        # An unpaid checkout must not end a running trial.
        unpaid = data.get("status") in (Status.INCOMPLETE, Status.INCOMPLETE_EXPIRED)
        return not (unpaid and subscription.is_local_trial)
    # A different subscription: switch to it only if it is live or ours has ended.
    return data.get("status") in LIVE_STATUSES or subscription.status not in LIVE_STATUSES


def _changes(before: dict, after: dict) -> list[str]:
    def show(value: Any) -> str:
        if isinstance(value, datetime):
            return value.strftime("%Y-%m-%d %H:%M UTC")
        return "—" if value in (None, "") else str(value)

    return [f"{name}: {show(before[name])} → {show(after[name])}" for name in after if before[name] != after[name]]


MIRRORED = (
    "plan",
    "status",
    "interval",
    "stripe_customer_id",
    "stripe_subscription_id",
    "stripe_price_id",
    "current_period_end",
    "trial_end",
    "cancel_at_period_end",
    "ended_at",
    "past_due_since",
)


def apply_stripe_subscription(
    subscription: Subscription, data: dict, as_of: datetime, event_id: str = "", commit: bool = True
) -> list[str]:
    """Mirror Stripe subscription `data`, true at `as_of`, onto `subscription`; return what changed.

    Must run inside a transaction holding the row lock (`select_for_update`) when commit is True.
    A state older than the one held is ignored, so late or reordered deliveries change nothing.
    """
    if subscription.stripe_state_at and as_of < subscription.stripe_state_at:
        logger.info("Ignoring Stripe state of %s from %s: we hold newer.", subscription.tenant_id, as_of)
        return []
    if not _should_follow(subscription, data):
        logger.info("Not following subscription %s for tenant %s.", data.get("id"), subscription.tenant_id)
        return []
    before = {name: getattr(subscription, name) for name in MIRRORED}
    price_id, interval = price_and_interval(data)
    plan = plan_for_price(price_id)
    if plan is None:
        logger.error(
            "Stripe price %r is on no plan: set it on a plan in the admin. Keeping %s.", price_id, before["plan"]
        )
        plan = subscription.plan
    status = data.get("status") or subscription.status
    past_due_since = subscription.past_due_since
    if status == Status.PAST_DUE and before["status"] != Status.PAST_DUE:
        past_due_since = past_due_since if past_due_since and past_due_since <= as_of else as_of
    elif status in (Status.ACTIVE, Status.TRIALING):
        past_due_since = None
    after = {
        "plan": plan,
        "status": status,
        "interval": interval,
        "stripe_customer_id": stripe_id(data.get("customer")) or subscription.stripe_customer_id,
        "stripe_subscription_id": data.get("id", ""),
        "stripe_price_id": price_id,
        "current_period_end": period_end(data),
        "trial_end": from_timestamp(data.get("trial_end")),
        "cancel_at_period_end": bool(data.get("cancel_at_period_end")),
        "ended_at": from_timestamp(data.get("ended_at")),
        "past_due_since": past_due_since,
    }
    changes = _changes(before, after)
    if not commit:
        return changes
    for name, value in after.items():
        setattr(subscription, name, value)
    subscription.stripe_state_at = as_of
    if event_id:
        subscription.last_event_id = event_id
    subscription.save()
    if changes:
        logger.info("Subscription of tenant %s changed: %s", subscription.tenant_id, "; ".join(changes))
        tenant = subscription.tenant
        transaction.on_commit(lambda: subscription_changed.send(Subscription, tenant=tenant, changes=changes))
    return changes


def pick_subscription(candidates: list[dict]) -> dict | None:
    """Of a customer's subscriptions, the one to mirror: a live one first, then the newest."""
    if not candidates:
        return None
    return max(candidates, key=lambda s: (s.get("status") in LIVE_STATUSES, s.get("created") or 0))


def sync_from_stripe(subscription: Subscription, commit: bool = True) -> list[str]:
    """Re-read the tenant's subscription from Stripe (missed webhook, drift); return what changed."""
    if not subscription.stripe_customer_id:
        return []
    read_at = timezone.now()
    data = pick_subscription(stripe_client.list_subscriptions(subscription.stripe_customer_id))
    if data is None:
        return []
    if not commit:
        return apply_stripe_subscription(subscription, data, read_at, commit=False)
    with transaction.atomic():
        locked = lock_subscription(subscription.pk)
        return apply_stripe_subscription(locked, data, read_at)


# --- What the portal shows ------------------------------------------------------------------------


def banner_for(subscription: Subscription, now: datetime | None = None) -> Banner | None:
    """The billing warning every portal page shows, if any."""
    from billing.entitlements import for_subscription

    now = now or timezone.now()
    ent = for_subscription(subscription, now)
    day = "%d %b %Y"
    until = ent.grace_until.strftime(day) if ent.grace_until else ""
    what = "trial" if subscription.status == Status.TRIALING else "subscription"
    if ent.standing == "lapsed":
        return Banner("danger", f"Your {what} has ended: API access and new collections are paused. Your data is kept.")
    if subscription.status == Status.PAST_DUE:
        return Banner("danger", f"Your last payment failed. Update the payment method by {until} to keep API access.")
    if ent.standing == "grace":
        return Banner("danger", f"Your {what} has ended. Its features stop on {until} unless you choose a plan.")
    trial_end = subscription.trial_end
    if subscription.status == Status.TRIALING and trial_end and trial_end - now <= timedelta(days=TRIAL_WARNING_DAYS):
        days = (trial_end - now).days
        when = "today" if days == 0 else f"in {days} day{'s' if days != 1 else ''}"
        if subscription.stripe_subscription_id:
            return Banner("warning", f"Your trial ends {when}; your paid subscription starts then.")
        return Banner("warning", f"Your trial ends {when} ({trial_end.strftime(day)}). Choose a plan to keep going.")
    return None


@dataclass(frozen=True)
class SyncResult:
    tenant_slug: str
    changes: list[str]
    skipped: str = ""  # why nothing was asked of Stripe
    error: str = ""


def sync_all(tenant_slug: str | None = None, commit: bool = True) -> list[SyncResult]:
    """Re-sync every tenant (or one) from Stripe; one tenant's Stripe error does not stop the others."""
    # Staff operation across all tenants, hence unscoped.
    subscriptions = Subscription.unscoped.select_related("tenant", "plan").order_by("tenant__slug")
    if tenant_slug:
        subscriptions = subscriptions.filter(tenant__slug=tenant_slug)
    results = []
    for subscription in subscriptions:
        slug = subscription.tenant.slug
        if not subscription.stripe_customer_id:
            results.append(SyncResult(slug, [], skipped=f"no Stripe customer ({subscription.get_status_display()})"))
            continue
        try:
            results.append(SyncResult(slug, sync_from_stripe(subscription, commit=commit)))
        except stripe.StripeError as exc:
            logger.warning("Could not sync %s from Stripe: %s", slug, exc)
            results.append(SyncResult(slug, [], error=str(exc.user_message or exc)))
    return results
