"""Staff admin: trend weeks and their entries are read-only snapshots; curators publish weeks here.

Publishing needs the `trends.publish_trendweek` permission and records who and when. Keyword
aliases (near-duplicate merges) are the one editable table: staff fix or add merges there.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join

from analysis.pipeline.normalize import normalize_keyword
from trends.engine.keys import compact
from trends.models import KeyStat, KeywordAlias, TrendEntry, TrendWeek, WeekStats
from trends.services import publish_week


class ReadOnlyMixin:
    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


def _admin_link(viewname: str, pk: int, text: str) -> str:
    try:
        return format_html('<a href="{}">{}</a>', reverse(viewname, args=[pk]), text)
    except NoReverseMatch:
        return text


def evidence_html(entry: TrendEntry) -> str:
    evidence = entry.evidence or {}
    posts = format_html_join(
        "",
        "<li>{} {} · influence {} {}</li>",
        (
            (
                _admin_link("admin:analysis_post_change", p["post_id"], f"{p['platform']}:{p['external_id']}"),
                f"@{p.get('handle', '')}",
                p.get("influence"),
                format_html('<img src="{}" alt="" style="max-height:48px">', p["crop_url"])
                if p.get("crop_url")
                else "",
            )
            for p in evidence.get("posts", [])
        ),
    )
    creators = format_html_join(
        "",
        "<li>{} · {} followers · influence {}</li>",
        (
            (
                _admin_link("admin:analysis_creator_change", c["creator_id"], f"@{c['handle']}"),
                f"{c.get('followers', 0):,}",
                c.get("influence"),
            )
            for c in evidence.get("creators", [])
        ),
    )
    return format_html("<p>Posts</p><ul>{}</ul><p>Creators</p><ul>{}</ul>", posts, creators)


class TrendEntryInline(ReadOnlyMixin, admin.TabularInline):
    model = TrendEntry
    extra = 0
    fields = ("kind", "rank", "display_name", "label", "score", "growth", "posts", "creators", "segment")
    readonly_fields = fields
    ordering = ("kind", "rank")
    show_change_link = True


@admin.register(TrendWeek)
class TrendWeekAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("week", "status", "entry_count", "computed_at", "published_at", "published_by")
    list_filter = ("status",)
    readonly_fields = ("week", "starts_at", "ends_at", "status", "computed_at", "published_at", "published_by")
    inlines = [TrendEntryInline]
    actions = ["publish"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(entry_total=Count("entries"))

    @admin.display(description="entries", ordering="entry_total")
    def entry_count(self, obj: TrendWeek) -> int:
        return obj.entry_total

    def has_publish_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("trends.publish_trendweek")

    @admin.action(description="Publish selected weeks (read-only afterwards)", permissions=["publish"])
    def publish(self, request: HttpRequest, queryset: QuerySet) -> None:
        fresh = [w for w in queryset if not w.is_published]
        for week in fresh:
            publish_week(week, request.user)
        skipped = queryset.count() - len(fresh)
        self.message_user(
            request,
            f"Published {len(fresh)} week(s)" + (f"; {skipped} already published." if skipped else "."),
            messages.SUCCESS,
        )


@admin.register(TrendEntry)
class TrendEntryAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("week", "kind", "rank", "display_name", "label", "score", "growth", "posts", "creators")
    list_filter = ("kind", "label", "week")
    search_fields = ("key", "display_name")
    list_select_related = ("week",)
    fields = (
        "week", "kind", "rank", "key", "display_name", "category", "colour", "item_label", "segment", "label",
        "score", "growth", "posts", "creators", "evidence_links",
    )  # fmt: skip
    readonly_fields = fields

    @admin.display(description="evidence")
    def evidence_links(self, obj: TrendEntry) -> str:
        return evidence_html(obj)


@admin.register(WeekStats)
class WeekStatsAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("week", "posts", "creators", "computed_at")
    readonly_fields = ("week", "starts_at", "ends_at", "posts", "creators", "computed_at", "params")


@admin.register(KeyStat)
class KeyStatAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Every key of every week (ranked or not): where staff check why something did or did not rank."""

    list_display = ("key", "kind", "week", "score", "raw_score", "posts", "creators", "real_creators", "evergreen")
    list_filter = ("kind", "evergreen", "stats__week")
    search_fields = ("key",)
    list_select_related = ("stats",)
    show_full_result_count = False
    ordering = ("-stats__week", "kind", "-score")

    @admin.display(ordering="stats__week")
    def week(self, obj: KeyStat) -> str:
        return obj.stats.week


@admin.register(KeywordAlias)
class KeywordAliasAdmin(admin.ModelAdmin):
    list_display = ("alias", "key", "source", "similarity", "created_at")
    list_filter = ("source",)
    search_fields = ("alias", "key")
    readonly_fields = ("similarity", "created_at")

    def save_model(self, request: HttpRequest, obj: KeywordAlias, form, change: bool) -> None:
        # Staff type phrases; the engine matches aliases on their compact form.
        obj.alias = compact(normalize_keyword(obj.alias))
        obj.key = normalize_keyword(obj.key)
        if not change:
            obj.source = KeywordAlias.Source.MANUAL
        super().save_model(request, obj, form, change)
