"""Example payloads shown in the OpenAPI schema (docs at /api/v1/docs/)."""

PRODUCT = {
    "sku": "JN-BRL-LB-28",
    "title": "Barrel Leg Jeans, Light Wash",
    "category": "Jeans",
    "colour": "light blue",
    "brand": "Northline",
    "price": "79.00",
    "currency": "USD",
    "url": "https://shop.example/p/jn-brl-lb",
    "image_url": "https://cdn.shop.example/jn-brl-lb.jpg",
    "in_stock": True,
    "updated_at": "2026-10-28T09:12:00+09:00",
}
MATCH = {
    "rank": 1,
    "score": 0.83,
    "similarity": 0.71,
    "reason": "Text similarity 0.71; same category (bottoms); same colour (light blue)",
    "product": PRODUCT,
}
COLLECTIONS = {
    "count": 2,
    "next": None,
    "previous": None,
    "results": [
        {"week": "2026-W44", "starts_at": "2026-10-26T00:00:00+09:00", "ends_at": "2026-11-02T00:00:00+09:00",
         "status": "published", "published_at": "2026-11-02T10:00:00+09:00", "items": 12, "keywords": 12},
        {"week": "2026-W43", "starts_at": "2026-10-19T00:00:00+09:00", "ends_at": "2026-10-26T00:00:00+09:00",
         "status": "published", "published_at": "2026-10-26T10:05:00+09:00", "items": 12, "keywords": 10},
    ],
}  # fmt: skip
ITEMS = {
    "count": 1,
    "next": None,
    "previous": None,
    "results": [
        {"id": 4812, "rank": 1, "key": "bottoms:light blue", "name": "Light blue jeans", "category": "bottoms",
         "colour": "light blue", "segment": "fashion", "label": "breakout", "score": 455.0, "growth": 1.9,
         "posts": 140, "creators": 96, "pinned": False,
         "why_chosen": "Breakout item, #1 of the week (score 455), 1.9× its trailing baseline, 140 posts by 96 "
         "creators; fashion, bottoms",
         "curator_note": "Pair with the cropped white tee.",
         "thumbnail_url": "https://trendsaas.example/media/crops/2026/10/a1.jpg",
         "evidence_posts": [{"platform": "instagram", "external_id": "C9x1", "handle": "minji.style",
                             "influence": 5384.0, "caption": "the barrel jeans everyone is talking about",
                             "crop_url": "https://trendsaas.example/media/crops/2026/10/a1.jpg"}],
         "matched_products": [MATCH]},
    ],
}  # fmt: skip
KEYWORDS = {
    "count": 1,
    "next": None,
    "previous": None,
    "results": [
        {"id": 913, "rank": 1, "key": "barrel jeans", "name": "barrel jeans", "segment": "fashion",
         "label": "breakout", "score": 912.4, "growth": 4.2, "posts": 311, "creators": 187, "pinned": True,
         "why_chosen": "Breakout keyword, #1 of the week (score 912), 4.2× its trailing baseline, 311 posts by 187 "
         "creators", "curator_note": "", "evidence_posts": [], "matched_products": [MATCH]},
    ],
}  # fmt: skip
FEATURED = {
    "count": 1,
    "next": None,
    "previous": None,
    "results": [
        {"product": PRODUCT, "best_score": 0.83,
         "featured_for": [{"type": "item", "id": 4812, "name": "Light blue jeans", "score": 0.83,
                           "reason": MATCH["reason"]},
                          {"type": "keyword", "id": 913, "name": "barrel jeans", "score": 0.78,
                           "reason": "Text similarity 0.80; same category (bottoms)"}]},
    ],
}  # fmt: skip
PRODUCTS_IN = [
    {k: v for k, v in PRODUCT.items() if k != "updated_at"},
    {"sku": "TS-CRP-WH-S", "title": "Cropped Tee", "category": "T-shirts", "colour": "white", "price": "abc"},
]
PRODUCTS_OUT = {
    "created": 1,
    "updated": 0,
    "unchanged": 0,
    "errors": 1,
    "results": [
        {"index": 0, "sku": "JN-BRL-LB-28", "status": "created", "errors": []},
        {"index": 1, "sku": "TS-CRP-WH-S", "status": "error",
         "errors": ["price: 'abc' is not a number (use a dot for decimals, no thousands separators)"]},
    ],
}  # fmt: skip
EVENTS_IN = {
    "events": [
        {"event_id": "imp-7f3a-0001", "type": "impression", "variant": "trend", "item_id": 4812,
         "product_sku": "JN-BRL-LB-28", "placement": "home-hero", "occurred_at": "2026-10-28T10:14:41+09:00",
         "session_id": "s-91c2", "visitor_id": "v-5d0e"},
        {"event_id": "clk-7f3a-0002", "type": "click", "variant": "trend", "item_id": 4812,
         "product_sku": "JN-BRL-LB-28", "placement": "home-hero", "occurred_at": "2026-10-28T10:14:52+09:00",
         "session_id": "s-91c2", "visitor_id": "v-5d0e"},
        {"event_id": "imp-0a11-0003", "type": "impression", "variant": "control", "product_sku": "TS-BSC-BK-M",
         "placement": "home-grid", "occurred_at": "2026-10-28T10:15:03+09:00", "visitor_id": "v-77aa"},
    ]
}  # fmt: skip
EVENTS_OUT = {
    "accepted": 2,
    "duplicates": 1,
    "rejected": 0,
    "results": [
        {"index": 0, "event_id": "imp-7f3a-0001", "status": "duplicate", "errors": []},
        {"index": 1, "event_id": "clk-7f3a-0002", "status": "accepted", "errors": []},
        {"index": 2, "event_id": "imp-0a11-0003", "status": "accepted", "errors": []},
    ],
}
