"""GET /api/v1/billing/: the calling key's plan, subscription state and limits."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from billing.entitlements import entitlements_for, seats_used
from billing.services import ensure_subscription

BillingSerializer = inline_serializer(
    "Billing",
    {
        "plan": serializers.CharField(),
        "status": serializers.CharField(),
        "standing": serializers.CharField(help_text="ok, grace or lapsed"),
        "current_period_end": serializers.DateTimeField(allow_null=True),
        "trial_end": serializers.DateTimeField(allow_null=True),
        "cancel_at_period_end": serializers.BooleanField(),
        "grace_until": serializers.DateTimeField(allow_null=True),
        "seats": serializers.IntegerField(allow_null=True),
        "seats_used": serializers.IntegerField(),
        "api_rate_limit": serializers.CharField(),
        "segments": serializers.ListField(child=serializers.CharField()),
        "items_per_week": serializers.IntegerField(),
        "keywords_per_week": serializers.IntegerField(),
        "catalogue_size": serializers.IntegerField(allow_null=True),
        "csv_export": serializers.BooleanField(),
    },
)


class BillingView(APIView):
    @extend_schema(responses=BillingSerializer, summary="Your plan, subscription state and limits")
    def get(self, request: Request) -> Response:
        tenant = request.auth.tenant
        subscription = ensure_subscription(tenant)
        ent = entitlements_for(tenant)
        return Response(
            {
                "plan": subscription.plan.name,
                "status": subscription.status,
                "standing": ent.standing,
                "current_period_end": subscription.current_period_end,
                "trial_end": subscription.trial_end,
                "cancel_at_period_end": subscription.cancel_at_period_end,
                "grace_until": ent.grace_until,
                "seats": ent.seats,
                "seats_used": seats_used(tenant),
                "api_rate_limit": ent.api_rate_limit,
                "segments": sorted(ent.segments),
                "items_per_week": ent.items_per_week,
                "keywords_per_week": ent.keywords_per_week,
                "catalogue_size": ent.catalogue_size,
                "csv_export": ent.csv_export,
            }
        )
