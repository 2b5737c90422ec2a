"""Recording impressions and clicks: the shop's batches (API) and signed click-redirect links.

Idempotent by the client's event id: the database's unique (tenant, event_id) constraint is the
guard, `bulk_create(ignore_conflicts=True)` makes a retried batch harmless.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from curation.models import CuratedItem, Product, TrackingEvent
from tenants.models import Tenant
from tenants.scoping import tenant_context
from trends.weeks import IsoWeek

MAX_BATCH = 1000
MAX_FUTURE = timedelta(minutes=5)
EVENT_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,100}$")
# User agents of crawlers, link scanners and previewers: their clicks are not people's clicks.
BOT_AGENT = re.compile(
    r"bot|crawl|spider|slurp|preview|scanner|facebookexternalhit|headless|curl|wget|python-requests|go-http|java/",
    re.IGNORECASE,
)
LINK_SALT = "curation.click-link"


def iso_week(moment: datetime) -> str:
    """ISO week of a moment, counted like the trend weeks."""
    return str(IsoWeek.containing(moment))


@dataclass
class EventResult:
    index: int
    event_id: str
    status: str  # accepted | duplicate | rejected
    errors: list[str] = field(default_factory=list)


def _clean(
    raw: Any, items: dict[int, CuratedItem], products: dict[str, Product], now: datetime
) -> tuple[dict, list[str]]:
    if not isinstance(raw, dict):
        return {}, ["each event must be a JSON object"]
    errors = []
    event_id = str(raw.get("event_id") or "")
    if not EVENT_ID.match(event_id):
        errors.append("event_id: required; 1-100 characters of letters, digits and . _ : -")
    kind, variant = raw.get("type"), raw.get("variant")
    if kind not in TrackingEvent.Type.values:
        errors.append("type: must be 'impression' or 'click'")
    if variant not in TrackingEvent.Variant.values:
        errors.append("variant: must be 'trend' or 'control'")
    item = product = None
    if raw.get("item_id") is not None:
        item = items.get(raw["item_id"]) if isinstance(raw["item_id"], int) else None
        if item is None:
            errors.append(f"item_id: no curated item {raw['item_id']!r} in this workspace")
    if raw.get("product_sku") is not None:
        product = products.get(str(raw["product_sku"]))
        if product is None:
            errors.append(f"product_sku: no product {str(raw['product_sku'])[:64]!r} in this workspace's catalogue")
    if raw.get("item_id") is None and raw.get("product_sku") is None:
        errors.append("item_id or product_sku: at least one is required")
    occurred = parse_datetime(str(raw.get("occurred_at") or "")) if raw.get("occurred_at") else None
    if occurred is None or timezone.is_naive(occurred):
        errors.append("occurred_at: required; ISO 8601 with a time-zone offset or Z")
    elif occurred > now + MAX_FUTURE:
        errors.append("occurred_at: in the future")
    visitor = str(raw.get("visitor_id") or "").strip()
    if not visitor or len(visitor) > 100:
        errors.append("visitor_id: required; at most 100 characters")
    texts = {name: str(raw.get(name) or "").strip() for name in ("placement", "session_id")}
    if len(texts["placement"]) > 64 or len(texts["session_id"]) > 100:
        errors.append("placement is at most 64 characters, session_id at most 100")
    if errors:
        return {}, errors
    return {
        "event_id": event_id,
        "type": kind,
        "variant": variant,
        "item": item,
        "product": product,
        "occurred_at": occurred,
        "week": iso_week(occurred),
        "visitor_id": visitor,
        **texts,
    }, []


def record_events(tenant: Tenant, raw_events: list[Any], source: str = TrackingEvent.Source.API) -> list[EventResult]:
    """Store a batch; each event is accepted, a duplicate (already stored, not counted twice) or rejected."""
    now = timezone.now()
    dicts = [e for e in raw_events if isinstance(e, dict)]
    item_ids = {e["item_id"] for e in dicts if isinstance(e.get("item_id"), int)}
    skus = {str(e["product_sku"]) for e in dicts if e.get("product_sku") is not None}
    with tenant_context(tenant):
        items = CuratedItem.objects.in_bulk(item_ids)
        products = {p.sku: p for p in Product.objects.filter(sku__in=skus)}
        ids = {str(e.get("event_id")) for e in dicts}
        stored = set(TrackingEvent.objects.filter(event_id__in=ids).values_list("event_id", flat=True))
        results, new = [], []
        for index, raw in enumerate(raw_events):
            values, errors = _clean(raw, items, products, now)
            event_id = str(raw.get("event_id", "")) if isinstance(raw, dict) else ""
            if errors:
                results.append(EventResult(index, event_id, "rejected", errors))
            elif event_id in stored:
                results.append(EventResult(index, event_id, "duplicate"))
            else:
                stored.add(event_id)
                new.append(TrackingEvent(tenant=tenant, source=source, **values))
                results.append(EventResult(index, event_id, "accepted"))
        # A concurrent retry of the same batch loses the race quietly: the constraint keeps one copy.
        TrackingEvent.objects.bulk_create(new, batch_size=500, ignore_conflicts=True)
    return results


def _safe_target(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def click_link(
    tenant: Tenant,
    target_url: str,
    *,
    variant: str = TrackingEvent.Variant.TREND,
    placement: str = "newsletter",
    item: CuratedItem | None = None,
    product: Product | None = None,
    visitor_id: str = "",
) -> str:
    """An absolute signed link that records a click and then redirects to `target_url`."""
    if not _safe_target(target_url):
        raise ValueError("Click links only lead to http(s) addresses.")
    payload = {
        "t": tenant.pk,
        "u": target_url,
        "v": variant,
        "p": placement[:64],
        "i": item.pk if item else None,
        "s": product.pk if product else None,
        "w": visitor_id[:100],
    }
    token = signing.dumps(payload, salt=LINK_SALT, compress=True)
    return settings.SITE_URL + reverse("click-redirect", args=[token])


@dataclass
class LinkClick:
    target_url: str
    visitor_id: str


def follow_link(token: str, user_agent: str, cookie_visitor: str) -> LinkClick:
    """Record the click of a signed link; raises signing.BadSignature or ValueError for bad links."""
    max_age = timedelta(days=settings.CLICK_LINK_MAX_AGE_DAYS)
    payload = signing.loads(token, salt=LINK_SALT, max_age=max_age)
    if not isinstance(payload, dict) or not _safe_target(str(payload.get("u", ""))):
        raise ValueError("This link does not lead to an http(s) address.")
    visitor = payload.get("w") or cookie_visitor or uuid.uuid4().hex
    tenant = Tenant.objects.filter(pk=payload.get("t"), status=Tenant.Status.ACTIVE).first()
    if tenant is not None:
        now = timezone.now()
        with tenant_context(tenant):
            item = CuratedItem.objects.filter(pk=payload.get("i")).first() if payload.get("i") else None
            product = Product.objects.filter(pk=payload.get("s")).first() if payload.get("s") else None
            TrackingEvent.objects.create(
                event_id=f"link-{uuid.uuid4().hex}",
                type=TrackingEvent.Type.CLICK,
                variant=payload.get("v") if payload.get("v") in TrackingEvent.Variant.values else "trend",
                item=item,
                product=product,
                placement=str(payload.get("p") or "")[:64],
                occurred_at=now,
                week=iso_week(now),
                visitor_id=visitor,
                source=TrackingEvent.Source.LINK,
                flagged_bot=not user_agent or bool(BOT_AGENT.search(user_agent)),
            )
    return LinkClick(payload["u"], visitor)
