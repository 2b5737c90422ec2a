"""Tenant, team and API-key operations shared by the portal, the admin, commands and tests."""

from __future__ import annotations

from django.db import transaction

from tenants.models import ApiKey, Membership, Role, Tenant, User


@transaction.atomic
def create_tenant(name: str, slug: str, owner: User, **fields) -> Tenant:
    tenant = Tenant.objects.create(name=name, slug=slug, **fields)
    Membership.objects.create(user=owner, tenant=tenant, role=Role.OWNER)
    return tenant


def create_api_key(tenant: Tenant, name: str, created_by: User | None = None) -> tuple[ApiKey, str]:
    """Create a key; return it with the raw secret, which is shown once and never stored."""
    raw, prefix, key_hash = ApiKey.generate()
    api_key = ApiKey.unscoped.create(tenant=tenant, name=name, prefix=prefix, key_hash=key_hash, created_by=created_by)
    return api_key, raw
