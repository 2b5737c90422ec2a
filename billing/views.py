"""Billing page (owners only), Checkout and customer-portal redirects, and the Stripe webhook."""

from __future__ import annotations

import logging

import stripe
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from billing import checkout, services, stripe_client, webhooks
from billing.entitlements import entitlements_for, seats_used
from billing.models import Plan
from tenants.models import Membership, Role

logger = logging.getLogger(__name__)


def _is_owner(request: HttpRequest) -> bool:
    return request.membership is not None and request.membership.role == Role.OWNER


def _billing_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("tenant:billing", args=[request.tenant.slug]))


def billing_page(request: HttpRequest, tenant_slug: str) -> HttpResponse:
    tenant = request.tenant
    if not _is_owner(request):
        owners = Membership.objects.filter(tenant=tenant, role=Role.OWNER).select_related("user")
        return render(request, "billing/ask_owner.html", {"owners": [m.user for m in owners]})
    session_id = request.GET.get("session_id", "")
    if request.GET.get("checkout") == "success" and session_id and stripe_client.is_configured():
        try:
            checkout.complete_checkout(tenant, session_id)
        except stripe.StripeError:
            logger.exception("Could not read checkout session %s; the webhook will catch up.", session_id)
        messages.success(request, "Thank you! Your subscription is confirmed as soon as Stripe reports the payment.")
        return redirect("tenant:billing", tenant_slug=tenant.slug)
    if request.GET.get("checkout") == "cancelled":
        messages.info(request, "Checkout was cancelled; nothing was charged.")
        return redirect("tenant:billing", tenant_slug=tenant.slug)
    subscription = services.ensure_subscription(tenant)
    used, members = seats_used(tenant), Membership.objects.filter(tenant=tenant).count()
    ent = entitlements_for(tenant)
    context = {
        "subscription": subscription,
        "entitlements": ent,
        "segments": sorted(ent.segments),
        "seats_used": used,
        "members": members,
        "pending_invitations": used - members,
        "plans": Plan.objects.filter(is_public=True, is_trial=False),
        "stripe_ready": stripe_client.is_configured(),
        "has_live_subscription": bool(subscription.stripe_subscription_id)
        and subscription.status in services.LIVE_STATUSES,
    }
    return render(request, "billing/billing.html", context)


@require_POST
def start_checkout(request: HttpRequest, tenant_slug: str) -> HttpResponse:
    if not _is_owner(request):
        raise Http404
    plan = get_object_or_404(Plan, slug=request.POST.get("plan", ""), is_public=True, is_trial=False)
    interval = request.POST.get("interval", "month")
    if interval not in ("month", "year"):
        messages.error(request, "Choose monthly or yearly billing.")
        return redirect("tenant:billing", tenant_slug=tenant_slug)
    try:
        url = checkout.checkout_url(request.tenant, plan, interval, request.user, _billing_url(request))
    except (services.BillingError, stripe_client.StripeNotConfigured) as exc:
        messages.error(request, str(exc) or "Online payment is not available.")
        return redirect("tenant:billing", tenant_slug=tenant_slug)
    except stripe.StripeError:
        logger.exception("Stripe refused a checkout session for tenant %s.", request.tenant.pk)
        messages.error(
            request, "Stripe could not start the checkout just now; nothing was charged. Please try again shortly."
        )
        return redirect("tenant:billing", tenant_slug=tenant_slug)
    return redirect(url)


@require_POST
def customer_portal(request: HttpRequest, tenant_slug: str) -> HttpResponse:
    if not _is_owner(request):
        raise Http404
    try:
        url = checkout.customer_portal_url(request.tenant, _billing_url(request))
    except (services.BillingError, stripe_client.StripeNotConfigured) as exc:
        messages.error(request, str(exc) or "Online payment is not available.")
        return redirect("tenant:billing", tenant_slug=tenant_slug)
    except stripe.StripeError:
        logger.exception("Stripe refused a portal session for tenant %s.", request.tenant.pk)
        messages.error(request, "Stripe could not open the customer portal just now. Please try again shortly.")
        return redirect("tenant:billing", tenant_slug=tenant_slug)
    return redirect(url)


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    """Stripe's only way in: signature checked before anything is read or written."""
    try:
        event = stripe_client.construct_event(request.body, request.headers.get("Stripe-Signature", ""))
    except (ValueError, stripe.SignatureVerificationError) as exc:
        logger.warning("Refused a Stripe webhook: %s", exc)
        return JsonResponse(
            {"error": {"status": 400, "code": "bad_signature", "message": "Invalid payload or Stripe-Signature."}},
            status=400,
        )
    try:
        outcome = webhooks.handle_event(event)
    except stripe.StripeError:
        # Not recorded as processed: Stripe retries the delivery later.
        logger.exception("Stripe event %s could not be processed now.", event.get("id"))
        return JsonResponse(
            {"error": {"status": 503, "code": "stripe_unavailable", "message": "Try again later."}}, status=503
        )
    return JsonResponse({"received": True, "duplicate": outcome.duplicate, "outcome": outcome.message})
