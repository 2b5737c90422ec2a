"""The weekly aggregation, in the database: a few INSERT … SELECT and GROUP BY statements per week.

Nothing here loops over posts in Python. The statements are composed from constant fragments;
every value is a query parameter, or a float the engine formatted itself (hence the S608 noqa).
The SQL is portable between PostgreSQL and SQLite (LN and EXP come from Django's SQLite function
registry; window functions need SQLite 3.25+).

Order of work for one week (all inside the caller's transaction):
1. platform priors over the creator-history window (two GROUP BY platform queries);
2. trends_creatorweek: each active creator's typical ln(1 + engagement);
3. trends_postinfluence: every post of the week with its influence (trends.influence);
4. trends_keystat: per key, each creator counted once with its best post (keywords and items).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import connection

from trends.influence import InfluenceParams, PlatformPrior, engagement_sql, influence_select_sql
from trends.models import TrendKind

# Detections of the whole person (not a garment) carry no item.
IGNORED_CATEGORIES = ("person", "")
# Detection labels that name no specific item: the pose model's regions say only "person".
GENERIC_LABELS = ("person", "")


def _adapt(params: Sequence) -> list:
    # Raw SQL gets no field conversion: SQLite stores UTC text, so aware datetimes must be adapted.
    adapt = connection.ops.adapt_datetimefield_value
    return [adapt(p) if isinstance(p, datetime) else p for p in params]


def _rows(sql: str, params: Sequence) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, _adapt(params))
        return cursor.fetchall()


def _execute(sql: str, params: Sequence) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, _adapt(params))
        return cursor.rowcount


def platform_priors(params: InfluenceParams, start: datetime, end: datetime) -> tuple[dict[str, PlatformPrior], float]:
    """Per platform: views per like (where views are reported) and engagement per follower; and a global rate."""
    views = _rows(
        """SELECT p.platform, AVG(LN(CAST(p.views AS DOUBLE PRECISION)) - LN(1 + CAST(p.likes AS DOUBLE PRECISION)))
           FROM analysis_post p WHERE p.posted_at >= %s AND p.posted_at < %s AND p.views > 0 GROUP BY p.platform""",
        [start, end],
    )
    views_per_like = {platform: math.exp(value) for platform, value in views if value is not None}
    draft = {platform: PlatformPrior(rate=1.0, views_per_like=v) for platform, v in views_per_like.items()}
    e_sql, e_params = engagement_sql(params, draft)
    rates = _rows(
        f"""SELECT p.platform, AVG(LN(1 + {e_sql}) - LN(1 + CAST(c.followers AS DOUBLE PRECISION))), COUNT(*)
            FROM analysis_post p JOIN analysis_creator c ON c.id = p.creator_id
            WHERE p.posted_at >= %s AND p.posted_at < %s GROUP BY p.platform""",  # noqa: S608
        [*e_params, start, end],
    )
    priors = {
        platform: PlatformPrior(rate=math.exp(value), views_per_like=views_per_like.get(platform, 0.0))
        for platform, value, _ in rates
        if value is not None
    }
    total = sum(count for _, _, count in rates) or 1
    default_rate = math.exp(sum((value or 0.0) * count for _, value, count in rates) / total)
    return priors, default_rate


def build_creator_weeks(
    stats_id: int,
    params: InfluenceParams,
    priors: dict[str, PlatformPrior],
    history_start: datetime,
    start: datetime,
    end: datetime,
) -> int:
    e_sql, e_params = engagement_sql(params, priors)
    return _execute(
        f"""INSERT INTO trends_creatorweek (stats_id, creator_id, posts, log_engagement)
            SELECT %s, p.creator_id, COUNT(*), AVG(LN(1 + {e_sql}))
            FROM analysis_post p
            WHERE p.posted_at >= %s AND p.posted_at < %s
              AND p.creator_id IN (SELECT w.creator_id FROM analysis_post w
                                   WHERE w.posted_at >= %s AND w.posted_at < %s)
            GROUP BY p.creator_id""",  # noqa: S608
        [stats_id, *e_params, history_start, end, start, end],
    )


def build_post_influence(
    stats_id: int,
    params: InfluenceParams,
    priors: dict[str, PlatformPrior],
    default_rate: float,
    start: datetime,
    end: datetime,
) -> int:
    select_sql, select_params = influence_select_sql(params, priors, default_rate)
    return _execute(
        f"""INSERT INTO trends_postinfluence
                (stats_id, post_id, creator_id, engagement, interactions, performance, influence)
            SELECT %s, post_id, creator_id, e, i, perf, influence FROM ({select_sql}) influence_rows""",  # noqa: S608
        [stats_id, *select_params, stats_id, start, end],
    )


def week_totals(stats_id: int) -> tuple[int, int]:
    [(posts, creators)] = _rows(
        "SELECT COUNT(*), COUNT(DISTINCT creator_id) FROM trends_postinfluence WHERE stats_id = %s", [stats_id]
    )
    return posts, creators


def week_phrases(stats_id: int) -> list[tuple[str, int, float]]:
    """Distinct keyword phrases of the week: (phrase, posts, summed influence of those posts)."""
    return _rows(
        """SELECT pk.phrase, COUNT(DISTINCT pk.post_id), SUM(pi.influence)
           FROM analysis_postkeyword pk
           JOIN trends_postinfluence pi ON pi.post_id = pk.post_id AND pi.stats_id = %s
           GROUP BY pk.phrase""",
        [stats_id],
    )


# --- Keys: a source yields (key, compact, post_id, crop) rows; everything after is shared -------------


@dataclass(frozen=True)
class KeySource:
    sql: str
    params: tuple


def keyword_source(stats_id: int) -> KeySource:
    return KeySource(
        """SELECT m.key AS key, m.compact AS compact, pk.post_id AS post_id, '' AS crop
           FROM analysis_postkeyword pk
           JOIN trends_phrasekey m ON m.phrase = pk.phrase AND m.stats_id = %s""",
        (stats_id,),
    )


def item_key_sql(alias: str = "d") -> tuple[str, list]:
    """'category:colour', plus ':label' when a clothing model named the item (docs/trends.md)."""
    generic = ", ".join(["%s"] * len(GENERIC_LABELS))
    label = (
        f"(CASE WHEN {alias}.label IN ({generic}) OR {alias}.label = {alias}.category THEN '' ELSE {alias}.label END)"
    )
    suffix = f"(CASE WHEN {label} <> '' THEN ':' || {label} ELSE '' END)"
    key = f"SUBSTR({alias}.category || ':' || {alias}.colour_name || {suffix}, 1, 120)"
    return key, [*GENERIC_LABELS, *GENERIC_LABELS]


def item_source() -> KeySource:
    key, key_params = item_key_sql()
    ignored = ", ".join(["%s"] * len(IGNORED_CATEGORIES))
    return KeySource(
        f"""SELECT {key} AS key, {key} AS compact, d.post_id AS post_id, d.crop AS crop
            FROM analysis_detection d WHERE d.category NOT IN ({ignored})""",  # noqa: S608
        (*key_params, *key_params, *IGNORED_CATEGORIES),
    )


def source_for(kind: str, stats_id: int) -> KeySource:
    return keyword_source(stats_id) if kind == TrendKind.KEYWORD else item_source()


def _per_creator(source: KeySource, stats_id: int, keys: Sequence[str] | None) -> tuple[str, list]:
    """One row per (key, creator): best post influence, posts, best interactions."""
    where, extra = "", []
    if keys is not None:
        where = f"WHERE src.key IN ({', '.join(['%s'] * len(keys))})"
        extra = list(keys)
    sql = f"""SELECT src.key AS key, MIN(src.compact) AS compact, pi.creator_id AS creator_id,
                     MAX(pi.influence) AS best, COUNT(DISTINCT pi.post_id) AS n, MAX(pi.interactions) AS inter
              FROM ({source.sql}) src
              JOIN trends_postinfluence pi ON pi.post_id = src.post_id AND pi.stats_id = %s
              {where}
              GROUP BY src.key, pi.creator_id"""  # noqa: S608
    return sql, [*source.params, stats_id, *extra]


def build_key_stats(stats_id: int, kind: str, ghost_interactions: float) -> int:
    """KeyStat rows for every key of the week (see KeyStat for the columns' meaning)."""
    per_creator, params = _per_creator(source_for(kind, stats_id), stats_id, None)
    return _execute(
        f"""INSERT INTO trends_keystat
                (stats_id, kind, key, compact, score, raw_score, posts, creators, real_creators, top_share)
            SELECT %s, %s, key, MIN(compact),
                   SUM(best) * CAST(SUM(is_real) AS DOUBLE PRECISION) / COUNT(*),
                   SUM(best), SUM(n), COUNT(*), SUM(is_real),
                   CASE WHEN SUM(best) > 0 THEN MAX(best) / SUM(best) ELSE 1.0 END
            FROM (SELECT key, compact, best, n, CASE WHEN inter >= %s THEN 1 ELSE 0 END AS is_real
                  FROM ({per_creator}) per_creator) creators
            GROUP BY key""",  # noqa: S608
        [stats_id, kind, ghost_interactions, *params],
    )


# --- Evidence for the ranked keys ------------------------------------------------------------------


def top_posts(stats_id: int, kind: str, keys: Sequence[str], limit: int) -> list[tuple[str, int, float, str]]:
    """(key, post_id, influence, crop path) of each key's `limit` most influential posts."""
    if not keys:
        return []
    source = source_for(kind, stats_id)
    marks = ", ".join(["%s"] * len(keys))
    return _rows(
        f"""SELECT key, post_id, influence, crop FROM (
                SELECT key, post_id, influence, crop,
                       ROW_NUMBER() OVER (PARTITION BY key ORDER BY influence DESC, post_id) AS rn
                FROM (SELECT src.key AS key, pi.post_id AS post_id, MAX(pi.influence) AS influence,
                             MAX(src.crop) AS crop
                      FROM ({source.sql}) src
                      JOIN trends_postinfluence pi ON pi.post_id = src.post_id AND pi.stats_id = %s
                      WHERE src.key IN ({marks})
                      GROUP BY src.key, pi.post_id) key_posts
            ) ranked WHERE rn <= %s""",  # noqa: S608
        [*source.params, stats_id, *keys, limit],
    )


def top_creators(stats_id: int, kind: str, keys: Sequence[str], limit: int) -> list[tuple[str, int, float]]:
    """(key, creator_id, best influence) of each key's `limit` most influential creators."""
    if not keys:
        return []
    per_creator, params = _per_creator(source_for(kind, stats_id), stats_id, keys)
    return _rows(
        f"""SELECT key, creator_id, best FROM (
                SELECT key, creator_id, best,
                       ROW_NUMBER() OVER (PARTITION BY key ORDER BY best DESC, creator_id) AS rn
                FROM ({per_creator}) per_creator
            ) ranked WHERE rn <= %s""",  # noqa: S608
        [*params, limit],
    )


def creator_segments(stats_id: int, kind: str, keys: Sequence[str]) -> list[tuple[str, str, int]]:
    """(key, creator segment, creators) for the ranked keys."""
    if not keys:
        return []
    per_creator, params = _per_creator(source_for(kind, stats_id), stats_id, keys)
    return _rows(
        f"""SELECT pc.key, c.segment, COUNT(*) FROM ({per_creator}) pc
            JOIN analysis_creator c ON c.id = pc.creator_id GROUP BY pc.key, c.segment""",  # noqa: S608
        params,
    )
