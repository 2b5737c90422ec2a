"""REST API for the client's shop: published collections, their rows and products, the catalogue, events.

API-key authentication sets the tenant; every query goes through scoped managers, so a key only
ever sees its own tenant's published collections and products.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from curation import examples, presenters
from curation.catalogue import upsert_products
from curation.events import MAX_BATCH, record_events
from curation.models import Collection, CuratedItem, CuratedKeyword, Product
from curation.serializers import (
    CollectionSerializer,
    EventBatchSerializer,
    EventsResultSerializer,
    FeaturedProductSerializer,
    ItemSerializer,
    KeywordSerializer,
    ProductInputSerializer,
    ProductSerializer,
    UpsertResultSerializer,
)
from trends.weeks import WEEK_PATTERN
from trendsaas.api import StandardPagination

MAX_PRODUCTS_PER_PUT = 1000
WEEK_PATH = OpenApiParameter("week", str, OpenApiParameter.PATH, description="ISO week (2026-W44) or `latest`")


def _week_param(request: Request, name: str) -> str | None:
    value = request.query_params.get(name)
    if value and not WEEK_PATTERN.match(value):
        raise ValidationError({name: ["Use an ISO week like 2026-W44."]})
    return value


def _float_param(request: Request, name: str) -> float | None:
    value = request.query_params.get(name)
    try:
        return None if value in (None, "") else float(value)
    except ValueError:
        raise ValidationError({name: ["Must be a number."]})


def published_collection(week: str) -> Collection:
    collections = presenters.published_collections()
    if week == "latest":
        found = collections.order_by("-week__week").first()
    else:
        found = collections.filter(week__week=week).first() if WEEK_PATTERN.match(week) else None
    if found is None:
        raise Http404
    return found


def _counted(queryset: QuerySet) -> QuerySet:
    return queryset.annotate(
        n_items=Count("items", filter=Q(items__hidden=False), distinct=True),
        n_keywords=Count("keywords", filter=Q(keywords__hidden=False), distinct=True),
    )


class CollectionList(generics.ListAPIView):
    serializer_class = CollectionSerializer

    @extend_schema(
        summary="Published collections",
        description="Your weekly curated collections, newest first. Only published collections are listed.",
        parameters=[
            OpenApiParameter("week", str, description="Exactly this ISO week"),
            OpenApiParameter("week_from", str, description="From this ISO week (inclusive)"),
            OpenApiParameter("week_to", str, description="Up to this ISO week (inclusive)"),
        ],
        examples=[OpenApiExample("Two weeks", value=examples.COLLECTIONS, response_only=True)],
        tags=["collections"],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet:
        collections = _counted(presenters.published_collections()).order_by("-week__week")
        for name, lookup in (("week", "week__week"), ("week_from", "week__week__gte"), ("week_to", "week__week__lte")):
            value = _week_param(self.request, name)
            if value:
                collections = collections.filter(**{lookup: value})
        return collections


class CollectionDetail(APIView):
    @extend_schema(
        summary="One published collection",
        parameters=[WEEK_PATH],
        responses=CollectionSerializer,
        examples=[OpenApiExample("A week", value=examples.COLLECTIONS["results"][0], response_only=True)],
        tags=["collections"],
    )
    def get(self, request: Request, week: str) -> Response:
        collection = published_collection(week)
        counted = _counted(Collection.objects.filter(pk=collection.pk)).select_related("week").get()
        return Response(CollectionSerializer(counted).data)


class CollectionItems(generics.ListAPIView):
    serializer_class = ItemSerializer
    pagination_class = StandardPagination

    @extend_schema(
        summary="Curated items of a week, with the products to feature",
        parameters=[
            WEEK_PATH,
            OpenApiParameter("label", str, enum=["new", "rising", "breakout", "steady", "declining"]),
            OpenApiParameter("category", str, description="e.g. bottoms"),
            OpenApiParameter("colour", str, description="e.g. light blue"),
            OpenApiParameter("segment", str, enum=["fashion", "beauty"]),
            OpenApiParameter("min_score", OpenApiTypes.FLOAT),
        ],
        examples=[OpenApiExample("Items", value=examples.ITEMS, response_only=True)],
        tags=["collections"],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet:
        collection = published_collection(self.kwargs["week"])
        rows = presenters.visible(CuratedItem, collection).order_by("-pinned", "rank", "id")
        for name in ("label", "category", "colour", "segment"):
            if self.request.query_params.get(name):
                rows = rows.filter(**{f"{name}__iexact": self.request.query_params[name]})
        min_score = _float_param(self.request, "min_score")
        return rows if min_score is None else rows.filter(score__gte=min_score)


class CollectionKeywords(generics.ListAPIView):
    serializer_class = KeywordSerializer

    @extend_schema(
        summary="Curated keywords of a week, with the products to feature",
        parameters=[
            WEEK_PATH,
            OpenApiParameter("label", str, enum=["new", "rising", "breakout", "steady", "declining"]),
            OpenApiParameter("segment", str, enum=["fashion", "beauty"]),
            OpenApiParameter("min_score", OpenApiTypes.FLOAT),
        ],
        examples=[OpenApiExample("Keywords", value=examples.KEYWORDS, response_only=True)],
        tags=["collections"],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet:
        collection = published_collection(self.kwargs["week"])
        rows = presenters.visible(CuratedKeyword, collection).order_by("-pinned", "rank", "id")
        for name in ("label", "segment"):
            if self.request.query_params.get(name):
                rows = rows.filter(**{f"{name}__iexact": self.request.query_params[name]})
        min_score = _float_param(self.request, "min_score")
        return rows if min_score is None else rows.filter(score__gte=min_score)


class CollectionProducts(APIView):
    @extend_schema(
        summary="Products to feature this week",
        description="Your products matched to the week's visible items and keywords, best match first; each "
        "says which items or keywords it was matched to and why.",
        parameters=[
            WEEK_PATH,
            OpenApiParameter("category", str, description="Your product category, case-insensitive"),
            OpenApiParameter("min_score", OpenApiTypes.FLOAT),
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int),
        ],
        responses=FeaturedProductSerializer(many=True),
        examples=[OpenApiExample("Products", value=examples.FEATURED, response_only=True)],
        tags=["collections"],
    )
    def get(self, request: Request, week: str) -> Response:
        collection = published_collection(week)
        featured: dict[int, dict] = {}
        for kind, model in (("item", CuratedItem), ("keyword", CuratedKeyword)):
            for row in presenters.visible(model, collection):
                for match in row.matches.all():
                    entry = featured.setdefault(
                        match.product_id, {"product": match.product, "best_score": 0.0, "featured_for": []}
                    )
                    entry["best_score"] = max(entry["best_score"], match.score)
                    entry["featured_for"].append(
                        {"type": kind, "id": row.pk, "name": row.display_name, "score": match.score,
                         "reason": match.reason}
                    )  # fmt: skip
        rows = sorted(featured.values(), key=lambda e: (-e["best_score"], e["product"].sku))
        category = request.query_params.get("category", "").strip().lower()
        min_score = _float_param(request, "min_score")
        rows = [
            r for r in rows
            if (not category or r["product"].category.lower() == category)
            and (min_score is None or r["best_score"] >= min_score)
        ]  # fmt: skip
        paginator = StandardPagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(FeaturedProductSerializer(page, many=True).data)


class CatalogueProducts(generics.ListAPIView):
    serializer_class = ProductSerializer

    @extend_schema(
        summary="Your catalogue",
        parameters=[
            OpenApiParameter("q", str, description="Search SKU, title and brand"),
            OpenApiParameter("category", str),
            OpenApiParameter("in_stock", bool),
        ],
        tags=["catalogue"],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet:
        products = Product.objects.order_by("sku")
        params = self.request.query_params
        if params.get("q"):
            q = params["q"]
            products = products.filter(Q(sku__icontains=q) | Q(title__icontains=q) | Q(brand__icontains=q))
        if params.get("category"):
            products = products.filter(category__iexact=params["category"])
        if params.get("in_stock") in ("true", "false"):
            products = products.filter(in_stock=params["in_stock"] == "true")
        return products

    @extend_schema(
        summary="Create or update products in bulk (by SKU)",
        description=f"Up to {MAX_PRODUCTS_PER_PUT} products. Each is created, updated, left unchanged or "
        "refused with its reasons; the good ones are kept whatever happens to the others. Product matches "
        "of your recent collections are recomputed afterwards.",
        request=ProductInputSerializer(many=True),
        responses=UpsertResultSerializer,
        examples=[
            OpenApiExample("Two products", value=examples.PRODUCTS_IN, request_only=True),
            OpenApiExample("Per-item results", value=examples.PRODUCTS_OUT, response_only=True),
        ],
        tags=["catalogue"],
    )
    def put(self, request: Request) -> Response:
        data = request.data
        if not isinstance(data, list):
            raise ValidationError({"body": ["Send a JSON list of products."]})
        if len(data) > MAX_PRODUCTS_PER_PUT:
            raise ValidationError({"body": [f"At most {MAX_PRODUCTS_PER_PUT} products per request."]})
        report = upsert_products(request.auth.tenant, list(enumerate(data)))
        body = {status: report.count(status) for status in ("created", "updated", "unchanged")}
        body["errors"] = len(report.errors)
        body["results"] = [
            {"index": r.row, "sku": r.sku, "status": r.status, "errors": r.errors} for r in report.results
        ]
        return Response(body)


class Events(APIView):
    @extend_schema(
        summary="Report impressions and clicks (batched, idempotent)",
        description=f"Up to {MAX_BATCH} events. Each event id is stored once: re-sending a batch is safe and "
        "never counts twice. Each event refers to a curated item (`item_id`) or one of your products "
        "(`product_sku`), shown in a trend-curated placement (`variant: trend`) or your usual one "
        "(`variant: control`).",
        request=EventBatchSerializer,
        responses=EventsResultSerializer,
        examples=[
            OpenApiExample("A batch", value=examples.EVENTS_IN, request_only=True),
            OpenApiExample("Results", value=examples.EVENTS_OUT, response_only=True),
        ],
        tags=["events"],
    )
    def post(self, request: Request) -> Response:
        events = request.data.get("events") if isinstance(request.data, dict) else None
        if not isinstance(events, list):
            raise ValidationError({"events": ['Send {"events": [...]}.']})
        if len(events) > MAX_BATCH:
            raise ValidationError({"events": [f"At most {MAX_BATCH} events per request."]})
        results = record_events(request.auth.tenant, events)
        body = {
            "accepted": sum(r.status == "accepted" for r in results),
            "duplicates": sum(r.status == "duplicate" for r in results),
            "rejected": sum(r.status == "rejected" for r in results),
            "results": [vars(r) for r in results],
        }
        return Response(body)
