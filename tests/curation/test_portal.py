"""Portal pages: dashboard, collections, item pages, archive, export, profile, CTR; query counts."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from billing.entitlements import EntitlementError
from curation import events, matching, services, views
from curation.models import Collection, CuratedItem, CuratedKeyword, CurationProfile
from tenants.scoping import tenant_context
from tests.curation import factories


def url(name: str, tenant, *args) -> str:
    return reverse(f"tenant:{name}", args=[tenant.slug, *args])


def item(tenant, key: str) -> CuratedItem:
    with tenant_context(tenant):
        return CuratedItem.objects.get(key=key)


def test_dashboard_shows_the_latest_published_collection(tenant_a, owner_a, client_for, catalogue_a, published_a):
    page = client_for(owner_a).get(url("dashboard", tenant_a)).content.decode()
    assert f"Week {published_a.week.week}" in page
    assert page.count('data-testid="item-card"') == len(factories.ITEMS)
    assert page.count('data-testid="keyword"') == len(factories.KEYWORDS)
    assert 'class="badge badge-breakout"' in page and "4.2×" in page
    assert page.count('<svg class="sparkline"') == len(factories.ITEMS) + len(factories.KEYWORDS)
    assert 'src="/media/crops/bottoms-light-blue-0.jpg"' in page
    assert "Barrel Leg Jeans, Light Wash" in page  # a matched product on the card
    assert "No impressions or clicks reported yet" in page


def test_clients_never_see_drafts_withdrawn_or_hidden_rows(tenant_a, owner_a, client_for, world):
    client = client_for(owner_a)
    services.build_collection(tenant_a, world)
    draft_item = item(tenant_a, "tops:white")
    assert "not published yet" in client.get(url("dashboard", tenant_a)).content.decode()
    assert client.get(url("item", tenant_a, draft_item.pk)).status_code == 404
    assert client.get(url("collection", tenant_a, world.week)).status_code == 404

    collection = Collection.unscoped.get(tenant=tenant_a, week=world)
    services.publish(collection, None)
    CuratedItem.unscoped.filter(pk=draft_item.pk).update(hidden=True)
    page = client.get(url("dashboard", tenant_a)).content.decode()
    assert "Light blue jeans" in page and "White shirt" not in page
    assert client.get(url("item", tenant_a, draft_item.pk)).status_code == 404

    services.withdraw(collection, None)
    assert "not published yet" in client.get(url("dashboard", tenant_a)).content.decode()
    assert client.get(url("collection", tenant_a, world.week)).status_code == 404


def test_item_page_has_evidence_creators_history_and_tracking_links(
    tenant_a, viewer_a, client_for, catalogue_a, published_a
):
    jeans = item(tenant_a, "bottoms:light blue")
    jeans.note = "Pair with white shirts"
    jeans.save()
    page = client_for(viewer_a).get(url("item", tenant_a, jeans.pk)).content.decode()
    assert "Light blue jeans" in page and "Pair with white shirts" in page
    assert page.count("<figure>") == 2 and "@style.kr" in page and "@style.us" in page
    history = page.split('data-testid="history"')[1]
    assert history.count("<tr>") == 1 + 8 and "2026-W37" in history and "2026-W44" in history
    assert "JN-LB-01" in page and "same category (bottoms)" in page
    assert 'value="http://127.0.0.1:8000/r/' in page  # a signed banner link per matched product


def test_keyword_page(tenant_a, owner_a, client_for, published_a):
    with tenant_context(tenant_a):
        keyword = CuratedKeyword.objects.get(key="barrel jeans")
    page = client_for(owner_a).get(url("keyword", tenant_a, keyword.pk)).content.decode()
    assert "barrel jeans" in page and "Keyword #1" in page


def test_archive_lists_published_weeks(tenant_a, owner_a, client_for):
    weeks = [factories.make_week(w) for w in factories.WEEKS[-3:]]
    for week in weeks[:2]:
        factories.publish_latest(tenant_a, week)
    services.build_collection(tenant_a, weeks[2])
    page = client_for(owner_a).get(url("archive", tenant_a)).content.decode()
    assert factories.WEEKS[-3] in page and factories.WEEKS[-2] in page and factories.WEEKS[-1] not in page
    older = client_for(owner_a).get(url("collection", tenant_a, factories.WEEKS[-3]))
    assert older.status_code == 200 and "Light blue jeans" in older.content.decode()


def test_csv_export(tenant_a, member_a, client_for, catalogue_a, published_a):
    jeans = item(tenant_a, "bottoms:light blue")
    jeans.note = '=HYPERLINK("http://evil")'
    jeans.save()
    response = client_for(member_a).get(url("collection-export", tenant_a, published_a.week.week))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["type", "rank", "name"]
    assert len(rows) == 1 + len(factories.ITEMS) + len(factories.KEYWORDS)
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["name"] == "Light blue jeans" and first["curator note"].startswith("'=")
    assert first["feature these products (sku:score)"].startswith("JN-LB-01:")


def test_csv_export_respects_the_plan(tenant_a, owner_a, client_for, published_a, monkeypatch):
    def refuse(tenant, feature):
        raise EntitlementError("Your plan has no CSV export.")

    monkeypatch.setattr(views, "check", refuse)
    response = client_for(owner_a).get(url("collection-export", tenant_a, published_a.week.week), follow=True)
    assert response.redirect_chain[-1][0] == url("collection", tenant_a, published_a.week.week)
    assert "CSV export is not available: Your plan has no CSV export." in response.content.decode()


def profile_post(**overrides) -> dict:
    data = {
        "segments": ["fashion"],
        "include_categories": ["bottoms", "tops"],
        "exclude_brands": "Zara, H&M",
        "audience": "Women 25-40",
        "creator_regions": ["east_asia"],
        "creator_countries": "us, GB",
        "items_per_week": 8,
        "keywords_per_week": 5,
    }
    data.update(overrides)
    return data


def test_owner_edits_the_profile_and_drafts_are_rebuilt(tenant_a, admin_a, client_for, world):
    services.build_collection(tenant_a, world)
    client = client_for(admin_a)
    response = client.post(url("curation", tenant_a), profile_post(), follow=True)
    assert "Curation profile saved. 1 draft collection(s) were rebuilt" in response.content.decode()
    with tenant_context(tenant_a):
        profile = CurationProfile.objects.get()
        assert list(CuratedItem.objects.values_list("category", flat=True).distinct()) != []
        assert set(CuratedItem.objects.values_list("category", flat=True)) <= {"bottoms", "tops"}
    assert profile.segments == ["fashion"] and profile.exclude_brands == ["Zara", "H&M"]
    assert profile.creator_countries == ["GB", "US"] and profile.updated_by == admin_a
    assert profile.items_per_week == 8


def test_profile_errors_are_explained(tenant_a, owner_a, client_for):
    client = client_for(owner_a)
    page = client.post(
        url("curation", tenant_a),
        profile_post(creator_countries="Korea", items_per_week=500, exclude_categories=["tops"]),
    ).content.decode()
    assert "Not two-letter ISO country codes: KOREA." in page
    assert "Ensure this value is less than or equal to 100." in page
    assert "A category cannot be both included and excluded: tops." in page
    assert services.get_profile(tenant_a).items_per_week == 12  # unchanged


def test_members_and_viewers_read_the_profile_only(tenant_a, member_a, viewer_a, client_for):
    for user in (member_a, viewer_a):
        client = client_for(user)
        page = client.get(url("curation", tenant_a)).content.decode()
        assert "Only owners and admins can change the profile" in page and "disabled" in page
        assert client.post(url("curation", tenant_a), profile_post()).status_code == 403
    assert services.get_profile(tenant_a).audience == ""


def test_ctr_page_shows_variants_uplift_and_demo_flag(tenant_a, owner_a, client_for, catalogue_a):
    when = timezone.now() - timedelta(hours=1)
    rows = factories.traffic(when, trend=(200, 20), control=(200, 10), visitors=20)
    events.record_events(tenant_a, rows, source="demo")
    client = client_for(owner_a)
    page = client.get(url("ctr", tenant_a)).content.decode()
    assert "10.00%" in page and "5.00%" in page and "+100.0%" in page
    assert "Demo events" in page and "delta method" in page
    dashboard = client.get(url("dashboard", tenant_a)).content.decode()
    assert 'data-testid="ctr-summary"' in dashboard and "95% CI" in dashboard


def test_dashboard_and_item_pages_do_not_issue_n_plus_1_queries(
    tenant_a, owner_a, client_for, catalogue_a, world, django_assert_max_num_queries
):
    # A realistic collection: every item and keyword, each with matched products and 8 weeks of history,
    # and shop traffic for the CTR summary.
    collection = factories.publish_latest(tenant_a, world)
    events.record_events(tenant_a, factories.traffic(timezone.now() - timedelta(hours=1)))
    client = client_for(owner_a)
    client.get(url("dashboard", tenant_a))  # warm the session
    with django_assert_max_num_queries(16):
        assert client.get(url("dashboard", tenant_a)).status_code == 200
    jeans = item(tenant_a, "bottoms:light blue")
    with django_assert_max_num_queries(12):
        assert client.get(url("item", tenant_a, jeans.pk)).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(url("collection", tenant_a, world.week)).status_code == 200

    # Twice the rows, the same number of queries.
    with CaptureQueriesContext(connection) as before:
        client.get(url("dashboard", tenant_a))
    with tenant_context(tenant_a):
        for row in CuratedItem.objects.filter(collection=collection):
            row.pk, row.key, row.rank = None, f"copy:{row.key}", row.rank + 10
            row.save()
    matching.match_collection(collection)
    with CaptureQueriesContext(connection) as after:
        page = client.get(url("dashboard", tenant_a)).content.decode()
    assert page.count('data-testid="item-card"') == 2 * len(factories.ITEMS)
    assert len(after) == len(before)
