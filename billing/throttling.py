"""Per-key API throttle whose rate is the tenant plan's api_rate_limit."""

from __future__ import annotations

from typing import Any

from rest_framework.throttling import SimpleRateThrottle

from billing.entitlements import entitlements_for
from tenants.models import ApiKey


class PlanRateThrottle(SimpleRateThrottle):
    """ApiKeyRateThrottle's per-key buckets; the rate follows the plan (API_RATE_LIMIT for key-less calls)."""

    scope = "api_key"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        # Imported here: trendsaas.api imports DRF's views, which import the throttle classes (this module).
        from trendsaas.api import ApiKeyRateThrottle

        return ApiKeyRateThrottle.get_cache_key(self, request, view)

    def allow_request(self, request: Any, view: Any) -> bool:
        api_key = getattr(request, "auth", None)
        if isinstance(api_key, ApiKey):
            self.rate = entitlements_for(api_key.tenant).api_rate_limit
            self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)
