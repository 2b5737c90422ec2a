"""A post's analysis status, derived from its text status and its assets' statuses.

* vision_status: pending while any asset is pending (not yet fetched) or stored (not yet
  analysed); failed when the post has assets and all of them failed; done otherwise (also when
  the post has no media).
* analysis_status: failed when the text analysis failed; done when the text is done and vision
  is no longer pending (a failed asset does not fail its post: its error is listed instead);
  pending otherwise.
* analysis_error: the text error and each failed asset's error, so the admin shows every reason.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.utils import timezone

from analysis.db import update_rows
from analysis.models import AnalysisStatus, AssetStatus, MediaAsset, Post

WAITING = (AssetStatus.PENDING, AssetStatus.STORED)


def derive(text_status: str, asset_statuses: Sequence[str]) -> tuple[str, str]:
    """(vision_status, analysis_status) for a post."""
    if any(status in WAITING for status in asset_statuses):
        vision = AnalysisStatus.PENDING
    elif asset_statuses and all(status == AssetStatus.FAILED for status in asset_statuses):
        vision = AnalysisStatus.FAILED
    else:
        vision = AnalysisStatus.DONE
    if text_status == AnalysisStatus.FAILED:
        overall = AnalysisStatus.FAILED
    elif text_status == AnalysisStatus.DONE and vision != AnalysisStatus.PENDING:
        overall = AnalysisStatus.DONE
    else:
        overall = AnalysisStatus.PENDING
    return vision, overall


def describe_errors(text_error: str, failed_assets: Iterable[tuple[int, str, str]]) -> str:
    parts = [f"text: {text_error}"] if text_error else []
    parts += [f"{kind} #{position}: {error}" for position, kind, error in failed_assets]
    return "\n".join(parts)


def refresh_post_status(post_ids: Iterable[int]) -> int:
    """Recompute vision/analysis status and error of these posts; return how many changed."""
    ids = list(set(post_ids))
    if not ids:
        return 0
    assets: dict[int, list[tuple[int, str, str, str]]] = defaultdict(list)
    for post_id, position, kind, status, error in MediaAsset.objects.filter(post_id__in=ids).values_list(
        "post_id", "position", "kind", "status", "error"
    ):
        assets[post_id].append((position, kind, status, error))
    now = timezone.now()
    changed = []
    for post in (
        Post.objects.filter(pk__in=ids)
        .only("id", "text_status", "text_error", "vision_status", "analysis_status", "analysis_error", "analyzed_at")
        .order_by()
    ):
        rows = sorted(assets.get(post.pk, []))
        vision, overall = derive(post.text_status, [status for _, _, status, _ in rows])
        error = describe_errors(
            post.text_error, [(p, kind, err) for p, kind, status, err in rows if status == AssetStatus.FAILED]
        )
        analyzed_at = post.analyzed_at
        if overall == AnalysisStatus.DONE and (post.analysis_status != overall or analyzed_at is None):
            analyzed_at = now
        state = (vision, overall, error, analyzed_at)
        if state != (post.vision_status, post.analysis_status, post.analysis_error, post.analyzed_at):
            changed.append((post.pk, *state))
    update_rows(Post, ["vision_status", "analysis_status", "analysis_error", "analyzed_at"], changed)
    return len(changed)
