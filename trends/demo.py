"""Demo step of `manage.py setup_demo`: a generated world, its weekly trends computed and published.

The world (trends.world) is written as JSONL in the ingest format to var/demo/trends-world.jsonl and
loaded into the database in bulk. Two stand-ins keep the demo under a minute on two cores, and both
are synthetic data only:
* keywords are stored the way the analysis stores hashtags and prose phrases (analysis's own
  hashtag segmentation and normalize_keyword) instead of running KeyBERT over every caption;
* the pictures do not exist: each media item's `labels` become Detection rows directly, instead of
  the vision model. Every demo asset points at one placeholder picture, each detection's crop at a
  swatch of its colour, so the portal shows what was "seen".
To run the real pipeline on the same world: `manage.py ingest_posts var/demo/trends-world.jsonl --analyze`
on an empty database (slow: every line is ingested and every caption analysed).
Idempotent: an existing demo world is kept; only weeks not yet published are computed and published.
"""

from __future__ import annotations

import io
from typing import TextIO

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.text import slugify

from analysis.models import AssetStatus, Detection, MediaAsset, Post
from trends.models import TrendWeek
from trends.services import compute_week, publish_week
from trends.weeks import IsoWeek
from trends.world.generator import WorldSpec, generate_world
from trends.world.vocab import COLOURS
from trends.world.writers import load_world, write_jsonl

DEMO_SEED = 7
DEMO_WEEKS = 10
DEMO_CREATORS = 3000
DEMO_PREFIX = "demo-"
PLACEHOLDER = "demo/synthetic-picture.png"


def _png(rgb: str, size: int = 96) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (size, size), rgb).save(buffer, format="PNG")
    return buffer.getvalue()


def _save(name: str, content: bytes) -> str:
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(content))
    return name


@transaction.atomic
def attach_demo_pictures() -> int:
    """Placeholder picture for every demo asset, a colour swatch as every demo detection's crop."""
    placeholder = _save(PLACEHOLDER, _png("#e4e7ec"))
    demo_posts = Post.objects.filter(external_id__startswith=DEMO_PREFIX)
    MediaAsset.objects.filter(post__in=demo_posts).update(file=placeholder, status=AssetStatus.ANALYZED)
    for colour, rgb in COLOURS.items():
        swatch = _save(f"demo/swatches/{slugify(colour)}.png", _png(rgb))
        Detection.objects.filter(post__in=demo_posts, colour_name=colour).update(crop=swatch)
    return demo_posts.count()


def setup_demo(stdout: TextIO) -> None:
    end = IsoWeek.last_complete()
    if not Post.objects.filter(external_id__startswith=DEMO_PREFIX).exists():
        world = generate_world(
            WorldSpec(seed=DEMO_SEED, weeks=DEMO_WEEKS, creators=DEMO_CREATORS, end_week=end, id_prefix=DEMO_PREFIX)
        )
        path = settings.VAR_DIR / "demo" / "trends-world.jsonl"
        lines = write_jsonl(world, path)
        counts = load_world(world)
        attach_demo_pictures()
        stdout.write(
            f"trends: demo world of {counts['posts']:,} posts by {counts['creators']:,} creators "
            f"({world.weeks[0]} to {world.weeks[-1]}) loaded; {lines:,} JSONL lines in {path}"
        )
    weeks = [end.shift(-n) for n in range(DEMO_WEEKS - 1, -1, -1)]
    published = set(
        TrendWeek.objects.filter(week__in=[str(w) for w in weeks], status=TrendWeek.Status.PUBLISHED).values_list(
            "week", flat=True
        )
    )
    done = []
    for iso in weeks:
        if (
            str(iso) in published
            or not Post.objects.filter(posted_at__gte=iso.starts_at, posted_at__lt=iso.ends_at).exists()
        ):
            continue
        publish_week(compute_week(iso))
        done.append(str(iso))
    stdout.write(
        f"trends: computed and published {', '.join(done)}" if done else "trends: demo weeks already published"
    )
