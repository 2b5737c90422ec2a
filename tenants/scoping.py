"""Fail-closed tenant scoping.

The current tenant lives in a context variable. It is set by the portal middleware (from the
URL), by API-key authentication, and by `tenant_context()` in tasks and commands. Tenant-owned
models use `TenantScopedManager` as their default manager: a query with no tenant set raises
`TenantNotSetError` instead of returning nothing or everything. Staff-only code opts out with
`Model.unscoped` — grep for `.unscoped` to audit every such path.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from tenants.models import Tenant

_current_tenant: contextvars.ContextVar[Tenant | None] = contextvars.ContextVar("current_tenant", default=None)


class TenantNotSetError(RuntimeError):
    """A tenant-scoped query ran with no current tenant."""


def get_current_tenant() -> Tenant | None:
    return _current_tenant.get()


def require_current_tenant() -> Tenant:
    tenant = _current_tenant.get()
    if tenant is None:
        raise TenantNotSetError("No tenant is set: use tenant_context(tenant) or Model.unscoped for staff-only code.")
    return tenant


def set_current_tenant(tenant: Tenant | None) -> contextvars.Token:
    return _current_tenant.set(tenant)


def reset_current_tenant(token: contextvars.Token) -> None:
    _current_tenant.reset(token)


@contextmanager
def tenant_context(tenant: Tenant) -> Iterator[Tenant]:
    """Run a block (task, command, test) as `tenant`."""
    token = _current_tenant.set(tenant)
    try:
        yield tenant
    finally:
        _current_tenant.reset(token)


class TenantScopedQuerySet(models.QuerySet):
    pass


class TenantScopedManager(models.Manager.from_queryset(TenantScopedQuerySet)):
    """Default manager of tenant-owned models: filters by the current tenant or refuses."""

    def get_queryset(self) -> models.QuerySet:
        tenant = require_current_tenant()
        return super().get_queryset().filter(tenant=tenant)


class TenantOwnedModel(models.Model):
    """Base of every tenant-owned model.

    `objects` is scoped and fails closed; `unscoped` is the explicit escape for staff code
    (admin, cross-tenant jobs). Related-object access (`tenant.foo_set`) uses the base manager
    and is filtered by the relation itself.
    """

    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="+")

    objects = TenantScopedManager()
    unscoped = models.Manager()

    class Meta:
        abstract = True
        base_manager_name = "unscoped"
        default_manager_name = "objects"

    def save(self, *args, **kwargs) -> None:
        if self.tenant_id is None:
            self.tenant = require_current_tenant()
        super().save(*args, **kwargs)
