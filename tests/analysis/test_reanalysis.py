"""A changed caption or changed media sends a post back for analysis; unchanged input does not."""

import pytest

from analysis.ingest import ingest
from analysis.models import AnalysisStatus, AssetStatus, Detection, MediaAsset, Post, PostKeyword
from analysis.sources import JsonlFileSource
from tests.analysis.helpers import RUNWAY_PHOTO, STREET_PHOTO, post_line

pytestmark = pytest.mark.django_db


@pytest.fixture
def analysed_post(tmp_path, write_jsonl, media_store):
    """An ingested post whose analysis is complete: keywords and a detection exist."""
    photo = tmp_path / "look.jpg"
    photo.write_bytes(RUNWAY_PHOTO.read_bytes())
    path = write_jsonl([post_line("P", media=[{"type": "image", "path": "look.jpg"}])])
    report = ingest(JsonlFileSource(path))
    post = Post.objects.get(pk=report.post_ids_to_analyze[0])
    asset = post.assets.get()
    PostKeyword.objects.create(post=post, phrase="barrel jeans", display="barrel jeans", score=0.8, source="caption")
    Detection.objects.create(
        asset=asset, post=post, label="person", category="tops", confidence=0.9, x1=0.1, y1=0.1, x2=0.5, y2=0.5
    )
    MediaAsset.objects.filter(pk=asset.pk).update(status=AssetStatus.ANALYZED)
    Post.objects.filter(pk=post.pk).update(
        text_status=AnalysisStatus.DONE, vision_status=AnalysisStatus.DONE, analysis_status=AnalysisStatus.DONE
    )
    return path, photo, post


def reingest(path, **overrides):
    lines = [post_line("P", media=[{"type": "image", "path": "look.jpg"}], **overrides)]
    path.write_text("\n".join(__import__("json").dumps(line) for line in lines))
    return ingest(JsonlFileSource(path))


def test_unchanged_post_keeps_its_analysis(analysed_post):
    path, _, post = analysed_post
    report = reingest(path, metrics={"likes": 99999})
    post.refresh_from_db()
    assert report.post_ids_to_analyze == []
    assert (post.text_status, post.analysis_status, post.likes) == (AnalysisStatus.DONE, AnalysisStatus.DONE, 99999)
    assert post.assets.get().status == AssetStatus.ANALYZED and Detection.objects.count() == 1


def test_changed_caption_reanalyses_the_text_only(analysed_post):
    path, _, post = analysed_post
    old_hash = post.content_hash
    report = reingest(path, caption="Edited: now with #balletflats")
    post.refresh_from_db()
    assert report.post_ids_to_analyze == [post.pk]
    assert (post.text_status, post.analysis_status) == (AnalysisStatus.PENDING, AnalysisStatus.PENDING)
    assert post.hashtags == ["balletflats"] and post.content_hash != old_hash
    assert post.assets.get().status == AssetStatus.ANALYZED  # the photo did not change


def test_new_content_under_the_same_path_reanalyses_the_media(analysed_post):
    path, photo, post = analysed_post
    photo.write_bytes(STREET_PHOTO.read_bytes())
    report = reingest(path)
    post.refresh_from_db()
    asset = post.assets.get()
    assert report.post_ids_to_analyze == [post.pk]
    assert (asset.status, asset.width, asset.height) == (AssetStatus.STORED, 618, 1000)
    assert Detection.objects.count() == 0  # evidence of the old photo is gone
    assert (post.text_status, post.vision_status) == (AnalysisStatus.DONE, AnalysisStatus.PENDING)


def test_removed_media_is_deleted_with_its_detections(analysed_post):
    path, _, post = analysed_post
    path.write_text(__import__("json").dumps(post_line("P")))
    ingest(JsonlFileSource(path))
    post.refresh_from_db()
    assert post.assets.count() == 0 and Detection.objects.count() == 0
    assert post.vision_status == AnalysisStatus.DONE
