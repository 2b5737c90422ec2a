"""Staff admin for the analysed world: what came in, what the analysis found, and why anything failed.

Ingested data is read-only here (it comes from sources, not from hands); staff can delete, and
re-queue analysis with an action.
"""

from __future__ import annotations

import re

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from analysis import services
from analysis.models import Creator, Detection, MediaAsset, MediaKind, MetricSnapshot, Post, PostKeyword

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def thumbnail(file, height: int = 64) -> str:
    if not file:
        return "—"
    return format_html('<img src="{}" alt="" style="max-height:{}px;max-width:{}px">', file.url, height, height * 2)


def colour_swatch(name: str, rgb: str) -> str:
    if not name:
        return "—"
    if not HEX_COLOUR.match(rgb or ""):
        return name
    return format_html(
        '<span style="display:inline-block;width:1em;height:1em;vertical-align:middle;background:{};'
        'border:1px solid #888"></span> {} <code>{}</code>',
        rgb,
        name,
        rgb,
    )


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.action(description="Re-analyse (text and media) the selected posts")
def reanalyze_posts(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
    work = services.reanalyze(list(queryset.values_list("pk", flat=True)))
    modeladmin.message_user(
        request,
        f"Queued {len(work.text_post_ids)} captions and {len(work.asset_ids)} media for analysis.",
        messages.SUCCESS,
    )


@admin.action(description="Re-analyse the posts of the selected media")
def reanalyze_asset_posts(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
    reanalyze_posts(modeladmin, request, Post.objects.filter(pk__in=queryset.values("post_id")))


class PostKeywordInline(ReadOnlyInline):
    model = PostKeyword
    fields = ("phrase", "display", "score", "source")
    readonly_fields = fields
    show_change_link = False


class MediaAssetInline(ReadOnlyInline):
    model = MediaAsset
    fields = ("position", "preview", "kind", "status", "error", "dimensions", "size_bytes", "detections_found")
    readonly_fields = fields

    @admin.display(description="preview")
    def preview(self, obj: MediaAsset) -> str:
        return thumbnail(obj.file) if obj.kind == MediaKind.IMAGE else f"video, {obj.duration_seconds or 0:.1f} s"

    @admin.display(description="size")
    def dimensions(self, obj: MediaAsset) -> str:
        return f"{obj.width}×{obj.height}" if obj.width else "—"

    @admin.display(description="detections")
    def detections_found(self, obj: MediaAsset) -> str:
        rows = obj.detections.all()[:12]
        return (
            format_html_join(", ", "{} {} ({})", ((d.colour_name, d.category or d.label, d.region) for d in rows))
            or "—"
        )


class MetricSnapshotInline(ReadOnlyInline):
    model = MetricSnapshot
    fields = ("observed_at", "likes", "comments", "shares", "views")
    readonly_fields = fields
    show_change_link = False


class DetectionInline(ReadOnlyInline):
    model = Detection
    fk_name = "asset"
    fields = ("crop_preview", "label", "category", "region", "colour", "confidence", "frame_time", "box")
    readonly_fields = fields

    @admin.display(description="crop")
    def crop_preview(self, obj: Detection) -> str:
        return thumbnail(obj.crop, 80)

    @admin.display(description="colour")
    def colour(self, obj: Detection) -> str:
        return colour_swatch(obj.colour_name, obj.colour_rgb)

    @admin.display(description="box (x1, y1, x2, y2)")
    def box(self, obj: Detection) -> str:
        return f"{obj.x1:.2f}, {obj.y1:.2f}, {obj.x2:.2f}, {obj.y2:.2f}"


@admin.register(Creator)
class CreatorAdmin(ReadOnlyAdmin):
    list_display = ("handle", "platform", "name", "followers", "country", "segment", "updated_at")
    list_filter = ("platform", "segment", "country")
    search_fields = ("handle", "name")


@admin.register(Post)
class PostAdmin(ReadOnlyAdmin):
    list_display = (
        "__str__",
        "creator",
        "posted_at",
        "language",
        "text_status",
        "vision_status",
        "analysis_status",
        "has_problems",
        "likes",
    )
    list_filter = ("analysis_status", "text_status", "vision_status", "platform", "language", "creator__segment")
    search_fields = ("external_id", "caption", "creator__handle")
    date_hierarchy = "posted_at"
    list_select_related = ("creator",)
    actions = [reanalyze_posts]
    inlines = [PostKeywordInline, MediaAssetInline, MetricSnapshotInline]
    readonly_fields = ("creator_link",)
    fieldsets = (
        (None, {"fields": ("platform", "external_id", "creator_link", "posted_at", "caption")}),
        ("Text", {"fields": ("language", "hashtags", "mentions")}),
        (
            "Analysis",
            {
                "fields": (
                    "text_status",
                    "vision_status",
                    "analysis_status",
                    "analyzed_at",
                    "analysis_error",
                    "ingest_problems",
                    "content_hash",
                )
            },
        ),
        ("Latest metrics", {"fields": ("likes", "comments", "shares", "views", "metrics_observed_at")}),
        ("Record", {"fields": ("ingested_at", "updated_at")}),
    )

    @admin.display(description="creator")
    def creator_link(self, obj: Post) -> str:
        url = reverse("admin:analysis_creator_change", args=[obj.creator_id])
        return format_html('<a href="{}">{}</a>', url, obj.creator)

    @admin.display(boolean=True, description="problems")
    def has_problems(self, obj: Post) -> bool:
        return bool(obj.analysis_error or obj.ingest_problems)


@admin.register(MediaAsset)
class MediaAssetAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "preview", "kind", "status", "short_error", "width", "height", "duration_seconds")
    list_filter = ("status", "kind", "file_format")
    search_fields = ("post__external_id", "source_url", "source_path", "content_hash")
    list_select_related = ("post",)
    actions = [reanalyze_asset_posts]
    inlines = [DetectionInline]
    readonly_fields = ("preview_large",)

    @admin.display(description="preview")
    def preview(self, obj: MediaAsset) -> str:
        return thumbnail(obj.file) if obj.kind == MediaKind.IMAGE else "video"

    @admin.display(description="preview")
    def preview_large(self, obj: MediaAsset) -> str:
        return thumbnail(obj.file, 320) if obj.kind == MediaKind.IMAGE else "video"

    @admin.display(description="error")
    def short_error(self, obj: MediaAsset) -> str:
        return obj.error[:80]


@admin.register(Detection)
class DetectionAdmin(ReadOnlyAdmin):
    list_display = ("crop_preview", "label", "category", "region", "colour", "confidence", "frame_time", "asset")
    list_filter = ("category", "region", "colour_name", "label")
    list_select_related = ("asset", "asset__post")

    @admin.display(description="crop")
    def crop_preview(self, obj: Detection) -> str:
        return thumbnail(obj.crop)

    @admin.display(description="colour", ordering="colour_name")
    def colour(self, obj: Detection) -> str:
        return colour_swatch(obj.colour_name, obj.colour_rgb)


@admin.register(PostKeyword)
class PostKeywordAdmin(ReadOnlyAdmin):
    list_display = ("phrase", "display", "score", "source", "post")
    list_filter = ("source",)
    search_fields = ("phrase", "display")
    list_select_related = ("post",)


@admin.register(MetricSnapshot)
class MetricSnapshotAdmin(ReadOnlyAdmin):
    list_display = ("post", "observed_at", "likes", "comments", "shares", "views")
    date_hierarchy = "observed_at"
    list_select_related = ("post",)
