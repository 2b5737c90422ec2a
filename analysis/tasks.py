"""Celery tasks: thin wrappers over analysis.services, routed to the "text" and "vision" queues
(settings.CELERY_TASK_ROUTES) so vision workers can live on GPU machines of their own.

Late acknowledgement: a worker that dies mid-batch leaves the message to be redelivered, which is
safe because every step replaces its previous results. Database hiccups and timeouts are retried
with backoff; a missing model is a setup error and is not retried.
"""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.db import InterfaceError, OperationalError

from analysis import services

TRANSIENT = (OperationalError, InterfaceError, ConnectionError, TimeoutError)
RETRY = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": TRANSIENT,
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(name="analysis.tasks.analyze_text_batch", **RETRY)
def analyze_text_batch(post_ids: list[int]) -> dict[str, int]:
    return services.analyze_text(post_ids)


@shared_task(name="analysis.tasks.analyze_vision_batch", **RETRY)
def analyze_vision_batch(asset_ids: list[int]) -> dict[str, int]:
    return services.analyze_vision(asset_ids)


@shared_task(name="analysis.tasks.dispatch_pending_analysis", **RETRY)
def dispatch_pending_analysis() -> dict[str, int]:
    work = services.dispatch_stale_pending(timedelta(minutes=30))
    return {"posts": len(work.text_post_ids), "assets": len(work.asset_ids)}
