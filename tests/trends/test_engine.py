"""The engine on small hand-made weeks: counting rules, merges, evidence and snapshot handling."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import DatabaseError

from analysis.models import Detection
from tests.trends.helpers import WEEK, creator, crowd, post
from trends.models import KeyStat, PhraseKey, TrendEntry, TrendWeek, WeekStats
from trends.services import WeekPublishedError, compute_week, export_week, publish_week

pytestmark = pytest.mark.django_db

JEANS = ("bottoms", "light blue", "jeans")


def entry(kind: str, key: str, week: str = str(WEEK)) -> TrendEntry:
    return TrendEntry.objects.get(week__week=week, kind=kind, key=key)


def test_one_account_counts_once_per_key():
    people = crowd(4, followers=20_000)
    for c in people:
        post(c, keywords=("control tag", "pushed tag"))
    spammer = creator(followers=20_000)
    spam_posts = [post(spammer, day=1 + n / 10, keywords=("pushed tag",)) for n in range(30)]
    compute_week(WEEK)
    control, pushed = KeyStat.objects.get(key="control tag"), KeyStat.objects.get(key="pushed tag")
    assert pushed.posts == 34 and pushed.creators == 5
    best_spam = max(p.influence for p in _influences(spam_posts))
    # Thirty posts add what one of them adds: the account's best post, once.
    assert pushed.raw_score - control.raw_score == pytest.approx(best_spam, rel=1e-6)


def _influences(posts):
    from trends.models import PostInfluence

    return PostInfluence.objects.filter(post__in=posts)


def test_phrasings_merge_into_one_key():
    """analysis's normalisation plus the engine's compact rule: hashtag, phrase, plural, hyphen, spacing."""
    variants = ["#WideLegPants", "wide-leg pants", "wide leg pant", "widelegpants", "Wide Leg Pants"]
    for text in variants:
        post(creator(), keywords=(text,))
    for text in ("try on haul", "tryon haul"):
        post(creator(), keywords=(text,))
    compute_week(WEEK)
    wide = [e for e in TrendEntry.objects.filter(kind="keyword") if "wide" in e.key]
    assert len(wide) == 1 and wide[0].posts == 5 and wide[0].creators == 5
    assert wide[0].key == "wide leg pants"  # the spaced, plural-as-written variant names the trend
    assert KeyStat.objects.get(key="try on haul").posts == 2  # too few creators to rank, but one key
    assert PhraseKey.objects.filter(phrase="tryon haul", key="try on haul").exists()


def test_items_are_category_colour_and_the_clothing_models_class():
    people = crowd(4)
    for c in people:
        p = post(c, items=(JEANS, ("tops", "white", "person")))
        Detection.objects.create(
            asset=p.assets.get(), post=p, label="person", category="person", confidence=0.9,
            x1=0, y1=0, x2=1, y2=1, colour_name="",
        )  # fmt: skip
    compute_week(WEEK)
    keys = set(TrendEntry.objects.filter(kind="item").values_list("key", flat=True))
    assert keys == {"bottoms:light blue:jeans", "tops:white"}  # no "person" item; pose regions have no class
    jeans = entry("item", "bottoms:light blue:jeans")
    assert (jeans.display_name, jeans.category, jeans.colour, jeans.item) == (
        "light blue jeans", "bottoms", "light blue", "jeans",
    )  # fmt: skip
    assert entry("item", "tops:white").item == "tops"


def test_evidence_lists_the_most_influential_posts_and_creators_with_crops():
    people = crowd(6, followers=5_000, segment="beauty")
    star = creator(followers=900_000, segment="fashion")
    posts = [post(c, likes=200 + 10 * n, items=(JEANS,)) for n, c in enumerate(people)]
    top = post(star, likes=40_000, comments=900, items=(JEANS,))
    Detection.objects.filter(post=top).update(crop="crops/2026/10/top.jpg")
    compute_week(WEEK)
    evidence = entry("item", "bottoms:light blue:jeans").evidence
    assert [p["post_id"] for p in evidence["posts"]][0] == top.pk
    assert len(evidence["posts"]) == 5 and posts[0].pk not in {p["post_id"] for p in evidence["posts"]}
    assert evidence["posts"][0]["crop_url"] == "/media/crops/2026/10/top.jpg"
    assert evidence["posts"][0]["handle"] == star.handle
    assert evidence["creators"][0] == {
        "creator_id": star.pk, "handle": star.handle, "platform": "instagram", "followers": 900_000,
        "influence": evidence["posts"][0]["influence"],
    }  # fmt: skip
    assert entry("item", "bottoms:light blue:jeans").segment == "beauty"  # 6 of 7 creators


def test_trailing_weeks_are_aggregated_when_missing_and_growth_needs_a_baseline():
    people = crowd(6)
    for c in people[:3]:
        post(c, WEEK.shift(-1), keywords=("linen set",))
    for c in people:
        post(c, keywords=("linen set", "first seen"))
    compute_week(WEEK)
    assert WeekStats.objects.filter(week=str(WEEK.shift(-1))).exists()  # computed on the way
    assert not TrendWeek.objects.filter(week=str(WEEK.shift(-1))).exists()  # but not ranked or shown
    linen = entry("keyword", "linen set")
    previous = KeyStat.objects.get(stats__week=str(WEEK.shift(-1))).score
    assert linen.growth == pytest.approx(linen.score / previous, rel=1e-3)
    assert entry("keyword", "first seen").growth is None
    assert entry("keyword", "first seen").label == "new"


def test_recompute_replaces_the_snapshot_atomically():
    people = crowd(5)
    for c in people:
        post(c, keywords=("bubble skirt",))
    week = compute_week(WEEK)
    before = list(week.entries.values_list("pk", "key", "score"))
    post(creator(), keywords=("bubble skirt",))
    failing = mock.patch("trends.services.TrendEntry.objects.bulk_create", side_effect=DatabaseError("disk full"))
    with failing, pytest.raises(DatabaseError):
        compute_week(WEEK)
    assert list(week.entries.values_list("pk", "key", "score")) == before  # nothing half-written
    assert KeyStat.objects.get(key="bubble skirt").creators == 5
    compute_week(WEEK)
    assert entry("keyword", "bubble skirt").creators == 6
    assert TrendWeek.objects.count() == 1


def test_published_week_is_read_only(django_user_model):
    for c in crowd(5):
        post(c, keywords=("mesh flats",))
    compute_week(WEEK)
    curator = django_user_model.objects.create_user("curator@trendsaas.test", "pw-1234567")
    published = publish_week(str(WEEK), curator)
    assert published.is_published and published.published_by == curator and published.published_at
    snapshot = list(published.entries.values_list("key", "rank", "score", "label"))
    post(creator(), keywords=("mesh flats",))
    with pytest.raises(WeekPublishedError, match="published and read-only"):
        compute_week(WEEK)
    assert list(published.entries.values_list("key", "rank", "score", "label")) == snapshot
    again = publish_week(str(WEEK), None)
    assert again.published_by == curator  # publishing twice changes nothing


def test_export_has_exactly_the_contract_fields():
    for c in crowd(5):
        post(c, keywords=("quiet luxury",), items=(JEANS,))
    compute_week(WEEK)
    data = export_week("2026-W44")
    assert set(data) == {"week", "keywords", "items"} and data["week"] == "2026-W44"
    assert set(data["keywords"][0]) == {"keyword", "rank", "score", "label", "growth", "posts", "creators"}
    assert set(data["items"][0]) == {
        "item", "category", "colour", "rank", "score", "label", "growth", "posts", "creators",
    }  # fmt: skip
    assert data["items"][0] | {"score": 0} == {
        "item": "jeans", "category": "bottoms", "colour": "light blue", "rank": 1, "score": 0, "label": "new",
        "growth": None, "posts": 5, "creators": 5,
    }  # fmt: skip
