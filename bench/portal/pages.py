"""Benchmark: server time of the curation pages and API with a realistic collection.

    .venv/bin/python -m bench.portal.pages [--runs 30] [--products 1000] [--events 50000]

Creates a throwaway database (the test database of the configured DATABASE_URL) holding a
tenant with 12 published weekly collections (20 items and 20 keywords each, five evidence posts
and creators per row, five matched products per row from a catalogue of --products products) and
--events tracking events over 8 weeks. It then requests each page through Django's full stack
(middleware, sessions, templates; no network) and prints the median and 95th percentile server
time and the query count. Target: every page under 300 ms. The machine is shared: the load
average is printed so figures can be judged.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from datetime import timedelta

from bench.django_setup import setup_django

TARGET_MS = 300
WEEKS = 12
PER_WEEK = 40  # global entries per kind and week; profiles keep 20 of each
CATEGORIES = {
    "bottoms": ["jeans", "trousers", "skirt", "shorts", "cargo pants"],
    "tops": ["shirt", "blouse", "sweater", "cardigan", "t-shirt"],
    "outerwear": ["trench coat", "blazer", "puffer jacket", "leather jacket"],
    "shoes": ["loafers", "sneakers", "boots", "ballet flats"],
    "dresses": ["slip dress", "maxi dress", "shirt dress"],
    "bags": ["tote bag", "shoulder bag", "backpack"],
}
COLOURS = ["black", "white", "light blue", "beige", "navy", "burgundy", "butter yellow", "olive", "grey", "brown"]


def build_world(rng: random.Random) -> list:
    from analysis.models import Creator
    from trends.models import TrendEntry, TrendWeek
    from trends.weeks import IsoWeek

    creators = Creator.objects.bulk_create(
        [
            Creator(platform="instagram", handle=f"bench.{i}", followers=rng.randrange(2_000, 900_000),
                    country=rng.choice(["KR", "US", "GB", "JP", "FR"]), segment="fashion")
            for i in range(300)
        ]
    )  # fmt: skip
    garments = [(c, g, col) for c, gs in CATEGORIES.items() for g in gs for col in COLOURS]
    rng.shuffle(garments)
    adjectives = ("barrel", "oversized", "cropped", "vintage", "tailored")
    phrases = list(dict.fromkeys(f"{adj} {garment}" for adj in adjectives for _, garment, _ in garments))
    weeks = []
    last = IsoWeek.last_complete()
    for w in range(WEEKS):
        iso = last.shift(w - WEEKS + 1)
        week = TrendWeek.objects.create(
            week=str(iso), starts_at=iso.starts_at, ends_at=iso.ends_at, computed_at=iso.ends_at,
            status=TrendWeek.Status.PUBLISHED, published_at=iso.ends_at,
        )  # fmt: skip
        entries = []
        for kind, pool in (("item", garments), ("keyword", phrases)):
            chosen = pool[w % 7 : w % 7 + PER_WEEK]
            for rank, what in enumerate(chosen, 1):
                who = rng.sample(creators, 5)
                if kind == "item":
                    category, garment, colour = what
                    key, name = f"{category}:{colour}:{garment}", f"{colour.capitalize()} {garment}"
                else:
                    category = colour = ""
                    key = name = what
                evidence = {
                    "posts": [
                        {"post_id": rank * 10 + i, "platform": "instagram", "external_id": f"{week.week}-{key}-{i}",
                         "handle": c.handle, "influence": rng.uniform(100, 9000),
                         "caption": f"Styling the {name} for the weekend #ootd", "crop_url": f"/media/crops/b{i}.jpg"}
                        for i, c in enumerate(who)
                    ],
                    "creators": [{"creator_id": c.pk, "handle": c.handle, "platform": "instagram",
                                  "followers": c.followers, "influence": rng.uniform(100, 9000)} for c in who],
                }  # fmt: skip
                entries.append(
                    TrendEntry(
                        week=week, kind=kind, key=key, display_name=name, category=category, colour=colour,
                        segment="fashion", rank=rank, score=round(1000 / rank * rng.uniform(0.8, 1.2), 1),
                        label=rng.choice(["new", "rising", "breakout", "steady", "declining"]),
                        growth=round(rng.uniform(0.5, 4.0), 2), posts=rng.randrange(20, 400),
                        creators=rng.randrange(10, 200), evidence=evidence,
                    )
                )  # fmt: skip
        TrendEntry.objects.bulk_create(entries)
        weeks.append(week)
    return weeks


def build_tenant(rng: random.Random, weeks: list, products: int, events: int):
    from curation import services
    from curation.catalogue import upsert_products
    from curation.events import iso_week
    from curation.models import Collection, CuratedItem, Product, TrackingEvent
    from tenants.models import User
    from tenants.scoping import tenant_context
    from tenants.services import create_tenant

    owner = User.objects.create_user("owner@bench.test", "bench-password-123")
    tenant = create_tenant("Bench Shop", "bench", owner)
    profile = services.get_profile(tenant)
    profile.items_per_week = profile.keywords_per_week = 20
    profile.save()
    rows = []
    for i in range(products):
        category, garments = rng.choice(list(CATEGORIES.items()))
        colour, garment = rng.choice(COLOURS), rng.choice(garments)
        rows.append((i + 2, {
            "sku": f"SKU-{i:05d}", "title": f"{rng.choice(['Classic', 'Relaxed', 'Slim', 'Soft'])} {colour} {garment}",
            "category": garment, "colour": colour, "brand": "Bench", "price": f"{rng.randrange(20, 300)}.00",
            "currency": "USD", "url": f"https://shop.example/p/{i}", "image_url": f"https://cdn.shop.example/{i}.jpg",
        }))  # fmt: skip
    started = time.perf_counter()
    upsert_products(tenant, rows)
    for week in weeks:
        services.build_collection(tenant, week)
        services.publish(Collection.unscoped.get(tenant=tenant, week=week), owner)
    print(f"setup: catalogue + {len(weeks)} collections built and matched in {time.perf_counter() - started:.1f} s")
    with tenant_context(tenant):
        items = list(CuratedItem.objects.values_list("pk", flat=True))
        skus = list(Product.objects.values_list("pk", flat=True))
        start = weeks[-8].starts_at
        span = int((weeks[-1].ends_at - start).total_seconds()) - 60
        made = []
        for n in range(events):
            at = start + timedelta(seconds=rng.randrange(span))
            variant = "trend" if n % 2 else "control"
            kind = "click" if rng.random() < (0.045 if variant == "trend" else 0.03) else "impression"
            made.append(TrackingEvent(
                tenant=tenant, event_id=f"b{n}", type=kind, variant=variant, occurred_at=at, week=iso_week(at),
                item_id=rng.choice(items) if variant == "trend" else None, product_id=rng.choice(skus),
                visitor_id=f"v{rng.randrange(events // 10)}", placement="home",
            ))  # fmt: skip
        TrackingEvent.objects.bulk_create(made, batch_size=2000)
    return tenant, owner


def measure(client, path: str, runs: int) -> tuple[float, float, int, int]:
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()  # the API's per-key rate limit counts in the cache; each page starts afresh
    client.get(path)  # warm caches (templates, phrase cache)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))], len(queries), response.status_code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--products", type=int, default=1000)
    parser.add_argument("--events", type=int, default=50_000)
    args = parser.parse_args()
    setup_django()
    from django.test import Client
    from django.test.utils import setup_databases, setup_test_environment, teardown_databases
    from rest_framework.test import APIClient

    from curation.models import CuratedItem
    from tenants.services import create_api_key

    setup_test_environment(debug=False)
    databases = setup_databases(verbosity=0, interactive=False)
    try:
        rng = random.Random(7)
        weeks = build_world(rng)
        tenant, owner = build_tenant(rng, weeks, args.products, args.events)
        client = Client()
        client.force_login(owner)
        item = CuratedItem.unscoped.filter(tenant=tenant, collection__week=weeks[-1], hidden=False).first()
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {create_api_key(tenant, 'bench')[1]}")
        base = f"/app/{tenant.slug}"
        pages = [
            ("dashboard", client, f"{base}/"),
            ("item page", client, f"{base}/items/{item.pk}/"),
            ("collection (past week)", client, f"{base}/collections/{weeks[-2].week}/"),
            ("archive", client, f"{base}/collections/"),
            ("click-through", client, f"{base}/click-through/"),
            ("catalogue", client, f"{base}/catalogue/"),
            ("API items", api, "/api/v1/collections/latest/items/"),
            ("API products", api, "/api/v1/collections/latest/products/"),
        ]
        print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs; {args.runs} runs per page; "
              f"{args.products} products, {args.events} events, {WEEKS} weeks × (20 items + 20 keywords)")  # fmt: skip
        print(f"{'page':<24} {'median ms':>10} {'p95 ms':>8} {'queries':>8}  status")
        slow = 0
        for name, http, path in pages:
            median, p95, queries, status = measure(http, path, args.runs)
            slow += p95 >= TARGET_MS
            flag = "ok" if p95 < TARGET_MS else f"over {TARGET_MS} ms"
            print(f"{name:<24} {median:>10.1f} {p95:>8.1f} {queries:>8}  {status} {flag}")
        print(f"target p95 < {TARGET_MS} ms: {'met' if not slow else f'missed on {slow} page(s)'}")
    finally:
        teardown_databases(databases, verbosity=0)


if __name__ == "__main__":
    main()
