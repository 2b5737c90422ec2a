"""Staff admin: plans (prices and entitlements), each tenant's subscription with Stripe links, events."""

from __future__ import annotations

import stripe
from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html

from billing import services, stripe_client
from billing.models import Plan, ProcessedEvent, Subscription


class PlanForm(forms.ModelForm):
    class Meta:
        model = Plan
        exclude: tuple[str, ...] = ()

    def clean(self) -> dict:
        """With Stripe configured, a price id must exist there, recur at the right interval and be active."""
        data = super().clean()
        if not stripe_client.is_configured():
            return data
        for field, interval in (("stripe_price_monthly", "month"), ("stripe_price_yearly", "year")):
            price_id = data.get(field)
            if not price_id or price_id == getattr(self.instance, field):
                continue
            try:
                price = stripe_client.retrieve_price(price_id)
            except stripe.InvalidRequestError:
                self.add_error(field, f"Stripe has no price {price_id}.")
                continue
            except stripe.StripeError as exc:
                self.add_error(field, f"Could not check the price with Stripe: {exc.user_message or exc}")
                continue
            recurring = (price.get("recurring") or {}).get("interval")
            if recurring != interval:
                self.add_error(field, f"Price {price_id} recurs every {recurring or 'never'}, not every {interval}.")
            elif not price.get("active", True):
                self.add_error(field, f"Price {price_id} is archived in Stripe.")
        return data


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    form = PlanForm
    list_display = (
        "name",
        "is_trial",
        "is_public",
        "stripe_price_monthly",
        "stripe_price_yearly",
        "seats",
        "api_access",
        "api_rate_limit",
        "items_per_week",
        "csv_export",
    )
    list_editable = ("is_public",)
    prepopulated_fields = {"slug": ("name",)}
    fieldsets = (
        (None, {"fields": ("name", "slug", "description", "is_trial", "is_public", "sort_order")}),
        (
            "Prices",
            {"fields": ("currency", "monthly_amount", "yearly_amount", "stripe_price_monthly", "stripe_price_yearly")},
        ),
        (
            "Entitlements",
            {
                "fields": (
                    "seats",
                    ("api_access", "api_rate_limit"),
                    ("segment_fashion", "segment_beauty"),
                    ("items_per_week", "keywords_per_week"),
                    "catalogue_size",
                    "csv_export",
                )
            },
        ),
    )


def _link(kind: str, object_id: str) -> str:
    if not object_id:
        return "—"
    return format_html(
        '<a href="{}" target="_blank" rel="noopener">{}</a>', stripe_client.dashboard_url(kind, object_id), object_id
    )


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    """One row per tenant. State comes from Stripe: change it there (or re-sync), not here."""

    list_display = ("tenant", "plan", "status", "customer_link", "subscription_link", "current_period_end", "trial_end")
    list_filter = ("status", "plan")
    search_fields = ("tenant__name", "tenant__slug", "stripe_customer_id", "stripe_subscription_id")
    list_select_related = ("tenant", "plan")
    actions = ["resync"]
    readonly_fields = (
        "tenant",
        "status",
        "interval",
        "customer_link",
        "subscription_link",
        "stripe_price_id",
        "current_period_end",
        "cancel_at_period_end",
        "ended_at",
        "past_due_since",
        "stripe_state_at",
        "last_event_id",
        "created_at",
        "updated_at",
    )
    fields = ("tenant", "plan", "trial_end", *readonly_fields[1:])

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return Subscription.unscoped.select_related("tenant", "plan")  # staff view across tenants

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # every tenant gets one automatically

    def has_delete_permission(self, request: HttpRequest, obj: Subscription | None = None) -> bool:
        return False  # the mirror of Stripe state is never deleted

    @admin.display(description="Stripe customer")
    def customer_link(self, obj: Subscription) -> str:
        return _link("customers", obj.stripe_customer_id)

    @admin.display(description="Stripe subscription")
    def subscription_link(self, obj: Subscription) -> str:
        return _link("subscriptions", obj.stripe_subscription_id)

    @admin.action(description="Re-sync selected subscriptions from Stripe")
    def resync(self, request: HttpRequest, queryset: QuerySet) -> None:
        for subscription in queryset:
            try:
                changes = services.sync_from_stripe(subscription)
            except (stripe.StripeError, stripe_client.StripeNotConfigured) as exc:
                self.message_user(request, f"{subscription.tenant}: {exc}", messages.ERROR)
                continue
            summary = "; ".join(changes) if changes else "unchanged"
            self.message_user(request, f"{subscription.tenant}: {summary}")


@admin.register(ProcessedEvent)
class ProcessedEventAdmin(admin.ModelAdmin):
    list_display = ("event_id", "type", "tenant", "created", "received_at", "outcome")
    list_filter = ("type",)
    search_fields = ("event_id", "tenant__slug")
    readonly_fields = ("event_id", "type", "tenant", "created", "received_at", "outcome")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ProcessedEvent | None = None) -> bool:
        return False
