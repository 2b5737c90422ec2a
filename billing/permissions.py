"""API gate: a tenant key works only while the plan includes the API and the subscription stands."""

from __future__ import annotations

from rest_framework import exceptions, permissions, status
from rest_framework.request import Request

from billing.entitlements import EntitlementError, check
from tenants.models import ApiKey


class PaymentRequired(exceptions.APIException):
    status_code = status.HTTP_402_PAYMENT_REQUIRED
    default_detail = "Your plan does not allow this."
    default_code = "payment_required"


class HasApiEntitlement(permissions.BasePermission):
    """Refuse a tenant key with 402 and the shared JSON error shape; key-less calls are left to HasTenantApiKey."""

    def has_permission(self, request: Request, view: object) -> bool:
        api_key = request.auth
        if not isinstance(api_key, ApiKey):
            return True  # not a tenant-key request: other permissions decide
        try:
            check(api_key.tenant, "api")
        except EntitlementError as exc:
            raise PaymentRequired(exc.message, code=exc.code)
        return True
