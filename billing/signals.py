"""`subscription_changed` (sent after commit when a tenant's mirrored subscription changes) and the
receiver that starts every new workspace on the trial."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import Signal, receiver

from tenants.models import Tenant

# kwargs: tenant, changes (list of "field: before → after" lines)
subscription_changed = Signal()


@receiver(post_save, sender=Tenant, dispatch_uid="billing_start_trial")
def start_trial(sender: type[Tenant], instance: Tenant, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if created and not raw:
        from billing.services import ensure_subscription

        ensure_subscription(instance)
