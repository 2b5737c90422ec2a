"""Small hand-made worlds for focused trend tests (the generated world lives in conftest.py)."""

from __future__ import annotations

from datetime import timedelta
from itertools import count

from analysis.models import Creator, Detection, KeywordSource, MediaAsset, MetricSnapshot, Post, PostKeyword
from analysis.pipeline.normalize import normalize_keyword
from trends.weeks import IsoWeek

WEEK = IsoWeek(2026, 44)
_ids = count(1)


def creator(handle: str | None = None, followers: int = 20_000, platform: str = "instagram", **extra) -> Creator:
    n = next(_ids)
    return Creator.objects.create(
        platform=platform, handle=handle or f"creator{n}", followers=followers, segment=extra.pop("segment", "fashion"),
        **extra,
    )  # fmt: skip


def post(
    author: Creator,
    week: IsoWeek = WEEK,
    *,
    day: float = 2.5,
    likes: int = 600,
    comments: int = 20,
    shares: int = 5,
    views: int = 0,
    keywords: tuple[str, ...] = (),
    items: tuple[tuple[str, str, str], ...] = (),
    caption: str = "",
) -> Post:
    n = next(_ids)
    created = Post.objects.create(
        platform=author.platform, external_id=f"t{n}", creator=author, posted_at=week.starts_at + timedelta(days=day),
        caption=caption or " ".join(f"#{k.replace(' ', '')}" for k in keywords), likes=likes, comments=comments,
        shares=shares, views=views,
    )  # fmt: skip
    for phrase in keywords:
        PostKeyword.objects.create(
            post=created, phrase=normalize_keyword(phrase), display=phrase, score=0.9, source=KeywordSource.HASHTAG
        )
    if items:
        asset = MediaAsset.objects.create(
            post=created, position=0, kind="image", source_url=f"https://x.invalid/{n}.jpg"
        )
        for category, colour, label in items:
            Detection.objects.create(
                asset=asset, post=created, label=label, category=category, confidence=0.9,
                x1=0.2, y1=0.2, x2=0.8, y2=0.8, colour_name=colour,
            )  # fmt: skip
    MetricSnapshot.objects.create(
        post=created, observed_at=created.posted_at + timedelta(days=1), likes=likes, comments=comments,
        shares=shares, views=views,
    )  # fmt: skip
    return created


def crowd(n: int, **kwargs) -> list[Creator]:
    return [creator(**kwargs) for _ in range(n)]
