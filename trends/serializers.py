"""API representations of published trend weeks and entries."""

from __future__ import annotations

from rest_framework import serializers

from trends.models import TrendEntry, TrendWeek


class EvidencePostSerializer(serializers.Serializer):
    post_id = serializers.IntegerField()
    platform = serializers.CharField()
    external_id = serializers.CharField()
    handle = serializers.CharField()
    posted_at = serializers.CharField(required=False)
    influence = serializers.FloatField()
    caption = serializers.CharField()
    crop_url = serializers.CharField(allow_blank=True)


class EvidenceCreatorSerializer(serializers.Serializer):
    creator_id = serializers.IntegerField()
    handle = serializers.CharField()
    platform = serializers.CharField(required=False)
    followers = serializers.IntegerField()
    influence = serializers.FloatField()


class EvidenceSerializer(serializers.Serializer):
    posts = EvidencePostSerializer(many=True)
    creators = EvidenceCreatorSerializer(many=True)


class TrendEntrySerializer(serializers.ModelSerializer):
    week = serializers.CharField(source="week.week")
    name = serializers.CharField(source="display_name")
    item = serializers.SerializerMethodField(help_text="Items only: the detected item class, else the category.")
    evidence = EvidenceSerializer()
    sparkline = serializers.SerializerMethodField(help_text="Score in the 8 weeks ending with this one, oldest first.")

    class Meta:
        model = TrendEntry
        fields = [
            "week", "kind", "rank", "key", "name", "item", "category", "colour", "segment", "label", "score",
            "growth", "posts", "creators", "sparkline", "evidence",
        ]  # fmt: skip

    def get_item(self, entry: TrendEntry) -> str | None:
        return entry.item if entry.kind == "item" else None

    def get_sparkline(self, entry: TrendEntry) -> list[float]:
        return self.context.get("sparklines", {}).get((entry.kind, entry.key), [])


class TrendWeekSerializer(serializers.ModelSerializer):
    class Meta:
        model = TrendWeek
        fields = ["week", "starts_at", "ends_at", "published_at"]
