"""A small but realistic trend world for curation tests: 8 global weeks, creators in three countries."""

from __future__ import annotations

from datetime import timedelta

from analysis.models import Creator
from curation import services
from curation.models import Collection
from tenants.models import Tenant
from trends.models import TrendEntry, TrendWeek
from trends.weeks import IsoWeek

WEEKS = [f"2026-W{n}" for n in range(37, 45)]  # 2026-W37 … 2026-W44
LATEST = WEEKS[-1]

# key, display name, category, colour, segment, label, growth, score, creator countries
ITEMS = [
    ("bottoms:light blue", "Light blue jeans", "bottoms", "light blue", "fashion", "breakout", 4.2, 900, "KR US"),
    ("tops:white", "White shirt", "tops", "white", "fashion", "rising", 1.8, 700, "KR"),
    ("shoes:black", "Black loafers", "shoes", "black", "fashion", "steady", 1.0, 500, "US"),
    ("outerwear:beige", "Beige trench coat", "outerwear", "beige", "fashion", "new", None, 400, "FR"),
    ("makeup:red", "Red lip tint", "makeup", "red", "beauty", "rising", 2.0, 300, "KR"),
    ("accessories:black", "Black hat", "accessories", "black", "fashion", "declining", 0.6, 200, "US FR"),
]
KEYWORDS = [
    ("barrel jeans", "barrel jeans", "", "", "fashion", "breakout", 4.2, 950, "KR US"),
    ("quiet luxury", "quiet luxury", "", "", "", "rising", 1.5, 600, "FR"),
    ("glass skin", "glass skin", "", "", "beauty", "new", None, 450, "KR"),
    ("zara haul", "zara haul", "", "", "fashion", "rising", 1.9, 420, "US"),
    ("trench coat", "trench coat", "", "", "fashion", "steady", 1.1, 300, "FR"),
]


def creators() -> dict[str, Creator]:
    found = {}
    for country in ("KR", "US", "FR"):
        found[country], _ = Creator.objects.get_or_create(
            platform="instagram",
            handle=f"style.{country.lower()}",
            defaults={"followers": 120_000, "country": country, "segment": "fashion"},
        )
    return found


def crop_name(key: str, n: int) -> str:
    return f"{key.replace(':', '-').replace(' ', '-')}-{n}.jpg"


def make_week(week: str, scale: float = 1.0, published: bool = True) -> TrendWeek:
    """One global week with every item and keyword, scores scaled (older weeks smaller)."""
    people = creators()
    start = IsoWeek.parse(week).starts_at
    trend_week, _ = TrendWeek.objects.update_or_create(
        week=week,
        defaults={
            "starts_at": start,
            "ends_at": start + timedelta(days=7),
            "computed_at": start + timedelta(days=7, hours=1),
            "status": TrendWeek.Status.PUBLISHED if published else TrendWeek.Status.COMPUTED,
            "published_at": start + timedelta(days=7, hours=2) if published else None,
        },
    )
    for kind, rows in (("item", ITEMS), ("keyword", KEYWORDS)):
        for rank, (key, name, category, colour, segment, label, growth, score, countries) in enumerate(rows, 1):
            posts = [
                {
                    "post_id": 1000 + rank * 10 + i,
                    "platform": "instagram",
                    "external_id": f"{key}-{week}-{i}",
                    "handle": people[c].handle,
                    "influence": 5000.0 - i * 100,
                    "caption": f"Loving this {name} look #{name.replace(' ', '')}" + (" from zara" if i == 1 else ""),
                    "crop_url": f"/media/crops/{crop_name(key, i)}",
                }
                for i, c in enumerate(countries.split())
            ]
            evidence = {
                "posts": posts,
                "creators": [
                    {"creator_id": people[c].pk, "handle": people[c].handle, "followers": 120_000, "influence": 5000.0}
                    for c in countries.split()
                ],
            }
            TrendEntry.objects.update_or_create(
                week=trend_week,
                kind=kind,
                key=key,
                defaults={
                    "display_name": name,
                    "category": category,
                    "colour": colour,
                    "segment": segment,
                    "rank": rank,
                    "score": round(score * scale, 1),
                    "label": label,
                    "growth": growth,
                    "posts": int(40 * scale) + rank,
                    "creators": int(20 * scale) + rank,
                    "evidence": evidence,
                },
            )
    return trend_week


def make_world() -> list[TrendWeek]:
    """Eight weeks, growing towards the latest."""
    return [make_week(week, scale=0.3 + 0.1 * i) for i, week in enumerate(WEEKS)]


def publish_latest(tenant: Tenant, week: TrendWeek) -> Collection:
    services.build_collection(tenant, week)
    collection = Collection.unscoped.get(tenant=tenant, week=week)
    services.publish(collection, None)
    return collection


PRODUCTS = [
    {"sku": "JN-LB-01", "title": "Barrel Leg Jeans, Light Wash", "category": "Jeans", "colour": "light blue",
     "brand": "Northline", "price": "79.00", "currency": "USD", "url": "https://shop.example/p/jn-lb-01",
     "image_url": "https://cdn.shop.example/jn-lb-01.jpg"},
    {"sku": "JN-BK-02", "title": "Slim Black Jeans", "category": "Jeans", "colour": "black", "brand": "Northline",
     "price": "69.00", "currency": "USD", "url": "https://shop.example/p/jn-bk-02"},
    {"sku": "SH-WH-03", "title": "Oversized Poplin Shirt", "category": "Shirts", "colour": "white",
     "brand": "Atelier Nord", "price": "59.00", "currency": "USD", "url": "https://shop.example/p/sh-wh-03"},
    {"sku": "LF-BK-04", "title": "Leather Penny Loafers", "category": "Shoes", "colour": "black",
     "brand": "Atelier Nord", "price": "129.00", "currency": "USD", "url": "https://shop.example/p/lf-bk-04"},
    {"sku": "TR-BG-05", "title": "Classic Trench Coat", "category": "Coats", "colour": "beige", "brand": "Northline",
     "price": "189.00", "currency": "USD", "url": "https://shop.example/p/tr-bg-05"},
    {"sku": "LP-RD-06", "title": "Velvet Lip Tint", "category": "Lipstick", "colour": "red", "brand": "Glow Lab",
     "price": "18.00", "currency": "USD", "url": "https://shop.example/p/lp-rd-06"},
    {"sku": "JN-LB-07", "title": "Light Blue Wide Jeans (sold out)", "category": "Jeans", "colour": "light blue",
     "brand": "Northline", "price": "75.00", "currency": "USD", "in_stock": "false"},
]  # fmt: skip


def traffic(when, trend=(300, 18), control=(300, 9), prefix="", visitors: int = 30, sku="JN-LB-01") -> list[dict]:
    """Shop-reported events: (impressions, clicks) per variant, clicks by visitors who saw the product."""
    rows = []
    for variant, (shown, clicked) in (("trend", trend), ("control", control)):
        for kind, count in (("impression", shown), ("click", clicked)):
            rows += [
                {
                    "event_id": f"{prefix}{variant}-{kind}-{i}",
                    "type": kind,
                    "variant": variant,
                    "product_sku": sku,
                    "occurred_at": (when + timedelta(seconds=i)).isoformat(),
                    "visitor_id": f"{prefix}{variant}-{i % visitors}",
                    "placement": "home-hero" if variant == "trend" else "home-grid",
                }
                for i in range(count)
            ]
    return rows
