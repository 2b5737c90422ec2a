"""Building, refreshing, publishing and withdrawing per-tenant weekly collections.

The trend engine calls `build_collections_for_week(week)` after it computes a global week. Each
active tenant's collection is then built from that week and the tenant's CurationProfile. A rebuild
only refreshes rows no curator has touched (see `CuratedEntry.is_curated`): pinned, hidden, noted,
re-ordered, edited and hand-added rows are kept exactly as they are.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from analysis.models import Creator
from billing.entitlements import entitlements_for
from curation.models import Collection, CuratedEntry, CuratedItem, CuratedKeyword, CurationProfile, Product
from curation.taxonomy import BEAUTY_CATEGORIES, canonical_category, countries_for, words
from tenants.models import Tenant, User
from tenants.scoping import tenant_context
from trends.models import TrendEntry, TrendKind, TrendWeek

logger = logging.getLogger(__name__)

# Figures a rebuild copies from the trend entry into untouched rows.
REFRESHED_FIELDS = (
    "source", "display_name", "segment", "rank", "score", "label", "growth", "posts", "creators", "reason", "evidence",
)  # fmt: skip
ITEM_FIELDS = ("category", "colour")


def get_profile(tenant: Tenant) -> CurationProfile:
    """The tenant's profile, created with defaults the first time anyone asks."""
    with tenant_context(tenant):
        return CurationProfile.objects.get_or_create()[0]


@dataclass
class Selection:
    """The profile's filters, resolved once per build."""

    segments: frozenset[str]
    include: frozenset[str]
    exclude: frozenset[str]
    brands: tuple[tuple[str, ...], ...]
    countries: frozenset[str]
    creator_country: dict[int, str] = field(default_factory=dict)

    @classmethod
    def for_profile(cls, profile: CurationProfile, plan_segments: Iterable[str]) -> Selection:
        wanted = set(profile.segments) or {"fashion", "beauty"}
        return cls(
            segments=frozenset(wanted & set(plan_segments)),
            include=frozenset(c.lower() for c in profile.include_categories),
            exclude=frozenset(c.lower() for c in profile.exclude_categories),
            brands=tuple(tuple(words(b)) for b in profile.exclude_brands if words(b)),
            countries=countries_for(profile.creator_countries, profile.creator_regions),
        )

    def mentions_brand(self, text: str) -> str:
        tokens = words(text)
        for brand in self.brands:
            n = len(brand)
            if any(tuple(tokens[i : i + n]) == brand for i in range(len(tokens) - n + 1)):
                return " ".join(brand)
        return ""

    def choose(self, entry: TrendEntry) -> str | None:
        """Why `entry` fits the profile, or None when it does not."""
        category = canonical_category(entry.category) or entry.category.lower()
        if entry.kind == TrendKind.KEYWORD:
            category = canonical_category(entry.display_name)
        segment = entry.segment or (("beauty" if category in BEAUTY_CATEGORIES else "fashion") if category else "")
        if segment and segment not in self.segments:
            return None
        if category in self.exclude or (self.include and category and category not in self.include):
            return None
        if self.include and not category and entry.kind == TrendKind.ITEM:
            return None
        if self.mentions_brand(f"{entry.key} {entry.display_name}"):
            return None
        fit = []
        if self.countries:
            creators = [c.get("creator_id") for c in (entry.evidence or {}).get("creators", [])]
            local = [cid for cid in creators if self.creator_country.get(cid) in self.countries]
            if not local:
                return None
            fit.append(f"{len(local)} of its {len(creators)} top creators post from your countries")
        if segment:
            fit.append(f"{segment}{', ' + category if category else ''}")
        return "; ".join([describe(entry), *fit])

    def clean_evidence(self, evidence: dict) -> dict:
        """Evidence without posts that name an excluded brand."""
        if not self.brands or not evidence:
            return evidence or {}
        posts = [p for p in evidence.get("posts", []) if not self.mentions_brand(p.get("caption", ""))]
        return {**evidence, "posts": posts}


def describe(entry: TrendEntry) -> str:
    """The 'why chosen' sentence from the trend's own figures."""
    noun = "item" if entry.kind == TrendKind.ITEM else "keyword"
    parts = [f"{entry.get_label_display()} {noun}, #{entry.rank} of the week (score {entry.score:,.0f})"]
    if entry.growth is not None:
        parts.append(f"{entry.growth:.1f}× its trailing baseline")
    parts.append(f"{entry.posts} posts by {entry.creators} creators")
    return ", ".join(parts)


@dataclass
class BuildReport:
    collection: Collection
    added: int = 0
    refreshed: int = 0
    removed: int = 0
    kept: int = 0
    skipped: bool = False


def build_collections_for_week(week: TrendWeek) -> list[Collection]:
    """Build or refresh every active tenant's collection of `week`. Cross-tenant job code."""
    collections = []
    for tenant in Tenant.objects.filter(status=Tenant.Status.ACTIVE).order_by("pk"):
        with tenant_context(tenant):
            report = build_collection(tenant, week)
        logger.info(
            "collection %s/%s: +%d refreshed %d removed %d kept %d%s",
            tenant.slug, week.week, report.added, report.refreshed, report.removed, report.kept,
            " (not a draft: left alone)" if report.skipped else "",
        )  # fmt: skip
        collections.append(report.collection)
    return collections


def build_collection(tenant: Tenant, week: TrendWeek, *, force: bool = False) -> BuildReport:
    """Build `tenant`'s collection of `week`; published or withdrawn ones only refresh when forced."""
    from curation.matching import match_collection

    with tenant_context(tenant), transaction.atomic():
        collection, _ = Collection.objects.get_or_create(week=week)
        report = BuildReport(collection)
        if collection.status != Collection.Status.DRAFT and not force:
            report.skipped = True
            return report
        profile = get_profile(tenant)
        plan = entitlements_for(tenant)
        selection = Selection.for_profile(profile, plan.segments)
        entries = list(TrendEntry.objects.filter(week=week).order_by("kind", "rank"))
        if selection.countries:
            ids = {c.get("creator_id") for e in entries for c in (e.evidence or {}).get("creators", [])}
            selection.creator_country = dict(Creator.objects.filter(pk__in=ids).values_list("pk", "country"))
        by_kind = {TrendKind.ITEM: [], TrendKind.KEYWORD: []}
        for entry in entries:
            reason = selection.choose(entry)
            if reason is not None:
                by_kind[entry.kind].append((entry, reason))
        _merge(
            report,
            CuratedItem,
            collection,
            by_kind[TrendKind.ITEM],
            min(profile.items_per_week, plan.items_per_week),
            selection,
        )
        _merge(
            report,
            CuratedKeyword,
            collection,
            by_kind[TrendKind.KEYWORD],
            min(profile.keywords_per_week, plan.keywords_per_week),
            selection,
        )
        collection.built_at = timezone.now()
        collection.save(update_fields=["built_at", "updated_at"])
    with tenant_context(tenant):
        if Product.objects.exists():
            match_collection(collection)
    return report


def _merge(
    report: BuildReport, model: type[CuratedEntry], collection: Collection, chosen: list, cap: int, selection: Selection
) -> None:
    existing = {row.key: row for row in model.objects.filter(collection=collection)}
    kept = [row for row in existing.values() if row.is_curated]
    kept_keys = {row.key for row in kept}
    visible_kept = [row for row in kept if not row.hidden]
    taken_ranks = {row.rank for row in visible_kept}
    slots = max(cap - len(visible_kept), 0)
    auto = [(entry, reason) for entry, reason in chosen if entry.key not in kept_keys][:slots]
    auto_keys = {entry.key for entry, _ in auto}
    now = timezone.now()

    stale = [row.pk for key, row in existing.items() if key not in kept_keys and key not in auto_keys]
    model.objects.filter(pk__in=stale).delete()
    free_ranks = (r for r in range(1, 10_000) if r not in taken_ranks)
    fields = REFRESHED_FIELDS + (ITEM_FIELDS if model is CuratedItem else ())
    to_create, to_update = [], []
    for (entry, reason), rank in zip(auto, free_ranks, strict=False):
        values = {
            "source": entry,
            "display_name": entry.display_name,
            "segment": entry.segment,
            "rank": rank,
            "score": entry.score,
            "label": entry.label,
            "growth": entry.growth,
            "posts": entry.posts,
            "creators": entry.creators,
            "reason": reason,
            "evidence": selection.clean_evidence(entry.evidence),
        }
        if model is CuratedItem:
            values.update(category=entry.category, colour=entry.colour)
        row = existing.get(entry.key)
        if row is None:
            to_create.append(
                model(tenant=collection.tenant, collection=collection, key=entry.key, refreshed_at=now, **values)
            )
        else:
            for name, value in values.items():
                setattr(row, name, value)
            row.refreshed_at = now
            to_update.append(row)
    model.objects.bulk_create(to_create)
    model.objects.bulk_update(to_update, [*fields, "refreshed_at"])
    report.added += len(to_create)
    report.refreshed += len(to_update)
    report.removed += len(stale)
    report.kept += len(kept)


def rebuild_drafts(tenant: Tenant) -> list[Collection]:
    """After a profile change: refresh the tenant's draft collections (published ones stay as curated)."""
    with tenant_context(tenant):
        drafts = list(Collection.objects.filter(status=Collection.Status.DRAFT).select_related("week"))
    return [build_collection(tenant, c.week).collection for c in drafts]


def publish(collection: Collection, user: User | None) -> bool:
    """Publish a draft or withdrawn collection; False if it already was published."""
    if collection.status == Collection.Status.PUBLISHED:
        return False
    collection.status = Collection.Status.PUBLISHED
    collection.published_at = timezone.now()
    collection.published_by = user
    collection.save(update_fields=["status", "published_at", "published_by", "updated_at"])
    return True


def withdraw(collection: Collection, user: User | None) -> bool:
    """Withdraw a published collection from the client's view; False if it was not published."""
    if collection.status != Collection.Status.PUBLISHED:
        return False
    collection.status = Collection.Status.WITHDRAWN
    collection.withdrawn_at = timezone.now()
    collection.withdrawn_by = user
    collection.save(update_fields=["status", "withdrawn_at", "withdrawn_by", "updated_at"])
    return True


def mark_edited(row: CuratedEntry, user: User | None) -> None:
    """Attribute a curator's change; the row is then never refreshed by a rebuild."""
    row.edited_by = user
    row.edited_at = timezone.now()


def latest_published(tenant: Tenant) -> Collection | None:
    """The collection clients see as "this week": the newest published one."""
    with tenant_context(tenant):
        return (
            Collection.objects.filter(status=Collection.Status.PUBLISHED)
            .select_related("week")
            .order_by("-week__week")
            .first()
        )
