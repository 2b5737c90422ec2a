"""Read models for the portal and the API: a collection's visible rows with their matches and history.

Every function runs a fixed number of queries whatever the collection's size (no N+1).
Callers run inside the tenant's context (portal middleware, API-key auth).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from curation.models import Collection, CuratedEntry, CuratedItem, CuratedKeyword, ProductMatch
from trends.models import TrendEntry, TrendKind, TrendWeek

HISTORY_WEEKS = 8


def published_collections() -> QuerySet:
    return Collection.objects.filter(status=Collection.Status.PUBLISHED).select_related("week")


def visible(model: type[CuratedEntry], collection_ids: list[int] | None = None) -> QuerySet:
    """Rows clients may see: not hidden, in a published collection, with their matched products."""
    matches = ProductMatch.objects.select_related("product").order_by("rank")
    rows = model.objects.filter(hidden=False, collection__status=Collection.Status.PUBLISHED)
    if collection_ids is not None:
        rows = rows.filter(collection_id__in=collection_ids)
    return rows.select_related("collection__week").prefetch_related(Prefetch("matches", queryset=matches))


@dataclass
class HistoryPoint:
    week: str
    score: float | None
    rank: int | None
    label: str


def histories(
    rows: list[CuratedEntry], upto: str, weeks: int = HISTORY_WEEKS
) -> dict[tuple[str, str], list[HistoryPoint]]:
    """(kind, key) -> the trend's score in each of the `weeks` global weeks up to `upto` (oldest first)."""
    week_rows = list(TrendWeek.objects.filter(week__lte=upto).order_by("-week").values_list("pk", "week")[:weeks])
    week_rows.reverse()
    wanted = {(_kind(r), r.key) for r in rows}
    found: dict[tuple[str, str, int], TrendEntry] = {}
    if wanted and week_rows:
        condition = Q()
        for kind in (TrendKind.ITEM, TrendKind.KEYWORD):
            keys = [key for k, key in wanted if k == kind]
            if keys:
                condition |= Q(kind=kind, key__in=keys)
        entries = TrendEntry.objects.filter(condition, week_id__in=[pk for pk, _ in week_rows]).only(
            "week_id", "kind", "key", "score", "rank", "label"
        )
        found = {(e.kind, e.key, e.week_id): e for e in entries}
    result = {}
    for kind, key in wanted:
        points = []
        for pk, week in week_rows:
            entry = found.get((kind, key, pk))
            points.append(
                HistoryPoint(
                    week, entry.score if entry else None, entry.rank if entry else None, entry.label if entry else ""
                )
            )
        result[(kind, key)] = points
    return result


def _kind(row: CuratedEntry) -> str:
    return TrendKind.ITEM if isinstance(row, CuratedItem) else TrendKind.KEYWORD


def attach_history(rows: list[CuratedEntry], upto: str, weeks: int = HISTORY_WEEKS) -> list[CuratedEntry]:
    """Set `row.history` (list of HistoryPoint) and `row.sparkline` (scores) on each row."""
    found = histories(rows, upto, weeks)
    for row in rows:
        row.history = found.get((_kind(row), row.key), [])
        row.sparkline = [p.score for p in row.history]
    return rows


@dataclass
class CollectionView:
    collection: Collection
    items: list[CuratedItem]
    keywords: list[CuratedKeyword]


def collection_view(collection: Collection) -> CollectionView:
    items = list(visible(CuratedItem, [collection.pk]))
    keywords = list(visible(CuratedKeyword, [collection.pk]))
    attach_history([*items, *keywords], collection.week.week)
    return CollectionView(collection, items, keywords)
