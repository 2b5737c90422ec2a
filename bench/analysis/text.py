"""Benchmark: text analysis posts/s on generated captions, end to end including database writes.

    .venv/bin/python -m bench.analysis.text [--posts 10000] [--batch 500] [--sample 200]

Creates a throwaway database (the test database of the configured DATABASE_URL), fills it with
posts whose captions come from bench.analysis.captions, and measures:

* batched: analysis.services.analyze_text over batches (as a text worker runs it): parsing,
  KeyBERT keywords, keyword rows replaced, post status written; first with an empty phrase cache
  (a fresh worker), then on new captions with the cache the first pass warmed (steady state);
* one by one: the same function called with one post at a time, on a sample;
* naive KeyBERT: `KeyBERT(model).extract_keywords(caption, ...)` per caption, no database (the
  textbook way, for reference);
* the caption encoder alone (the floor any caption-level embedder pays).

Model loading is timed separately and excluded from the rates. The machine is shared: the load
average and each phase's CPU seconds are printed so figures can be judged (on an idle 2-core
machine the encoder's two threads make CPU seconds about 1.6-1.9x the wall seconds; CPU close to
wall means another process held one of the cores).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import UTC, datetime

from bench.django_setup import setup_django


def create_posts(captions: list[str], prefix: str = "B") -> list[int]:
    from analysis.models import Creator, Post

    creators = Creator.objects.bulk_create(
        [Creator(platform="instagram", handle=f"{prefix}.creator{i}", followers=1000 + i) for i in range(500)]
    )
    posted = datetime(2026, 10, 27, 10, 0, tzinfo=UTC)
    Post.objects.bulk_create(
        [
            Post(
                platform="instagram",
                external_id=f"{prefix}{i}",
                creator=creators[i % len(creators)],
                posted_at=posted,
                caption=c,
            )
            for i, c in enumerate(captions)
        ],
        batch_size=1000,
    )
    return list(Post.objects.filter(external_id__startswith=prefix).order_by("pk").values_list("pk", flat=True))


def timed(label: str, count: int, run) -> float:
    """Run, print count/s by wall clock and the process CPU seconds (which contention inflates less)."""
    started, cpu = time.perf_counter(), time.process_time()
    run()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    rate = count / seconds
    print(f"  {label:<58} {count:>6,} in {seconds:7.1f} s = {rate:8.1f} /s  (CPU {cpu:6.1f} s)", flush=True)
    return rate


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--sample", type=int, default=200)
    parser.add_argument("--warm-posts", type=int, default=5_000, help="New captions analysed with a warm cache.")
    args = parser.parse_args(argv)

    setup_django()
    from django.conf import settings
    from django.test.utils import setup_databases, teardown_databases

    from analysis import embeddings, services
    from analysis.models import PostKeyword
    from analysis.pipeline.keywords import analyze_captions
    from analysis.pipeline.text import parse_caption
    from bench.analysis.captions import generate_captions

    print(f"Text analysis benchmark: {args.posts:,} captions, batches of {args.batch}, sample of {args.sample}")
    print(
        f"  cores {os.cpu_count()}, torch threads {settings.TORCH_THREADS or os.cpu_count()}, "
        f"load average at start {os.getloadavg()[0]:.2f}"
    )
    old_config = setup_databases(verbosity=0, interactive=False)
    try:
        captions = generate_captions(args.posts)
        ids = create_posts(captions)
        parsed = [parse_caption(c) for c in captions]
        korean = sum(p.language == "ko" for p in parsed)
        words = sum(len(p.english_text.split()) for p in parsed) / len(parsed)
        engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
        print(f"  {korean:,} Korean captions; {words:.1f} English prose words per caption; database {engine}")

        started = time.perf_counter()
        analyze_captions(["warm up the model and the hashtag vocabulary #barreljeans"])
        print(
            f"  model and vocabulary loaded in {time.perf_counter() - started:.1f} s (not counted below); "
            f"encoder backend {settings.EMBEDDING_BACKEND} -> {'onnx' if embeddings._onnx_encoder() else 'torch'}"
        )
        cache = embeddings.phrase_cache()

        cache.clear()
        batched = timed(
            "batched, end to end with DB writes (cold phrase cache)",
            len(ids),
            lambda: [services.analyze_text(ids[i : i + args.batch]) for i in range(0, len(ids), args.batch)],
        )
        print(
            f"    {len(cache):,} distinct candidate phrases encoded; {cache.hits:,} cache hits; "
            f"{PostKeyword.objects.count():,} keyword rows"
        )

        # A long-running worker's steady state: new captions, phrase cache warmed by earlier ones.
        warm_ids = create_posts(generate_captions(args.warm_posts, seed=8), prefix="W")
        seen = len(cache)
        warm = timed(
            "batched, new captions, phrase cache warmed by the above",
            len(warm_ids),
            lambda: [services.analyze_text(warm_ids[i : i + args.batch]) for i in range(0, len(warm_ids), args.batch)],
        )

        print(f"    {len(cache) - seen:,} candidate phrases were new to the cache")

        sample = ids[: args.sample]
        cache.clear()
        one_by_one = timed(
            "one by one, end to end with DB writes (cold phrase cache)",
            len(sample),
            lambda: [services.analyze_text([pid]) for pid in sample],
        )

        from keybert import KeyBERT

        from analysis.pipeline.text import english_document

        model = KeyBERT(model=embeddings.get_model())
        docs = [english_document(c) for c in captions[: args.sample]]
        naive = timed(
            "naive KeyBERT, one call per caption, no DB",
            len(docs),
            lambda: [
                model.extract_keywords(d, keyphrase_ngram_range=(1, 3), use_mmr=True, diversity=0.5, top_n=5)
                for d in docs
                if d
            ],
        )
        encoder_docs = [english_document(c) for c in captions[:1000]]
        encoder = timed(
            "caption encoder alone (MiniLM, one call)", len(encoder_docs), lambda: embeddings.encode(encoder_docs)
        )
        print()
        print(
            f"  RESULT batched {batched:.0f} posts/s cold cache, {warm:.0f} posts/s warm (target >= 200) | "
            f"one by one {one_by_one:.0f} posts/s | "
            f"naive KeyBERT {naive:.0f} docs/s | encoder alone {encoder:.0f} docs/s | "
            f"speed-up batched vs one by one x{batched / one_by_one:.1f}"
        )
        print(f"  load average at end {os.getloadavg()[0]:.2f}")
    finally:
        teardown_databases(old_config, verbosity=0)


if __name__ == "__main__":
    sys.exit(main())
