"""Click-through events: idempotent batches, bot filtering, the uplift's interval and signed links."""

from __future__ import annotations

import math
from datetime import timedelta

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone

from curation import ctr, events
from curation.models import CuratedItem, Product, TrackingEvent
from tenants.scoping import tenant_context
from tests.curation import factories
from trends.weeks import IsoWeek


def event(n: int, kind: str = "impression", variant: str = "trend", visitor: str = "v1", **extra) -> dict:
    when = extra.pop("occurred_at", timezone.now() - timedelta(hours=1))
    return {"event_id": f"e-{n}", "type": kind, "variant": variant, "product_sku": "JN-LB-01",
            "occurred_at": when.isoformat(), "visitor_id": visitor, "placement": "home-hero", **extra}  # fmt: skip


def stored(tenant) -> int:
    with tenant_context(tenant):
        return TrackingEvent.objects.count()


def test_batch_is_idempotent_by_event_id(tenant_a, catalogue_a, api_client_for):
    client, _ = api_client_for(tenant_a)
    batch = {"events": [event(1), event(2, "click"), event(1)]}
    first = client.post("/api/v1/events", batch, format="json").json()
    assert (first["accepted"], first["duplicates"], first["rejected"]) == (2, 1, 0)
    again = client.post("/api/v1/events", batch, format="json").json()
    assert (again["accepted"], again["duplicates"]) == (0, 3)
    assert stored(tenant_a) == 2


def test_the_database_refuses_a_second_copy(tenant_a, catalogue_a):
    events.record_events(tenant_a, [event(1)])
    with tenant_context(tenant_a):
        copy = TrackingEvent.objects.get(event_id="e-1")
        copy.pk = None
        TrackingEvent.objects.bulk_create([copy], ignore_conflicts=True)
    assert stored(tenant_a) == 1


def test_invalid_events_are_rejected_with_reasons(tenant_a, catalogue_a, published_a):
    with tenant_context(tenant_a):
        item = CuratedItem.objects.first()
    future = timezone.now() + timedelta(hours=2)
    results = events.record_events(
        tenant_a,
        [
            event(1, item_id=item.pk),
            {"event_id": "bad id!", "type": "view", "variant": "b", "occurred_at": "yesterday"},
            event(3, product_sku="NOPE"),
            event(4, occurred_at=future),
            event(5, visitor=""),
            42,
        ],
    )
    assert [r.status for r in results] == ["accepted", "rejected", "rejected", "rejected", "rejected", "rejected"]
    bad = results[1].errors
    assert any(e.startswith("event_id") for e in bad) and any(e.startswith("type") for e in bad)
    assert any(e.startswith("variant") for e in bad) and any(e.startswith("occurred_at") for e in bad)
    assert any(e.startswith("item_id or product_sku") for e in bad)
    assert "no product 'NOPE'" in results[2].errors[0]
    assert results[3].errors == ["occurred_at: in the future"]
    assert results[5].errors == ["each event must be a JSON object"]
    with tenant_context(tenant_a):
        saved = TrackingEvent.objects.get()
    assert saved.item == item and saved.product.sku == "JN-LB-01" and saved.week


def test_api_refuses_a_malformed_batch(tenant_a, api_client_for):
    client, _ = api_client_for(tenant_a)
    response = client.post("/api/v1/events", [event(1)], format="json")
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid"
    response = client.post("/api/v1/events", {"events": [event(i) for i in range(1001)]}, format="json")
    assert response.status_code == 400


def traffic(tenant, week_offset: int, trend=(1000, 50), control=(1000, 25), prefix="p"):
    """Human traffic of one week: each visitor sees ten things and clicks only what was shown."""
    # Mid-week of a finished week, so a batch never straddles two weeks whatever the time of the run.
    when = IsoWeek.containing(timezone.now()).shift(-1 - week_offset).starts_at + timedelta(days=3)
    visitors = min(trend[0], control[0]) // 10
    return events.record_events(tenant, factories.traffic(when, trend, control, prefix, visitors=visitors))


def test_ctr_uplift_and_its_interval(tenant_a, catalogue_a):
    traffic(tenant_a, 0)
    report = ctr.ctr_report(tenant_a)
    overall = report.overall
    assert (overall.trend.impressions, overall.trend.clicks) == (1000, 50)
    assert (overall.control.impressions, overall.control.clicks) == (1000, 25)
    uplift, low, high = overall.uplift
    # Ratio 2; SE² = 1/50 − 1/1000 + 1/25 − 1/1000 = 0.058.
    se = math.sqrt(0.058)
    assert uplift == pytest.approx(1.0)
    assert low == pytest.approx(2 * math.exp(-1.959964 * se) - 1) and low == pytest.approx(0.2475, abs=1e-3)
    assert high == pytest.approx(2 * math.exp(1.959964 * se) - 1) and high == pytest.approx(2.2066, abs=1e-3)
    assert overall.significant and not report.demo_events


def test_ctr_per_week_and_overall(tenant_a, catalogue_a):
    traffic(tenant_a, 0, trend=(500, 30), control=(500, 20), prefix="a")
    traffic(tenant_a, 1, trend=(400, 10), control=(400, 10), prefix="b")
    report = ctr.ctr_report(tenant_a)
    assert len(report.weeks) == 2
    latest, earlier = report.weeks
    assert latest.label > earlier.label
    assert (latest.trend.clicks, earlier.trend.clicks) == (30, 10)
    assert report.overall.trend.impressions == 900 and report.overall.control.clicks == 30
    assert earlier.uplift[0] == pytest.approx(0.0) and not earlier.significant


def test_no_clicks_means_no_uplift(tenant_a, catalogue_a):
    traffic(tenant_a, 0, trend=(100, 5), control=(100, 0))
    assert ctr.ctr_report(tenant_a).overall.uplift is None


def test_bots_are_not_counted(tenant_a, catalogue_a, settings):
    settings.CTR_MAX_CLICKS_PER_MINUTE = 5
    traffic(tenant_a, 0)
    base = timezone.now().replace(second=0, microsecond=0) - timedelta(hours=2)
    bots = [event("burst-imp", "impression", "trend", "burst", occurred_at=base)]
    bots += [event(f"burst-{i}", "click", "trend", "burst", occurred_at=base + timedelta(seconds=i)) for i in range(8)]
    bots += [event(f"blind-{i}", "click", "trend", "blind", occurred_at=base + timedelta(minutes=i)) for i in range(3)]
    events.record_events(tenant_a, bots)
    report = ctr.ctr_report(tenant_a)
    assert (report.overall.trend.impressions, report.overall.trend.clicks) == (1000, 50)
    assert report.excluded_events == 12 and report.excluded_visitors == 2


def test_signed_link_records_a_click_and_redirects(tenant_a, catalogue_a, client):
    with tenant_context(tenant_a):
        product = Product.objects.get(sku="JN-LB-01")
    link = events.click_link(tenant_a, product.url, placement="newsletter", product=product, visitor_id="sub-42")
    path = link.removeprefix("http://127.0.0.1:8000")
    response = client.get(path, HTTP_USER_AGENT="Mozilla/5.0 (Macintosh)")
    assert response.status_code == 302 and response["Location"] == product.url
    with tenant_context(tenant_a):
        click = TrackingEvent.objects.get()
    assert (click.type, click.variant, click.placement, click.visitor_id) == ("click", "trend", "newsletter", "sub-42")
    assert click.product == product and click.source == "link" and not click.flagged_bot


def test_link_clicks_by_crawlers_are_flagged_and_not_counted(tenant_a, catalogue_a):
    link = events.click_link(tenant_a, "https://shop.example/p/jn-lb-01", placement="banner")
    path = link.removeprefix("http://127.0.0.1:8000")
    crawler, person = Client(), Client()  # each gets its own visitor cookie
    crawler.get(path, HTTP_USER_AGENT="Mozilla/5.0 (compatible; Googlebot/2.1)")
    person.get(path, HTTP_USER_AGENT="Mozilla/5.0 (iPhone)")
    person.get(path, HTTP_USER_AGENT="Mozilla/5.0 (iPhone)")
    assert crawler.cookies["ts_vid"].value != person.cookies["ts_vid"].value
    with tenant_context(tenant_a):
        assert sorted(TrackingEvent.objects.values_list("flagged_bot", flat=True)) == [False, False, True]
    assert ctr.ctr_report(tenant_a).overall.trend.clicks == 2


def test_links_refuse_other_schemes_and_tampering(tenant_a, client):
    with pytest.raises(ValueError):
        events.click_link(tenant_a, "javascript:alert(1)")
    # Even a correctly signed token must not send anyone to a non-web address.
    forged = signing.dumps({"t": tenant_a.pk, "u": "javascript:alert(1)"}, salt=events.LINK_SALT, compress=True)
    assert client.get(f"/r/{forged}/").status_code == 400
    good = events.click_link(tenant_a, "https://shop.example/x").removeprefix("http://127.0.0.1:8000")
    assert client.get(good[:-3] + "xx/").status_code == 404
    assert client.get("/r/not-a-token/").status_code == 404
    with tenant_context(tenant_a):
        assert TrackingEvent.objects.count() == 0


def test_expired_links_are_refused(tenant_a, client, settings):
    settings.CLICK_LINK_MAX_AGE_DAYS = -1
    link = events.click_link(tenant_a, "https://shop.example/x").removeprefix("http://127.0.0.1:8000")
    assert client.get(link).status_code == 400
