"""Stored weekly trend snapshots: one TrendWeek, its ranked TrendEntry rows."""

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

    def __str__(self) -> str:
        return self.week

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class TrendEntry(models.Model):
    """One ranked keyword or item of a week.

    `evidence` = {"posts": [{"post_id", "platform", "external_id", "handle", "influence",
    "caption", "crop_url"}], "creators": [{"creator_id", "handle", "followers", "influence"}]}
    """

    week = models.ForeignKey(TrendWeek, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(max_length=8, choices=TrendKind.choices)
    key = models.CharField(max_length=120, help_text="keyword phrase, or item 'category:colour'")
    display_name = models.CharField(max_length=160)
    category = models.CharField(max_length=32, blank=True)
    colour = models.CharField(max_length=32, blank=True)
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
        ]
        indexes = [models.Index(fields=["kind", "key"])]

    def __str__(self) -> str:
        return f"{self.week_id}/{self.kind}/{self.rank}: {self.display_name}"
