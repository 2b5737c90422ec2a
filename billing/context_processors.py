"""`billing_banner` for every portal page: past due, trial ending within 3 days, or ended."""

from __future__ import annotations

from django.http import HttpRequest

from billing.services import banner_for, ensure_subscription
from tenants.models import Role


def billing_banner(request: HttpRequest) -> dict:
    tenant = getattr(request, "tenant", None)
    membership = getattr(request, "membership", None)
    if tenant is None or membership is None or not tenant.is_active:
        return {}
    banner = banner_for(ensure_subscription(tenant))
    if banner is None:
        return {}
    return {"billing_banner": banner, "billing_banner_for_owner": membership.role == Role.OWNER}
