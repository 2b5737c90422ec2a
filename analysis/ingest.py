"""Ingest service: every way in (file command, API, future connectors) goes through `ingest()`.

Per record: validate (analysis.validation), bring its media into the store (analysis.media; done
before the database transaction so a slow fetch never holds a lock), then in one transaction
upsert the creator and the post by (platform, external_id), add a metric snapshot, reconcile the
media by position, and mark what must be analysed again: the text when the caption changed,
an asset when its content changed (by sha256). A bad record is reported and skipped; a bad
media item is reported and fails only that asset.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from analysis.media import StoredMedia, acquire, release_file
from analysis.models import AnalysisStatus, AssetStatus, Creator, MediaAsset, MetricSnapshot, Post
from analysis.pipeline.text import detect_language, parse_hashtags, parse_mentions
from analysis.sources.base import RawRecord, Source
from analysis.status import WAITING, refresh_post_status
from analysis.validation import MediaRef, PostRecord, RecordRejected, parse_record

logger = logging.getLogger(__name__)


@dataclass
class ItemResult:
    index: int
    line: int | None
    status: str  # "created", "updated" or "rejected"
    platform: str = ""
    external_id: str = ""
    post_id: int | None = None
    errors: list[str] = field(default_factory=list)
    media: list[dict[str, Any]] = field(default_factory=list)
    media_problems: list[str] = field(default_factory=list)
    needs_analysis: bool = False

    @property
    def where(self) -> str:
        return f"line {self.line}" if self.line is not None else f"item {self.index}"

    @property
    def problems(self) -> list[str]:
        """Every reason something in this item was not taken in."""
        failed = [f"media[{m['position']}]: {m['error']}" for m in self.media if m["status"] == AssetStatus.FAILED]
        return self.errors + self.media_problems + failed

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("needs_analysis")
        if self.line is None:
            data.pop("line")
        return data


@dataclass
class IngestReport:
    created: int = 0
    updated: int = 0
    rejected: int = 0
    media_failed: int = 0
    results: list[ItemResult] = field(default_factory=list)
    post_ids_to_analyze: list[int] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.rejected

    @property
    def with_problems(self) -> list[ItemResult]:
        return [result for result in self.results if result.problems]


def _content_hash(caption: str, assets: list[MediaAsset]) -> str:
    digest = hashlib.sha256(caption.encode())
    for asset in sorted(assets, key=lambda a: a.position):
        digest.update(
            f"\n{asset.position}|{asset.kind}|{asset.source_path or asset.source_url}|{asset.content_hash}".encode()
        )
    return digest.hexdigest()


def _source_of(asset: MediaAsset) -> str:
    return asset.source_path or asset.source_url


def _plan_media(
    refs: list[MediaRef], existing: dict[int, MediaAsset], fetch_inline: bool
) -> list[tuple[MediaRef, StoredMedia | None]]:
    """What to do with each media item: None keeps the existing asset untouched."""
    plans: list[tuple[MediaRef, StoredMedia | None]] = []
    for ref in refs:
        old = existing.get(ref.position)
        same_source = old is not None and old.kind == ref.kind and _source_of(old) == ref.reference
        if ref.url:
            # A URL is taken as immutable: refetch only what failed or was never fetched.
            retry = old is not None and (
                old.status == AssetStatus.FAILED or (fetch_inline and old.status == AssetStatus.PENDING)
            )
            if same_source and not retry:
                plans.append((ref, None))
            else:
                plans.append((ref, acquire(ref) if fetch_inline else StoredMedia(AssetStatus.PENDING)))
        else:
            # A path may hold new content under the same name: the hash decides.
            plans.append((ref, acquire(ref)))
    return plans


def store_outcome(asset: MediaAsset, outcome: StoredMedia) -> str | None:
    """Save what acquiring a media item gave; return a file name the asset no longer uses.

    Content identical to what the asset already holds (same sha256) keeps its analysis; anything
    else resets it, so the vision pass runs again, and drops the old detections.
    """
    released = None
    unchanged = (
        asset.pk is not None
        and outcome.ok
        and asset.content_hash == outcome.content_hash
        and asset.status in (AssetStatus.STORED, AssetStatus.ANALYZED)
    )
    if not unchanged:
        if asset.file and asset.file.name != outcome.file_name:
            released = asset.file.name
        asset.file = outcome.file_name
        asset.status, asset.error, asset.analyzed_at = outcome.status, outcome.error, None
        for name in ("content_hash", "size_bytes", "width", "height", "duration_seconds", "frame_count", "fps"):
            setattr(asset, name, getattr(outcome, name))
        asset.file_format = outcome.file_format
        if asset.pk:
            asset.detections.all().delete()
    asset.save()
    return released


def _apply_media(
    post: Post, plans: list[tuple[MediaRef, StoredMedia | None]], existing: dict[int, MediaAsset]
) -> list[str]:
    """Create/update/delete the post's assets; return files that may have lost their last user."""
    released = []
    wanted = {ref.position for ref, _ in plans}
    stale = [asset for position, asset in existing.items() if position not in wanted]
    if stale:
        released += [asset.file.name for asset in stale if asset.file]
        MediaAsset.objects.filter(pk__in=[asset.pk for asset in stale]).delete()
    for ref, outcome in plans:
        if outcome is None:
            continue
        asset = existing.get(ref.position) or MediaAsset(post=post, position=ref.position)
        asset.kind = ref.kind
        asset.source_path = str(ref.path) if ref.path is not None else ""
        asset.source_url = ref.url
        released_name = store_outcome(asset, outcome)
        if released_name:
            released.append(released_name)
        existing[ref.position] = asset
    for asset in stale:
        existing.pop(asset.position, None)
    return released


def _upsert_creator(record: PostRecord) -> Creator:
    creator, created = Creator.objects.get_or_create(
        platform=record.platform,
        handle=record.handle,
        defaults={
            "followers": record.followers,
            "name": record.name or "",
            "country": record.country or "",
            "segment": record.segment or "",
        },
    )
    if not created:
        updates = {"followers": record.followers}
        # An optional field left out keeps what the creator already has.
        updates.update(
            {k: getattr(record, k) for k in ("name", "country", "segment") if getattr(record, k) is not None}
        )
        changed = [name for name, value in updates.items() if getattr(creator, name) != value]
        if changed:
            for name in changed:
                setattr(creator, name, updates[name])
            creator.save(update_fields=[*changed, "updated_at"])
    return creator


def _record_snapshot(post: Post, record: PostRecord) -> None:
    observed_at = record.observed_at or timezone.now()
    MetricSnapshot.objects.update_or_create(post=post, observed_at=observed_at, defaults=record.metrics)
    # A late-arriving older reading is kept as history but does not replace the latest metrics.
    if post.metrics_observed_at is None or observed_at >= post.metrics_observed_at:
        for name, value in record.metrics.items():
            setattr(post, name, value)
        post.metrics_observed_at = observed_at


def ingest_record(record: PostRecord, fetch_inline: bool = True) -> ItemResult:
    """Upsert one valid record (media first, then one transaction)."""
    existing_post = Post.objects.filter(platform=record.platform, external_id=record.external_id).first()
    existing = {a.position: a for a in existing_post.assets.all()} if existing_post else {}
    plans = _plan_media(record.media, existing, fetch_inline)
    with transaction.atomic():
        creator = _upsert_creator(record)
        post = Post.objects.select_for_update().filter(platform=record.platform, external_id=record.external_id).first()
        created = post is None
        if created:
            post = Post(platform=record.platform, external_id=record.external_id)
            existing = {}
        caption_changed = created or post.caption != record.caption
        post.creator, post.posted_at, post.caption = creator, record.posted_at, record.caption
        post.hashtags, post.mentions = parse_hashtags(record.caption), parse_mentions(record.caption)
        post.language = detect_language(record.caption)
        post.ingest_problems = record.media_problems
        if caption_changed:
            post.text_status, post.text_error = AnalysisStatus.PENDING, ""
        post.save()
        _record_snapshot(post, record)
        released = _apply_media(post, plans, existing)
        assets = list(existing.values())
        post.content_hash = _content_hash(record.caption, assets)
        post.save()
        refresh_post_status([post.pk])
        transaction.on_commit(lambda: [release_file(name) for name in released])
    needs_analysis = post.text_status == AnalysisStatus.PENDING or any(a.status in WAITING for a in assets)
    return ItemResult(
        index=0,
        line=None,
        status="created" if created else "updated",
        platform=record.platform,
        external_id=record.external_id,
        post_id=post.pk,
        media=[
            {"position": a.position, "type": a.kind, "status": a.status, "error": a.error}
            for a in sorted(assets, key=lambda a: a.position)
        ],
        media_problems=list(record.media_problems),
        needs_analysis=needs_analysis,
    )


def _process(raw: RawRecord, fetch_inline: bool) -> ItemResult:
    if raw.error:
        return ItemResult(raw.index, raw.line, "rejected", errors=[raw.error])
    try:
        record = parse_record(raw.data, raw.base_dir)
    except RecordRejected as exc:
        data = raw.data if isinstance(raw.data, dict) else {}
        ids = {k: str(data.get(k) or "")[:200] for k in ("platform", "external_id")}
        return ItemResult(raw.index, raw.line, "rejected", errors=exc.reasons, **ids)
    for attempt in (1, 2):
        try:
            result = ingest_record(record, fetch_inline=fetch_inline)
            break
        except IntegrityError as exc:
            # A concurrent ingest created the same creator or post first: the second try updates it.
            if attempt == 2:
                return ItemResult(
                    raw.index, raw.line, "rejected", record.platform, record.external_id, errors=[str(exc)]
                )
    result.index, result.line = raw.index, raw.line
    return result


def ingest(
    source: Source, on_item: Callable[[ItemResult], None] | None = None, keep_all_results: bool = False
) -> IngestReport:
    """Ingest every record of `source`; never stops at a bad one."""
    report = IngestReport()
    for raw in source:
        try:
            result = _process(raw, source.fetch_media_inline)
        except Exception as exc:  # one record's unexpected failure must not lose the rest of the file
            logger.exception("ingest of %s failed", raw.where)
            result = ItemResult(raw.index, raw.line, "rejected", errors=[f"could not be stored: {exc}"])
        if result.status == "rejected":
            report.rejected += 1
        elif result.status == "created":
            report.created += 1
        else:
            report.updated += 1
        report.media_failed += len(result.problems) - len(result.errors)
        if result.needs_analysis and result.post_id is not None:
            report.post_ids_to_analyze.append(result.post_id)
        if keep_all_results or result.problems:
            report.results.append(result)
        if on_item is not None:
            on_item(result)
    report.post_ids_to_analyze = list(dict.fromkeys(report.post_ids_to_analyze))
    return report
