"""API representations of collections, curated rows, products and tracking events."""

from __future__ import annotations

from rest_framework import serializers

from curation.models import Collection, CuratedItem, CuratedKeyword, Product, ProductMatch
from curation.templatetags.curation_tags import safe_url


class ProductSerializer(serializers.ModelSerializer):
    class Meta:
        model = Product
        fields = ("sku", "title", "category", "colour", "brand", "price", "currency", "url", "image_url", "in_stock",
                  "updated_at")  # fmt: skip


class ProductInputSerializer(serializers.Serializer):
    """One product of a bulk upsert (documentation; rows are validated by curation.catalogue)."""

    sku = serializers.CharField(max_length=64)
    title = serializers.CharField(max_length=300)
    category = serializers.CharField(max_length=80, required=False)
    colour = serializers.CharField(max_length=40, required=False)
    brand = serializers.CharField(max_length=80, required=False)
    price = serializers.DecimalField(max_digits=12, decimal_places=2, required=False, allow_null=True)
    currency = serializers.CharField(max_length=3, required=False, help_text="ISO 4217")
    url = serializers.URLField(required=False, help_text="http(s) product page")
    image_url = serializers.URLField(required=False)
    in_stock = serializers.BooleanField(required=False, default=True)


class MatchSerializer(serializers.ModelSerializer):
    product = ProductSerializer()

    class Meta:
        model = ProductMatch
        fields = ("rank", "score", "similarity", "reason", "product")


class CollectionSerializer(serializers.ModelSerializer):
    week = serializers.CharField(source="week.week")
    starts_at = serializers.DateTimeField(source="week.starts_at")
    ends_at = serializers.DateTimeField(source="week.ends_at")
    items = serializers.IntegerField(source="n_items", help_text="Visible curated items")
    keywords = serializers.IntegerField(source="n_keywords", help_text="Visible curated keywords")

    class Meta:
        model = Collection
        fields = ("week", "starts_at", "ends_at", "status", "published_at", "items", "keywords")


class EntrySerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="display_name")
    why_chosen = serializers.CharField(source="reason")
    curator_note = serializers.CharField(source="note")
    evidence_posts = serializers.SerializerMethodField()
    matched_products = MatchSerializer(source="matches", many=True)

    def get_evidence_posts(self, row) -> list[dict]:
        keep = ("platform", "external_id", "handle", "influence", "caption")
        return [{**{k: p.get(k) for k in keep}, "crop_url": safe_url(p.get("crop_url"))} for p in row.evidence_posts]


class ItemSerializer(EntrySerializer):
    thumbnail_url = serializers.SerializerMethodField()

    class Meta:
        model = CuratedItem
        fields = ("id", "rank", "key", "name", "category", "colour", "segment", "label", "score", "growth", "posts",
                  "creators", "pinned", "why_chosen", "curator_note", "thumbnail_url", "evidence_posts",
                  "matched_products")  # fmt: skip

    def get_thumbnail_url(self, row: CuratedItem) -> str:
        return safe_url(row.thumbnail_url)


class KeywordSerializer(EntrySerializer):
    class Meta:
        model = CuratedKeyword
        fields = ("id", "rank", "key", "name", "segment", "label", "score", "growth", "posts", "creators", "pinned",
                  "why_chosen", "curator_note", "evidence_posts", "matched_products")  # fmt: skip


class FeaturedForSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["item", "keyword"])
    id = serializers.IntegerField()
    name = serializers.CharField()
    score = serializers.FloatField()
    reason = serializers.CharField()


class FeaturedProductSerializer(serializers.Serializer):
    product = ProductSerializer()
    best_score = serializers.FloatField()
    featured_for = FeaturedForSerializer(many=True)


class EventInputSerializer(serializers.Serializer):
    """One tracking event (documentation; events are validated by curation.events)."""

    event_id = serializers.CharField(max_length=100, help_text="Your unique id; re-sending it is harmless")
    type = serializers.ChoiceField(choices=["impression", "click"])
    variant = serializers.ChoiceField(choices=["trend", "control"])
    item_id = serializers.IntegerField(required=False, help_text="A curated item's id from this API")
    product_sku = serializers.CharField(required=False, help_text="A SKU of your catalogue")
    placement = serializers.CharField(max_length=64, required=False, help_text="e.g. home-hero, pdp-carousel")
    occurred_at = serializers.DateTimeField(help_text="ISO 8601 with an offset")
    session_id = serializers.CharField(max_length=100, required=False)
    visitor_id = serializers.CharField(max_length=100, help_text="Stable anonymous visitor id")


class EventBatchSerializer(serializers.Serializer):
    events = EventInputSerializer(many=True)


class RowResultSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    sku = serializers.CharField()
    status = serializers.ChoiceField(choices=["created", "updated", "unchanged", "error"])
    errors = serializers.ListField(child=serializers.CharField())


class UpsertResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    errors = serializers.IntegerField()
    results = RowResultSerializer(many=True)


class EventResultSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    event_id = serializers.CharField()
    status = serializers.ChoiceField(choices=["accepted", "duplicate", "rejected"])
    errors = serializers.ListField(child=serializers.CharField())


class EventsResultSerializer(serializers.Serializer):
    accepted = serializers.IntegerField()
    duplicates = serializers.IntegerField()
    rejected = serializers.IntegerField()
    results = EventResultSerializer(many=True)
