"""The trend engine's public functions: compute, publish and export a week; key history for charts.

Commands, the weekly task, the admin, the API and the portal all call these. See docs/trends.md.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from analysis.models import Post
from trends import labels
from trends.engine import aggregate
from trends.engine.bulk import insert_rows
from trends.engine.keys import compact, map_phrases
from trends.engine.ranking import build_entries, rank_kind
from trends.influence import InfluenceParams
from trends.models import (
    CreatorWeek,
    KeyStat,
    PhraseKey,
    PostInfluence,
    TrendEntry,
    TrendKind,
    TrendWeek,
    WeekStats,
)
from trends.weeks import IsoWeek

logger = logging.getLogger(__name__)

# Earlier weeks whose stats a computation needs: the label baseline and the evergreen window.
HISTORY_WEEKS = labels.EVERGREEN_WINDOW - 1


class WeekPublishedError(Exception):
    """The week is published: its snapshot is read-only."""

    def __init__(self, week: str) -> None:
        super().__init__(
            f"Trend week {week} is published and read-only; it cannot be recomputed. "
            "Published snapshots are what clients and newsletters saw."
        )
        self.week = week


class WeekNotFound(LookupError):
    pass


class _Clock:
    """Seconds per phase, for the log line and the benchmark (an empty name just restarts the lap)."""

    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        if name:
            self.laps[name] = self.laps.get(name, 0.0) + now - self._last
        self._last = now


def _iso(week: str | IsoWeek) -> IsoWeek:
    return week if isinstance(week, IsoWeek) else IsoWeek.parse(week)


def compute_stats(week: str | IsoWeek) -> WeekStats:
    """(Re)aggregate one week in the database: influence of every post, figures of every key."""
    iso = _iso(week)
    params = InfluenceParams.from_settings()
    start, end = iso.starts_at, iso.ends_at
    history_start = iso.shift(-(params.history_weeks - 1)).starts_at
    clock = _Clock()
    with transaction.atomic():
        stats, _ = WeekStats.objects.select_for_update().get_or_create(
            week=str(iso), defaults={"starts_at": start, "ends_at": end, "computed_at": timezone.now()}
        )
        for model in (KeyStat, PhraseKey, PostInfluence, CreatorWeek):
            model.objects.filter(stats=stats).delete()
        priors, default_rate = aggregate.platform_priors(params, history_start, end)
        aggregate.build_creator_weeks(stats.pk, params, priors, history_start, start, end)
        clock.lap("creator baselines")
        aggregate.build_post_influence(stats.pk, params, priors, default_rate, start, end)
        aggregate.refresh_planner_stats("trends_postinfluence")
        stats.posts, stats.creators = aggregate.week_totals(stats.pk)
        clock.lap("post influence")
        phrase_map = map_phrases(aggregate.week_phrases(stats.pk))
        insert_rows(PhraseKey, ["stats", "phrase", "key", "compact"], [(stats.pk, *row) for row in phrase_map.rows()])
        aggregate.refresh_planner_stats("trends_phrasekey")
        clock.lap("keyword merging")
        for kind in (TrendKind.KEYWORD, TrendKind.ITEM):
            aggregate.build_key_stats(stats.pk, kind, params.ghost_interactions)
        aggregate.refresh_planner_stats("trends_keystat")
        clock.lap("key stats")
        stats.starts_at, stats.ends_at, stats.computed_at = start, end, timezone.now()
        stats.params = {
            **params.as_dict(),
            "platforms": {p: {"rate": v.rate, "views_per_like": v.views_per_like} for p, v in priors.items()},
        }
        stats.save()
    stats.timings = clock.laps
    return stats


def _trailing_stats(iso: IsoWeek) -> list[WeekStats]:
    """Stats of the HISTORY_WEEKS weeks before `iso` that have posts, most recent first (computed if missing)."""
    found = {ws.week: ws for ws in WeekStats.objects.filter(week__in=[str(w) for w in iso.trailing(HISTORY_WEEKS)])}
    trailing = []
    for w in iso.trailing(HISTORY_WEEKS):
        stats = found.get(str(w))
        if stats is None and Post.objects.filter(posted_at__gte=w.starts_at, posted_at__lt=w.ends_at).exists():
            stats = compute_stats(w)
        if stats is not None and stats.posts:
            trailing.append(stats)
    return trailing


def compute_week(week: str | IsoWeek) -> TrendWeek:
    """Compute (or recompute) a week's trends and replace its snapshot atomically.

    Raises WeekPublishedError for a published week and InvalidWeek for a malformed one.
    """
    iso = _iso(week)
    limit = settings.TREND_ENTRIES_PER_KIND
    with transaction.atomic():
        trend_week, _ = TrendWeek.objects.get_or_create(
            week=str(iso),
            defaults={"starts_at": iso.starts_at, "ends_at": iso.ends_at, "computed_at": timezone.now()},
        )
        trend_week = TrendWeek.objects.select_for_update().get(pk=trend_week.pk)
        if trend_week.is_published:
            raise WeekPublishedError(str(iso))
        clock = _Clock()
        trailing = _trailing_stats(iso)
        clock.lap("earlier weeks")
        stats = compute_stats(iso)
        clock.laps.update(stats.timings)
        clock.lap("")
        ranked = {kind: rank_kind(stats, kind, trailing, limit) for kind in (TrendKind.KEYWORD, TrendKind.ITEM)}
        clock.lap("labels and ranking")
        entries = [e for kind, rows in ranked.items() for e in build_entries(trend_week, stats, kind, rows)]
        clock.lap("evidence")
        trend_week.entries.all().delete()
        TrendEntry.objects.bulk_create(entries, batch_size=1000)
        trend_week.starts_at, trend_week.ends_at, trend_week.computed_at = iso.starts_at, iso.ends_at, timezone.now()
        trend_week.save()
        clock.lap("snapshot")
    trend_week.timings = clock.laps
    logger.info(
        "trend week %s computed: %d posts, %d entries (%s)",
        iso,
        stats.posts,
        len(entries),
        ", ".join(f"{name} {seconds:.1f}s" for name, seconds in clock.laps.items()),
    )
    return trend_week


def publish_week(week: str | TrendWeek, user=None, *, now: datetime | None = None) -> TrendWeek:
    """Mark a computed week published (read-only from then on); publishing twice changes nothing."""
    name = week.week if isinstance(week, TrendWeek) else str(_iso(week))
    with transaction.atomic():
        trend_week = TrendWeek.objects.select_for_update().filter(week=name).first()
        if trend_week is None:
            raise WeekNotFound(f"Trend week {name} has not been computed.")
        if not trend_week.is_published:
            trend_week.status = TrendWeek.Status.PUBLISHED
            trend_week.published_at = now or timezone.now()
            trend_week.published_by = user
            trend_week.save(update_fields=["status", "published_at", "published_by"])
    return trend_week


def export_week(week: str | IsoWeek) -> dict:
    """The week's trends in the export format of the ingest spec (any status)."""
    name = str(_iso(week))
    trend_week = TrendWeek.objects.filter(week=name).first()
    if trend_week is None:
        raise WeekNotFound(f"Trend week {name} has not been computed; run run_weekly_trends --week {name}.")
    entries = list(trend_week.entries.order_by("kind", "rank"))
    keywords = [
        {
            "keyword": e.display_name,
            "rank": e.rank,
            "score": round(e.score, 2),
            "label": e.label,
            "growth": None if e.growth is None else round(e.growth, 2),
            "posts": e.posts,
            "creators": e.creators,
        }
        for e in entries
        if e.kind == TrendKind.KEYWORD
    ]
    items = [
        {
            "item": e.item,
            "category": e.category,
            "colour": e.colour,
            "rank": e.rank,
            "score": round(e.score, 2),
            "label": e.label,
            "growth": None if e.growth is None else round(e.growth, 2),
            "posts": e.posts,
            "creators": e.creators,
        }
        for e in entries
        if e.kind == TrendKind.ITEM
    ]
    return {"week": name, "keywords": keywords, "items": items}


def score_history(kind: str, keys: list[str], upto: str | IsoWeek, weeks: int = 8) -> dict[str, list[float]]:
    """key -> its score in each of the `weeks` weeks ending with `upto` (oldest first; 0 where absent).

    Read from KeyStat, so a key has history even in weeks it did not make the ranking.
    """
    iso = _iso(upto)
    names = [str(iso.shift(-n)) for n in range(weeks - 1, -1, -1)]
    compacts = {key: (key if kind == TrendKind.ITEM else compact(key)) for key in keys}
    by_compact: dict[str, dict[str, float]] = defaultdict(dict)
    rows = KeyStat.objects.filter(stats__week__in=names, kind=kind, compact__in=set(compacts.values()))
    for c, week, score in rows.values_list("compact", "stats__week", "score"):
        by_compact[c][week] = by_compact[c].get(week, 0.0) + score
    return {key: [round(by_compact[c].get(name, 0.0), 3) for name in names] for key, c in compacts.items()}


__all__ = [
    "WeekNotFound",
    "WeekPublishedError",
    "compute_stats",
    "compute_week",
    "export_week",
    "publish_week",
    "score_history",
]
