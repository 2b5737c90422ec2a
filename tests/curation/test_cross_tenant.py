"""Tenant A's people and keys never see, list, change or delete tenant B's curation data (404, never 403)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from curation import catalogue, events, services
from curation.models import CuratedItem, CuratedKeyword, Product, TrackingEvent
from tenants.scoping import tenant_context
from tests.curation import factories

HEADER = "sku,title,category,colour\n"


@pytest.fixture
def two_shops(tenant_a, tenant_b, world):
    """B has a published collection and a catalogue; A has only a draft of the same week."""
    factories.publish_latest(tenant_b, world)
    catalogue.import_csv(tenant_b, (HEADER + "SHARED-1,B's jeans,Jeans,light blue\n").encode())
    services.build_collection(tenant_a, world)
    with tenant_context(tenant_b):
        return {
            "item": CuratedItem.objects.get(key="bottoms:light blue"),
            "keyword": CuratedKeyword.objects.get(key="barrel jeans"),
            "week": world.week,
        }


def test_portal_pages_under_own_slug_never_show_b(tenant_a, owner_a, client_for, two_shops):
    client = client_for(owner_a)
    slug = tenant_a.slug
    assert client.get(reverse("tenant:item", args=[slug, two_shops["item"].pk])).status_code == 404
    assert client.get(reverse("tenant:keyword", args=[slug, two_shops["keyword"].pk])).status_code == 404
    assert client.get(reverse("tenant:collection", args=[slug, two_shops["week"]])).status_code == 404
    assert client.get(reverse("tenant:collection-export", args=[slug, two_shops["week"]])).status_code == 404
    dashboard = client.get(reverse("tenant:dashboard", args=[slug])).content.decode()
    assert "not published yet" in dashboard  # B's published week does not leak into A's dashboard
    assert two_shops["week"] not in client.get(reverse("tenant:archive", args=[slug])).content.decode()
    assert "SHARED-1" not in client.get(reverse("tenant:catalogue", args=[slug])).content.decode()


@pytest.mark.parametrize(
    "name,args",
    [
        ("dashboard", []),
        ("archive", []),
        ("collection", ["week"]),
        ("collection-export", ["week"]),
        ("item", ["item"]),
        ("keyword", ["keyword"]),
        ("curation", []),
        ("catalogue", []),
        ("ctr", []),
    ],
)
def test_every_page_of_b_is_404_for_a_member(tenant_b, owner_a, client_for, two_shops, name, args):
    values = {"week": two_shops["week"], "item": two_shops["item"].pk, "keyword": two_shops["keyword"].pk}
    path = reverse(f"tenant:{name}", args=[tenant_b.slug, *[values[a] for a in args]])
    client = client_for(owner_a)
    assert client.get(path).status_code == 404
    assert client.post(path, {}).status_code == 404


def test_writes_stay_in_their_own_tenant(tenant_a, tenant_b, owner_a, client_for, two_shops):
    client = client_for(owner_a)
    client.post(
        reverse("tenant:curation", args=[tenant_a.slug]),
        {"audience": "A's audience", "items_per_week": 3, "keywords_per_week": 3},
    )
    assert services.get_profile(tenant_a).audience == "A's audience"
    assert services.get_profile(tenant_b).audience == ""
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("c.csv", (HEADER + "SHARED-1,A's jeans,Jeans,black\n").encode(), "text/csv")
    client.post(reverse("tenant:catalogue", args=[tenant_a.slug]), {"file": upload})
    with tenant_context(tenant_b):
        assert Product.objects.get(sku="SHARED-1").title == "B's jeans"
    with tenant_context(tenant_a):
        assert Product.objects.get(sku="SHARED-1").title == "A's jeans"


def test_api_key_of_a_never_reaches_b(tenant_a, tenant_b, api_client_for, two_shops):
    shop, _ = api_client_for(tenant_a)
    week = two_shops["week"]
    assert shop.get("/api/v1/collections/").json()["count"] == 0
    for path in ("", "items/", "keywords/", "products/"):
        response = shop.get(f"/api/v1/collections/{week}/{path}")
        assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    assert shop.get("/api/v1/collections/latest/").status_code == 404
    assert shop.get("/api/v1/catalogue/products").json()["count"] == 0
    result = shop.put("/api/v1/catalogue/products", [{"sku": "SHARED-1", "title": "A's"}], format="json").json()
    assert result["results"][0]["status"] == "created"
    with tenant_context(tenant_b):
        assert Product.objects.get(sku="SHARED-1").title == "B's jeans"


def test_events_cannot_point_at_b(tenant_a, tenant_b, api_client_for, two_shops):
    shop, _ = api_client_for(tenant_a)
    batch = {"events": [
        {"event_id": "x1", "type": "click", "variant": "trend", "item_id": two_shops["item"].pk,
         "occurred_at": "2026-10-28T10:00:00Z", "visitor_id": "v"},
        {"event_id": "x2", "type": "click", "variant": "trend", "product_sku": "SHARED-1",
         "occurred_at": "2026-10-28T10:00:00Z", "visitor_id": "v"},
    ]}  # fmt: skip
    data = shop.post("/api/v1/events", batch, format="json").json()
    assert data["rejected"] == 2
    assert "no curated item" in data["results"][0]["errors"][0]
    # The same event id in B is a different event: ids are unique per tenant.
    events.record_events(tenant_b, [{**batch["events"][1], "event_id": "x1"}])
    with tenant_context(tenant_a):
        assert TrackingEvent.objects.count() == 0
    with tenant_context(tenant_b):
        assert TrackingEvent.objects.count() == 1


def test_ctr_figures_are_per_tenant(tenant_a, tenant_b, owner_a, client_for, two_shops):
    events.record_events(
        tenant_b,
        [{"event_id": f"b{i}", "type": "impression", "variant": "trend", "product_sku": "SHARED-1",
          "occurred_at": "2026-10-28T10:00:00Z", "visitor_id": "v"} for i in range(5)],
    )  # fmt: skip
    page = client_for(owner_a).get(reverse("tenant:ctr", args=[tenant_a.slug])).content.decode()
    assert "No impressions or clicks reported yet" in page
