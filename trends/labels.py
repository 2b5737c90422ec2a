"""Trend labels and evergreen detection: pure functions of a key's weekly figures.

Momentum is measured against the trailing weeks, not last week alone (docs/trends.md). With c the
key's real creators this week (creators with real engagement on it) and n the baseline weeks:

    s      this week's score;  b = mean score over the last 4 weeks that have data (absent key = 0)
    s0     smoothing: SMOOTHING_CREATORS × the week's mean per-creator contribution
    r4     = (s + s0) / (b + s0)              momentum against the trailing baseline
    r_prev = the same ratio one week earlier   (was it already climbing?)
    rc     = (c + 2) / (c̄ + 2)                spread: real creators against their trailing mean c̄
    z      = A(c, c̄, n)                        is the spread beyond chance? Creators are counts, so
             A(x, m, n) = 2(√(x + 3/8) − √(m + 3/8)) / √(1 + 1/n) (Anscombe: near unit-normal even for
             small counts; the 1/n term is the noise of the baseline itself)
    z2     = the same test for this week and last week together against the 4 weeks before them
    growth = s / b, or None with no baseline (b = 0 or no earlier week)

Hundreds of keys are tested every week, so the bars on z are high (a Bonferroni-style 3.5 for a
one-week jump). A key is *trend-eligible* when at least MIN_TREND_CREATORS real creators carry it,
its strongest creator holds at most MAX_TOP_SHARE of its raw score and at least half of its creators
show real engagement. Only eligible keys can be new, rising or breakout. In order:

    first seen  (absent from every earlier week with data, or no earlier week at all):
                breakout when eligible with >= 10 real creators, z >= 4 and >= 2 earlier weeks of
                data (it came from nowhere); else new when eligible; else steady
    breakout    eligible, r4 >= 3, rc >= 2, z >= 4, at least 10 real creators, n >= 2
    rising      eligible, and either a jump (z >= 3.5, r4 >= 2, rc >= 1.5, n >= 2) or a climb that has
                lasted two weeks (z2 >= 3.5, r4 >= 1.4, r_prev >= 1.2, rc >= 1.2, n >= 3)
    declining   z <= -1.5, and r4 <= 0.5 or r4 <= 0.7 with r_prev <= 0.9
    steady      everything else
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field

from trends.models import TrendLabel

BASELINE_WEEKS = 4
# A baseline of one week is mostly noise: rising needs two (a two-week climb, three).
MIN_BASELINE_WEEKS = 2
SMOOTHING_CREATORS = 3.0
MIN_RANKED_CREATORS = 3
MIN_TREND_CREATORS = 5
MAX_TOP_SHARE = 0.5
MIN_REAL_SHARE = 0.5
BREAKOUT = {"ratio": 3.0, "spread": 2.0, "z": 4.0, "creators": 10, "history": 2}
RISING = {"ratio": 2.0, "spread": 1.5, "z": 3.5}
SUSTAINED = {"ratio": 1.4, "prev_ratio": 1.2, "spread": 1.2, "z": 3.5}
DECLINING = {"ratio": 0.7, "prev_ratio": 0.9, "steep_ratio": 0.5, "z": -1.5}

# Evergreen: present in >= 75 % of the last 8 weeks (at least 4 with data), used by >= 8 % of the
# week's creators on average, with a stable share (coefficient of variation <= 0.5); or, with any
# history, used by >= 20 % of this week's creators without rising. Either way by at least 20 real
# creators this week: in a tiny week every tag is "everywhere".
EVERGREEN_WINDOW = 8
EVERGREEN_MIN_WEEKS = 4
EVERGREEN_PRESENCE = 0.75
EVERGREEN_MIN_SHARE = 0.08
EVERGREEN_MAX_CV = 0.5
UBIQUITOUS_SHARE = 0.20
EVERGREEN_MIN_CREATORS = 20


@dataclass(frozen=True)
class Point:
    """A key's figures in one week that has data (score 0 and no creators when the key was absent)."""

    score: float = 0.0
    real_creators: int = 0
    creators: int = 0
    week_creators: int = 0  # all active creators of that week

    @property
    def share(self) -> float:
        return self.real_creators / self.week_creators if self.week_creators else 0.0


@dataclass(frozen=True)
class Current:
    score: float
    real_creators: int
    creators: int
    week_creators: int
    top_share: float

    @property
    def real_share(self) -> float:
        return self.real_creators / self.creators if self.creators else 0.0

    @property
    def eligible(self) -> bool:
        return (
            self.real_creators >= MIN_TREND_CREATORS
            and self.top_share <= MAX_TOP_SHARE
            and self.real_share >= MIN_REAL_SHARE
        )


@dataclass(frozen=True)
class Momentum:
    r4: float
    r_prev: float
    spread: float
    z: float
    z2: float
    history: int  # earlier weeks with data
    baseline_weeks: int
    growth: float | None
    has_history: bool
    seen_before: bool


@dataclass
class Verdict:
    label: str
    growth: float | None
    momentum: Momentum = field(repr=False)


def _ratio(score: float, baseline: float, s0: float) -> float:
    return (score + s0) / (baseline + s0)


def anscombe_z(count: float, mean: float, baseline_weeks: int) -> float:
    return 2 * (math.sqrt(count + 0.375) - math.sqrt(mean + 0.375)) / math.sqrt(1 + 1 / baseline_weeks)


def momentum(current: Current, trailing: list[Point], s0: float) -> Momentum:
    """`trailing`: the weeks with data before this one, most recent first."""
    window = trailing[:BASELINE_WEEKS]
    seen = any(p.creators > 0 for p in trailing[:EVERGREEN_WINDOW])
    if not window:
        return Momentum(1.0, 1.0, 1.0, 0.0, 0.0, 0, 0, None, has_history=False, seen_before=False)
    baseline = statistics.fmean(p.score for p in window)
    creators_baseline = statistics.fmean(p.real_creators for p in window)
    previous = trailing[1 : BASELINE_WEEKS + 1]
    r_prev, z2 = 1.0, 0.0
    if previous:
        r_prev = _ratio(trailing[0].score, statistics.fmean(p.score for p in previous), s0)
        two_weeks = current.real_creators + trailing[0].real_creators
        before = statistics.fmean(p.real_creators for p in previous)
        z2 = anscombe_z(two_weeks, 2 * before, len(previous))
    return Momentum(
        r4=_ratio(current.score, baseline, s0),
        r_prev=r_prev,
        spread=(current.real_creators + 2) / (creators_baseline + 2),
        z=anscombe_z(current.real_creators, creators_baseline, len(window)),
        z2=z2,
        history=len(trailing),
        baseline_weeks=len(window),
        growth=current.score / baseline if baseline > 0 else None,
        has_history=True,
        seen_before=seen,
    )


def _fast_rise(m: Momentum) -> bool:
    return (
        m.baseline_weeks >= MIN_BASELINE_WEEKS
        and m.z >= RISING["z"]
        and m.r4 >= RISING["ratio"]
        and m.spread >= RISING["spread"]
    )


def _sustained_rise(m: Momentum) -> bool:
    return (
        m.baseline_weeks > MIN_BASELINE_WEEKS
        and m.z2 >= SUSTAINED["z"]
        and m.r4 >= SUSTAINED["ratio"]
        and m.r_prev >= SUSTAINED["prev_ratio"]
        and m.spread >= SUSTAINED["spread"]
    )


def label_for(current: Current, trailing: list[Point], s0: float) -> Verdict:
    m = momentum(current, trailing, s0)
    eligible = current.eligible
    if not m.seen_before:
        from_nowhere = (
            m.history >= BREAKOUT["history"] and current.real_creators >= BREAKOUT["creators"] and m.z >= BREAKOUT["z"]
        )
        label = (TrendLabel.BREAKOUT if from_nowhere else TrendLabel.NEW) if eligible else TrendLabel.STEADY
    elif (
        eligible
        and m.r4 >= BREAKOUT["ratio"]
        and m.spread >= BREAKOUT["spread"]
        and m.z >= BREAKOUT["z"]
        and m.baseline_weeks >= MIN_BASELINE_WEEKS
        and current.real_creators >= BREAKOUT["creators"]
    ):
        label = TrendLabel.BREAKOUT
    elif eligible and (_fast_rise(m) or _sustained_rise(m)):
        label = TrendLabel.RISING
    elif m.z <= DECLINING["z"] and (
        m.r4 <= DECLINING["steep_ratio"] or (m.r4 <= DECLINING["ratio"] and m.r_prev <= DECLINING["prev_ratio"])
    ):
        label = TrendLabel.DECLINING
    else:
        label = TrendLabel.STEADY
    return Verdict(label=str(label), growth=m.growth, momentum=m)


def is_evergreen(current: Current, trailing: list[Point], s0: float) -> bool:
    """Data-driven evergreen test; the configured list (TREND_EVERGREEN_KEYWORDS) is checked by the caller."""
    weeks = trailing[: EVERGREEN_WINDOW - 1]
    if current.real_creators < EVERGREEN_MIN_CREATORS:
        return False
    # Real creators only: a bot ring is everywhere for a few weeks, which makes it suspect, not evergreen.
    share_now = current.real_creators / current.week_creators if current.week_creators else 0.0
    if share_now >= UBIQUITOUS_SHARE and momentum(current, trailing, s0).r4 < RISING["ratio"]:
        return True
    if len(weeks) + 1 < EVERGREEN_MIN_WEEKS:
        return False
    shares = [share_now, *(p.share for p in weeks)]
    presence = sum(1 for s in shares if s > 0) / len(shares)
    mean = statistics.fmean(shares)
    if presence < EVERGREEN_PRESENCE or mean < EVERGREEN_MIN_SHARE:
        return False
    return statistics.pstdev(shares) / mean <= EVERGREEN_MAX_CV
