"""Benchmark: aggregate and label one week of posts on PostgreSQL (issue 4, criterion 9).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/trendsaas_bench \\
        .venv/bin/python bench/trends/run.py [--sizes 50000,200000,1000000]

For each size N the database is emptied and filled with COPY: one target week of N posts by
0.15·N creators (200,000 posts: 30,000 creators), each post with 1-6 keywords (Zipf over 20,000
phrases) and 1-3 detected items (Zipf over the garment/colour/class combinations), plus four
earlier weeks of N/4 posts each as history. The earlier weeks are aggregated first, untimed, as the
Monday jobs before would have done; then `compute_week` runs on the target week and is timed:
influence of every post, creator baselines, keyword merging (embeddings included, model warm),
per-key stats, labels, ranking, evidence and the snapshot write. Prints seconds per phase.
The database is created if it does not exist and emptied before each size (drop it when done).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # run as a script: bench/trends/run.py

from bench.django_setup import setup_django  # noqa: E402

TARGET_SECONDS = 60
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/trendsaas_bench"


def setup_postgres_django() -> None:
    os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    if not os.environ["DATABASE_URL"].startswith("postgres"):
        sys.exit("This benchmark is for PostgreSQL: set DATABASE_URL=postgres://…")
    ensure_database(os.environ["DATABASE_URL"])
    setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def ensure_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def copy_lines(cursor, model, fields: list[str], lines) -> int:
    """COPY tab-separated lines (values of `fields`, already formatted) into the model's table; the
    other columns get their field default."""
    from django.db import connection
    from django.utils import timezone

    given = [model._meta.get_field(f) for f in fields]
    rest = [f for f in model._meta.concrete_fields if f not in given and not f.primary_key]
    now = timezone.now()

    def text(value) -> str:
        if value is None:
            return r"\N"
        if isinstance(value, bool):
            return "t" if value else "f"
        if isinstance(value, (list, dict)):
            return json.dumps(value)
        return str(value)

    defaults = [now if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) else f.get_default()
                for f in rest]  # fmt: skip
    fill = "".join("\t" + text(v) for v in defaults) + "\n"
    qn = connection.ops.quote_name
    columns = ", ".join(qn(f.column) for f in given + rest)
    count = 0
    with cursor.copy(f"COPY {qn(model._meta.db_table)} ({columns}) FROM STDIN") as copy:
        chunk = []
        for line in lines:
            chunk.append(line + fill)
            count += 1
            if len(chunk) == 50_000:
                copy.write("".join(chunk))
                chunk = []
        copy.write("".join(chunk))
    return count


def generate(posts_in_week: int, seed: int = 1) -> dict:
    """Fill the database; returns counts. Explicit ids, so children need no lookups."""
    import numpy as np
    from django.db import connection

    from analysis.models import Creator, Detection, MediaAsset, Post, PostKeyword
    from trends.weeks import IsoWeek
    from trends.world import vocab

    rng = np.random.default_rng(seed)
    target = IsoWeek(2026, 44)
    weeks = [(target.shift(-n), posts_in_week // 4) for n in range(4, 0, -1)] + [(target, posts_in_week)]
    n_creators = max(1000, int(posts_in_week * 0.15))
    followers = np.clip(rng.lognormal(np.log(6000), 1.5, n_creators), 80, 8_000_000).astype(np.int64)
    rate = np.clip(rng.lognormal(np.log(0.035), 0.5, n_creators), 0.003, 0.3)
    platform_of = rng.choice(["instagram", "tiktok", "youtube"], n_creators, p=[0.6, 0.25, 0.15])
    segment_of = rng.choice(["fashion", "beauty"], n_creators, p=[0.7, 0.3]).tolist()
    phrases = [f"{a} {b}" for a in ("wide", "barrel", "mini", "cargo", "linen", "quiet", "glass", "mesh", "retro",
               "soft", "sheer", "cropped", "oversized", "satin", "boxy", "chunky", "ribbed", "pleated", "denim", "knit")
               for b in range(1000)]  # fmt: skip
    phrase_weights = 1 / np.arange(1, len(phrases) + 1) ** 1.05
    phrase_weights /= phrase_weights.sum()
    combos = [
        (c, colour, label) for c, labels in vocab.GARMENTS.items() for label in labels for colour in vocab.COLOURS
    ]
    combo_weights = 1 / np.arange(1, len(combos) + 1) ** 0.9
    combo_weights /= combo_weights.sum()
    combo_text = [f"{label}\t{category}\t{colour}\t0.9\t0.2\t0.2\t0.8\t0.8" for category, colour, label in combos]

    with connection.cursor() as django_cursor:
        cursor = django_cursor.cursor  # the psycopg cursor, for COPY
        cursor.execute(
            "TRUNCATE analysis_creator, analysis_post, analysis_postkeyword, analysis_detection, analysis_mediaasset, "
            "analysis_metricsnapshot, trends_weekstats, trends_trendweek, trends_keywordalias RESTART IDENTITY CASCADE"
        )
        copy_lines(
            cursor, Creator, ["id", "platform", "handle", "followers", "segment"],
            (f"{i + 1}\t{platform_of[i]}\tbench{i}\t{followers[i]}\t{segment_of[i]}" for i in range(n_creators)),
        )  # fmt: skip
        post_id = counts_kw = counts_det = 0
        for week, n in weeks:  # one week at a time keeps memory flat
            author = rng.integers(0, n_creators, n)
            offsets = rng.uniform(0, 7 * 24 * 3600 - 1, n)
            likes = (followers[author] * rate[author] * rng.lognormal(0, 0.45, n)).astype(np.int64)
            comments = (likes * rng.uniform(0.01, 0.05, n)).astype(np.int64)
            shares = (likes * rng.uniform(0, 0.02, n)).astype(np.int64)
            views = np.where(platform_of[author] == "instagram", 0, likes * rng.uniform(8, 40, n)).astype(np.int64)
            platform_names = platform_of.tolist()
            n_kw = 1 + rng.poisson(2.5, n).clip(0, 5)
            kw = rng.choice(len(phrases), n_kw.sum(), p=phrase_weights)
            n_det = rng.integers(1, 4, n)
            det = rng.choice(len(combos), n_det.sum(), p=combo_weights)
            # Plain lists: iterating numpy scalars in the loop below is several times slower.
            author, offsets, likes, comments = author.tolist(), offsets.tolist(), likes.tolist(), comments.tolist()
            shares, views, n_kw, kw, n_det, det = (
                shares.tolist(),
                views.tolist(),
                n_kw.tolist(),
                kw.tolist(),
                n_det.tolist(),
                det.tolist(),
            )
            k = d = 0
            post_lines, kw_lines, asset_lines, det_lines = [], [], [], []
            for j in range(n):
                post_id += 1
                posted = (week.starts_at + timedelta(seconds=offsets[j])).isoformat()
                a = author[j]
                post_lines.append(
                    f"{post_id}\t{platform_names[a]}\tb{post_id}\t{a + 1}\t{posted}\tbench caption\t{likes[j]}\t"
                    f"{comments[j]}\t{shares[j]}\t{views[j]}\tdone\tdone\tdone"
                )
                for phrase in dict.fromkeys(kw[k : k + n_kw[j]]):
                    kw_lines.append(f"{post_id}\t{phrases[phrase]}\t{phrases[phrase]}\t0.5\thashtag")
                k += n_kw[j]
                asset_lines.append(f"{post_id}\t{post_id}\t0\timage\thttps://bench.invalid/{post_id}.jpg")
                for combo in dict.fromkeys(det[d : d + n_det[j]]):
                    det_lines.append(f"{post_id}\t{post_id}\t{combo_text[combo]}")
                d += n_det[j]
            copy_lines(
                cursor, Post,
                ["id", "platform", "external_id", "creator", "posted_at", "caption", "likes", "comments", "shares",
                 "views", "text_status", "vision_status", "analysis_status"],
                post_lines,
            )  # fmt: skip
            counts_kw += copy_lines(cursor, PostKeyword, ["post", "phrase", "display", "score", "source"], kw_lines)
            copy_lines(cursor, MediaAsset, ["id", "post", "position", "kind", "source_url"], asset_lines)
            counts_det += copy_lines(
                cursor, Detection,
                ["asset", "post", "label", "category", "colour_name", "confidence", "x1", "y1", "x2", "y2"], det_lines,
            )  # fmt: skip
        for table in ("analysis_creator", "analysis_post", "analysis_mediaasset"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")  # noqa: S608
        cursor.execute("ANALYZE")
    return {
        "creators": n_creators,
        "posts": post_id,
        "week_posts": posts_in_week,
        "keywords": counts_kw,
        "detections": counts_det,
        "weeks": [str(w) for w, _ in weeks],
    }


def run(size: int) -> dict:
    from trends.services import compute_stats, compute_week

    t0 = time.perf_counter()
    world = generate(size)
    loaded = time.perf_counter() - t0
    t0 = time.perf_counter()
    for week in world["weeks"][:-1]:
        compute_stats(week)
    history = time.perf_counter() - t0
    t0 = time.perf_counter()
    trend_week = compute_week(world["weeks"][-1])
    seconds = time.perf_counter() - t0
    return {**world, "load_s": loaded, "history_s": history, "seconds": seconds, "timings": trend_week.timings,
            "entries": trend_week.entries.count()}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="50000,200000,1000000", help="Posts in the timed week, comma-separated.")
    args = parser.parse_args()
    setup_postgres_django()
    from django.conf import settings

    from analysis.embeddings import encode

    t0 = time.perf_counter()
    if settings.TREND_SEMANTIC_MERGE:
        encode(["warm up"])  # the worker keeps the model loaded between weeks
    print(f"sentence encoder loaded in {time.perf_counter() - t0:.1f}s (not counted below)")
    print(f"{'week posts':>10} {'creators':>9} {'keywords':>10} {'detections':>10} {'compute_week':>12}  phases")
    results = []
    for size in (int(s) for s in args.sizes.split(",")):
        r = run(size)
        results.append(r)
        phases = ", ".join(f"{k} {v:.1f}s" for k, v in r["timings"].items())
        print(
            f"{r['week_posts']:>10,} {r['creators']:>9,} {r['keywords']:>10,} {r['detections']:>10,} "
            f"{r['seconds']:>11.1f}s  {phases}  (load {r['load_s']:.0f}s, 4 earlier weeks {r['history_s']:.0f}s,"
            f" {r['entries']} entries)",
            flush=True,
        )
    base = results[0]
    for r in results[1:]:
        print(
            f"{r['week_posts'] / base['week_posts']:.0f}x the posts took {r['seconds'] / base['seconds']:.1f}x the time"
        )
    at_200k = [r for r in results if r["week_posts"] == 200_000]
    if at_200k:
        verdict = "meets" if at_200k[0]["seconds"] < TARGET_SECONDS else "MISSES"
        print(f"200,000 posts: {at_200k[0]['seconds']:.1f}s, {verdict} the {TARGET_SECONDS}s target")


if __name__ == "__main__":
    main()
