"""Celery wrapper: the nightly safety net for missed webhooks."""

from __future__ import annotations

from celery import shared_task

from billing import stripe_client
from billing.services import sync_all


@shared_task(name="billing.tasks.sync_subscriptions")
def sync_subscriptions() -> dict:
    if not stripe_client.is_configured():
        return {"skipped": "STRIPE_SECRET_KEY is not set"}
    results = sync_all()
    return {"changed": sum(1 for r in results if r.changes), "failed": sum(1 for r in results if r.error)}
