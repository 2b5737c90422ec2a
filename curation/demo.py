"""Demo step (idempotent): the demo shop's profile and catalogue, its collections, a curator, demo events.

Runs after the trends demo step (INSTALLED_APPS order), so the global weeks already exist.
Events are generated (source "demo", shown as "Demo events" in the portal), not measured.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import TextIO

from django.contrib.auth.models import Group
from django.utils import timezone

from curation import services
from curation.catalogue import upsert_products
from curation.events import iso_week
from curation.models import Collection, CuratedItem, Product, TrackingEvent
from tenants.models import Tenant, User
from tenants.scoping import tenant_context
from trends.models import TrendWeek

CURATOR_EMAIL = "curator@demo.trendsaas.localhost"
EVENT_WEEKS = 8
VISITORS_PER_VARIANT = 90
IMPRESSIONS_PER_VISITOR = 10
# Demo click-through rates: trend-curated placements about 45% above the shop's usual ones.
DEMO_CTR = {"trend": 0.043, "control": 0.030}

# sku, title, category, colour, price (USD); chosen to meet the demo world's garments and planted trends.
CATALOGUE = [
    ("FL-CR-01", "Cherry Red Ballet Flats", "Flats", "cherry red", 89),
    ("FL-SV-02", "Silver Mesh Ballet Flats", "Flats", "silver", 95),
    ("JN-LB-03", "Barrel Leg Jeans, Light Wash", "Jeans", "light blue", 79),
    ("JN-BL-04", "Barrel Jeans, Mid Blue", "Jeans", "blue", 79),
    ("CD-BY-05", "Butter Yellow Knit Cardigan", "Cardigans", "butter yellow", 65),
    ("CD-CR-06", "Cropped Cardigan in Cream", "Cardigans", "cream", 59),
    ("JK-CH-07", "Chocolate Suede Jacket", "Jackets", "chocolate", 249),
    ("JK-BR-08", "Brown Suede Bomber", "Jackets", "brown", 229),
    ("BG-LV-09", "Lavender Bowling Bag", "Bags", "lavender", 120),
    ("DR-BY-10", "Butter Yellow Bubble Dress", "Dresses", "butter yellow", 110),
    ("JK-BG-11", "Beige Quilted Jacket", "Jackets", "beige", 159),
    ("TR-GR-12", "Grey Wide Leg Trousers", "Trousers", "grey", 85),
    ("SN-WH-13", "White Leather Court Sneakers", "Sneakers", "white", 99),
    ("SH-NV-14", "Navy Pique Polo Shirt", "Shirts", "navy", 45),
    ("LG-BK-15", "Black Flare Leggings", "Leggings", "black", 39),
    ("TP-PK-16", "Pink Corset Top", "Tops", "pink", 49),
    ("SN-BG-17", "Beige Chunky Dad Sneakers", "Sneakers", "beige", 109),
    ("BG-WH-18", "White Micro Bag", "Bags", "white", 69),
    ("JK-BK-19", "Black Leather Biker Jacket", "Jackets", "black", 299),
    ("JK-LB-20", "Light Wash Denim Jacket", "Jackets", "light blue", 89),
    ("CT-BG-21", "Classic Beige Trench Coat", "Coats", "beige", 189),
    ("TS-WH-22", "Organic Cotton White T-Shirt", "T-shirts", "white", 25),
    ("HD-BK-23", "Black Oversized Hoodie", "Hoodies", "black", 59),
    ("PT-OL-24", "Olive Cargo Pants", "Trousers", "olive", 75),
    ("SH-KH-25", "Khaki Chino Shorts", "Shorts", "khaki", 45),
    ("DR-BU-26", "Burgundy Satin Slip Dress", "Dresses", "burgundy", 99),
    ("DR-BK-27", "Black Maxi Dress", "Dresses", "black", 119),
    ("BZ-NV-28", "Navy Double-Breasted Blazer", "Blazers", "navy", 179),
    ("JK-BK-29", "Black Puffer Jacket", "Jackets", "black", 199),
    ("LF-BR-30", "Brown Penny Loafers", "Loafers", "brown", 135),
    ("BT-BK-31", "Black Chelsea Boots", "Boots", "black", 159),
    ("SD-TN-32", "Tan Leather Sandals", "Sandals", "tan", 69),
    ("BG-BK-33", "Black Canvas Tote Bag", "Bags", "black", 39),
    ("BG-CR-34", "Cream Shoulder Bag", "Bags", "cream", 95),
    ("SW-GR-35", "Grey Merino Sweater", "Sweaters", "grey", 89),
    ("BL-WH-36", "White Poplin Blouse", "Blouses", "white", 55),
    ("HL-RD-37", "Red Pointed Heels", "Heels", "red", 129),
    ("DR-BL-38", "Blue Shirt Dress", "Dresses", "blue", 89),
    ("SK-GN-39", "Green Pleated Mini Skirt", "Skirts", "green", 59),
    ("BP-BK-40", "Black Nylon Backpack", "Bags", "black", 79),
    ("SW-LY-41", "Lemon Yellow Crew Sweater", "Sweaters", "lemon yellow", 69),
]
OUT_OF_STOCK = {"SW-LY-41"}


def _catalogue_rows() -> list[tuple[int, dict]]:
    return [
        (
            number,
            {
                "sku": sku,
                "title": title,
                "category": category,
                "colour": colour,
                "brand": "Demo Atelier",
                "price": str(price),
                "currency": "USD",
                "url": f"https://shop.demo.trendsaas.localhost/p/{sku.lower()}",
                "in_stock": sku not in OUT_OF_STOCK,
            },
        )
        for number, (sku, title, category, colour, price) in enumerate(CATALOGUE, start=2)
    ]


def _curator(stdout: TextIO) -> User:
    from tenants.management.commands.setup_demo import DEMO_PASSWORD

    curator = User.objects.filter(email__iexact=CURATOR_EMAIL).first()
    if curator is None:
        curator = User.objects.create_user(CURATOR_EMAIL, DEMO_PASSWORD, full_name="Cora Curator", is_staff=True)
        stdout.write(f"curation: demo curator {CURATOR_EMAIL} (password {DEMO_PASSWORD}) can use /admin/")
    curator.groups.add(Group.objects.get(name="Curators"))
    return curator


def _events(tenant: Tenant, week: TrendWeek) -> list[TrackingEvent]:
    """One week of generated shop traffic: impressions and clicks of both variants."""
    rng = random.Random(f"demo-events-{week.week}")
    items = list(CuratedItem.objects.filter(collection__week=week, hidden=False).prefetch_related("matches__product"))
    products = list(Product.objects.filter(in_stock=True))
    featured = [(i, m.product) for i in items for m in i.matches.all()[:1]] or [(None, p) for p in products]
    now = timezone.now()
    span = max(int((min(week.ends_at, now) - week.starts_at).total_seconds()) - 3600, 1)
    made: list[TrackingEvent] = []

    def add(kind: str, variant: str, visitor: str, item, product, at) -> None:
        made.append(
            TrackingEvent(
                tenant=tenant, event_id=f"demo-{week.week}-{len(made)}", type=kind, variant=variant, item=item,
                product=product, placement="home-hero" if variant == "trend" else "home-grid", occurred_at=at,
                week=iso_week(at), visitor_id=visitor, session_id=f"{visitor}-s", source=TrackingEvent.Source.DEMO,
            )
        )  # fmt: skip

    for variant, rate in DEMO_CTR.items():
        for v in range(VISITORS_PER_VARIANT):
            visitor = f"demo-{week.week}-{variant}-{v}"
            start = week.starts_at + timedelta(seconds=rng.randrange(span))
            for n in range(IMPRESSIONS_PER_VISITOR):
                item, product = rng.choice(featured) if variant == "trend" else (None, rng.choice(products))
                at = start + timedelta(seconds=20 * n)
                add("impression", variant, visitor, item, product, at)
                if rng.random() < rate:
                    add("click", variant, visitor, item, product, at + timedelta(seconds=5))
    # A scraper hammering links and a blind clicker: shown in the portal as excluded, never counted.
    at = week.starts_at + timedelta(hours=30)
    item, product = featured[0]
    add("impression", "trend", f"demo-{week.week}-bot", item, product, at)
    for n in range(25):
        add("click", "trend", f"demo-{week.week}-bot", item, product, at + timedelta(seconds=n))
    for n in range(3):
        add("click", "control", f"demo-{week.week}-blind", None, products[0], at + timedelta(minutes=5 * n))
    return [e for e in made if e.week == week.week and e.occurred_at <= now]


def setup_demo(stdout: TextIO) -> None:
    tenant = Tenant.objects.filter(slug="demo").first()
    if tenant is None:
        return
    curator = _curator(stdout)
    profile = services.get_profile(tenant)
    if not profile.audience:
        profile.audience = "Women 20-35 shopping online in Korea, Japan, Europe and the US"
        profile.creator_regions = ["east_asia", "europe", "north_america"]
        profile.items_per_week, profile.keywords_per_week = 12, 12
        profile.save()
    report = upsert_products(tenant, _catalogue_rows())
    if report.count("created"):
        stdout.write(f"curation: demo catalogue of {report.count('created')} products")
    weeks = list(TrendWeek.objects.order_by("week"))
    if not weeks:
        stdout.write("curation: no trend weeks yet; run the trends step first for demo collections")
        return
    for week in weeks:
        services.build_collection(tenant, week)
        if week.is_published:
            with tenant_context(tenant):
                collection = Collection.objects.get(week=week)
            if collection.status == Collection.Status.DRAFT and services.publish(collection, curator):
                stdout.write(f"curation: published the demo collection of {week.week}")
    with tenant_context(tenant):
        published = [w for w in weeks if w.is_published][-EVENT_WEEKS:]
        for week in published:
            if not TrackingEvent.objects.filter(source=TrackingEvent.Source.DEMO, week=week.week).exists():
                made = _events(tenant, week)
                TrackingEvent.objects.bulk_create(made, batch_size=1000, ignore_conflicts=True)
                stdout.write(f"curation: {len(made)} demo events for {week.week}")
