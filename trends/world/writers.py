"""Writing a generated world: as JSONL in the public ingest format, or straight into the database.

The JSONL carries one ADDITION to the ingest format, for synthetic data only: each media entry may
have `"labels": [{"category", "colour", "label"}]`, the garments the picture would show. The
images do not exist (the URLs use the reserved .invalid domain), so the demo applies these labels as
Detection rows in place of the vision model (`detection_rows`); ingest ignores the extra field.

`load_world` is the tests' fast path: the same world, bulk-created directly (no JSON, no analysis),
with keywords stored exactly as the analysis stores hashtags and prose phrases.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC
from pathlib import Path

from django.db import connection, transaction

from analysis.models import (
    AnalysisStatus,
    Creator,
    Detection,
    KeywordSource,
    MediaAsset,
    MetricSnapshot,
    Post,
    PostKeyword,
    Region,
)
from analysis.pipeline.normalize import normalize_keyword
from analysis.pipeline.text import detect_language, hashtag_phrase
from trends.engine.bulk import insert_rows
from trends.world.generator import GeneratedPost, World
from trends.world.vocab import COLOURS

MEDIA_HOST = "https://media.demo.trendsaas.invalid"
BATCH = 2000

# Where a garment of each category sits in a full-body picture (normalised box).
REGION_BOXES = {
    "tops": (Region.TOP, (0.30, 0.20, 0.70, 0.48)),
    "outerwear": (Region.TOP, (0.25, 0.18, 0.75, 0.55)),
    "dresses": (Region.FULL, (0.28, 0.20, 0.72, 0.80)),
    "bottoms": (Region.BOTTOM, (0.32, 0.48, 0.68, 0.88)),
    "shoes": (Region.SHOES, (0.30, 0.88, 0.70, 0.99)),
    "bags": (Region.FULL, (0.60, 0.40, 0.85, 0.62)),
}


def _iso(moment) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def media_url(post: GeneratedPost) -> str:
    return f"{MEDIA_HOST}/{post.external_id}_0.jpg"


def post_lines(world: World) -> Iterable[dict]:
    """One ingest line per metric snapshot, in the order a crawler would have read them."""
    lines = []
    for post in world.posts:
        creator = world.creators[post.creator]
        base = {
            "platform": creator.platform,
            "external_id": post.external_id,
            "influencer": {
                "handle": creator.handle,
                "name": creator.name,
                "followers": creator.followers,
                "country": creator.country,
                "segment": creator.segment,
            },
            "posted_at": _iso(post.posted_at),
            "caption": post.caption,
            "media": [
                {
                    "type": "image",
                    "url": media_url(post),
                    "labels": [{"category": c, "colour": colour, "label": label} for c, colour, label in post.items],
                }
            ],
        }
        for snap in post.snapshots:
            metrics = {"likes": snap.likes, "comments": snap.comments, "shares": snap.shares, "views": snap.views}
            lines.append((snap.observed_at, {**base, "metrics": metrics, "observed_at": _iso(snap.observed_at)}))
    lines.sort(key=lambda pair: pair[0])
    return (line for _, line in lines)


def write_jsonl(world: World, path: Path) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", encoding="utf-8") as handle:
        for line in post_lines(world):
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")
            count += 1
    return count


def detection_rows(post_id: int, asset_id: int, labels: Iterable[tuple[str, str, str]]) -> list[Detection]:
    """Detections standing in for the vision model on synthetic pictures (confidence 0.9, no crop)."""
    rows = []
    for category, colour, label in labels:
        region, (x1, y1, x2, y2) = REGION_BOXES.get(category, (Region.FULL, (0.2, 0.2, 0.8, 0.8)))
        rows.append(
            Detection(
                asset_id=asset_id,
                post_id=post_id,
                label=label,
                category=category,
                confidence=0.9,
                x1=x1,
                y1=y1,
                x2=x2,
                y2=y2,
                region=region,
                colour_name=colour,
                colour_rgb=COLOURS.get(colour, ""),
            )
        )
    return rows


def keyword_rows(hashtags: list[str], phrases: list[str]) -> list[tuple[str, str, float, str]]:
    """(phrase, display, score, source) as analysis stores them: each hashtag's phrase, each prose phrase."""
    found: dict[tuple[str, str], tuple[str, str, float, str]] = {}
    for tag in hashtags:
        phrase = hashtag_phrase(tag)
        if phrase:
            found[(phrase, KeywordSource.HASHTAG)] = (phrase, f"#{tag}", 1.0, KeywordSource.HASHTAG)
    for text in phrases:
        phrase = normalize_keyword(text)
        if phrase:
            found[(phrase, KeywordSource.CAPTION)] = (phrase, text, 0.6, KeywordSource.CAPTION)
    return list(found.values())


@transaction.atomic
def load_world(world: World) -> dict[str, int]:
    """Create the world's creators, posts, snapshots, media, detections and keywords in bulk."""
    adapt = connection.ops.adapt_datetimefield_value
    insert_rows(
        Creator,
        ["platform", "handle", "name", "followers", "country", "segment"],
        [(c.platform, c.handle, c.name, c.followers, c.country, c.segment) for c in world.creators],
    )
    creator_ids = dict(
        Creator.objects.filter(handle__in=[c.handle for c in world.creators]).values_list("handle", "pk")
    )
    done = AnalysisStatus.DONE
    insert_rows(
        Post,
        ["platform", "external_id", "creator", "posted_at", "caption", "hashtags", "language", "likes", "comments",
         "shares", "views", "metrics_observed_at", "text_status", "vision_status", "analysis_status"],
        [
            (world.creators[gp.creator].platform, gp.external_id, creator_ids[world.creators[gp.creator].handle],
             adapt(gp.posted_at), gp.caption, json.dumps([t.casefold() for t in gp.hashtags]),
             detect_language(gp.caption), gp.snapshots[-1].likes, gp.snapshots[-1].comments,
             gp.snapshots[-1].shares, gp.snapshots[-1].views, adapt(gp.snapshots[-1].observed_at), done, done, done)
            for gp in world.posts
        ],
    )  # fmt: skip
    post_ids = dict(
        Post.objects.filter(external_id__in=[gp.external_id for gp in world.posts]).values_list("external_id", "pk")
    )
    pairs = [(post_ids[gp.external_id], gp) for gp in world.posts]
    insert_rows(
        MetricSnapshot,
        ["post", "observed_at", "likes", "comments", "shares", "views"],
        [(pk, adapt(s.observed_at), s.likes, s.comments, s.shares, s.views) for pk, gp in pairs for s in gp.snapshots],
    )
    insert_rows(
        MediaAsset, ["post", "position", "kind", "source_url"], [(pk, 0, "image", media_url(gp)) for pk, gp in pairs]
    )
    asset_ids = dict(MediaAsset.objects.filter(post_id__in=post_ids.values()).values_list("post_id", "pk"))
    detections = [
        (d.asset_id, d.post_id, d.label, d.category, d.confidence, d.x1, d.y1, d.x2, d.y2, d.region, d.colour_name,
         d.colour_rgb)
        for pk, gp in pairs
        for d in detection_rows(pk, asset_ids[pk], gp.items)
    ]  # fmt: skip
    insert_rows(
        Detection,
        ["asset", "post", "label", "category", "confidence", "x1", "y1", "x2", "y2", "region", "colour_name",
         "colour_rgb"],
        detections,
    )  # fmt: skip
    keywords = [(pk, *row) for pk, gp in pairs for row in keyword_rows(gp.hashtags, gp.phrases)]
    insert_rows(PostKeyword, ["post", "phrase", "display", "score", "source"], keywords)
    return {
        "creators": len(creator_ids),
        "posts": len(pairs),
        "detections": len(detections),
        "keywords": len(keywords),
    }
