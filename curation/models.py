"""Per-client curation: profiles, weekly collections, the catalogue, matches and tracking events.

Every model here belongs to one tenant (TenantOwnedModel): `objects` is scoped and fails closed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from analysis.models import Segment
from tenants.scoping import TenantOwnedModel
from trends.models import TrendEntry, TrendLabel, TrendWeek

MAX_PER_WEEK = 100


class CurationProfile(TenantOwnedModel):
    """What a client wants from the global trends. Empty lists mean "no restriction"."""

    segments = models.JSONField(default=list, blank=True, help_text="fashion and/or beauty; empty = all")
    include_categories = models.JSONField(default=list, blank=True, help_text="Only these item categories.")
    exclude_categories = models.JSONField(default=list, blank=True)
    exclude_brands = models.JSONField(default=list, blank=True, help_text="Trends and products naming these go.")
    audience = models.CharField(max_length=200, blank=True, help_text="Who the shop sells to, for curators.")
    creator_countries = models.JSONField(default=list, blank=True, help_text="ISO 3166-1 alpha-2 codes")
    creator_regions = models.JSONField(default=list, blank=True, help_text="Region codes, see curation.taxonomy")
    items_per_week = models.PositiveSmallIntegerField(default=12)
    keywords_per_week = models.PositiveSmallIntegerField(default=12)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta(TenantOwnedModel.Meta):
        constraints = [
            models.UniqueConstraint(fields=["tenant"], name="curationprofile_one_per_tenant"),
            models.CheckConstraint(
                condition=Q(items_per_week__gte=1, items_per_week__lte=MAX_PER_WEEK), name="profile_items_range"
            ),
            models.CheckConstraint(
                condition=Q(keywords_per_week__gte=0, keywords_per_week__lte=MAX_PER_WEEK),
                name="profile_keywords_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Curation profile of {self.tenant_id}"


class Collection(TenantOwnedModel):
    """One tenant's curated selection of one global trend week."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        WITHDRAWN = "withdrawn", "Withdrawn"

    # PROTECT: a week a client's collection was built from must not vanish under the curators' edits.
    week = models.ForeignKey(TrendWeek, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    built_at = models.DateTimeField(null=True, blank=True, help_text="Last time the weekly job refreshed it.")
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta(TenantOwnedModel.Meta):
        ordering = ["-week__week"]
        permissions = [("publish_collection", "Can publish and withdraw collections")]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "week"], name="collection_tenant_week_unique"),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "published", "withdrawn"]), name="collection_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False), name="collection_published_has_date"
            ),
        ]
        indexes = [models.Index(fields=["tenant", "status"])]

    def __str__(self) -> str:
        return f"{self.week_id and self.week.week} · {self.tenant.name if self.tenant_id else '?'}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class CuratedEntry(TenantOwnedModel):
    """Fields shared by curated items and keywords: the trend's figures plus the curator's edits."""

    source = models.ForeignKey(
        TrendEntry, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", help_text="Empty if by hand."
    )
    key = models.CharField(max_length=120, help_text="The trend's key; rebuilds find the row by it.")
    display_name = models.CharField(max_length=160)
    segment = models.CharField(max_length=10, choices=Segment.choices, blank=True)
    rank = models.PositiveIntegerField(default=1)
    score = models.FloatField(default=0)
    label = models.CharField(max_length=10, choices=TrendLabel.choices, blank=True)
    growth = models.FloatField(null=True, blank=True)
    posts = models.PositiveIntegerField(default=0)
    creators = models.PositiveIntegerField(default=0)
    reason = models.TextField(blank=True, help_text="Why it was chosen.")
    evidence = models.JSONField(default=dict, blank=True)
    pinned = models.BooleanField(default=False, help_text="Kept at the top and through every rebuild.")
    hidden = models.BooleanField(default=False, help_text="Not shown to the client; kept through rebuilds.")
    note = models.TextField(blank=True, help_text="Curator's note, shown to the client.")
    added_by_hand = models.BooleanField(default=False)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    edited_at = models.DateTimeField(null=True, blank=True)
    refreshed_at = models.DateTimeField(null=True, blank=True, help_text="Last refresh from the trend week.")

    class Meta(TenantOwnedModel.Meta):
        abstract = True
        ordering = ["-pinned", "rank", "id"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def is_curated(self) -> bool:
        """A curator touched it: rebuilds must leave it exactly as it is."""
        return self.pinned or self.hidden or bool(self.note) or self.added_by_hand or self.edited_at is not None

    @property
    def evidence_posts(self) -> list[dict]:
        return list((self.evidence or {}).get("posts", []))

    @property
    def evidence_creators(self) -> list[dict]:
        return list((self.evidence or {}).get("creators", []))


class CuratedItem(CuratedEntry):
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="items")
    category = models.CharField(max_length=32, blank=True)
    colour = models.CharField(max_length=32, blank=True)

    class Meta(CuratedEntry.Meta):
        constraints = [models.UniqueConstraint(fields=["collection", "key"], name="curateditem_collection_key_unique")]
        indexes = [models.Index(fields=["collection", "hidden", "rank"])]

    @property
    def thumbnail_url(self) -> str:
        for post in self.evidence_posts:
            if post.get("crop_url"):
                return post["crop_url"]
        return ""


class CuratedKeyword(CuratedEntry):
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="keywords")

    class Meta(CuratedEntry.Meta):
        constraints = [
            models.UniqueConstraint(fields=["collection", "key"], name="curatedkeyword_collection_key_unique")
        ]
        indexes = [models.Index(fields=["collection", "hidden", "rank"])]


class Product(TenantOwnedModel):
    """One product of the client's catalogue, upserted by SKU."""

    sku = models.CharField(max_length=64)
    title = models.CharField(max_length=300)
    category = models.CharField(max_length=80, blank=True)
    colour = models.CharField(max_length=40, blank=True)
    brand = models.CharField(max_length=80, blank=True)
    price = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True, help_text="ISO 4217, e.g. USD, KRW")
    url = models.URLField(max_length=1000, blank=True)
    image_url = models.URLField(max_length=1000, blank=True)
    in_stock = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # float32 text embedding and the hash of the text and model it was made from: re-matching re-encodes
    # only products whose text changed.
    embedding = models.BinaryField(null=True, blank=True, editable=False)
    embedding_key = models.CharField(max_length=64, blank=True, editable=False)

    class Meta(TenantOwnedModel.Meta):
        ordering = ["sku"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "sku"], name="product_tenant_sku_unique"),
            models.CheckConstraint(condition=Q(price__isnull=True) | Q(price__gte=0), name="product_price_nonnegative"),
        ]
        indexes = [models.Index(fields=["tenant", "category"])]

    def __str__(self) -> str:
        return f"{self.sku} · {self.title}"


class ProductMatch(TenantOwnedModel):
    """A product worth featuring for one curated item or keyword, with its score and reason."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="matches")
    item = models.ForeignKey(CuratedItem, null=True, blank=True, on_delete=models.CASCADE, related_name="matches")
    keyword = models.ForeignKey(CuratedKeyword, null=True, blank=True, on_delete=models.CASCADE, related_name="matches")
    rank = models.PositiveSmallIntegerField()
    score = models.FloatField()
    similarity = models.FloatField(help_text="Cosine similarity of the text embeddings.")
    category_agreement = models.FloatField(default=0)
    colour_agreement = models.FloatField(default=0)
    reason = models.CharField(max_length=300)

    class Meta(TenantOwnedModel.Meta):
        ordering = ["rank"]
        constraints = [
            models.CheckConstraint(
                condition=Q(item__isnull=False, keyword__isnull=True) | Q(item__isnull=True, keyword__isnull=False),
                name="productmatch_item_xor_keyword",
            ),
            models.UniqueConstraint(
                fields=["item", "product"], condition=Q(item__isnull=False), name="productmatch_item_product_unique"
            ),
            models.UniqueConstraint(
                fields=["keyword", "product"],
                condition=Q(keyword__isnull=False),
                name="productmatch_keyword_product_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} for {self.item_id or self.keyword_id} ({self.score:.2f})"


class TrackingEvent(TenantOwnedModel):
    """An impression or click the shop (or a signed link) reported. Unique by the client's event id."""

    class Type(models.TextChoices):
        IMPRESSION = "impression", "Impression"
        CLICK = "click", "Click"

    class Variant(models.TextChoices):
        TREND = "trend", "Trend-curated"
        CONTROL = "control", "Control"

    class Source(models.TextChoices):
        API = "api", "Shop API"
        LINK = "link", "Signed link"
        DEMO = "demo", "Demo events"

    event_id = models.CharField(max_length=100)
    type = models.CharField(max_length=10, choices=Type.choices)
    variant = models.CharField(max_length=8, choices=Variant.choices)
    item = models.ForeignKey(CuratedItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    product = models.ForeignKey(Product, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    placement = models.CharField(max_length=64, blank=True)
    occurred_at = models.DateTimeField()
    week = models.CharField(max_length=8, help_text="ISO week of occurred_at, in settings.TIME_ZONE")
    session_id = models.CharField(max_length=100, blank=True)
    visitor_id = models.CharField(max_length=100)
    source = models.CharField(max_length=6, choices=Source.choices, default=Source.API)
    flagged_bot = models.BooleanField(default=False, help_text="Known crawler or link scanner (user agent).")
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta(TenantOwnedModel.Meta):
        ordering = ["-occurred_at"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "event_id"], name="trackingevent_tenant_event_id_unique"),
            models.CheckConstraint(condition=Q(type__in=["impression", "click"]), name="trackingevent_type_valid"),
            models.CheckConstraint(condition=Q(variant__in=["trend", "control"]), name="trackingevent_variant_valid"),
        ]
        indexes = [
            # Covers the CTR report's grouping.
            models.Index(fields=["tenant", "week", "variant", "type", "source"]),
            # The bot rules: each visitor's clicks in time order, and whether a visitor had impressions.
            models.Index(fields=["tenant", "type", "visitor_id", "occurred_at"]),
            # Crawler clicks are rare; the CTR report finds them without scanning every event.
            models.Index(fields=["tenant", "visitor_id"], condition=Q(flagged_bot=True), name="trackingevent_bot_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.variant} {self.event_id}"
