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


def visible(model: type[CuratedEntry], collection: Collection | None = None, matches: int | None = None) -> QuerySet:
    """Rows clients may see: not hidden, in a published collection, with their (top `matches`) products."""
    found = ProductMatch.objects.select_related("product").order_by("rank")
    if matches is not None:
        found = found.filter(rank__lte=matches)
    rows = model.objects.filter(hidden=False, collection__status=Collection.Status.PUBLISHED)
    rows = rows.select_related("collection__week") if collection is None else rows.filter(collection=collection)
    return rows.prefetch_related(Prefetch("matches", queryset=found))


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
    found: dict[tuple[str, str, int], tuple[float, int, str]] = {}
    if wanted and week_rows:
        condition = Q()
        for kind in (TrendKind.ITEM, TrendKind.KEYWORD):
            keys = [key for k, key in wanted if k == kind]
            if keys:
                condition |= Q(kind=kind, key__in=keys)
        entries = TrendEntry.objects.filter(condition, week_id__in=[pk for pk, _ in week_rows])
        found = {
            (kind, key, week_id): (score, rank, label)
            for kind, key, week_id, score, rank, label in entries.values_list(
                "kind", "key", "week_id", "score", "rank", "label"
            )
        }
    result = {}
    for kind, key in wanted:
        points = []
        for pk, week in week_rows:
            score, rank, label = found.get((kind, key, pk), (None, None, ""))
            points.append(HistoryPoint(week, score, rank, label))
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


def collection_view(collection: Collection, matches: int | None = None) -> CollectionView:
    """A published collection's visible rows with history; cards show only the `matches` best products."""
    items = list(visible(CuratedItem, collection, matches))
    keywords = list(visible(CuratedKeyword, collection, matches))
    for row in [*items, *keywords]:
        row.collection = collection
    attach_history([*items, *keywords], collection.week.week)
    return CollectionView(collection, items, keywords)
