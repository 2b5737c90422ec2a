"""Match curated items and keywords to the tenant's products: "feature these products".

score = 0.6 · cosine(text embeddings) + 0.25 · category agreement + 0.15 · colour agreement.
Embeddings come from the MiniLM sentence encoder the analysis pipeline loads; product vectors are
cached on the Product row with a hash of their text, so re-matching re-encodes only changed products.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction

from curation.models import Collection, CuratedEntry, CuratedItem, CuratedKeyword, Product, ProductMatch
from curation.taxonomy import canonical_category, colour_agreement, colour_in_text, words
from tenants.models import Tenant
from tenants.scoping import tenant_context

if TYPE_CHECKING:
    import numpy as np

WEIGHT_SIMILARITY, WEIGHT_CATEGORY, WEIGHT_COLOUR = 0.6, 0.25, 0.15
TOP_MATCHES = 5
MIN_SCORE = 0.45
# Catalogue changes re-match the collections of this many most recent weeks; older weeks keep the
# matches they were published with.
REMATCH_WEEKS = 8


def encode_phrases(texts: Sequence[str]) -> np.ndarray:
    """Unit-length float32 MiniLM embeddings, one row per text, through the analysis pipeline's
    process-wide phrase cache (trend names and product texts recur across rebuilds)."""
    from analysis.embeddings import phrase_cache

    return phrase_cache().vectors(list(texts))


def encode_products(texts: Sequence[str]) -> np.ndarray:
    """Embeddings of product texts whose cached vector is missing or stale."""
    return encode_phrases(texts)


def _model_tag() -> str:
    from analysis.embeddings import model_tag

    return model_tag()


def product_text(product: Product) -> str:
    return " ".join(part for part in (product.title, product.category, product.colour) if part)


def entry_text(row: CuratedEntry) -> str:
    if isinstance(row, CuratedItem):
        return " ".join(part for part in (row.display_name, row.colour, row.category) if part)
    return row.display_name


def _text_key(text: str, tag: str) -> str:
    return hashlib.sha256(f"{tag}\n{text}".encode()).hexdigest()


def product_vectors(products: list[Product]) -> np.ndarray:
    """Embeddings of `products` (of the current tenant), encoding and caching only those whose text changed."""
    import numpy as np

    tag = _model_tag()
    keys = [_text_key(product_text(p), tag) for p in products]
    stale = [(p, k) for p, k in zip(products, keys, strict=True) if p.embedding_key != k or not p.embedding]
    if stale:
        vectors = encode_products([product_text(p) for p, _ in stale])
        for (product, key), vector in zip(stale, vectors, strict=True):
            product.embedding = np.asarray(vector, dtype=np.float32).tobytes()
            product.embedding_key = key
        Product.objects.bulk_update([p for p, _ in stale], ["embedding", "embedding_key"], batch_size=500)
    return np.stack([np.frombuffer(bytes(p.embedding), dtype=np.float32) for p in products])


def _facets(row: CuratedEntry) -> tuple[str, str]:
    if isinstance(row, CuratedItem):
        return canonical_category(row.category) or row.category.lower(), row.colour
    return canonical_category(row.display_name), colour_in_text(row.display_name)


def _reason(similarity: float, category: str, category_score: float, colour: str, colour_score: float) -> str:
    parts = [f"text similarity {similarity:.2f}"]
    if category_score:
        parts.append(f"same category ({category})")
    if colour_score == 1.0:
        parts.append(f"same colour ({colour})")
    elif colour_score:
        parts.append(f"similar colour ({colour})")
    return "; ".join(parts).capitalize()


def match_rows(tenant: Tenant, rows: list[CuratedEntry]) -> int:
    """Replace the product matches of `rows` (one tenant's items and keywords); return matches made."""
    import numpy as np

    from curation.services import get_profile

    with tenant_context(tenant):
        brands = [tuple(words(b)) for b in get_profile(tenant).exclude_brands]
        products = [
            p for p in Product.objects.filter(in_stock=True).order_by("pk") if tuple(words(p.brand)) not in brands
        ]
        rows = [row for row in rows if not row.hidden]
        matches: list[ProductMatch] = []
        if products and rows:
            vectors = product_vectors(products)
            texts = sorted({entry_text(row) for row in rows})
            text_vectors = dict(zip(texts, encode_phrases(texts), strict=True))
            product_facets = [
                (
                    canonical_category(p.category) or canonical_category(p.title),
                    p.colour or colour_in_text(p.title),
                )
                for p in products
            ]
            for row in rows:
                similarity = vectors @ np.asarray(text_vectors[entry_text(row)], dtype=np.float32)
                category, colour = _facets(row)
                cat = np.array([float(bool(category) and category == c) for c, _ in product_facets])
                col = np.array([colour_agreement(colour, pc) for _, pc in product_facets])
                score = WEIGHT_SIMILARITY * similarity + WEIGHT_CATEGORY * cat + WEIGHT_COLOUR * col
                best = [i for i in np.argsort(-score, kind="stable")[:TOP_MATCHES] if score[i] >= MIN_SCORE]
                for rank, i in enumerate(best, start=1):
                    matches.append(
                        ProductMatch(
                            tenant=tenant,
                            product=products[i],
                            item=row if isinstance(row, CuratedItem) else None,
                            keyword=row if isinstance(row, CuratedKeyword) else None,
                            rank=rank,
                            score=round(float(score[i]), 4),
                            similarity=round(float(similarity[i]), 4),
                            category_agreement=float(cat[i]),
                            colour_agreement=float(col[i]),
                            reason=_reason(float(similarity[i]), category, cat[i], colour, col[i]),
                        )
                    )
        with transaction.atomic():
            item_ids = [r.pk for r in rows if isinstance(r, CuratedItem)]
            keyword_ids = [r.pk for r in rows if isinstance(r, CuratedKeyword)]
            ProductMatch.objects.filter(item_id__in=item_ids).delete()
            ProductMatch.objects.filter(keyword_id__in=keyword_ids).delete()
            ProductMatch.objects.bulk_create(matches, batch_size=500)
        return len(matches)


def match_collection(collection: Collection) -> int:
    """Recompute the matches of every item and keyword of one collection (hidden rows get none)."""
    return match_collections(collection.tenant, [collection])


def match_collections(tenant: Tenant, collections: Iterable[Collection]) -> int:
    with tenant_context(tenant):
        ids = [c.pk for c in collections]
        rows: list[CuratedEntry] = [*CuratedItem.objects.filter(collection_id__in=ids)]
        rows += CuratedKeyword.objects.filter(collection_id__in=ids)
        # Rows a curator has just hidden lose their matches too.
        ProductMatch.objects.filter(item__collection_id__in=ids, item__hidden=True).delete()
        ProductMatch.objects.filter(keyword__collection_id__in=ids, keyword__hidden=True).delete()
        return match_rows(tenant, rows)


def rematch_catalogue(tenant: Tenant) -> int:
    """After a catalogue change: re-match the draft and published collections of recent weeks."""
    with tenant_context(tenant):
        collections = list(
            Collection.objects.exclude(status=Collection.Status.WITHDRAWN).order_by("-week__week")[:REMATCH_WEEKS]
        )
    return match_collections(tenant, collections)


def needs_encoding(tenant: Tenant) -> int:
    """How many in-stock products have no embedding for their current text."""
    tag = _model_tag()
    with tenant_context(tenant):
        return sum(
            1
            for p in Product.objects.filter(in_stock=True).only("title", "category", "colour", "embedding_key")
            if p.embedding_key != _text_key(product_text(p), tag)
        )


def schedule_rematch(tenant: Tenant) -> bool:
    """Re-match now for a small change, in the worker for a large one; True if it ran now."""
    if needs_encoding(tenant) > settings.CATALOGUE_SYNC_MATCH_MAX:
        from curation.tasks import rematch_catalogue_task

        transaction.on_commit(lambda: rematch_catalogue_task.delay(tenant.pk))
        return False
    rematch_catalogue(tenant)
    return True
