"""End to end in a real browser: log in, dashboard, item page, catalogue upload, API key, curator publishing."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from curation import events, services
from curation.catalogue import upsert_products
from curation.models import Collection
from tenants.models import User
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD, make_tenant
from tests.curation import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CSV_WITH_ONE_BAD_ROW = (
    "sku,title,category,colour,brand,price,currency,url,image_url,in_stock\n"
    "TS-01,Cropped Tee,T-shirts,white,Northline,19.90,USD,https://shop.example/ts-01,,yes\n"
    "TS-02,Boxy Tee,T-shirts,black,Northline,abc,USD,https://shop.example/ts-02,,yes\n"
    "TS-03,Pocket Tee,T-shirts,green,Northline,21.00,USD,https://shop.example/ts-03,,yes\n"
)


@pytest.fixture
def shop(transactional_db, crops):
    """A client with a catalogue and this week's published collection, and some shop traffic."""
    tenant = make_tenant("alpha", "owner@alpha.test")
    week = factories.make_world()[-1]
    upsert_products(tenant, list(enumerate(factories.PRODUCTS, start=2)))
    factories.publish_latest(tenant, week)
    events.record_events(tenant, factories.traffic(timezone.now() - timedelta(hours=2)))
    return tenant


def test_log_in_dashboard_and_item_page(shop, new_page, shot):
    page = new_page()
    log_in(page, "owner@alpha.test", PASSWORD)
    assert page.url.endswith("/app/alpha/")
    assert page.get_by_role("heading", name="This week's collection").is_visible()
    cards = page.locator('[data-testid="item-card"]')
    assert cards.count() == len(factories.ITEMS)
    assert page.locator('[data-testid="ctr-summary"]').inner_text().count("%") >= 3
    first_thumb = cards.first.locator("img").first
    assert first_thumb.get_attribute("src").startswith("/media/crops/")
    shot(page, "dashboard")

    cards.first.get_by_role("link", name="Light blue jeans", exact=True).click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", name="Light blue jeans", level=1).is_visible()
    assert page.locator('[data-testid="evidence"] figure').count() == 2
    assert "JN-LB-01" in page.locator('[data-testid="matches"]').inner_text()
    assert page.locator('[data-testid="history"] tbody tr').count() == 8
    shot(page, "item")

    page.goto("/app/alpha/click-through/")
    assert "+100.0%" in page.locator('[data-testid="ctr-weeks"]').inner_text()
    shot(page, "click-through")

    page.goto("/app/alpha/curation/")
    page.check('input[name="segments"][value="fashion"]')
    page.fill('input[name="creator_countries"]', "KR, us")
    page.get_by_role("button", name="Save profile").click()
    page.wait_for_load_state("networkidle")
    assert "Curation profile saved." in page.content()
    assert page.input_value('input[name="creator_countries"]') == "KR, US"
    shot(page, "curation-profile")


def test_catalogue_upload_with_a_bad_row(shop, new_page, shot, tmp_path):
    csv_file = tmp_path / "catalogue.csv"
    csv_file.write_text(CSV_WITH_ONE_BAD_ROW)
    page = new_page()
    log_in(page, "owner@alpha.test", PASSWORD)
    page.goto("/app/alpha/catalogue/")
    page.set_input_files('input[type="file"]', str(csv_file))
    page.get_by_role("button", name="Upload CSV").click()
    page.wait_for_load_state("networkidle")
    report = page.locator('[data-testid="upload-report"]')
    assert "2 created" in report.inner_text() and "1 refused" in report.inner_text()
    error_row = page.locator('[data-testid="row-errors"] tbody tr')
    assert error_row.count() == 1
    assert error_row.first.inner_text().split("\t")[:2] == ["3", "TS-02"]
    assert "price: 'abc' is not a number" in error_row.first.inner_text()
    products = page.locator('[data-testid="products"]').inner_text()
    assert "Cropped Tee" in products and "Pocket Tee" in products and "Boxy Tee" not in products
    shot(page, "catalogue-upload")


def test_create_an_api_key_and_call_the_api(shop, new_page, shot):
    page = new_page()
    log_in(page, "owner@alpha.test", PASSWORD)
    page.goto("/app/alpha/api-keys/")
    page.fill('input[name="name"]', "Shop backend")
    page.get_by_role("button", name="Create key").click()
    page.wait_for_load_state("networkidle")
    raw_key = page.locator("#new-api-key").inner_text().strip()
    assert raw_key.startswith("ts_")
    shot(page, "api-key")

    response = page.request.get("/api/v1/collections/latest/items/", headers={"Authorization": f"Bearer {raw_key}"})
    assert response.status == 200
    body = json.loads(response.text())
    assert body["results"][0]["name"] == "Light blue jeans"
    assert body["results"][0]["matched_products"][0]["product"]["sku"] == "JN-LB-01"
    # Without the key the same call is refused.
    assert page.request.get("/api/v1/collections/latest/items/").status == 401


def test_curator_publishes_in_the_admin_then_the_client_sees_it(curators_group, crops, new_page, shot):
    tenant = make_tenant("beta", "owner@beta.test")
    week = factories.make_world()[-1]
    services.build_collections_for_week(week)
    curator = User.objects.create_user("curator@trendsaas.test", PASSWORD, is_staff=True)
    curator.groups.add(Group.objects.get(name="Curators"))

    client_page = new_page()
    log_in(client_page, "owner@beta.test", PASSWORD)
    assert "not published yet" in client_page.content()

    admin = new_page()
    admin.goto("/admin/login/")
    admin.fill('input[name="username"]', curator.email)
    admin.fill('input[name="password"]', PASSWORD)
    admin.click('input[type="submit"]')
    admin.goto(f"/admin/curation/collection/?tenant__id__exact={tenant.pk}")
    collection = Collection.unscoped.get(tenant=tenant)
    admin.check(f'input[name="_selected_action"][value="{collection.pk}"]')
    admin.select_option('select[name="action"]', "publish_selected")
    admin.click('button[name="index"]')
    admin.wait_for_load_state("networkidle")
    assert "Published 1 collection(s)" in admin.content()
    shot(admin, "admin-published")
    admin.goto(f"/admin/curation/collection/{collection.pk}/change/")
    assert admin.locator("img[src^='/media/crops/']").count() > 0
    shot(admin, "admin-collection")

    client_page.reload()
    assert client_page.get_by_role("heading", name="This week's collection").is_visible()
    assert client_page.locator('[data-testid="item-card"]').count() == len(factories.ITEMS)
    shot(client_page, "dashboard-after-publish")
