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


def refresh_planner_stats(*tables: str) -> None:
    """PostgreSQL plans the later joins from table statistics; rows inserted a moment ago in this
    transaction are invisible to autovacuum, so without this it plans for an empty table."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        # Sorts and hashes of a week's aggregation fit in memory instead of spilling to disk.
        cursor.execute("SET LOCAL work_mem = '64MB'")
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


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
    fence = " OFFSET 0" if connection.vendor == "postgresql" else ""
    select_sql, select_params = influence_select_sql(params, priors, default_rate, fence)
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
    """Distinct keyword phrases of the week: (phrase, uses, summed influence of those posts)."""
    return _rows(
        """SELECT pk.phrase, COUNT(*), SUM(pi.influence)
           FROM trends_postinfluence pi
           JOIN analysis_postkeyword pk ON pk.post_id = pi.post_id
           WHERE pi.stats_id = %s
           GROUP BY pk.phrase""",
        [stats_id],
    )


# --- Keys: a source yields one row per (key, post) occurrence of the week; everything after is shared ---
# Sources start from the week's PostInfluence rows, so no query ever scans other weeks' keywords or
# detections; a post may yield the same key twice (hashtag and caption, video frames): the
# aggregates below count distinct posts.


@dataclass(frozen=True)
class KeySource:
    sql: str  # columns: key, compact, post_id, creator_id, influence, interactions, crop
    params: tuple


def keyword_source(stats_id: int) -> KeySource:
    return KeySource(
        """SELECT m.key AS key, m.compact AS compact, pi.post_id AS post_id, pi.creator_id AS creator_id,
                  pi.influence AS influence, pi.interactions AS interactions, '' AS crop
           FROM trends_postinfluence pi
           JOIN analysis_postkeyword pk ON pk.post_id = pi.post_id
           JOIN trends_phrasekey m ON m.phrase = pk.phrase AND m.stats_id = pi.stats_id
           WHERE pi.stats_id = %s""",
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


def item_source(stats_id: int) -> KeySource:
    key, key_params = item_key_sql()
    ignored = ", ".join(["%s"] * len(IGNORED_CATEGORIES))
    return KeySource(
        f"""SELECT key, key AS compact, post_id, creator_id, influence, interactions, crop FROM (
                SELECT {key} AS key, pi.post_id AS post_id, pi.creator_id AS creator_id,
                       pi.influence AS influence, pi.interactions AS interactions, d.crop AS crop
                FROM trends_postinfluence pi
                JOIN analysis_detection d ON d.post_id = pi.post_id
                WHERE pi.stats_id = %s AND d.category NOT IN ({ignored})) detections""",  # noqa: S608
        (*key_params, stats_id, *IGNORED_CATEGORIES),
    )


def source_for(kind: str, stats_id: int) -> KeySource:
    return keyword_source(stats_id) if kind == TrendKind.KEYWORD else item_source(stats_id)


def _per_creator(source: KeySource, keys: Sequence[str] | None) -> tuple[str, list]:
    """One row per (key, creator): best post influence, distinct posts, best interactions.

    Duplicates of a (key, post) pair are folded first by a hash aggregate, so no COUNT(DISTINCT)
    has to sort the whole week.
    """
    where, extra = "", []
    if keys is not None:
        where = f"WHERE src.key IN ({', '.join(['%s'] * len(keys))})"
        extra = list(keys)
    sql = f"""SELECT key, MIN(compact) AS compact, creator_id, MAX(influence) AS best, COUNT(*) AS n,
                     MAX(interactions) AS inter
              FROM (SELECT src.key AS key, MIN(src.compact) AS compact, MIN(src.creator_id) AS creator_id,
                           MAX(src.influence) AS influence, MAX(src.interactions) AS interactions
                    FROM ({source.sql}) src {where}
                    GROUP BY src.key, src.post_id) key_posts
              GROUP BY key, creator_id"""  # noqa: S608
    return sql, [*source.params, *extra]


# A key's segment: the one at least 60 % of its creators are in.
DOMINANT_SEGMENT_SHARE = 0.6


def build_key_stats(stats_id: int, kind: str, ghost_interactions: float) -> int:
    """KeyStat rows for every key of the week (see KeyStat for the columns' meaning)."""
    per_creator, params = _per_creator(source_for(kind, stats_id), None)
    share = repr(DOMINANT_SEGMENT_SHARE)
    return _execute(
        f"""INSERT INTO trends_keystat (stats_id, kind, key, compact, score, raw_score, posts, creators,
                                        real_creators, top_share, segment)
            SELECT %s, %s, key, MIN(compact),
                   SUM(best) * CAST(SUM(is_real) AS DOUBLE PRECISION) / COUNT(*),
                   SUM(best), SUM(n), COUNT(*), SUM(is_real),
                   CASE WHEN SUM(best) > 0 THEN MAX(best) / SUM(best) ELSE 1.0 END,
                   CASE WHEN SUM(fashion) >= {share} * COUNT(*) THEN 'fashion'
                        WHEN SUM(beauty) >= {share} * COUNT(*) THEN 'beauty' ELSE '' END
            FROM (SELECT pc.key, pc.compact, pc.best, pc.n, CASE WHEN pc.inter >= %s THEN 1 ELSE 0 END AS is_real,
                         CASE WHEN c.segment = 'fashion' THEN 1 ELSE 0 END AS fashion,
                         CASE WHEN c.segment = 'beauty' THEN 1 ELSE 0 END AS beauty
                  FROM ({per_creator}) pc JOIN analysis_creator c ON c.id = pc.creator_id) creators
            GROUP BY key""",  # noqa: S608
        [stats_id, kind, ghost_interactions, *params],
    )


# --- Evidence for the ranked keys ------------------------------------------------------------------


def top_creators(stats_id: int, kind: str, keys: Sequence[str], limit: int) -> list[tuple[str, int, int, float, str]]:
    """(key, creator_id, post_id, influence, crop) of each key's `limit` most influential creators, each
    with their most influential post of the key: one pass over the ranked keys' posts."""
    if not keys:
        return []
    source = source_for(kind, stats_id)
    marks = ", ".join(["%s"] * len(keys))
    return _rows(
        f"""SELECT key, creator_id, post_id, influence, crop FROM (
                SELECT key, creator_id, post_id, influence, crop,
                       ROW_NUMBER() OVER (PARTITION BY key ORDER BY influence DESC, creator_id) AS creator_rank
                FROM (
                    SELECT key, creator_id, post_id, influence, crop,
                           ROW_NUMBER() OVER (PARTITION BY key, creator_id
                                              ORDER BY influence DESC, post_id) AS post_rank
                    FROM (SELECT src.key AS key, src.post_id AS post_id, MIN(src.creator_id) AS creator_id,
                                 MAX(src.influence) AS influence, MAX(src.crop) AS crop
                          FROM ({source.sql}) src
                          WHERE src.key IN ({marks})
                          GROUP BY src.key, src.post_id) key_posts
                ) best_posts WHERE post_rank = 1
            ) ranked WHERE creator_rank <= %s""",  # noqa: S608
        [*source.params, *keys, limit],
    )
