"""Click-through rates of trend-curated vs control placements, with the uplift's 95% interval.

Counted: impressions and clicks of visitors who look human. Not counted: duplicate event ids (never
stored twice), events flagged as crawlers, and every event of a visitor who clicked more than
settings.CTR_MAX_CLICKS_PER_MINUTE times in one minute, or (for shop-reported events) clicked without
ever being shown anything. The interval is the delta method on the log of the CTR ratio (Katz);
docs/curation.md has the formula and its assumptions.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, QuerySet

from curation.models import TrackingEvent
from tenants.models import Tenant
from tenants.scoping import tenant_context

Z_95 = 1.959964
IMPRESSION, CLICK = TrackingEvent.Type.IMPRESSION, TrackingEvent.Type.CLICK
MINUTE = timedelta(minutes=1)


@dataclass
class VariantStats:
    impressions: int = 0
    clicks: int = 0

    @property
    def ctr(self) -> float | None:
        return self.clicks / self.impressions if self.impressions else None


@dataclass
class Comparison:
    label: str
    trend: VariantStats = field(default_factory=VariantStats)
    control: VariantStats = field(default_factory=VariantStats)

    @property
    def events(self) -> int:
        return self.trend.impressions + self.trend.clicks + self.control.impressions + self.control.clicks

    @property
    def uplift(self) -> tuple[float, float, float] | None:
        """(relative uplift, 95% low, 95% high), or None when either variant has no clicks."""
        return relative_uplift(self.trend, self.control)

    @property
    def significant(self) -> bool:
        u = self.uplift
        return u is not None and (u[1] > 0 or u[2] < 0)


@dataclass
class CtrReport:
    weeks: list[Comparison]
    overall: Comparison
    excluded_events: int
    excluded_visitors: int
    demo_events: bool

    @property
    def has_data(self) -> bool:
        return bool(self.overall.events)


def relative_uplift(trend: VariantStats, control: VariantStats, z: float = Z_95) -> tuple[float, float, float] | None:
    """CTR_trend / CTR_control − 1 and its interval: exp(log RR ± z·SE) − 1, SE² = Σ (1/clicks − 1/impressions)."""
    if not (trend.clicks and control.clicks and trend.impressions and control.impressions):
        return None
    ratio = (trend.clicks / trend.impressions) / (control.clicks / control.impressions)
    variance = max(1 / trend.clicks - 1 / trend.impressions, 0) + max(1 / control.clicks - 1 / control.impressions, 0)
    half = z * math.sqrt(variance)
    log_ratio = math.log(ratio)
    return ratio - 1, math.exp(log_ratio - half) - 1, math.exp(log_ratio + half) - 1


def suspicious_visitors(events: QuerySet) -> set[str]:
    """Visitor ids of crawlers, click bursts, and shop visitors clicking what they were never shown.

    Each rule is a query that returns only the few visitors it catches (indexes on the type and
    visitor keep them cheap whatever the number of events).
    """
    events = events.order_by()  # no default ordering: it would leak into DISTINCT and GROUP BY
    crawlers = set(events.filter(flagged_bot=True).values_list("visitor_id", flat=True).distinct())
    clicks = events.filter(type=CLICK)
    limit = settings.CTR_MAX_CLICKS_PER_MINUTE
    # Only a visitor with more clicks in total than the per-minute limit can have a burst.
    busy = clicks.values("visitor_id").annotate(n=Count("id")).filter(n__gt=limit).values_list("visitor_id", flat=True)
    times: dict[str, list] = defaultdict(list)
    for chunk in _chunks(sorted(busy)):
        for visitor, occurred in clicks.filter(visitor_id__in=chunk).values_list("visitor_id", "occurred_at"):
            times[visitor].append(occurred)
    bursts = {visitor for visitor, moments in times.items() if _max_in_a_minute(sorted(moments)) > limit}
    # Signed links carry no impression of their own (the newsletter is the impression), so only the
    # shop's own reports must pair clicks with impressions.
    shown = events.filter(type=IMPRESSION, visitor_id=OuterRef("visitor_id"))
    blind = clicks.exclude(source=TrackingEvent.Source.LINK).exclude(Exists(shown))
    return crawlers | bursts | set(blind.values_list("visitor_id", flat=True).distinct())


def _chunks(values: list[str], size: int = 500) -> Iterator[list[str]]:
    """Keep IN lists well under every database's parameter limit."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _max_in_a_minute(times: list) -> int:
    """Most clicks within any 60-second window (times sorted)."""
    best, first = 0, 0
    for last, moment in enumerate(times):
        while moment - times[first] >= MINUTE:
            first += 1
        best = max(best, last - first + 1)
    return best


def _tally(rows: QuerySet, by_week: dict[str, Comparison], overall: Comparison, sign: int = 1) -> set[str]:
    """Add (or with sign -1 subtract) the rows' counts; return the sources seen."""
    sources = set()
    for row in rows.values("week", "variant", "type", "source").annotate(n=Count("id")).order_by():
        week = by_week.setdefault(row["week"], Comparison(row["week"]))
        for comparison in (week, overall):
            stats = getattr(comparison, row["variant"])
            if row["type"] == IMPRESSION:
                stats.impressions += sign * row["n"]
            else:
                stats.clicks += sign * row["n"]
        sources.add(row["source"])
    return sources


def ctr_report(tenant: Tenant, last_weeks: int = 12) -> CtrReport:
    """Per-week and overall CTR of both variants; `weeks` holds the most recent `last_weeks` weeks."""
    with tenant_context(tenant):
        events = TrackingEvent.objects.all()
        suspects = sorted(suspicious_visitors(events))
        by_week: dict[str, Comparison] = {}
        overall = Comparison("Overall")
        sources = _tally(events, by_week, overall)
        everything = overall.events
        # Suspects are few; subtracting their counts keeps the big grouping query free of subqueries.
        for chunk in _chunks(suspects):
            _tally(events.filter(visitor_id__in=chunk), by_week, overall, -1)
    weeks = sorted((c for c in by_week.values() if c.events), key=lambda c: c.label, reverse=True)[:last_weeks]
    return CtrReport(
        weeks=weeks,
        overall=overall,
        excluded_events=everything - overall.events,
        excluded_visitors=len(suspects),
        demo_events=TrackingEvent.Source.DEMO in sources,
    )
