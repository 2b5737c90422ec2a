"""The global world of influencer posts and what analysis found in them.

Not tenant-owned: every tenant reads the same world. Constraints live in the database.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class Segment(models.TextChoices):
    FASHION = "fashion", "Fashion"
    BEAUTY = "beauty", "Beauty"


class Creator(models.Model):
    platform = models.CharField(max_length=32)
    handle = models.CharField(max_length=150)
    name = models.CharField(max_length=200, blank=True)
    followers = models.PositiveBigIntegerField(default=0)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2")
    segment = models.CharField(max_length=10, choices=Segment.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["platform", "handle"]
        constraints = [
            models.UniqueConstraint(fields=["platform", "handle"], name="creator_platform_handle_unique"),
            models.CheckConstraint(condition=Q(followers__gte=0), name="creator_followers_nonnegative"),
        ]

    def __str__(self) -> str:
        return f"@{self.handle} ({self.platform})"


class AnalysisStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class Post(models.Model):
    platform = models.CharField(max_length=32)
    external_id = models.CharField(max_length=200)
    creator = models.ForeignKey(Creator, on_delete=models.CASCADE, related_name="posts")
    posted_at = models.DateTimeField()
    caption = models.TextField(blank=True)
    hashtags = models.JSONField(default=list, blank=True, help_text="Lower-case tags without '#'.")
    mentions = models.JSONField(default=list, blank=True, help_text="Handles without '@'.")
    language = models.CharField(max_length=8, blank=True, help_text="ISO 639-1 code, e.g. en, ko.")
    # Hash of caption + media references: a change re-queues analysis.
    content_hash = models.CharField(max_length=64, blank=True)
    # Latest metrics (copied from the newest snapshot) so aggregation needs no subquery.
    likes = models.PositiveBigIntegerField(default=0)
    comments = models.PositiveBigIntegerField(default=0)
    shares = models.PositiveBigIntegerField(default=0)
    views = models.PositiveBigIntegerField(default=0)
    metrics_observed_at = models.DateTimeField(null=True, blank=True)
    text_status = models.CharField(max_length=10, choices=AnalysisStatus.choices, default=AnalysisStatus.PENDING)
    vision_status = models.CharField(max_length=10, choices=AnalysisStatus.choices, default=AnalysisStatus.PENDING)
    analysis_status = models.CharField(
        max_length=10, choices=AnalysisStatus.choices, default=AnalysisStatus.PENDING, db_index=True
    )
    text_error = models.TextField(blank=True)
    # Every reason the analysis is incomplete: the text error and each failed asset's error.
    analysis_error = models.TextField(blank=True)
    analyzed_at = models.DateTimeField(null=True, blank=True)
    # Media items refused at the last ingest that have no asset row (e.g. an unknown media type).
    ingest_problems = models.JSONField(default=list, blank=True)
    ingested_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-posted_at"]
        constraints = [
            models.UniqueConstraint(fields=["platform", "external_id"], name="post_platform_external_id_unique"),
        ]
        indexes = [
            models.Index(fields=["posted_at"]),
            models.Index(fields=["creator", "posted_at"]),
            models.Index(fields=["text_status"]),
        ]

    def __str__(self) -> str:
        return f"{self.platform}:{self.external_id}"


class MetricSnapshot(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="snapshots")
    observed_at = models.DateTimeField()
    likes = models.PositiveBigIntegerField(default=0)
    comments = models.PositiveBigIntegerField(default=0)
    shares = models.PositiveBigIntegerField(default=0)
    views = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["post", "observed_at"]
        constraints = [
            models.UniqueConstraint(fields=["post", "observed_at"], name="snapshot_post_observed_unique"),
            models.CheckConstraint(
                condition=Q(likes__gte=0, comments__gte=0, shares__gte=0, views__gte=0),
                name="snapshot_metrics_nonnegative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.post} @ {self.observed_at:%Y-%m-%d %H:%M}"


class MediaKind(models.TextChoices):
    IMAGE = "image", "Image"
    VIDEO = "video", "Video"


class AssetStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    STORED = "stored", "Stored"
    ANALYZED = "analyzed", "Analyzed"
    FAILED = "failed", "Failed"


class MediaAsset(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="assets")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=8, choices=MediaKind.choices)
    source_path = models.CharField(max_length=1000, blank=True)
    source_url = models.URLField(max_length=1000, blank=True)
    file = models.FileField(upload_to="media_assets/%Y/%m/", blank=True)
    content_hash = models.CharField(max_length=64, blank=True, db_index=True)
    size_bytes = models.PositiveBigIntegerField(null=True, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    duration_seconds = models.FloatField(null=True, blank=True)
    frame_count = models.PositiveIntegerField(null=True, blank=True)
    fps = models.FloatField(null=True, blank=True)
    file_format = models.CharField(max_length=16, blank=True, help_text="e.g. JPEG, PNG, mp4")
    status = models.CharField(max_length=10, choices=AssetStatus.choices, default=AssetStatus.PENDING)
    error = models.TextField(blank=True)
    analyzed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["post", "position"]
        constraints = [
            models.UniqueConstraint(fields=["post", "position"], name="asset_post_position_unique"),
            models.CheckConstraint(condition=Q(kind__in=["image", "video"]), name="asset_kind_valid"),
            models.CheckConstraint(condition=Q(source_path__gt="") | Q(source_url__gt=""), name="asset_has_source"),
            # Stored and analysed assets always have their file in the media store.
            models.CheckConstraint(
                condition=~Q(status__in=["stored", "analyzed"]) | Q(file__gt=""), name="asset_stored_has_file"
            ),
        ]
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"{self.kind} #{self.position} of {self.post}"


class Region(models.TextChoices):
    FULL = "full", "Whole detection"
    TOP = "top", "Top (shoulders to hips)"
    BOTTOM = "bottom", "Bottom (hips to ankles)"
    SHOES = "shoes", "Shoes (around the ankles)"


class Detection(models.Model):
    """One thing seen in an image or video frame: a person's garment region or a detected item."""

    asset = models.ForeignKey(MediaAsset, on_delete=models.CASCADE, related_name="detections")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="detections")
    frame_time = models.FloatField(null=True, blank=True, help_text="Seconds into a video; empty for images.")
    label = models.CharField(max_length=64, help_text="Model class, e.g. person, jeans.")
    category = models.CharField(max_length=32, help_text="Garment category: tops, bottoms, shoes, …")
    confidence = models.FloatField()
    # Box normalised to 0..1 of the image width and height.
    x1 = models.FloatField()
    y1 = models.FloatField()
    x2 = models.FloatField()
    y2 = models.FloatField()
    region = models.CharField(max_length=8, choices=Region.choices, default=Region.FULL)
    colour_name = models.CharField(max_length=32, blank=True)
    colour_rgb = models.CharField(max_length=7, blank=True, help_text="#rrggbb")
    crop = models.ImageField(upload_to="crops/%Y/%m/", blank=True)

    class Meta:
        ordering = ["asset", "frame_time", "-confidence"]
        constraints = [
            models.CheckConstraint(
                condition=Q(confidence__gte=0, confidence__lte=1), name="detection_confidence_range"
            ),
            models.CheckConstraint(
                condition=Q(x1__gte=0, y1__gte=0, x2__lte=1, y2__lte=1, x1__lte=models.F("x2"), y1__lte=models.F("y2")),
                name="detection_box_normalised",
            ),
        ]
        indexes = [models.Index(fields=["category", "colour_name"])]

    def __str__(self) -> str:
        return f"{self.colour_name} {self.category} ({self.confidence:.2f})"


class KeywordSource(models.TextChoices):
    CAPTION = "caption", "Caption"
    HASHTAG = "hashtag", "Hashtag"


class PostKeyword(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="keywords")
    phrase = models.CharField(
        max_length=120, help_text="Normalised form: analysis.pipeline.normalize.normalize_keyword()."
    )
    display = models.CharField(max_length=120)
    score = models.FloatField()
    source = models.CharField(max_length=8, choices=KeywordSource.choices)

    class Meta:
        ordering = ["post", "-score"]
        constraints = [
            models.UniqueConstraint(fields=["post", "phrase", "source"], name="postkeyword_unique"),
            models.CheckConstraint(condition=Q(phrase__gt=""), name="postkeyword_phrase_not_empty"),
            models.CheckConstraint(condition=Q(score__gte=0, score__lte=1), name="postkeyword_score_range"),
        ]
        indexes = [models.Index(fields=["phrase"])]

    def __str__(self) -> str:
        return self.display
