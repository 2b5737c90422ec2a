"""Click-through rates of trend-curated vs control placements, with the uplift's 95% interval.

Counted: impressions and clicks of visitors who look human. Not counted: duplicate event ids (never
stored twice), events flagged as crawlers, and every event of a visitor who clicked more than
settings.CTR_MAX_CLICKS_PER_MINUTE times in one minute, or (for shop-reported events) clicked without
ever being shown anything. The interval is the delta method on the log of the CTR ratio (Katz);
docs/curation.md has the formula and its assumptions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMinute

from curation.models import TrackingEvent
from tenants.models import Tenant
from tenants.scoping import tenant_context

Z_95 = 1.959964
IMPRESSION, CLICK = TrackingEvent.Type.IMPRESSION, TrackingEvent.Type.CLICK


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
        return bool(self.overall.trend.impressions or self.overall.control.impressions)


def relative_uplift(trend: VariantStats, control: VariantStats, z: float = Z_95) -> tuple[float, float, float] | None:
    """CTR_trend / CTR_control − 1 and its interval: exp(log RR ± z·SE) − 1, SE² = Σ (1/clicks − 1/impressions)."""
    if not (trend.clicks and control.clicks and trend.impressions and control.impressions):
        return None
    ratio = (trend.clicks / trend.impressions) / (control.clicks / control.impressions)
    variance = max(1 / trend.clicks - 1 / trend.impressions, 0) + max(1 / control.clicks - 1 / control.impressions, 0)
    half = z * math.sqrt(variance)
    log_ratio = math.log(ratio)
    return ratio - 1, math.exp(log_ratio - half) - 1, math.exp(log_ratio + half) - 1


def suspicious_visitors(events: QuerySet) -> tuple[QuerySet, QuerySet, QuerySet]:
    """Visitor-id subqueries of crawlers, click bursts, and shop visitors clicking unseen things."""
    crawlers = events.filter(flagged_bot=True).values("visitor_id")
    bursts = (
        events.filter(type=CLICK)
        .annotate(minute=TruncMinute("occurred_at"))
        .values("visitor_id", "minute")
        .annotate(n=Count("id"))
        .filter(n__gt=settings.CTR_MAX_CLICKS_PER_MINUTE)
        .values("visitor_id")
    )
    # Signed links carry no impression of their own (the newsletter is the impression), so only the
    # shop's own reports must pair clicks with impressions.
    blind = (
        events.exclude(source=TrackingEvent.Source.LINK)
        .values("visitor_id")
        .annotate(shown=Count("id", filter=Q(type=IMPRESSION)), clicked=Count("id", filter=Q(type=CLICK)))
        .filter(clicked__gt=0, shown=0)
        .values("visitor_id")
    )
    return crawlers, bursts, blind


def counted_events(events: QuerySet) -> QuerySet:
    """`events` without those of suspicious visitors."""
    for visitors in suspicious_visitors(events):
        events = events.exclude(visitor_id__in=visitors)
    return events


def ctr_report(tenant: Tenant, last_weeks: int = 12) -> CtrReport:
    """Per-week and overall CTR of both variants for the tenant's most recent `last_weeks` weeks."""
    with tenant_context(tenant):
        everything = TrackingEvent.objects.all()
        counted = counted_events(everything)
        rows = counted.values("week", "variant", "type").annotate(n=Count("id")).order_by()
        by_week: dict[str, Comparison] = {}
        overall = Comparison("Overall")
        for row in rows:
            week = by_week.setdefault(row["week"], Comparison(row["week"]))
            for comparison in (week, overall):
                stats = getattr(comparison, row["variant"])
                if row["type"] == IMPRESSION:
                    stats.impressions += row["n"]
                else:
                    stats.clicks += row["n"]
        totals = everything.aggregate(all=Count("id"), demo=Count("id", filter=Q(source=TrackingEvent.Source.DEMO)))
        excluded_visitors = everything.exclude(pk__in=counted.values("pk")).values("visitor_id").distinct().count()
    weeks = sorted(by_week.values(), key=lambda c: c.label, reverse=True)[:last_weeks]
    return CtrReport(
        weeks=weeks,
        overall=overall,
        excluded_events=totals["all"] - sum(s.impressions + s.clicks for s in (overall.trend, overall.control)),
        excluded_visitors=excluded_visitors,
        demo_events=bool(totals["demo"]),
    )
