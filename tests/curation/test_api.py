"""The shop's API: published collections, their rows and products, filters, pagination, the schema."""

from __future__ import annotations

import pytest

from curation import services
from curation.models import Collection, CuratedItem
from tenants.scoping import tenant_context
from tests.curation import factories


@pytest.fixture
def shop(tenant_a, api_client_for):
    return api_client_for(tenant_a)[0]


def test_only_published_collections_are_listed(tenant_a, world, shop):
    older = factories.make_week(factories.WEEKS[-2])
    factories.publish_latest(tenant_a, older)
    services.build_collection(tenant_a, world)  # a draft of the latest week
    data = shop.get("/api/v1/collections/").json()
    assert [c["week"] for c in data["results"]] == [factories.WEEKS[-2]]
    assert data["results"][0]["items"] == len(factories.ITEMS)
    assert shop.get(f"/api/v1/collections/{world.week}/").status_code == 404
    assert shop.get(f"/api/v1/collections/{world.week}/items/").status_code == 404
    services.withdraw(Collection.unscoped.get(week=older), None)
    assert shop.get("/api/v1/collections/").json()["count"] == 0


def test_week_filters_and_latest(tenant_a, shop):
    weeks = [factories.make_week(w) for w in factories.WEEKS[-3:]]
    for week in weeks:
        factories.publish_latest(tenant_a, week)
    listed = shop.get("/api/v1/collections/", {"week_from": factories.WEEKS[-2]}).json()["results"]
    assert [c["week"] for c in listed] == factories.WEEKS[-1:-3:-1]
    assert shop.get("/api/v1/collections/", {"week_to": factories.WEEKS[-3]}).json()["count"] == 1
    assert shop.get("/api/v1/collections/latest/").json()["week"] == factories.LATEST
    bad = shop.get("/api/v1/collections/", {"week": "last week"})
    assert bad.status_code == 400 and bad.json()["error"]["details"] == {"week": ["Use an ISO week like 2026-W44."]}


def test_items_with_matches_filters_and_pagination(tenant_a, catalogue_a, published_a, shop):
    with tenant_context(tenant_a):
        CuratedItem.objects.filter(key="shoes:black").update(hidden=True)
    data = shop.get("/api/v1/collections/latest/items/").json()
    assert data["count"] == len(factories.ITEMS) - 1
    first = data["results"][0]
    assert first["name"] == "Light blue jeans" and first["label"] == "breakout" and first["growth"] == 4.2
    assert first["why_chosen"].startswith("Breakout item")
    assert first["thumbnail_url"].startswith("/media/crops/")
    assert first["matched_products"][0]["product"]["sku"] == "JN-LB-01"
    assert "same category" in first["matched_products"][0]["reason"]

    page = shop.get("/api/v1/collections/latest/items/", {"page_size": 2, "page": 2}).json()
    assert page["count"] == 5 and [r["rank"] for r in page["results"]] == [4, 5]
    assert page["previous"] and page["next"]
    filtered = shop.get("/api/v1/collections/latest/items/", {"label": "rising"}).json()["results"]
    assert [r["name"] for r in filtered] == ["White shirt", "Red lip tint"]
    filtered = shop.get("/api/v1/collections/latest/items/", {"segment": "beauty", "min_score": 100}).json()
    assert [r["name"] for r in filtered["results"]] == ["Red lip tint"]
    assert shop.get("/api/v1/collections/latest/items/", {"min_score": "lots"}).status_code == 400


def test_keywords_and_featured_products(tenant_a, catalogue_a, published_a, shop):
    keywords = shop.get(f"/api/v1/collections/{published_a.week.week}/keywords/", {"label": "breakout"}).json()
    assert [k["name"] for k in keywords["results"]] == ["barrel jeans"]
    assert keywords["results"][0]["matched_products"][0]["product"]["sku"] == "JN-LB-01"

    products = shop.get("/api/v1/collections/latest/products/").json()
    by_sku = {p["product"]["sku"]: p for p in products["results"]}
    assert "JN-LB-07" not in by_sku  # out of stock
    jeans = by_sku["JN-LB-01"]
    assert {f["name"] for f in jeans["featured_for"]} >= {"Light blue jeans", "barrel jeans"}
    scores = [p["best_score"] for p in products["results"]]
    assert scores == sorted(scores, reverse=True)
    shoes = shop.get("/api/v1/collections/latest/products/", {"category": "shoes"}).json()["results"]
    assert [p["product"]["sku"] for p in shoes] == ["LF-BK-04"]


def test_schema_documents_every_endpoint_with_examples(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    paths = schema["paths"]
    for path in (
        "/api/v1/collections/",
        "/api/v1/collections/{week}/",
        "/api/v1/collections/{week}/items/",
        "/api/v1/collections/{week}/keywords/",
        "/api/v1/collections/{week}/products/",
        "/api/v1/catalogue/products",
        "/api/v1/events",
    ):
        assert path in paths, path
    put = paths["/api/v1/catalogue/products"]["put"]
    assert "examples" in put["requestBody"]["content"]["application/json"]
    assert "examples" in put["responses"]["200"]["content"]["application/json"]
    post = paths["/api/v1/events"]["post"]
    assert post["requestBody"]["content"]["application/json"]["examples"]["ABatch"]["value"]["events"]
    items = paths["/api/v1/collections/{week}/items/"]["get"]
    assert {p["name"] for p in items["parameters"]} >= {"label", "category", "colour", "min_score", "page"}


def test_the_api_needs_a_key(client):
    response = client.get("/api/v1/collections/")
    assert response.status_code == 401 and response.json()["error"]["status"] == 401
