"""REST API: the global trends of published weeks, for tenant API keys.

Trends are global (every tenant sees the same world), but only what curators published: a computed
week stays invisible to clients until it is published. Entries outside the tenant's plan segments
are left out (billing.entitlements).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from billing.entitlements import entitlements_for
from trends.models import TrendEntry, TrendKind, TrendLabel, TrendWeek
from trends.serializers import TrendEntrySerializer, TrendWeekSerializer
from trends.services import score_history
from trends.weeks import WEEK_PATTERN


def published_weeks() -> QuerySet:
    return TrendWeek.objects.filter(status=TrendWeek.Status.PUBLISHED).order_by("-week")


def _choice(request: Request, name: str, choices: list[str]) -> str | None:
    value = request.query_params.get(name)
    if value and value not in choices:
        raise ValidationError({name: [f"Must be one of: {', '.join(choices)}."]})
    return value or None


class TrendList(generics.ListAPIView):
    serializer_class = TrendEntrySerializer

    @extend_schema(
        summary="Trends of a published week",
        description=(
            "Ranked keywords and items of one published ISO week (default: the latest published week), "
            "with labels, growth against the trailing baseline, an 8-week score sparkline and evidence "
            "(the most influential posts and creators). Ordered by kind, then rank. Weeks not yet "
            "published answer 404."
        ),
        parameters=[
            OpenApiParameter("week", str, description="ISO week, e.g. 2026-W44 (default: latest published)"),
            OpenApiParameter("kind", str, enum=TrendKind.values, description="keyword or item"),
            OpenApiParameter("label", str, enum=TrendLabel.values, description="Only entries with this label"),
            OpenApiParameter("segment", str, enum=["fashion", "beauty"], description="Dominant creator segment"),
        ],
        tags=["trends"],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def _week(self) -> TrendWeek:
        value = self.request.query_params.get("week")
        if value and not WEEK_PATTERN.match(value):
            raise ValidationError({"week": ["Use an ISO week like 2026-W44."]})
        week = published_weeks().filter(week=value).first() if value else published_weeks().first()
        if week is None:
            raise Http404
        return week

    def get_queryset(self) -> QuerySet:
        week = self._week()
        entries = TrendEntry.objects.filter(week=week).select_related("week").order_by("kind", "rank")
        kind = _choice(self.request, "kind", TrendKind.values)
        label = _choice(self.request, "label", TrendLabel.values)
        segment = _choice(self.request, "segment", ["fashion", "beauty"])
        if kind:
            entries = entries.filter(kind=kind)
        if label:
            entries = entries.filter(label=label)
        if segment:
            entries = entries.filter(segment__in=[segment, ""])
        allowed = entitlements_for(self.request.auth.tenant).segments
        return entries.filter(Q(segment="") | Q(segment__in=allowed))

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        sparklines = {}
        for kind in TrendKind.values:
            keys = [e.key for e in page if e.kind == kind]
            if keys:
                history = score_history(kind, keys, page[0].week.week)
                sparklines.update({(kind, key): values for key, values in history.items()})
        serializer = self.get_serializer(
            page, many=True, context={**self.get_serializer_context(), "sparklines": sparklines}
        )
        return self.get_paginated_response(serializer.data)


class TrendWeekList(generics.ListAPIView):
    serializer_class = TrendWeekSerializer

    @extend_schema(summary="Published trend weeks", description="Newest first.", tags=["trends"])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet:
        return published_weeks()
