"""Catalogue upserts from a CSV upload or the API: validate each row, keep the good ones, report the rest.

Both paths share `upsert_products`, so a row means the same thing however it arrives.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from billing.entitlements import entitlements_for
from curation.models import Product
from tenants.models import Tenant
from tenants.scoping import tenant_context

FIELDS = ("sku", "title", "category", "colour", "brand", "price", "currency", "url", "image_url", "in_stock")
ALIASES = {"color": "colour", "name": "title", "image": "image_url", "product_url": "url", "link": "url"}
LENGTHS = {"sku": 64, "title": 300, "category": 80, "colour": 40, "brand": 80, "url": 1000, "image_url": 1000}
TRUE_WORDS, FALSE_WORDS = {"true", "yes", "y", "1"}, {"false", "no", "n", "0"}
MAX_CSV_ROWS = 10_000
MAX_CSV_BYTES = 5 * 1024 * 1024
MAX_PRICE = Decimal("9999999999.99")
_url = URLValidator(schemes=["http", "https"])


@dataclass
class RowResult:
    row: int  # CSV line number, or index in the API list
    sku: str
    status: str  # created | updated | unchanged | error
    errors: list[str] = field(default_factory=list)


@dataclass
class UpsertReport:
    results: list[RowResult] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    matched_now: bool | None = None  # None: nothing changed, so nothing to re-match

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def errors(self) -> list[RowResult]:
        return [r for r in self.results if r.status == "error"]


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def clean_product(raw: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Validated product values from one row, and the reasons it is refused (empty if it is good)."""
    if not isinstance(raw, dict):
        return {"sku": ""}, ["each product must be a JSON object"]
    errors: list[str] = []
    values: dict[str, Any] = {}
    for name in ("sku", "title", "category", "colour", "brand", "url", "image_url"):
        value = _text(raw.get(name))
        if len(value) > LENGTHS[name]:
            errors.append(f"{name}: longer than {LENGTHS[name]} characters")
        values[name] = value
    for name in ("sku", "title"):
        if not values[name]:
            errors.append(f"{name}: required")
    for name in ("url", "image_url"):
        if values[name]:
            try:
                _url(values[name])
            except ValidationError:
                errors.append(f"{name}: '{values[name][:80]}' is not an http(s) URL")
    price = _text(raw.get("price"))
    values["price"] = None
    if price:
        try:
            values["price"] = Decimal(price).quantize(Decimal("0.01"))
            if not values["price"].is_finite() or not 0 <= values["price"] <= MAX_PRICE:
                errors.append(f"price: {price} is out of range (0 to {MAX_PRICE})")
        except InvalidOperation:
            errors.append(f"price: '{price[:40]}' is not a number (use a dot for decimals, no thousands separators)")
    currency = _text(raw.get("currency")).upper()
    if currency and (len(currency) != 3 or not currency.isalpha()):
        errors.append(f"currency: '{currency[:20]}' is not a three-letter ISO 4217 code")
    values["currency"] = currency
    stock = raw.get("in_stock")
    if isinstance(stock, bool):
        values["in_stock"] = stock
    elif _text(stock).lower() in TRUE_WORDS or _text(stock) == "":
        values["in_stock"] = True
    elif _text(stock).lower() in FALSE_WORDS:
        values["in_stock"] = False
    else:
        errors.append(f"in_stock: '{_text(stock)[:20]}' is not one of true/false, yes/no, 1/0")
    return values, errors


def upsert_products(
    tenant: Tenant, rows: list[tuple[int, dict[str, Any]]], report: UpsertReport | None = None
) -> UpsertReport:
    """Create or update products by SKU; bad rows are reported and the good ones kept."""
    from curation.matching import schedule_rematch

    report = report or UpsertReport()
    cleaned: list[tuple[RowResult, dict[str, Any]]] = []
    first_seen: dict[str, int] = {}
    for number, raw in rows:
        values, errors = clean_product(raw)
        sku = values["sku"]
        if sku and sku in first_seen and not errors:
            errors.append(f"sku: '{sku}' appears again (first at {first_seen[sku]}); the first one was kept")
        result = RowResult(number, sku, "error" if errors else "", errors)
        report.results.append(result)
        if not errors:
            first_seen[sku] = number
            cleaned.append((result, values))
    with tenant_context(tenant), transaction.atomic():
        existing = {p.sku: p for p in Product.objects.filter(sku__in=first_seen)}
        room = entitlements_for(tenant).catalogue_size
        room = None if room is None else room - Product.objects.count()
        now = timezone.now()
        to_create, to_update = [], []
        for result, values in cleaned:
            product = existing.get(values["sku"])
            if product is None:
                if room is not None and room <= 0:
                    result.status = "error"
                    result.errors.append("your plan's catalogue is full; this product was not added")
                    continue
                room = None if room is None else room - 1
                to_create.append(Product(tenant=tenant, **values))
                result.status = "created"
            elif any(getattr(product, k) != v for k, v in values.items()):
                for name, value in values.items():
                    setattr(product, name, value)
                product.updated_at = now
                to_update.append(product)
                result.status = "updated"
            else:
                result.status = "unchanged"
        Product.objects.bulk_create(to_create, batch_size=500)
        Product.objects.bulk_update(to_update, [*FIELDS, "updated_at"], batch_size=500)
    report.results.sort(key=lambda r: r.row)
    if to_create or to_update:
        report.matched_now = schedule_rematch(tenant)
    return report


def read_csv(data: bytes) -> tuple[list[tuple[int, dict[str, str]]], list[str]]:
    """Rows keyed by column (with their line numbers) and the file-level problems, if any."""
    if len(data) > MAX_CSV_BYTES:
        return [], [f"The file is larger than {MAX_CSV_BYTES // (1024 * 1024)} MB; split it into several uploads."]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return [], [f"The file is not UTF-8 text (byte {exc.start}); save it as 'CSV UTF-8' and upload again."]
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if not header:
        return [], ["The file is empty; the first line must name the columns (sku, title, …)."]
    columns = [ALIASES.get(h.strip().lower(), h.strip().lower()) for h in header]
    missing = [c for c in ("sku", "title") if c not in columns]
    if missing:
        return [], [f"Missing column(s): {', '.join(missing)}. Columns are: {', '.join(FIELDS)}."]
    problems = []
    unknown = [h for h, c in zip(header, columns, strict=True) if c not in FIELDS]
    if unknown:
        problems.append(f"Ignored unknown column(s): {', '.join(unknown)}.")
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) == MAX_CSV_ROWS:
                problems.append(f"Only the first {MAX_CSV_ROWS} rows were read; upload the rest separately.")
                break
            row = {c: v for c, v in zip(columns, cells, strict=False) if c in FIELDS}
            if len(cells) > len(columns):
                row["__extra__"] = "yes"
            rows.append((reader.line_num, row))
    except csv.Error as exc:
        problems.append(f"Line {reader.line_num}: the CSV is malformed ({exc}); rows after it were not read.")
    return rows, problems


def import_csv(tenant: Tenant, data: bytes) -> UpsertReport:
    rows, problems = read_csv(data)
    report = UpsertReport(file_errors=problems)
    good = []
    for number, row in rows:
        if row.pop("__extra__", None):
            report.results.append(RowResult(number, _text(row.get("sku")), "error", ["more cells than columns"]))
        else:
            good.append((number, row))
    return upsert_products(tenant, good, report) if good else report
