"""Catalogue uploads (portal CSV) and bulk upserts (API): per-row errors, good rows kept, upsert by SKU."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from billing import entitlements
from curation import catalogue
from curation.models import Product
from tenants.scoping import tenant_context

HEADER = "sku,title,category,colour,brand,price,currency,url,image_url,in_stock\n"
GOOD_AND_BAD = (
    HEADER
    + "TS-01,Cropped Tee,T-shirts,white,Northline,19.90,usd,https://shop.example/ts-01,,yes\n"
    + "TS-02,Boxy Tee,T-shirts,black,Northline,abc,USD,https://shop.example/ts-02,,yes\n"
    + 'TS-03,"Tee, striped",T-shirts,navy,Northline,24.00,USD,javascript:alert(1),,no\n'
    + ",No SKU,T-shirts,white,,,,,,\n"
    + "TS-04,Ringer Tee,T-shirts,grey,Northline,22.00,USD,https://shop.example/ts-04,,maybe\n"
    + "TS-05,Pocket Tee,T-shirts,green,Northline,21.00,USD,https://shop.example/ts-05,,1\n"
    + "TS-01,Cropped Tee again,T-shirts,white,Northline,19.90,USD,,,\n"
)


def skus(tenant) -> list[str]:
    with tenant_context(tenant):
        return list(Product.objects.order_by("sku").values_list("sku", flat=True))


def upload(client, tenant, text: str | bytes, name: str = "catalogue.csv"):
    data = text.encode() if isinstance(text, str) else text
    return client.post(
        reverse("tenant:catalogue", args=[tenant.slug]), {"file": SimpleUploadedFile(name, data, "text/csv")}
    )


def test_csv_keeps_good_rows_and_reports_each_bad_one(tenant_a):
    report = catalogue.import_csv(tenant_a, GOOD_AND_BAD.encode())
    assert skus(tenant_a) == ["TS-01", "TS-05"]
    errors = {r.row: r.errors for r in report.errors}
    assert sorted(errors) == [3, 4, 5, 6, 8]
    assert "price: 'abc' is not a number" in errors[3][0]
    assert errors[4] == ["url: 'javascript:alert(1)' is not an http(s) URL"]
    assert errors[5] == ["sku: required"]
    assert "in_stock: 'maybe'" in errors[6][0]
    assert "appears again (first at 2)" in errors[8][0]
    with tenant_context(tenant_a):
        tee = Product.objects.get(sku="TS-01")
    assert (tee.price, tee.currency, tee.in_stock) == (Decimal("19.90"), "USD", True)


def test_second_upload_updates_by_sku(tenant_a):
    catalogue.import_csv(tenant_a, GOOD_AND_BAD.encode())
    again = HEADER + "TS-01,Cropped Tee,T-shirts,cream,Northline,17.50,USD,https://shop.example/ts-01,,no\n"
    again += "TS-05,Pocket Tee,T-shirts,green,Northline,21.00,USD,https://shop.example/ts-05,,1\n"
    report = catalogue.import_csv(tenant_a, again.encode())
    assert [(r.sku, r.status) for r in report.results] == [("TS-01", "updated"), ("TS-05", "unchanged")]
    with tenant_context(tenant_a):
        tee = Product.objects.get(sku="TS-01")
        assert Product.objects.count() == 2
    assert (tee.colour, tee.price, tee.in_stock) == ("cream", Decimal("17.50"), False)


def test_file_level_problems_are_explained(tenant_a):
    assert "Missing column(s): sku" in catalogue.import_csv(tenant_a, b"title,price\nTee,1\n").file_errors[0]
    assert "not UTF-8" in catalogue.import_csv(tenant_a, HEADER.encode() + b"X,\xff\xfe tee\n").file_errors[0]
    assert "empty" in catalogue.import_csv(tenant_a, b"").file_errors[0]
    report = catalogue.import_csv(tenant_a, b"\xef\xbb\xbfSKU,Name,Color,Shoe size\nA-1,Loafer,black,42\n")
    assert report.file_errors == ["Ignored unknown column(s): Shoe size."]
    with tenant_context(tenant_a):
        assert Product.objects.get(sku="A-1").colour == "black"  # BOM, aliases and case are understood


def test_catalogue_page_upload_shows_the_row_report(tenant_a, owner_a, client_for):
    client = client_for(owner_a)
    response = upload(client, tenant_a, GOOD_AND_BAD)
    assert response.status_code == 200
    page = response.content.decode()
    assert "2 created" in page and "5 refused" in page
    assert "price: &#x27;abc&#x27; is not a number" in page
    assert '<td class="num">3</td><td>TS-02</td>' in page
    assert "Cropped Tee" in page  # the list below shows what was kept


def test_viewers_read_the_catalogue_but_cannot_upload(tenant_a, viewer_a, member_a, client_for):
    catalogue.import_csv(tenant_a, GOOD_AND_BAD.encode())
    viewer = client_for(viewer_a)
    page = viewer.get(reverse("tenant:catalogue", args=[tenant_a.slug]))
    assert page.status_code == 200 and "Cropped Tee" in page.content.decode()
    assert 'type="file"' not in page.content.decode()
    assert upload(viewer, tenant_a, HEADER + "X-1,Tee,,,,,,,,\n").status_code == 403
    assert "X-1" not in skus(tenant_a)
    assert upload(client_for(member_a), tenant_a, HEADER + "X-1,Tee,,,,,,,,\n").status_code == 200
    assert "X-1" in skus(tenant_a)


def test_catalogue_page_search_and_missing_file(tenant_a, owner_a, client_for):
    catalogue.import_csv(tenant_a, GOOD_AND_BAD.encode())
    client = client_for(owner_a)
    page = client.get(reverse("tenant:catalogue", args=[tenant_a.slug]), {"q": "pocket"}).content.decode()
    assert "Pocket Tee" in page and "Cropped Tee" not in page
    assert client.post(reverse("tenant:catalogue", args=[tenant_a.slug]), {}).status_code == 400


def test_api_bulk_upsert_reports_per_item(tenant_a, api_client_for):
    client, _ = api_client_for(tenant_a)
    body = [
        {"sku": "JN-1", "title": "Barrel Jeans", "category": "Jeans", "colour": "light blue", "price": 79,
         "currency": "USD", "url": "https://shop.example/jn-1", "in_stock": True},
        {"sku": "JN-2", "title": "Slim Jeans", "price": "-3"},
        "not an object",
        {"sku": "JN-3", "title": "Straight Jeans", "in_stock": False},
    ]  # fmt: skip
    response = client.put("/api/v1/catalogue/products", body, format="json")
    assert response.status_code == 200
    data = response.json()
    assert (data["created"], data["updated"], data["unchanged"], data["errors"]) == (2, 0, 0, 2)
    assert [r["status"] for r in data["results"]] == ["created", "error", "error", "created"]
    assert "out of range" in data["results"][1]["errors"][0]
    assert data["results"][2]["errors"] == ["each product must be a JSON object"]
    assert skus(tenant_a) == ["JN-1", "JN-3"]

    body[0]["price"] = "75.00"
    again = client.put("/api/v1/catalogue/products", [body[0], body[3]], format="json").json()
    assert [r["status"] for r in again["results"]] == ["updated", "unchanged"]

    listed = client.get("/api/v1/catalogue/products", {"in_stock": "true"}).json()
    assert [p["sku"] for p in listed["results"]] == ["JN-1"] and listed["results"][0]["price"] == "75.00"


def test_api_refuses_bad_bodies_in_the_error_shape(tenant_a, api_client_for):
    client, _ = api_client_for(tenant_a)
    response = client.put("/api/v1/catalogue/products", {"sku": "x"}, format="json")
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid"
    too_many = [{"sku": f"S{i}", "title": "T"} for i in range(1001)]
    response = client.put("/api/v1/catalogue/products", too_many, format="json")
    assert response.status_code == 400 and "At most 1000" in str(response.json()["error"]["details"])
    assert skus(tenant_a) == []


def test_plan_catalogue_size_is_enforced_per_row(tenant_a, monkeypatch):
    plan = replace(entitlements.Entitlements(), catalogue_size=2)
    monkeypatch.setattr(catalogue, "entitlements_for", lambda tenant: plan)
    report = catalogue.upsert_products(tenant_a, [(i, {"sku": f"S{i}", "title": "Tee"}) for i in range(3)])
    assert [r.status for r in report.results] == ["created", "created", "error"]
    assert "catalogue is full" in report.results[2].errors[0]
    # Updates of existing products still work when the catalogue is full.
    report = catalogue.upsert_products(tenant_a, [(0, {"sku": "S0", "title": "Tee v2"})])
    assert report.results[0].status == "updated"
