"""Plans (what a tenant may use), each tenant's subscription state (Stripe owns it; we mirror it),
and the Stripe events already processed (so a replay changes nothing)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from tenants.scoping import TenantOwnedModel

RATE_PERIODS = ("s", "sec", "m", "min", "h", "hour", "d", "day")


def validate_rate(value: str) -> None:
    """DRF throttle syntax: "<requests>/<period>", e.g. "600/min"."""
    count, _, period = value.partition("/")
    if not count.isdigit() or int(count) < 1 or period not in RATE_PERIODS:
        raise ValidationError(f'"{value}" is not a rate like "600/min" (periods: s, min, hour, day).')


class Plan(models.Model):
    """A price list entry and the entitlements it grants. Edited by staff in the admin."""

    class Segment(models.TextChoices):
        FASHION = "fashion", "Fashion"
        BEAUTY = "beauty", "Beauty"

    slug = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=60)
    description = models.CharField(max_length=200, blank=True)
    is_trial = models.BooleanField(
        default=False, help_text="New workspaces start on this plan for TRIAL_DAYS days. Only one plan may be it."
    )
    is_public = models.BooleanField(default=True, help_text="Offered on the Billing page.")
    sort_order = models.PositiveSmallIntegerField(default=0)
    currency = models.CharField(max_length=3, default="usd")
    monthly_amount = models.PositiveIntegerField(
        null=True, blank=True, help_text="Shown price in cents; Stripe's price decides what is charged."
    )
    yearly_amount = models.PositiveIntegerField(null=True, blank=True, help_text="Shown price in cents.")
    stripe_price_monthly = models.CharField(max_length=100, blank=True, help_text="Stripe price id, price_…")
    stripe_price_yearly = models.CharField(max_length=100, blank=True, help_text="Stripe price id, price_…")

    seats = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="Members plus pending invitations; empty = unlimited.",
    )
    api_access = models.BooleanField(default=False)
    api_rate_limit = models.CharField(max_length=20, default="600/min", validators=[validate_rate])
    segment_fashion = models.BooleanField(default=True)
    segment_beauty = models.BooleanField(default=True)
    items_per_week = models.PositiveIntegerField(default=20, help_text="Items in each weekly collection.")
    keywords_per_week = models.PositiveIntegerField(default=20, help_text="Trending keywords shown each week.")
    catalogue_size = models.PositiveIntegerField(
        null=True, blank=True, help_text="Catalogue products; empty = unlimited."
    )
    csv_export = models.BooleanField(default=False)

    class Meta:
        ordering = ["sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["is_trial"], condition=Q(is_trial=True), name="billing_plan_one_trial"),
            models.UniqueConstraint(
                fields=["stripe_price_monthly"],
                condition=~Q(stripe_price_monthly=""),
                name="billing_plan_monthly_unique",
            ),
            models.UniqueConstraint(
                fields=["stripe_price_yearly"], condition=~Q(stripe_price_yearly=""), name="billing_plan_yearly_unique"
            ),
            models.CheckConstraint(
                condition=Q(seats__isnull=True) | Q(seats__gte=1), name="billing_plan_seats_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.stripe_price_monthly and self.stripe_price_monthly == self.stripe_price_yearly:
            raise ValidationError({"stripe_price_yearly": "The yearly price must differ from the monthly one."})
        if self.is_trial and (self.stripe_price_monthly or self.stripe_price_yearly):
            raise ValidationError({"is_trial": "The trial plan is free: leave its Stripe prices empty."})

    @property
    def segments(self) -> frozenset[str]:
        chosen = {self.Segment.FASHION: self.segment_fashion, self.Segment.BEAUTY: self.segment_beauty}
        return frozenset(str(segment) for segment, on in chosen.items() if on)

    def price_id(self, interval: str) -> str:
        return {"month": self.stripe_price_monthly, "year": self.stripe_price_yearly}.get(interval, "")

    def display_price(self, interval: str) -> str:
        """E.g. "USD 49" or "USD 49.50"; empty when no amount is set."""
        cents = {"month": self.monthly_amount, "year": self.yearly_amount}.get(interval)
        if cents is None:
            return ""
        amount = f"{cents // 100:,}" if cents % 100 == 0 else f"{cents / 100:,.2f}"
        return f"{self.currency.upper()} {amount}"

    @property
    def monthly_display(self) -> str:
        return self.display_price("month")

    @property
    def yearly_display(self) -> str:
        return self.display_price("year")

    @property
    def purchasable(self) -> bool:
        return not self.is_trial and bool(self.stripe_price_monthly or self.stripe_price_yearly)


class Status(models.TextChoices):
    """Stripe's subscription statuses (ours for the local trial is `trialing` with no Stripe ids)."""

    TRIALING = "trialing", "Trial"
    ACTIVE = "active", "Active"
    PAST_DUE = "past_due", "Past due"
    CANCELED = "canceled", "Cancelled"
    UNPAID = "unpaid", "Unpaid"
    INCOMPLETE = "incomplete", "Incomplete"
    INCOMPLETE_EXPIRED = "incomplete_expired", "Incomplete (expired)"
    PAUSED = "paused", "Paused"


class Subscription(TenantOwnedModel):
    """One per tenant: our mirror of its Stripe subscription (or of the local trial before checkout)."""

    tenant = models.OneToOneField("tenants.Tenant", on_delete=models.CASCADE, related_name="subscription")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="subscriptions")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.TRIALING)
    interval = models.CharField(max_length=5, blank=True, help_text="month or year; empty on the trial.")
    stripe_customer_id = models.CharField(max_length=100, blank=True)
    stripe_subscription_id = models.CharField(max_length=100, blank=True)
    stripe_price_id = models.CharField(max_length=100, blank=True)
    current_period_end = models.DateTimeField(null=True, blank=True)
    trial_end = models.DateTimeField(null=True, blank=True)
    cancel_at_period_end = models.BooleanField(default=False)
    ended_at = models.DateTimeField(null=True, blank=True)
    past_due_since = models.DateTimeField(null=True, blank=True)
    # When the Stripe state we hold was true (event time, or read time for a re-read): older never overwrites.
    stripe_state_at = models.DateTimeField(null=True, blank=True)
    last_event_id = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(TenantOwnedModel.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["stripe_customer_id"], condition=~Q(stripe_customer_id=""), name="billing_sub_customer_unique"
            ),
            models.UniqueConstraint(
                fields=["stripe_subscription_id"],
                condition=~Q(stripe_subscription_id=""),
                name="billing_sub_subscription_unique",
            ),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="billing_sub_status_valid"),
            models.CheckConstraint(condition=Q(interval__in=["", "month", "year"]), name="billing_sub_interval_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.tenant} on {self.plan} ({self.status})"

    @property
    def is_local_trial(self) -> bool:
        """The free trial every workspace starts with, before any Stripe subscription exists."""
        return not self.stripe_subscription_id and self.status == Status.TRIALING


class ProcessedEvent(models.Model):
    """A Stripe event we have handled; the unique id makes a replay a no-op."""

    event_id = models.CharField(max_length=100, unique=True)
    type = models.CharField(max_length=80)
    created = models.DateTimeField(help_text="When Stripe created the event.")
    received_at = models.DateTimeField(auto_now_add=True)
    tenant = models.ForeignKey("tenants.Tenant", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    outcome = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["received_at"])]

    def __str__(self) -> str:
        return f"{self.event_id} {self.type}"
