"""DRF authentication by tenant API key: `Authorization: Bearer ts_…`."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from rest_framework import authentication, exceptions, permissions
from rest_framework.request import Request

from tenants.models import ApiKey, hash_api_key
from tenants.scoping import set_current_tenant

# Writing last_used_at on every call would make each read a write; a minute's precision is plenty.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class ApiClient:
    """The `request.user` of an API-key request: the tenant's shop, not a person."""

    is_authenticated = True
    is_anonymous = False
    is_staff = False

    def __init__(self, api_key: ApiKey) -> None:
        self.api_key = api_key
        self.tenant = api_key.tenant
        self.pk = None

    def __str__(self) -> str:
        return f"API key {self.api_key.prefix}… of {self.tenant.slug}"


class ApiKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[ApiClient, ApiKey] | None:
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        parts = header.split()
        if len(parts) != 2 or parts[0] != self.keyword:
            raise exceptions.AuthenticationFailed("Authorization header must be 'Bearer <api key>'.")
        api_key = (
            ApiKey.unscoped.select_related("tenant")
            .filter(key_hash=hash_api_key(parts[1]), revoked_at__isnull=True)
            .first()
        )
        if api_key is None:
            raise exceptions.AuthenticationFailed("Unknown or revoked API key.")
        if not api_key.tenant.is_active:
            raise exceptions.AuthenticationFailed("This workspace is suspended.")
        now = timezone.now()
        if api_key.last_used_at is None or now - api_key.last_used_at > LAST_USED_RESOLUTION:
            ApiKey.unscoped.filter(pk=api_key.pk).update(last_used_at=now)
            api_key.last_used_at = now
        # TenantMiddleware resets this when the request ends.
        set_current_tenant(api_key.tenant)
        return ApiClient(api_key), api_key

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class HasTenantApiKey(permissions.BasePermission):
    """A valid key of an active tenant. What the plan allows is billing.permissions' job (402)."""

    message = "A tenant API key is required."

    def has_permission(self, request: Request, view: object) -> bool:
        return isinstance(request.auth, ApiKey)
