"""The portal's Trends page: a published week's keywords and items with labels, growth and sparklines."""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from billing.entitlements import entitlements_for
from trends.api import published_weeks
from trends.models import TrendEntry, TrendKind, TrendLabel
from trends.services import score_history
from trends.weeks import WEEK_PATTERN

PER_KIND = 30
SPARKLINE_WEEKS = 8


def trends_page(request: HttpRequest, tenant_slug: str) -> HttpResponse:
    weeks = list(published_weeks()[:26])
    wanted = request.GET.get("week", "")
    label = request.GET.get("label", "")
    if label not in TrendLabel.values:
        label = ""
    if wanted:
        week = published_weeks().filter(week=wanted).first() if WEEK_PATTERN.match(wanted) else None
        if week is None:
            raise Http404("No published trend week like that.")
    else:
        week = weeks[0] if weeks else None
    sections = []
    if week is not None:
        allowed = entitlements_for(request.tenant).segments
        entries = TrendEntry.objects.filter(week=week).filter(Q(segment="") | Q(segment__in=allowed))
        if label:
            entries = entries.filter(label=label)
        for kind, title in ((TrendKind.KEYWORD, "Keywords"), (TrendKind.ITEM, "Items")):
            rows = list(entries.filter(kind=kind).order_by("rank")[:PER_KIND])
            history = score_history(kind, [r.key for r in rows], week.week, SPARKLINE_WEEKS)
            for row in rows:
                row.sparkline = history.get(row.key, [])
                row.top_creators = (row.evidence or {}).get("creators", [])[:3]
                row.thumbnail = next(
                    (p["crop_url"] for p in (row.evidence or {}).get("posts", []) if p.get("crop_url")), ""
                )
            sections.append({"kind": kind, "title": title, "rows": rows})
    return render(
        request,
        "trends/trends.html",
        {"week": week, "weeks": weeks, "sections": sections, "label": label, "labels": TrendLabel.choices},
    )
