"""Celery wrappers; the work is in curation.matching and curation.services."""

from __future__ import annotations

from celery import shared_task

from tenants.models import Tenant


@shared_task(name="curation.rematch_catalogue")
def rematch_catalogue_task(tenant_id: int) -> int:
    """Re-match a large catalogue in the worker rather than in the upload request."""
    from curation.matching import rematch_catalogue

    tenant = Tenant.objects.filter(pk=tenant_id, status=Tenant.Status.ACTIVE).first()
    return rematch_catalogue(tenant) if tenant else 0


@shared_task(name="curation.build_collections_for_week")
def build_collections_task(week: str) -> int:
    """Build every active tenant's collection of an ISO week (e.g. after a manual recompute)."""
    from curation.services import build_collections_for_week
    from trends.models import TrendWeek

    trend_week = TrendWeek.objects.filter(week=week).first()
    return len(build_collections_for_week(trend_week)) if trend_week else 0
