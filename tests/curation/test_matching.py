"""Matching curated rows to the tenant's products with real MiniLM embeddings (loaded once per process)."""

from __future__ import annotations

import pytest

from curation import matching, services
from curation.catalogue import upsert_products
from curation.models import CuratedItem, CuratedKeyword, Product, ProductMatch
from curation.tasks import rematch_catalogue_task
from tenants.scoping import tenant_context


def top(tenant, model, key) -> list[str]:
    with tenant_context(tenant):
        row = model.objects.get(key=key)
        return list(ProductMatch.objects.filter(**{model.__name__.lower().replace("curated", ""): row})
                    .order_by("rank").values_list("product__sku", flat=True))  # fmt: skip


@pytest.fixture
def built_a(tenant_a, world, catalogue_a):
    services.build_collection(tenant_a, world)
    return world


def test_items_and_keywords_get_ranked_products_with_reasons(tenant_a, built_a):
    assert top(tenant_a, CuratedItem, "bottoms:light blue")[0] == "JN-LB-01"
    assert top(tenant_a, CuratedItem, "shoes:black")[0] == "LF-BK-04"
    assert top(tenant_a, CuratedItem, "outerwear:beige")[0] == "TR-BG-05"
    assert top(tenant_a, CuratedItem, "makeup:red")[0] == "LP-RD-06"
    assert top(tenant_a, CuratedKeyword, "barrel jeans")[0] == "JN-LB-01"
    with tenant_context(tenant_a):
        best = ProductMatch.objects.filter(item__key="bottoms:light blue").order_by("rank").first()
    assert best.category_agreement == 1.0 and best.colour_agreement == 1.0
    assert "same category (bottoms)" in best.reason and "same colour (light blue)" in best.reason
    assert best.score > 0.8


def test_out_of_stock_and_excluded_brands_are_never_featured(tenant_a, built_a):
    assert "JN-LB-07" not in top(tenant_a, CuratedItem, "bottoms:light blue")
    profile = services.get_profile(tenant_a)
    profile.exclude_brands = ["Northline"]
    profile.save()
    matching.rematch_catalogue(tenant_a)
    with tenant_context(tenant_a):
        assert not ProductMatch.objects.filter(product__brand="Northline").exists()


def test_unrelated_products_fall_below_the_threshold(tenant_a, built_a):
    # A lip tint shares nothing with a black hat: no forced match.
    assert "LP-RD-06" not in top(tenant_a, CuratedItem, "accessories:black")


def test_product_embeddings_are_cached_and_only_changed_products_reencoded(tenant_a, built_a, monkeypatch):
    with tenant_context(tenant_a):
        assert all(p.embedding and p.embedding_key for p in Product.objects.filter(in_stock=True))
    encoded: list[list[str]] = []
    real = matching.encode_products
    monkeypatch.setattr(matching, "encode_products", lambda texts: encoded.append(list(texts)) or real(texts))

    assert matching.rematch_catalogue(tenant_a) > 0
    assert encoded == []  # every product vector came from its row

    upsert_products(tenant_a, [(2, {"sku": "JN-BK-02", "title": "Slim Black Denim", "category": "Jeans",
                                    "colour": "black", "brand": "Northline"})])  # fmt: skip
    assert encoded == [["Slim Black Denim Jeans black"]]


def test_catalogue_change_recomputes_matches(tenant_a, built_a):
    assert top(tenant_a, CuratedItem, "accessories:black") == [] or "HT-BK-09" not in top(
        tenant_a, CuratedItem, "accessories:black"
    )
    report = upsert_products(
        tenant_a, [(2, {"sku": "HT-BK-09", "title": "Wool Fedora Hat", "category": "Hats", "colour": "black"})]
    )
    assert report.matched_now is True
    assert top(tenant_a, CuratedItem, "accessories:black")[0] == "HT-BK-09"
    # Going out of stock removes it again.
    upsert_products(tenant_a, [(2, {"sku": "HT-BK-09", "title": "Wool Fedora Hat", "category": "Hats",
                                    "colour": "black", "in_stock": "no"})])  # fmt: skip
    assert "HT-BK-09" not in top(tenant_a, CuratedItem, "accessories:black")


def test_hiding_a_row_drops_its_matches(tenant_a, built_a):
    with tenant_context(tenant_a):
        row = CuratedItem.objects.get(key="bottoms:light blue")
        row.hidden = True
        row.save()
        matching.match_collection(row.collection)
        assert not ProductMatch.objects.filter(item=row).exists()


def test_large_changes_go_to_the_worker(tenant_a, built_a, settings, monkeypatch, django_capture_on_commit_callbacks):
    settings.CATALOGUE_SYNC_MATCH_MAX = 0
    queued = []
    monkeypatch.setattr(rematch_catalogue_task, "delay", lambda tenant_id: queued.append(tenant_id))
    with django_capture_on_commit_callbacks(execute=True):
        report = upsert_products(tenant_a, [(2, {"sku": "NEW-1", "title": "Canvas Tote Bag", "category": "Bags"})])
    assert report.matched_now is False and queued == [tenant_a.pk]
    # The task is a thin wrapper that does the same work.
    assert rematch_catalogue_task(tenant_a.pk) > 0
    with tenant_context(tenant_a):
        assert Product.objects.get(sku="NEW-1").embedding_key
