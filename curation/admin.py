"""Curators' workflow: review each tenant's weekly collection, edit it, publish or withdraw it.

Staff code, so querysets are explicitly `.unscoped`. Editing one collection runs inside that
collection's tenant context, so every scoped check (unique constraints, saves) stays in that tenant.
Every change is attributed twice: Django's LogEntry (the object's History) and edited_by/edited_at.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator, slugify

from curation import services
from curation.matching import match_collection
from curation.models import (
    Collection,
    CuratedEntry,
    CuratedItem,
    CuratedKeyword,
    CurationProfile,
    Product,
    TrackingEvent,
)
from curation.templatetags.curation_tags import safe_url
from tenants.scoping import tenant_context


def _evidence_html(row: CuratedEntry) -> str:
    posts = row.evidence_posts[:3]
    if not posts:
        return "—"
    return format_html_join(
        "",
        '<div class="evidence">@{} · {} · {}</div>',
        ((p.get("handle", "?"), p.get("platform", ""), Truncator(p.get("caption", "")).chars(80)) for p in posts),
    )


def _edited_html(row: CuratedEntry) -> str:
    if row.edited_at is None:
        return "by hand" if row.added_by_hand else "—"
    when = timezone.localtime(row.edited_at).strftime("%Y-%m-%d %H:%M")
    return f"{row.edited_by or 'unknown'} · {when}"


class CuratedEntryInline(admin.TabularInline):
    extra = 1
    show_change_link = False
    readonly_fields = ("score", "growth", "evidence_preview", "matched", "edited")
    # Compact widgets: a collection holds a few dozen rows and curators scan them side by side.
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 36})},
        models.CharField: {"widget": forms.TextInput(attrs={"size": 18})},
    }

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            self.model.unscoped.select_related("edited_by")
            .prefetch_related("matches__product")
            .order_by("-pinned", "rank", "id")
        )

    @admin.display(description="Evidence")
    def evidence_preview(self, row: CuratedEntry) -> str:
        return _evidence_html(row)

    @admin.display(description="Feature these products")
    def matched(self, row: CuratedEntry) -> str:
        if not row.pk:
            return "—"
        return format_html_join(", ", "{} ({})", ((m.product.sku, f"{m.score:.2f}") for m in row.matches.all()[:3]))

    @admin.display(description="Last edit")
    def edited(self, row: CuratedEntry) -> str:
        return _edited_html(row)


class CuratedItemInline(CuratedEntryInline):
    model = CuratedItem
    fields = (
        "thumbnail", "rank", "display_name", "category", "colour", "label", "score", "growth", "pinned", "hidden",
        "note", "reason", "evidence_preview", "matched", "edited",
    )  # fmt: skip
    readonly_fields = ("thumbnail", *CuratedEntryInline.readonly_fields)

    @admin.display(description="")
    def thumbnail(self, row: CuratedItem) -> str:
        url = safe_url(row.thumbnail_url) if row.pk else ""
        return format_html('<img src="{}" alt="" width="64" height="64" style="object-fit:cover">', url) if url else ""


class CuratedKeywordInline(CuratedEntryInline):
    model = CuratedKeyword
    fields = (
        "rank", "display_name", "label", "score", "growth", "pinned", "hidden", "note", "reason",
        "evidence_preview", "matched", "edited",
    )  # fmt: skip


class TenantScopedChangeMixin:
    """Run the change page of an object inside its tenant's context (render included)."""

    def changeform_view(self, request: HttpRequest, object_id: str | None = None, *args: Any, **kwargs: Any):
        obj = self.get_object(request, object_id) if object_id else None
        if obj is None:
            return super().changeform_view(request, object_id, *args, **kwargs)
        with tenant_context(obj.tenant):
            response = super().changeform_view(request, object_id, *args, **kwargs)
            if isinstance(response, TemplateResponse):
                response.render()
            return response

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return self.model.unscoped.select_related("tenant")


@admin.register(Collection)
class CollectionAdmin(TenantScopedChangeMixin, admin.ModelAdmin):
    list_display = ("week", "tenant", "status", "visible_items", "visible_keywords", "built_at", "published_at")
    list_filter = ("status", "tenant", "week")
    list_select_related = ("tenant", "week", "published_by")
    search_fields = ("tenant__name", "tenant__slug", "week__week")
    ordering = ("-week__week", "tenant__name")
    readonly_fields = (
        "tenant", "week", "status", "profile_summary", "built_at", "published_at", "published_by", "withdrawn_at",
        "withdrawn_by", "created_at", "updated_at",
    )  # fmt: skip
    fields = readonly_fields
    inlines = (CuratedItemInline, CuratedKeywordInline)
    actions = ("publish_selected", "withdraw_selected", "refresh_selected")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return Collection.unscoped.select_related("tenant", "week", "published_by", "withdrawn_by").annotate(
            n_items=Count("items", filter=Q(items__hidden=False), distinct=True),
            n_keywords=Count("keywords", filter=Q(keywords__hidden=False), distinct=True),
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # collections come from the weekly job; curators edit them

    def has_publish_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("curation.publish_collection")

    @admin.display(description="Items shown", ordering="n_items")
    def visible_items(self, collection: Collection) -> int:
        return collection.n_items

    @admin.display(description="Keywords shown", ordering="n_keywords")
    def visible_keywords(self, collection: Collection) -> int:
        return collection.n_keywords

    @admin.display(description="Client's profile")
    def profile_summary(self, collection: Collection) -> str:
        p = services.get_profile(collection.tenant)
        return format_html(
            "Segments: {} · include: {} · exclude: {} · brands out: {} · countries: {} {} · audience: {} · "
            "{} items, {} keywords a week",
            ", ".join(p.segments) or "all", ", ".join(p.include_categories) or "all",
            ", ".join(p.exclude_categories) or "none", ", ".join(p.exclude_brands) or "none",
            ", ".join(p.creator_countries) or "", ", ".join(p.creator_regions) or "any",
            p.audience or "—", p.items_per_week, p.keywords_per_week,
        )  # fmt: skip

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        collection: Collection = form.instance
        rows = formset.save(commit=False)
        for row in rows:
            if row.pk is None:
                row.tenant = collection.tenant
                row.added_by_hand = True
                row.key = self._free_key(type(row), collection, row.display_name)
            services.mark_edited(row, request.user)
            row.save()
        for row in formset.deleted_objects:
            row.delete()
        formset.save_m2m()
        if rows or formset.deleted_objects:
            collection.save(update_fields=["updated_at"])

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        match_collection(form.instance)

    @staticmethod
    def _free_key(model: type[CuratedEntry], collection: Collection, name: str) -> str:
        base = f"hand:{slugify(name)[:100] or 'item'}"
        taken = set(model.unscoped.filter(collection=collection, key__startswith=base).values_list("key", flat=True))
        key, n = base, 2
        while key in taken:
            key, n = f"{base}-{n}", n + 1
        return key

    @admin.action(description="Publish selected collections", permissions=["publish"])
    def publish_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        done = [c for c in queryset if services.publish(c, request.user)]
        for collection in done:
            self.log_change(request, collection, "Published")
        self.message_user(request, f"Published {len(done)} collection(s); {queryset.count() - len(done)} already were.")

    @admin.action(description="Withdraw selected collections", permissions=["publish"])
    def withdraw_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        done = [c for c in queryset if services.withdraw(c, request.user)]
        for collection in done:
            self.log_change(request, collection, "Withdrawn")
        skipped = queryset.count() - len(done)
        level = messages.WARNING if skipped else messages.SUCCESS
        self.message_user(request, f"Withdrew {len(done)} collection(s); {skipped} were not published.", level)

    @admin.action(description="Refresh from the trend week (keeps curators' edits)", permissions=["change"])
    def refresh_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        for collection in queryset:
            report = services.build_collection(collection.tenant, collection.week, force=True)
            self.log_change(
                request, collection, f"Refreshed: {report.added} added, {report.refreshed} refreshed, "
                f"{report.removed} removed, {report.kept} curated rows kept",
            )  # fmt: skip
        self.message_user(request, f"Refreshed {queryset.count()} collection(s); curated rows were kept.")


@admin.register(CurationProfile)
class CurationProfileAdmin(TenantScopedChangeMixin, admin.ModelAdmin):
    list_display = ("tenant", "items_per_week", "keywords_per_week", "audience", "updated_at", "updated_by")
    list_filter = ("tenant",)
    readonly_fields = ("tenant", "updated_at", "updated_by")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # created with the tenant's first build or profile visit

    def save_model(self, request: HttpRequest, obj: CurationProfile, form: Any, change: bool) -> None:
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Product)
class ProductAdmin(TenantScopedChangeMixin, admin.ModelAdmin):
    list_display = ("sku", "title", "tenant", "category", "colour", "brand", "price", "currency", "in_stock")
    list_filter = ("tenant", "in_stock", "category")
    search_fields = ("sku", "title", "brand")
    readonly_fields = ("tenant", "created_at", "updated_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # clients own their catalogue (portal upload or API)


@admin.register(TrackingEvent)
class TrackingEventAdmin(TenantScopedChangeMixin, admin.ModelAdmin):
    list_display = ("event_id", "tenant", "type", "variant", "placement", "occurred_at", "visitor_id", "source")
    list_filter = ("tenant", "type", "variant", "source", "flagged_bot", "week")
    search_fields = ("event_id", "visitor_id")
    date_hierarchy = "occurred_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # evidence of what clients' visitors did; never edited
