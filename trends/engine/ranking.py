"""From a week's KeyStat rows to ranked, labelled TrendEntry rows with evidence.

Works on keys (a few thousand aggregated rows), never on posts: history, labels and ranking are
per-key Python over query results; evidence comes from windowed SQL for the ranked keys only.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.core.files.storage import default_storage
from django.db.models import Q, Sum

from analysis.models import Post
from trends import labels
from trends.engine import aggregate
from trends.engine.keys import compact, evergreen_compacts, load_aliases
from trends.models import KeyStat, TrendEntry, TrendKind, TrendWeek, WeekStats

EVIDENCE_CREATORS = 5
CAPTION_CHARS = 280
HOT_LABELS = frozenset({"new", "rising", "breakout"})


@dataclass
class Ranked:
    stat: KeyStat
    label: str
    growth: float | None


def smoothing(stats: WeekStats, kind: str) -> float:
    """s0 of trends.labels: a few creators' worth of score in this week's currency."""
    totals = KeyStat.objects.filter(stats=stats, kind=kind).aggregate(score=Sum("score"), creators=Sum("creators"))
    if not totals["creators"]:
        return 1.0
    return max(labels.SMOOTHING_CREATORS * (totals["score"] or 0.0) / totals["creators"], 1e-6)


def _history(stats: WeekStats, kind: str, trailing: list[WeekStats]) -> dict[str, dict[int, labels.Point]]:
    """compact key -> {stats id: Point}, earlier rows of merged aliases folded into their key."""
    fold: dict[str, str] = {}
    if kind == TrendKind.KEYWORD:
        fold = {alias: compact(key) for alias, key in load_aliases().items()}
    wanted = KeyStat.objects.filter(stats=stats, kind=kind, real_creators__gte=labels.MIN_RANKED_CREATORS).values(
        "compact"
    )
    rows = KeyStat.objects.filter(stats__in=trailing, kind=kind).filter(
        Q(compact__in=wanted) | Q(compact__in=list(fold))
    )
    week_creators = {ws.pk: ws.creators for ws in trailing}
    found: dict[str, dict[int, labels.Point]] = defaultdict(dict)
    for row in rows.values("compact", "stats_id", "score", "real_creators", "creators"):
        target = fold.get(row["compact"], row["compact"])
        before = found[target].get(row["stats_id"], labels.Point(week_creators=week_creators[row["stats_id"]]))
        found[target][row["stats_id"]] = labels.Point(
            score=before.score + row["score"],
            real_creators=before.real_creators + row["real_creators"],
            creators=before.creators + row["creators"],
            week_creators=before.week_creators,
        )
    return found


def rank_kind(stats: WeekStats, kind: str, trailing: list[WeekStats], limit: int) -> list[Ranked]:
    """Labelled keys of one kind in rank order; evergreen keywords are flagged and left out."""
    s0 = smoothing(stats, kind)
    history = _history(stats, kind, trailing)
    static_evergreen = evergreen_compacts() if kind == TrendKind.KEYWORD else frozenset()
    candidates = KeyStat.objects.filter(stats=stats, kind=kind, real_creators__gte=labels.MIN_RANKED_CREATORS)
    verdicts: list[Ranked] = []
    evergreen: list[int] = []
    for stat in candidates.order_by("-score", "key"):
        current = labels.Current(stat.score, stat.real_creators, stat.creators, stats.creators, stat.top_share)
        points = history.get(stat.compact, {})
        past = [points.get(ws.pk) or labels.Point(week_creators=ws.creators) for ws in trailing]
        if kind == TrendKind.KEYWORD and (stat.compact in static_evergreen or labels.is_evergreen(current, past, s0)):
            evergreen.append(stat.pk)
            continue
        verdict = labels.label_for(current, past, s0)
        verdicts.append(Ranked(stat, verdict.label, verdict.growth))
    if evergreen:
        KeyStat.objects.filter(pk__in=evergreen).update(evergreen=True)
    top = verdicts[:limit]
    # Early signals below the cut still get an entry: catching them is what clients pay for.
    extra = [r for r in verdicts[limit:] if r.label in HOT_LABELS][:limit]
    return top + extra


def item_parts(key: str) -> tuple[str, str, str]:
    """'bottoms:light blue:jeans' -> ('bottoms', 'light blue', 'jeans'); the label part is optional."""
    category, _, rest = key.partition(":")
    colour, _, label = rest.partition(":")
    return category, colour, label


def item_display(category: str, colour: str, label: str) -> str:
    return " ".join(part for part in (colour, label or category) if part)


def _evidence(stats: WeekStats, kind: str, keys: list[str]) -> dict[str, dict]:
    """Each key's most influential creators, and as its posts the best post of each of them (so one
    prolific account cannot fill the evidence)."""
    rows = aggregate.top_creators(stats.pk, kind, keys, EVIDENCE_CREATORS)
    posts = Post.objects.select_related("creator").in_bulk({row[2] for row in rows})
    evidence: dict[str, dict] = defaultdict(lambda: {"posts": [], "creators": []})
    for key, _creator_id, post_id, influence, crop in sorted(rows, key=lambda r: (r[0], -r[3], r[1])):
        post = posts[post_id]
        creator = post.creator
        evidence[key]["posts"].append(
            {
                "post_id": post.pk,
                "platform": post.platform,
                "external_id": post.external_id,
                "handle": creator.handle,
                "posted_at": post.posted_at.isoformat(),
                "influence": round(influence, 3),
                "caption": post.caption[:CAPTION_CHARS],
                "crop_url": default_storage.url(crop) if crop else "",
            }
        )
        evidence[key]["creators"].append(
            {
                "creator_id": creator.pk,
                "handle": creator.handle,
                "platform": creator.platform,
                "followers": creator.followers,
                "influence": round(influence, 3),
            }
        )
    return evidence


def build_entries(trend_week: TrendWeek, stats: WeekStats, kind: str, ranked: list[Ranked]) -> list[TrendEntry]:
    evidence = _evidence(stats, kind, [r.stat.key for r in ranked])
    entries = []
    for rank, r in enumerate(ranked, start=1):
        stat = r.stat
        category = colour = item_label = ""
        display = stat.key
        if kind == TrendKind.ITEM:
            category, colour, item_label = item_parts(stat.key)
            display = item_display(category, colour, item_label)
        entries.append(
            TrendEntry(
                week=trend_week,
                kind=kind,
                key=stat.key,
                display_name=display[:160],
                category=category[:32],
                colour=colour[:32],
                item_label=item_label[:64],
                segment=stat.segment,
                rank=rank,
                score=round(stat.score, 4),
                label=r.label,
                growth=round(r.growth, 4) if r.growth is not None else None,
                posts=stat.posts,
                creators=stat.creators,
                evidence=evidence.get(stat.key, {"posts": [], "creators": []}),
            )
        )
    return entries
