"""Influence of a post: the formula of docs/trends.md, as SQL for the engine and as Python for reference.

    E   = w_likes·likes + w_comments·comments + w_shares·shares + w_views·views'
          (latest metrics; views' = views, or likes × the platform's typical views-per-like when views
          is 0, because 0 views means "not reported" — Instagram reports none, a real video never has 0)
    I   = w_likes·likes + w_comments·comments + w_shares·shares            (interactions only)
    typ = (n·m + K·ln(1 + ρ_p·F)) / (n + K)     a creator's typical ln(1+E): mean m over its n posts of the
          last TREND_CREATOR_HISTORY_WEEKS weeks, shrunk toward the platform prior (ρ_p = the platform's
          geometric-mean engagement per follower, F = followers) as if the prior were K more posts
    perf = sqrt(clamp((1+E) / e^typ, 1/C, C))   performance against the creator's own norm, capped
    reach = ln(1 + min(F, 10·e^typ / ρ_p))      log-damped followers; an audience 10× less engaged than the
          platform norm (bought followers) is only credited with the part that engages
    influence = reach · perf · I / (I + I_min)  the last factor gates out posts without real engagement

Both implementations must agree: tests/trends/test_influence.py checks the SQL against `post_influence`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.conf import settings

METRICS = ("likes", "comments", "shares", "views")
# Fake-follower guard: reach is credited up to this many times what the engagement supports.
CREDIBLE_REACH_FACTOR = 10.0


@dataclass(frozen=True)
class InfluenceParams:
    weights: dict[str, float]
    prior_posts: float
    performance_cap: float
    min_interactions: float
    ghost_interactions: float
    history_weeks: int

    @classmethod
    def from_settings(cls) -> InfluenceParams:
        weights = {name: float(settings.TREND_WEIGHTS.get(name, 0.0)) for name in METRICS}
        params = cls(
            weights=weights,
            prior_posts=float(settings.TREND_PRIOR_POSTS),
            performance_cap=float(settings.TREND_PERFORMANCE_CAP),
            min_interactions=float(settings.TREND_MIN_INTERACTIONS),
            ghost_interactions=float(settings.TREND_GHOST_INTERACTIONS),
            history_weeks=int(settings.TREND_CREATOR_HISTORY_WEEKS),
        )
        params.validate()
        return params

    def validate(self) -> None:
        numbers = [*self.weights.values(), self.prior_posts, self.performance_cap, self.min_interactions]
        if any(not math.isfinite(x) or x < 0 for x in numbers):
            raise ValueError("TREND_WEIGHTS and the TREND_* influence settings must be finite and non-negative.")
        if self.min_interactions <= 0 or self.prior_posts <= 0 or self.performance_cap < 1:
            raise ValueError("TREND_MIN_INTERACTIONS and TREND_PRIOR_POSTS must be > 0, TREND_PERFORMANCE_CAP >= 1.")
        if self.history_weeks < 1:
            raise ValueError("TREND_CREATOR_HISTORY_WEEKS must be at least 1.")

    def as_dict(self) -> dict:
        return {
            "weights": self.weights,
            "prior_posts": self.prior_posts,
            "performance_cap": self.performance_cap,
            "min_interactions": self.min_interactions,
            "ghost_interactions": self.ghost_interactions,
            "history_weeks": self.history_weeks,
        }


@dataclass(frozen=True)
class PlatformPrior:
    rate: float  # ρ_p: geometric-mean (1 + E) / (1 + followers)
    views_per_like: float  # 0 when the platform reports no views


# --- Python reference ----------------------------------------------------------------------------


def engagement(likes: int, comments: int, shares: int, views: int, weights: dict, views_per_like: float) -> float:
    seen_views = views if views > 0 else likes * views_per_like
    return (
        weights["likes"] * likes
        + weights["comments"] * comments
        + weights["shares"] * shares
        + weights["views"] * seen_views
    )


def interactions(likes: int, comments: int, shares: int, weights: dict) -> float:
    return weights["likes"] * likes + weights["comments"] * comments + weights["shares"] * shares


def typical_log_engagement(posts: int, mean_log: float, followers: int, prior: PlatformPrior, k: float) -> float:
    return (posts * mean_log + k * math.log(1 + prior.rate * followers)) / (posts + k)


def post_influence(
    *,
    likes: int,
    comments: int,
    shares: int,
    views: int,
    followers: int,
    typical_log: float,
    prior: PlatformPrior,
    params: InfluenceParams,
) -> float:
    e = engagement(likes, comments, shares, views, params.weights, prior.views_per_like)
    i = interactions(likes, comments, shares, params.weights)
    cap = math.log(params.performance_cap)
    x = max(-cap, min(cap, math.log(1 + e) - typical_log))
    perf = math.exp(x / 2)
    reach = math.log(1 + min(followers, CREDIBLE_REACH_FACTOR * math.exp(typical_log) / prior.rate))
    return reach * perf * i / (i + params.min_interactions)


# --- SQL (portable: PostgreSQL, and SQLite with the LN/EXP functions Django registers) --------------


def _num(value: float) -> str:
    if not math.isfinite(value):
        raise ValueError(f"not a finite number: {value!r}")
    return repr(float(value))


def _col(expr: str) -> str:
    return f"CAST({expr} AS DOUBLE PRECISION)"


def platform_case(values: dict[str, float], alias: str, default: float) -> tuple[str, list]:
    """CASE over the post's platform; platform names are parameters, numbers literals."""
    if not values:
        return _num(default), []
    whens = " ".join(f"WHEN %s THEN {_num(v)}" for v in values.values())
    return f"(CASE {alias}.platform {whens} ELSE {_num(default)} END)", list(values)


def engagement_sql(params: InfluenceParams, priors: dict[str, PlatformPrior], alias: str = "p") -> tuple[str, list]:
    w = params.weights
    vpl, vpl_params = platform_case({k: v.views_per_like for k, v in priors.items()}, alias, 0.0)
    sql = (
        f"({_num(w['likes'])} * {_col(alias + '.likes')} + {_num(w['comments'])} * {_col(alias + '.comments')}"
        f" + {_num(w['shares'])} * {_col(alias + '.shares')} + {_num(w['views'])} * (CASE WHEN {alias}.views > 0"
        f" THEN {_col(alias + '.views')} ELSE {vpl} * {_col(alias + '.likes')} END))"
    )
    return sql, vpl_params


def interactions_sql(params: InfluenceParams, alias: str = "p") -> str:
    w = params.weights
    return (
        f"({_num(w['likes'])} * {_col(alias + '.likes')} + {_num(w['comments'])} * {_col(alias + '.comments')}"
        f" + {_num(w['shares'])} * {_col(alias + '.shares')})"
    )


def influence_select_sql(
    params: InfluenceParams, priors: dict[str, PlatformPrior], default_rate: float, fence: str = ""
) -> tuple[str, list]:
    """SELECT post_id, creator_id, e, i, perf, influence for the posts in [%s, %s) (params appended last).

    Needs trends_creatorweek rows for the stats id given as the first extra parameter. `fence`
    (" OFFSET 0" on PostgreSQL) keeps the planner from inlining the inner subqueries, which would
    evaluate the logarithms once per reference instead of once per row.
    """
    e_sql, e_params = engagement_sql(params, priors)
    rate, rate_params = platform_case({k: v.rate for k, v in priors.items()}, "p", default_rate)
    cap = _num(math.log(params.performance_cap))
    k = _num(params.prior_posts)
    sql = f"""
        SELECT post_id, creator_id, e, i, perf,
               reach * perf * i / (i + {_num(params.min_interactions)}) AS influence
        FROM (
            SELECT post_id, creator_id, e, i,
                   EXP((CASE WHEN x > {cap} THEN {cap} WHEN x < -{cap} THEN -{cap} ELSE x END) / 2) AS perf,
                   LN(1 + CASE WHEN f < cred THEN f ELSE cred END) AS reach
            FROM (
                SELECT post_id, creator_id, e, i, f, LN(1 + e) - typ AS x,
                       {_num(CREDIBLE_REACH_FACTOR)} * EXP(typ) / rate AS cred
                FROM (
                    SELECT p.id AS post_id, p.creator_id AS creator_id, {e_sql} AS e,
                           {interactions_sql(params)} AS i, {_col("c.followers")} AS f, {rate} AS rate,
                           (cw.posts * cw.log_engagement + {k} * LN(1 + {rate} * {_col("c.followers")}))
                               / (cw.posts + {k}) AS typ
                    FROM analysis_post p
                    JOIN analysis_creator c ON c.id = p.creator_id
                    JOIN trends_creatorweek cw ON cw.creator_id = p.creator_id AND cw.stats_id = %s
                    WHERE p.posted_at >= %s AND p.posted_at < %s{fence}
                ) base{fence}
            ) mid{fence}
        ) perf_reach
    """  # noqa: S608
    return sql, [*e_params, *rate_params, *rate_params]
