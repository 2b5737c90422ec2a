"""Analysis orchestration shared by tasks, commands, the API and the admin.

Text and vision run in separate batches (and, under Celery, on separate queues): the text model
sees hundreds of captions per call, the detector a batch of assets. Every step is idempotent:
re-running replaces a post's keywords (and, in the vision module, an asset's detections).
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from analysis.db import insert_rows, update_rows
from analysis.embeddings import EmbeddingModelUnavailable
from analysis.ingest import store_outcome
from analysis.media import acquire, release_file
from analysis.models import AnalysisStatus, AssetStatus, MediaAsset, Post, PostKeyword
from analysis.pipeline.keywords import TextAnalysis, analyze_captions
from analysis.status import WAITING, refresh_post_status
from analysis.validation import MediaRef

logger = logging.getLogger(__name__)
QUERY_CHUNK = 2000


class VisionUnavailable(RuntimeError):
    """The vision module is not installed in this deployment."""


class Progress(Protocol):
    def advance(self, count: int = 1) -> None: ...

    def finish(self) -> None: ...


def chunks(items: Sequence[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


# --- Text -----------------------------------------------------------------------------------------
def _analyze_isolating_failures(
    rows: list[tuple[int, str]], engine: str | None
) -> tuple[list[tuple[int, str, TextAnalysis]], dict[int, str]]:
    """Analyse the batch in one call; if that fails, post by post so one bad caption fails alone."""
    try:
        analyses = analyze_captions([caption for _, caption in rows], engine=engine)
        return [(pid, caption, a) for (pid, caption), a in zip(rows, analyses, strict=True)], {}
    except EmbeddingModelUnavailable:
        raise
    except Exception:
        logger.warning("text batch of %d posts failed; retrying post by post", len(rows), exc_info=True)
    done, failed = [], {}
    for pid, caption in rows:
        try:
            done.append((pid, caption, analyze_captions([caption], engine=engine)[0]))
        except EmbeddingModelUnavailable:
            raise
        except Exception as exc:
            logger.exception("text analysis of post %s failed", pid)
            failed[pid] = f"{type(exc).__name__}: {exc}"
    return done, failed


def analyze_text(post_ids: Sequence[int], engine: str | None = None) -> dict[str, int]:
    """Hashtags, mentions, language and keywords of these posts, in one model call; replaces keywords."""
    rows = list(Post.objects.filter(pk__in=list(post_ids)).order_by("pk").values_list("id", "caption"))
    if not rows:
        return {"analyzed": 0, "failed": 0, "skipped": 0, "keywords": 0}
    done, failed = _analyze_isolating_failures(rows, engine)
    with transaction.atomic():
        current = dict(
            Post.objects.select_for_update().filter(pk__in=[pid for pid, _ in rows]).values_list("id", "caption")
        )
        # A caption edited while we worked is left pending: its own analysis is queued by the ingest.
        fresh = [(pid, analysis) for pid, caption, analysis in done if current.get(pid) == caption]
        fresh_ids = [pid for pid, _ in fresh]
        PostKeyword.objects.filter(post_id__in=fresh_ids).delete()
        keywords = [(pid, k.phrase, k.display, k.score, k.source) for pid, analysis in fresh for k in analysis.keywords]
        insert_rows(PostKeyword, ["post", "phrase", "display", "score", "source"], keywords)
        update_rows(
            Post,
            ["hashtags", "mentions", "language", "text_status", "text_error"],
            [(pid, a.hashtags, a.mentions, a.language, AnalysisStatus.DONE, "") for pid, a in fresh],
        )
        caption_of = dict(rows)
        update_rows(
            Post,
            ["text_status", "text_error"],
            [
                (pid, AnalysisStatus.FAILED, error[:2000])
                for pid, error in failed.items()
                if current.get(pid) == caption_of[pid]
            ],
        )
        refresh_post_status(current)
    return {"analyzed": len(fresh), "failed": len(failed), "skipped": len(done) - len(fresh), "keywords": len(keywords)}


# --- Vision ---------------------------------------------------------------------------------------
def fetch_pending_media(asset_ids: Sequence[int]) -> int:
    """Fetch URL media the API left for the workers (a request must not wait on remote servers)."""
    fetched = 0
    for asset in MediaAsset.objects.filter(pk__in=list(asset_ids), status=AssetStatus.PENDING).exclude(source_url=""):
        outcome = acquire(MediaRef(asset.position, asset.kind, url=asset.source_url))
        with transaction.atomic():
            current = MediaAsset.objects.select_for_update().filter(pk=asset.pk).first()
            if current is None or current.status != AssetStatus.PENDING or current.source_url != asset.source_url:
                continue  # re-ingested meanwhile
            released = store_outcome(current, outcome)
            if released:
                transaction.on_commit(lambda name=released: release_file(name))
        fetched += 1
    return fetched


def _vision_module() -> Any:
    try:
        return importlib.import_module("analysis.pipeline.vision")
    except ModuleNotFoundError as exc:
        if exc.name != "analysis.pipeline.vision":
            raise
        raise VisionUnavailable("analysis.pipeline.vision is not installed in this deployment.")


def analyze_vision(asset_ids: Sequence[int]) -> dict[str, int]:
    """Fetch pending URL media, run the detector on the stored assets, refresh their posts' status."""
    ids = list(asset_ids)
    fetched = fetch_pending_media(ids)
    stored = list(MediaAsset.objects.filter(pk__in=ids, status=AssetStatus.STORED).values_list("id", flat=True))
    if stored:
        _vision_module().analyze_assets(stored)
    refresh_post_status(MediaAsset.objects.filter(pk__in=ids).values_list("post_id", flat=True))
    statuses = list(MediaAsset.objects.filter(pk__in=ids).values_list("status", flat=True))
    return {
        "fetched": fetched,
        "analyzed": statuses.count(AssetStatus.ANALYZED),
        "failed": statuses.count(AssetStatus.FAILED),
    }


# --- Selecting and running work -------------------------------------------------------------------
@dataclass
class PendingWork:
    text_post_ids: list[int]
    asset_ids: list[int]

    def __bool__(self) -> bool:
        return bool(self.text_post_ids or self.asset_ids)


def pending_work(post_ids: Iterable[int] | None = None) -> PendingWork:
    """Posts whose text awaits analysis and assets awaiting vision (all, or among `post_ids`)."""
    posts = Post.objects.filter(text_status=AnalysisStatus.PENDING).order_by("pk")
    assets = MediaAsset.objects.filter(status__in=WAITING).order_by("pk")
    if post_ids is None:
        return PendingWork(list(posts.values_list("id", flat=True)), list(assets.values_list("id", flat=True)))
    work = PendingWork([], [])
    for chunk in chunks(list(dict.fromkeys(post_ids)), QUERY_CHUNK):
        work.text_post_ids += posts.filter(pk__in=chunk).values_list("id", flat=True)
        work.asset_ids += assets.filter(post_id__in=chunk).values_list("id", flat=True)
    return work


def retry_failed(post_ids: Sequence[int] | None = None) -> None:
    """Make failed analysis pending again: failed text, failed vision on a stored file, failed fetches.

    A file that failed validation at ingest stays failed: only a re-ingest with a good file helps.
    """
    posts = Post.objects.filter(text_status=AnalysisStatus.FAILED)
    assets = MediaAsset.objects.filter(status=AssetStatus.FAILED)
    if post_ids is not None:
        posts, assets = posts.filter(pk__in=list(post_ids)), assets.filter(post_id__in=list(post_ids))
    affected = set(posts.values_list("id", flat=True)) | set(assets.values_list("post_id", flat=True))
    posts.update(text_status=AnalysisStatus.PENDING, text_error="")
    assets.exclude(file="").update(status=AssetStatus.STORED, error="")
    assets.filter(file="").exclude(source_url="").update(status=AssetStatus.PENDING, error="")
    refresh_post_status(affected)


def run_analysis(
    work: PendingWork,
    progress_for: Callable[[str, int], Progress] | None = None,
    vision: bool = True,
) -> dict[str, int]:
    """Analyse in this process (commands): text in model-sized batches, then vision."""
    totals = {"text_analyzed": 0, "text_failed": 0, "keywords": 0, "assets_analyzed": 0, "assets_failed": 0}
    if work.text_post_ids:
        progress = progress_for("text analysis (posts)", len(work.text_post_ids)) if progress_for else None
        for chunk in chunks(work.text_post_ids, settings.ANALYSIS_TEXT_BATCH_SIZE):
            result = analyze_text(chunk)
            totals["text_analyzed"] += result["analyzed"]
            totals["text_failed"] += result["failed"]
            totals["keywords"] += result["keywords"]
            if progress:
                progress.advance(len(chunk))
        if progress:
            progress.finish()
    if vision and work.asset_ids:
        progress = progress_for("vision (media)", len(work.asset_ids)) if progress_for else None
        for chunk in chunks(work.asset_ids, settings.ANALYSIS_VISION_BATCH_SIZE):
            result = analyze_vision(chunk)
            totals["assets_analyzed"] += result["analyzed"]
            totals["assets_failed"] += result["failed"]
            if progress:
                progress.advance(len(chunk))
        if progress:
            progress.finish()
    return totals


def describe_totals(totals: dict[str, int]) -> str:
    return (
        f"Analysed {totals['text_analyzed']:,} captions ({totals['text_failed']:,} failed, "
        f"{totals['keywords']:,} keywords) and {totals['assets_analyzed']:,} media "
        f"({totals['assets_failed']:,} failed)."
    )


def dispatch_analysis(work: PendingWork) -> None:
    """Queue the work for the Celery workers once the current transaction commits."""

    def send() -> None:
        from analysis import tasks

        for chunk in chunks(work.text_post_ids, settings.ANALYSIS_TEXT_BATCH_SIZE):
            tasks.analyze_text_batch.delay(chunk)
        for chunk in chunks(work.asset_ids, settings.ANALYSIS_VISION_BATCH_SIZE):
            tasks.analyze_vision_batch.delay(chunk)

    if work:
        # robust: a broker outage must not fail the ingest; the periodic sweep re-queues later.
        transaction.on_commit(send, robust=True)


def dispatch_stale_pending(older_than: timedelta = timedelta(minutes=30)) -> PendingWork:
    """Re-queue work left pending for a while (lost messages, broker outages, path-ingested posts)."""
    cutoff = timezone.now() - older_than
    stale_posts = Post.objects.filter(updated_at__lt=cutoff).values_list("id", flat=True)
    work = pending_work(list(stale_posts.filter(analysis_status=AnalysisStatus.PENDING)))
    dispatch_analysis(work)
    return work


def reanalyze(post_ids: Sequence[int]) -> PendingWork:
    """Mark posts for a fresh text and vision pass (admin action) and queue them."""
    ids = list(post_ids)
    Post.objects.filter(pk__in=ids).update(text_status=AnalysisStatus.PENDING, text_error="")
    MediaAsset.objects.filter(post_id__in=ids, status=AssetStatus.ANALYZED).update(status=AssetStatus.STORED)
    MediaAsset.objects.filter(post_id__in=ids, status=AssetStatus.FAILED).exclude(file="").update(
        status=AssetStatus.STORED, error=""
    )
    refresh_post_status(ids)
    work = pending_work(ids)
    dispatch_analysis(work)
    return work
