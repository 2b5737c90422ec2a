"""Celery tasks: thin wrappers over trends.services."""

from __future__ import annotations

import logging
from importlib import import_module
from importlib.util import find_spec

from celery import shared_task

from trends.models import TrendWeek
from trends.services import WeekPublishedError, compute_week
from trends.weeks import IsoWeek

logger = logging.getLogger(__name__)

# Curation builds each tenant's collection from a freshly computed week (curation/services.py).
COLLECTIONS_HOOK = ("curation.services", "build_collections_for_week")


def notify_curation(trend_week: TrendWeek) -> int | None:
    """Call curation's per-tenant collection build for the week; None when curation does not offer it."""
    module_name, function_name = COLLECTIONS_HOOK
    if find_spec(module_name) is None:
        logger.warning("%s is not installed: no collections built for %s", module_name, trend_week.week)
        return None
    build = getattr(import_module(module_name), function_name, None)
    if build is None:
        logger.warning("%s has no %s(): no collections built for %s", module_name, function_name, trend_week.week)
        return None
    return len(build(trend_week))


def compute_and_notify(week: str) -> dict:
    """Compute a week, then let curation build collections from it. A published week is left as it is."""
    try:
        trend_week = compute_week(week)
    except WeekPublishedError as exc:
        logger.info("%s", exc)
        return {"week": week, "computed": False, "reason": "published"}
    collections = notify_curation(trend_week)
    return {"week": trend_week.week, "computed": True, "collections": collections}


@shared_task(name="trends.compute_last_week")
def compute_last_week() -> dict:
    """Beat job (Monday morning, TIME_ZONE): the week that just ended."""
    return compute_and_notify(str(IsoWeek.last_complete()))


@shared_task(name="trends.compute_week")
def compute_week_task(week: str) -> dict:
    return compute_and_notify(week)
