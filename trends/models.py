"""Weekly trends: the published snapshot (TrendWeek, TrendEntry) and the engine's weekly tables.

TrendWeek/TrendEntry are the contract other apps read. WeekStats, CreatorWeek, PostInfluence and
KeyStat are what the engine aggregates in the database for every ISO week; KeyStat keeps every key
of a week (not only the ranked ones), so later weeks have a baseline and sparklines have history.
See docs/trends.md for the formulas.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class TrendKind(models.TextChoices):
    KEYWORD = "keyword", "Keyword"
    ITEM = "item", "Item"


class TrendLabel(models.TextChoices):
    NEW = "new", "New"
    RISING = "rising", "Rising"
    BREAKOUT = "breakout", "Breakout"
    STEADY = "steady", "Steady"
    DECLINING = "declining", "Declining"


class TrendWeek(models.Model):
    class Status(models.TextChoices):
        COMPUTED = "computed", "Computed"
        PUBLISHED = "published", "Published"

    week = models.CharField(max_length=8, unique=True, help_text="ISO week, e.g. 2026-W44")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.COMPUTED)
    computed_at = models.DateTimeField()
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-week"]
        permissions = [("publish_trendweek", "Can publish trend weeks (they become read-only)")]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["computed", "published"]), name="trendweek_status_valid"),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False), name="trendweek_published_has_date"
            ),
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="trendweek_range_valid"),
        ]

    def __str__(self) -> str:
        return self.week

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class TrendEntry(models.Model):
    """One ranked keyword or item of a week.

    `evidence` = {"posts": [{"post_id", "platform", "external_id", "handle", "influence",
    "caption", "crop_url"}], "creators": [{"creator_id", "handle", "platform", "followers", "influence"}]}
    """

    week = models.ForeignKey(TrendWeek, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(max_length=8, choices=TrendKind.choices)
    key = models.CharField(max_length=120, help_text="keyword phrase, or item 'category:colour[:label]'")
    display_name = models.CharField(max_length=160)
    category = models.CharField(max_length=32, blank=True)
    colour = models.CharField(max_length=32, blank=True)
    item_label = models.CharField(max_length=64, blank=True, help_text="Detected item class, if the model has one.")
    segment = models.CharField(max_length=10, blank=True, help_text="Dominant creator segment, if any.")
    rank = models.PositiveIntegerField()
    score = models.FloatField()
    label = models.CharField(max_length=10, choices=TrendLabel.choices)
    growth = models.FloatField(null=True, blank=True)
    posts = models.PositiveIntegerField()
    creators = models.PositiveIntegerField()
    evidence = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["week", "kind", "rank"]
        verbose_name_plural = "trend entries"
        constraints = [
            models.UniqueConstraint(fields=["week", "kind", "key"], name="trendentry_week_kind_key_unique"),
            models.UniqueConstraint(fields=["week", "kind", "rank"], name="trendentry_week_kind_rank_unique"),
            models.CheckConstraint(condition=Q(rank__gte=1), name="trendentry_rank_positive"),
            models.CheckConstraint(condition=Q(kind__in=["keyword", "item"]), name="trendentry_kind_valid"),
            models.CheckConstraint(
                condition=Q(label__in=["new", "rising", "breakout", "steady", "declining"]),
                name="trendentry_label_valid",
            ),
        ]
        indexes = [models.Index(fields=["kind", "key"]), models.Index(fields=["week", "kind", "label"])]

    def __str__(self) -> str:
        return f"{self.week_id}/{self.kind}/{self.rank}: {self.display_name}"

    @property
    def item(self) -> str:
        """What the export calls the item: the detected class, else the garment category."""
        return self.item_label or self.category


class WeekStats(models.Model):
    """The aggregated world of one ISO week: totals, and (through KeyStat) every key's figures."""

    week = models.CharField(max_length=8, unique=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    posts = models.PositiveIntegerField(default=0)
    creators = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField()
    # Platform priors and parameters the week was computed with, for audit and docs.
    params = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-week"]
        verbose_name_plural = "week stats"

    def __str__(self) -> str:
        return f"stats {self.week}"


# CreatorWeek and PostInfluence are derived rows the engine rewrites wholesale, hundreds of thousands
# a week: their references to analysis rows carry no database constraint (a deferred check per row
# at commit costs more than the aggregation itself); Django still cascades deletes to them.


class CreatorWeek(models.Model):
    """A creator's typical engagement as of a week: mean ln(1 + engagement) over recent posts."""

    # The unique constraint below starts with stats: no separate index.
    stats = models.ForeignKey(WeekStats, on_delete=models.CASCADE, related_name="+", db_index=False)
    creator = models.ForeignKey(
        "analysis.Creator", on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    posts = models.PositiveIntegerField()
    log_engagement = models.FloatField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["stats", "creator"], name="creatorweek_unique")]

    def __str__(self) -> str:
        return f"creator {self.creator_id} as of stats {self.stats_id}"


class PostInfluence(models.Model):
    """The influence of one post of the week (docs/trends.md), computed in one INSERT … SELECT."""

    # The unique constraint below starts with stats: no separate index.
    stats = models.ForeignKey(WeekStats, on_delete=models.CASCADE, related_name="+", db_index=False)
    post = models.ForeignKey("analysis.Post", on_delete=models.CASCADE, related_name="+", db_constraint=False)
    creator = models.ForeignKey(
        "analysis.Creator", on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    engagement = models.FloatField(help_text="Weighted likes, comments, shares and views (latest metrics).")
    interactions = models.FloatField(help_text="Weighted likes, comments and shares: the real-engagement gate.")
    performance = models.FloatField(help_text="sqrt of engagement over the creator's typical, capped.")
    influence = models.FloatField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["stats", "post"], name="postinfluence_unique")]

    def __str__(self) -> str:
        return f"post {self.post_id}: {self.influence:.2f}"


class KeyStat(models.Model):
    """One keyword or item of one week, whatever its rank: the baseline of later weeks."""

    stats = models.ForeignKey(WeekStats, on_delete=models.CASCADE, related_name="keys", db_index=False)
    kind = models.CharField(max_length=8, choices=TrendKind.choices)
    key = models.CharField(max_length=120)
    # Spacing- and plural-free form of the key: history is matched on it (trends.engine.keys.compact).
    compact = models.CharField(max_length=120)
    score = models.FloatField(help_text="raw_score times the share of creators with real engagement.")
    raw_score = models.FloatField(help_text="Sum over creators of each creator's best post influence.")
    posts = models.PositiveIntegerField()
    creators = models.PositiveIntegerField()
    real_creators = models.PositiveIntegerField(help_text="Creators with real engagement on this key.")
    top_share = models.FloatField(help_text="The strongest creator's share of raw_score.")
    segment = models.CharField(max_length=10, blank=True, help_text="Segment of at least 60 % of its creators.")
    evergreen = models.BooleanField(db_default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["stats", "kind", "key"], name="keystat_unique")]
        indexes = [models.Index(fields=["kind", "compact"])]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}"


class PhraseKey(models.Model):
    """Which key each keyword phrase of the week counts under (near-duplicate phrasings share one)."""

    # The unique constraint below starts with stats: no separate index.
    stats = models.ForeignKey(WeekStats, on_delete=models.CASCADE, related_name="+", db_index=False)
    phrase = models.CharField(max_length=120)
    key = models.CharField(max_length=120)
    compact = models.CharField(max_length=120)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["stats", "phrase"], name="phrasekey_unique")]

    def __str__(self) -> str:
        return f"{self.phrase} → {self.key}"


class KeywordAlias(models.Model):
    """A keyword merged into another for good, found by embeddings or set by staff.

    `alias` is the compact form (trends.engine.keys.compact) of the merged phrase, `key` the phrase it
    counts as from then on.
    """

    class Source(models.TextChoices):
        EMBEDDING = "embedding", "Sentence embeddings"
        MANUAL = "manual", "Set by staff"

    alias = models.CharField(max_length=120, unique=True)
    key = models.CharField(max_length=120)
    similarity = models.FloatField(null=True, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MANUAL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["key", "alias"]
        verbose_name_plural = "keyword aliases"
        constraints = [models.CheckConstraint(condition=~Q(alias=models.F("key")), name="keywordalias_not_self")]

    def __str__(self) -> str:
        return f"{self.alias} → {self.key}"
