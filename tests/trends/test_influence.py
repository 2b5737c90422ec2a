"""Influence of a post: the SQL the engine runs agrees with the documented formula (trends.influence)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import override_settings

from analysis.ingest import ingest
from analysis.models import Post
from analysis.sources import RecordListSource
from tests.trends.helpers import WEEK, creator, post
from trends.influence import InfluenceParams, PlatformPrior, post_influence, typical_log_engagement
from trends.models import CreatorWeek, PostInfluence
from trends.services import compute_stats

pytestmark = pytest.mark.django_db


def reference(p: Post, stats) -> float:
    params = InfluenceParams.from_settings()
    platform = stats.params["platforms"][p.platform]
    prior = PlatformPrior(rate=platform["rate"], views_per_like=platform["views_per_like"])
    history = CreatorWeek.objects.get(stats=stats, creator=p.creator)
    typical = typical_log_engagement(
        history.posts, history.log_engagement, p.creator.followers, prior, params.prior_posts
    )
    return post_influence(
        likes=p.likes, comments=p.comments, shares=p.shares, views=p.views, followers=p.creator.followers,
        typical_log=typical, prior=prior, params=params,
    )  # fmt: skip


def test_sql_matches_the_documented_formula():
    big = creator(followers=2_000_000, platform="youtube")
    small = creator(followers=900, platform="instagram")
    mid = creator(followers=40_000, platform="tiktok")
    posts = [
        post(big, WEEK.shift(-1), likes=40_000, comments=900, shares=300, views=1_500_000),
        post(big, likes=90_000, comments=2_000, shares=800, views=3_000_000),
        post(small, likes=45, comments=3),
        post(small, WEEK.shift(-2), likes=30, comments=1),
        post(mid, likes=2_000, comments=60, shares=40, views=0),  # views not reported
        post(mid, day=4, likes=1_500, comments=30, shares=10, views=40_000),
    ]
    stats = compute_stats(WEEK)
    for p in posts:
        if WEEK.starts_at <= p.posted_at < WEEK.ends_at:
            stored = PostInfluence.objects.get(stats=stats, post=p)
            assert stored.influence == pytest.approx(reference(p, stats), rel=1e-6)


def test_engagement_that_grows_after_posting_counts():
    """A second snapshot ingested later raises the post's metrics and so its influence."""
    record = {
        "platform": "instagram",
        "external_id": "growth-1",
        "influencer": {"handle": "minji.style", "followers": 50_000},
        "posted_at": (WEEK.starts_at + timedelta(days=1)).isoformat(),
        "caption": "new in #barreljeans",
        "metrics": {"likes": 300, "comments": 5},
        "observed_at": (WEEK.starts_at + timedelta(days=1, hours=6)).isoformat(),
    }
    other = creator(followers=50_000)
    post(other, WEEK.shift(-1), likes=1_000, comments=30)
    assert ingest(RecordListSource([record])).created == 1
    first = PostInfluence.objects.get(stats=compute_stats(WEEK), post__external_id="growth-1").influence
    later = {**record, "metrics": {"likes": 2_400, "comments": 70, "shares": 12},
             "observed_at": (WEEK.starts_at + timedelta(days=3)).isoformat()}  # fmt: skip
    assert ingest(RecordListSource([later])).updated == 1
    assert Post.objects.get(external_id="growth-1").snapshots.count() == 2
    second = PostInfluence.objects.get(stats=compute_stats(WEEK), post__external_id="growth-1").influence
    assert second > first * 1.3


def test_zero_views_means_unreported_not_bad():
    """A TikTok post whose views were not reported is imputed at the platform's views per like."""
    makers = [creator(followers=30_000, platform="tiktok") for _ in range(6)]
    for n, c in enumerate(makers):
        post(c, likes=1_000 + n, comments=20, views=25_000)
    unreported = creator(followers=30_000, platform="tiktok")
    p = post(unreported, likes=1_000, comments=20, views=0)
    twin = creator(followers=30_000, platform="tiktok")
    q = post(twin, likes=1_000, comments=20, views=25_000)
    stats = compute_stats(WEEK)
    a = PostInfluence.objects.get(stats=stats, post=p)
    b = PostInfluence.objects.get(stats=stats, post=q)
    assert a.engagement == pytest.approx(b.engagement, rel=0.01)
    assert a.influence == pytest.approx(b.influence, rel=0.01)


def test_creator_without_history_is_judged_against_the_platform_prior():
    for _ in range(5):
        regular = creator(followers=10_000)
        post(regular, likes=400, comments=10)
        post(regular, WEEK.shift(-1), likes=350, comments=8)
    newcomer = creator(followers=10_000)
    normal = post(newcomer, likes=400, comments=10)
    stats = compute_stats(WEEK)
    performance = PostInfluence.objects.get(stats=stats, post=normal).performance
    assert 0.7 < performance < 1.4  # an ordinary post for the account's size, not "infinitely better"


def test_posts_without_real_engagement_have_next_to_no_influence():
    bot = creator(followers=150)
    ghost = post(bot, likes=1, comments=0, shares=0)
    real = post(creator(followers=150), likes=12, comments=2)
    stats = compute_stats(WEEK)
    ghost_influence = PostInfluence.objects.get(stats=stats, post=ghost).influence
    real_influence = PostInfluence.objects.get(stats=stats, post=real).influence
    assert ghost_influence < 0.2 * real_influence


def test_weights_are_settings():
    c = creator(followers=20_000)
    p = post(c, likes=100, comments=100, shares=0)
    with override_settings(TREND_WEIGHTS={"likes": 1.0, "comments": 3.0, "shares": 5.0, "views": 0.05}):
        assert PostInfluence.objects.get(post=p, stats=compute_stats(WEEK)).engagement == pytest.approx(400)
    with override_settings(TREND_WEIGHTS={"likes": 1.0, "comments": 10.0, "shares": 5.0, "views": 0.05}):
        assert PostInfluence.objects.get(post=p, stats=compute_stats(WEEK)).engagement == pytest.approx(1100)
    bad = {"likes": -1.0, "comments": 1.0, "shares": 1.0, "views": 1.0}
    with override_settings(TREND_WEIGHTS=bad), pytest.raises(ValueError, match="non-negative"):
        compute_stats(WEEK)
