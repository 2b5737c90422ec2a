"""Portal pages of curation: dashboard, collections, items, export, profile, catalogue, CTR; the click link.

Portal views run inside the tenant set by TenantMiddleware (request.tenant, request.membership);
every query goes through scoped managers, so another tenant's rows are simply not found (404).
"""

from __future__ import annotations

import csv

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from billing.entitlements import EntitlementError, check, entitlements_for
from curation import events, presenters, services
from curation.catalogue import import_csv
from curation.ctr import ctr_report
from curation.forms import CatalogueUploadForm, ProfileForm
from curation.models import CuratedItem, CuratedKeyword, Product

VISITOR_COOKIE = "ts_vid"
CARD_MATCHES = 3  # products shown on a collection card; the item page and the API show all


@require_GET
def dashboard(request: HttpRequest, tenant_slug: str) -> HttpResponse:
    collection = services.latest_published(request.tenant)
    view = presenters.collection_view(collection, matches=CARD_MATCHES) if collection else None
    return render(request, "portal/dashboard.html", {"view": view, "ctr": ctr_report(request.tenant, last_weeks=4)})


@require_GET
def collection_detail(request: HttpRequest, tenant_slug: str, week: str) -> HttpResponse:
    collection = get_object_or_404(presenters.published_collections(), week__week=week)
    view = presenters.collection_view(collection, matches=CARD_MATCHES)
    return render(request, "curation/collection.html", {"view": view})


@require_GET
def archive(request: HttpRequest, tenant_slug: str) -> HttpResponse:
    collections = presenters.published_collections().annotate(
        n_items=Count("items", filter=Q(items__hidden=False), distinct=True),
        n_keywords=Count("keywords", filter=Q(keywords__hidden=False), distinct=True),
    )
    page = Paginator(collections.order_by("-week__week"), 26).get_page(request.GET.get("page"))
    return render(request, "curation/archive.html", {"page": page})


def _entry_page(request: HttpRequest, model: type, pk: int) -> HttpResponse:
    row = get_object_or_404(presenters.visible(model), pk=pk)
    presenters.attach_history([row], row.collection.week.week, weeks=12)
    creators = row.evidence_creators
    links = []
    for match in row.matches.all():
        if match.product.url:
            links.append(
                events.click_link(
                    request.tenant,
                    match.product.url,
                    placement="banner",
                    item=row if model is CuratedItem else None,
                    product=match.product,
                )
            )
        else:
            links.append("")
    context = {
        "row": row,
        "kind": "item" if model is CuratedItem else "keyword",
        "matches": list(zip(row.matches.all(), links, strict=True)),
        "creators": creators,
    }
    return render(request, "curation/entry_detail.html", context)


@require_GET
def item_detail(request: HttpRequest, tenant_slug: str, pk: int) -> HttpResponse:
    return _entry_page(request, CuratedItem, pk)


@require_GET
def keyword_detail(request: HttpRequest, tenant_slug: str, pk: int) -> HttpResponse:
    return _entry_page(request, CuratedKeyword, pk)


def _csv_cell(value: object) -> str:
    # Spreadsheets run cells that start with these as formulas; a leading quote keeps them text.
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@require_GET
def export_csv(request: HttpRequest, tenant_slug: str, week: str) -> HttpResponse:
    collection = get_object_or_404(presenters.published_collections(), week__week=week)
    try:
        check(request.tenant, "csv_export")
    except EntitlementError as exc:
        messages.error(request, f"CSV export is not available: {exc.message}")
        return redirect("tenant:collection", tenant_slug=tenant_slug, week=week)
    view = presenters.collection_view(collection)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="trendsaas-{request.tenant.slug}-{week}.csv"'
    writer = csv.writer(response)
    writer.writerow(
        ["type", "rank", "name", "category", "colour", "label", "score", "growth", "posts", "creators", "why chosen",
         "curator note", "feature these products (sku:score)"]
    )  # fmt: skip
    for kind, rows in (("item", view.items), ("keyword", view.keywords)):
        for row in rows:
            matches = " ".join(f"{m.product.sku}:{m.score:.2f}" for m in row.matches.all())
            writer.writerow(
                _csv_cell(v)
                for v in (
                    kind,
                    row.rank,
                    row.display_name,
                    getattr(row, "category", ""),
                    getattr(row, "colour", ""),
                    row.label,
                    f"{row.score:.1f}",
                    "" if row.growth is None else f"{row.growth:.2f}",
                    row.posts,
                    row.creators,
                    row.reason,
                    row.note,
                    matches,
                )  # fmt: skip
            )
    return response


@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest, tenant_slug: str) -> HttpResponse:
    current = services.get_profile(request.tenant)
    plan = entitlements_for(request.tenant)
    can_manage = request.membership.can_manage
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied("Only owners and admins change the curation profile.")
        form = ProfileForm(request.POST, plan=plan)
        if form.is_valid():
            form.save(current, request.user)
            rebuilt = services.rebuild_drafts(request.tenant)
            note = f" {len(rebuilt)} draft collection(s) were rebuilt for our curators." if rebuilt else ""
            messages.success(request, "Curation profile saved." + note)
            return redirect("tenant:curation", tenant_slug=tenant_slug)
    else:
        form = ProfileForm(initial=ProfileForm.initial_from(current), plan=plan, read_only=not can_manage)
    return render(request, "curation/profile.html", {"form": form, "profile": current, "can_manage": can_manage})


@require_http_methods(["GET", "POST"])
def catalogue(request: HttpRequest, tenant_slug: str) -> HttpResponse:
    can_edit = request.membership.can_edit
    report = None
    form = CatalogueUploadForm()
    status = 200
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("Viewers cannot change the catalogue.")
        form = CatalogueUploadForm(request.POST, request.FILES)
        if form.is_valid():
            report = import_csv(request.tenant, form.cleaned_data["file"].read())
            form = CatalogueUploadForm()
        else:
            status = 400
    products = Product.objects.all()
    query = request.GET.get("q", "").strip()
    if query:
        products = products.filter(Q(sku__icontains=query) | Q(title__icontains=query) | Q(brand__icontains=query))
    if request.GET.get("stock") in ("in", "out"):
        products = products.filter(in_stock=request.GET["stock"] == "in")
    page = Paginator(products.order_by("sku"), 50).get_page(request.GET.get("page"))
    context = {"form": form, "report": report, "page": page, "query": query, "can_edit": can_edit}
    if report is not None:
        context.update({status: report.count(status) for status in ("created", "updated", "unchanged")})
    return render(request, "curation/catalogue.html", context, status=status)


@require_GET
def ctr(request: HttpRequest, tenant_slug: str) -> HttpResponse:
    context = {"ctr": ctr_report(request.tenant, last_weeks=26), "max_clicks": settings.CTR_MAX_CLICKS_PER_MINUTE}
    return render(request, "curation/ctr.html", context)


@require_GET
def click_redirect(request: HttpRequest, token: str) -> HttpResponse:
    """Public: record the click of a signed newsletter or banner link, then send the visitor on."""
    try:
        click = events.follow_link(
            token, request.headers.get("User-Agent", ""), request.COOKIES.get(VISITOR_COOKIE, "")[:100]
        )
    except signing.SignatureExpired:
        return HttpResponseBadRequest("This link has expired.", content_type="text/plain")
    except signing.BadSignature:
        raise Http404("Unknown link.")
    except ValueError:
        return HttpResponseBadRequest("This link does not lead to a web address.", content_type="text/plain")
    response = HttpResponseRedirect(click.target_url)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    response.set_cookie(VISITOR_COOKIE, click.visitor_id, max_age=365 * 24 * 3600, httponly=True, samesite="Lax")
    return response
