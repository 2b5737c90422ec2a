"""Building weekly collections from the global week and each tenant's profile."""

from __future__ import annotations

from dataclasses import replace

import pytest

from billing import entitlements
from curation import services
from curation.models import Collection, CuratedItem, CuratedKeyword
from tenants.models import Tenant
from tenants.scoping import tenant_context
from tests.curation import factories
from trends.models import TrendEntry


def names(tenant, model) -> list[str]:
    with tenant_context(tenant):
        rows = model.objects.filter(hidden=False).order_by("-pinned", "rank")
        return list(rows.values_list("display_name", flat=True))


def set_profile(tenant, **fields):
    profile = services.get_profile(tenant)
    for name, value in fields.items():
        setattr(profile, name, value)
    profile.save()


def test_builds_a_draft_for_every_active_tenant_only(tenant_a, tenant_b, world):
    Tenant.objects.filter(pk=tenant_b.pk).update(status=Tenant.Status.SUSPENDED)
    built = services.build_collections_for_week(world)
    assert [c.tenant_id for c in built] == [tenant_a.pk]
    collection = Collection.unscoped.get(tenant=tenant_a, week=world)
    assert collection.status == Collection.Status.DRAFT and collection.built_at is not None
    assert not Collection.unscoped.filter(tenant=tenant_b).exists()
    # Default profile: everything, in the global order.
    assert names(tenant_a, CuratedItem) == [row[1] for row in factories.ITEMS]
    assert names(tenant_a, CuratedKeyword) == [row[1] for row in factories.KEYWORDS]


def test_rows_carry_figures_reason_and_evidence(tenant_a, world):
    services.build_collection(tenant_a, world)
    with tenant_context(tenant_a):
        jeans = CuratedItem.objects.get(key="bottoms:light blue")
    entry = TrendEntry.objects.get(week=world, kind="item", key="bottoms:light blue")
    assert (jeans.rank, jeans.score, jeans.label, jeans.growth) == (1, entry.score, "breakout", 4.2)
    assert jeans.source == entry and jeans.category == "bottoms" and jeans.colour == "light blue"
    assert "Breakout item, #1 of the week" in jeans.reason and "4.2× its trailing baseline" in jeans.reason
    assert jeans.thumbnail_url.startswith("/media/crops/bottoms-light-blue-")
    assert len(jeans.evidence_posts) == 2


def test_segment_filter_keeps_beauty_and_unlabelled_keywords(tenant_a, world):
    set_profile(tenant_a, segments=["beauty"])
    services.build_collection(tenant_a, world)
    assert names(tenant_a, CuratedItem) == ["Red lip tint"]
    assert names(tenant_a, CuratedKeyword) == ["quiet luxury", "glass skin"]


def test_category_include_and_exclude(tenant_a, world):
    set_profile(tenant_a, include_categories=["bottoms", "shoes", "outerwear"], exclude_categories=["outerwear"])
    services.build_collection(tenant_a, world)
    assert names(tenant_a, CuratedItem) == ["Light blue jeans", "Black loafers"]
    # Keywords naming a category follow the same rule; generic style keywords stay.
    assert names(tenant_a, CuratedKeyword) == ["barrel jeans", "quiet luxury", "glass skin", "zara haul"]


def test_excluded_brands_drop_trends_and_evidence_posts(tenant_a, world):
    set_profile(tenant_a, exclude_brands=["Zara"])
    services.build_collection(tenant_a, world)
    assert "zara haul" not in names(tenant_a, CuratedKeyword)
    with tenant_context(tenant_a):
        jeans = CuratedItem.objects.get(key="bottoms:light blue")
    captions = [p["caption"] for p in jeans.evidence_posts]
    assert captions and not any("zara" in c for c in captions)


def test_creator_countries_and_regions(tenant_a, world):
    set_profile(tenant_a, creator_countries=["KR"])
    services.build_collection(tenant_a, world)
    assert names(tenant_a, CuratedItem) == ["Light blue jeans", "White shirt", "Red lip tint"]
    with tenant_context(tenant_a):
        assert "1 of its 2 top creators post from your countries" in CuratedItem.objects.get(rank=1).reason

    set_profile(tenant_a, creator_countries=[], creator_regions=["europe"])
    services.build_collection(tenant_a, world)
    assert names(tenant_a, CuratedItem) == ["Beige trench coat", "Black hat"]


def test_profile_and_plan_caps(tenant_a, world, monkeypatch):
    set_profile(tenant_a, items_per_week=3, keywords_per_week=2)
    services.build_collection(tenant_a, world)
    assert len(names(tenant_a, CuratedItem)) == 3 and len(names(tenant_a, CuratedKeyword)) == 2

    small_plan = replace(entitlements.Entitlements(), items_per_week=2, keywords_per_week=1)
    monkeypatch.setattr(services, "entitlements_for", lambda tenant: small_plan)
    services.build_collection(tenant_a, world)
    assert names(tenant_a, CuratedItem) == ["Light blue jeans", "White shirt"]
    assert names(tenant_a, CuratedKeyword) == ["barrel jeans"]


def test_rebuild_keeps_every_curator_edit_and_refreshes_the_rest(tenant_a, world, owner_a):
    set_profile(tenant_a, items_per_week=4)
    services.build_collection(tenant_a, world)
    collection = Collection.unscoped.get(tenant=tenant_a, week=world)
    with tenant_context(tenant_a):
        rows = {r.key: r for r in CuratedItem.objects.all()}
        edits = {
            "shoes:black": {"pinned": True},
            "tops:white": {"hidden": True},
            "outerwear:beige": {"note": "Lead with this in autumn mailers", "rank": 9},
        }
        for key, change in edits.items():
            for name, value in change.items():
                setattr(rows[key], name, value)
            services.mark_edited(rows[key], owner_a)
            rows[key].save()
        by_hand = CuratedItem.objects.create(
            collection=collection, key="hand:silver-mules", display_name="Silver mules", added_by_hand=True, rank=2
        )
        before = {r.key: (r.score, r.rank, r.note, r.pinned, r.hidden, r.reason) for r in CuratedItem.objects.all()}

    # The trend engine recomputes the week: every score changes.
    for entry in TrendEntry.objects.filter(week=world):
        entry.score *= 2
        entry.save()
    services.build_collection(tenant_a, world)

    with tenant_context(tenant_a):
        after = {r.key: r for r in CuratedItem.objects.all()}
    for key in [*edits, by_hand.key]:
        row = after[key]
        assert (row.score, row.rank, row.note, row.pinned, row.hidden, row.reason) == before[key], key
    # The untouched row was refreshed with the new figures.
    assert after["bottoms:light blue"].score == before["bottoms:light blue"][0] * 2
    # Visible rows: pinned + noted + by hand + 1 auto = cap 4; the hidden one's slot went to the next trend.
    visible = [k for k, r in after.items() if not r.hidden]
    assert sorted(visible) == sorted(["shoes:black", "outerwear:beige", by_hand.key, "bottoms:light blue"])
    assert after["bottoms:light blue"].rank == 1  # rank 2 belongs to the hand-added row, 9 to the noted one


def test_rebuild_drops_untouched_rows_that_no_longer_fit(tenant_a, world):
    services.build_collection(tenant_a, world)
    set_profile(tenant_a, segments=["beauty"])
    services.build_collection(tenant_a, world)
    with tenant_context(tenant_a):
        assert list(CuratedItem.objects.values_list("display_name", flat=True)) == ["Red lip tint"]


def test_published_collections_refresh_only_when_forced(tenant_a, world):
    collection = factories.publish_latest(tenant_a, world)
    TrendEntry.objects.filter(week=world, key="bottoms:light blue").update(score=1.0)
    report = services.build_collection(tenant_a, world)
    assert report.skipped
    with tenant_context(tenant_a):
        assert CuratedItem.objects.get(key="bottoms:light blue").score != 1.0
    report = services.build_collection(tenant_a, world, force=True)
    assert report.refreshed and not report.skipped
    with tenant_context(tenant_a):
        assert CuratedItem.objects.get(key="bottoms:light blue").score == 1.0
    collection.refresh_from_db()
    assert collection.status == Collection.Status.PUBLISHED


def test_publish_and_withdraw(tenant_a, world, owner_a):
    services.build_collection(tenant_a, world)
    collection = Collection.unscoped.get(tenant=tenant_a)
    assert services.publish(collection, owner_a) and not services.publish(collection, owner_a)
    assert collection.published_by == owner_a and collection.published_at
    assert services.latest_published(tenant_a) == collection
    assert services.withdraw(collection, owner_a) and not services.withdraw(collection, owner_a)
    assert services.latest_published(tenant_a) is None


@pytest.mark.parametrize("weeks", [3])
def test_latest_published_is_the_newest_week(tenant_a, weeks):
    built = [factories.make_week(w) for w in factories.WEEKS[-weeks:]]
    for week in built:
        factories.publish_latest(tenant_a, week)
    assert services.latest_published(tenant_a).week == built[-1]
