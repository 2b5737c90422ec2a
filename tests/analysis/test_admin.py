"""The staff admin shows per-post and per-asset status and errors, keywords, detections with crops."""

import io

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from analysis.ingest import ingest
from analysis.models import AssetStatus, Detection, MediaAsset, Post, PostKeyword
from analysis.sources import JsonlFileSource
from tenants.models import User
from tests.analysis.helpers import RUNWAY_PHOTO, post_line

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client_for):
    return client_for(User.objects.create_superuser("admin@trendsaas.test", "pw-admin-123456"))


@pytest.fixture
def world(tmp_path, write_jsonl, media_store):
    (tmp_path / "broken.jpg").write_bytes(b"garbage")
    path = write_jsonl(
        [
            post_line("GOOD", media=[{"type": "image", "path": str(RUNWAY_PHOTO)}]),
            post_line("BAD", media=[{"type": "image", "path": "broken.jpg"}, {"type": "gif", "path": "x.gif"}]),
        ]
    )
    ingest(JsonlFileSource(path))
    good = Post.objects.get(external_id="GOOD")
    PostKeyword.objects.create(post=good, phrase="barrel jeans", display="#barreljeans", score=1.0, source="hashtag")
    asset = good.assets.get()
    buffer = io.BytesIO()
    Image.new("RGB", (40, 60), (250, 250, 245)).save(buffer, "JPEG")
    detection = Detection(
        asset=asset,
        post=good,
        label="person",
        category="tops",
        region="top",
        confidence=0.91,
        x1=0.3,
        y1=0.2,
        x2=0.7,
        y2=0.5,
        colour_name="white",
        colour_rgb="#fafaf5",
    )
    detection.crop.save("crop.jpg", ContentFile(buffer.getvalue()), save=True)
    MediaAsset.objects.filter(pk=asset.pk).update(status=AssetStatus.ANALYZED)
    return good, Post.objects.get(external_id="BAD"), asset, detection


def test_post_page_shows_statuses_errors_keywords_and_media(staff, world):
    _, bad, _, _ = world
    page = staff.get(f"/admin/analysis/post/{bad.pk}/change/").content.decode()
    assert "not a readable image" in page  # the asset's error, inline and in analysis_error
    assert "unknown media type" in page  # the refused media item
    good_page = staff.get(f"/admin/analysis/post/{world[0].pk}/change/").content.decode()
    assert "#barreljeans" in good_page and "barrel jeans" in good_page
    assert "white tops (top)" in good_page  # detections summarised on the media row
    assert world[2].file.url in good_page  # thumbnail of the photo


def test_asset_page_shows_detections_with_crop_and_colour(staff, world):
    _, _, asset, detection = world
    page = staff.get(f"/admin/analysis/mediaasset/{asset.pk}/change/").content.decode()
    assert detection.crop.url in page
    assert "background:#fafaf5" in page and "white" in page


def test_changelists_filter_by_status(staff, world):
    listing = staff.get("/admin/analysis/post/?vision_status__exact=failed").content.decode()
    assert "instagram:BAD" in listing and "instagram:GOOD" not in listing
    assets = staff.get("/admin/analysis/mediaasset/?status__exact=failed").content.decode()
    assert "image #0 of instagram:BAD" in assets
    for model in ("creator", "detection", "postkeyword", "metricsnapshot"):
        assert staff.get(f"/admin/analysis/{model}/").status_code == 200


def test_reanalyse_action_marks_and_queues(staff, world, django_capture_on_commit_callbacks, monkeypatch):
    from analysis import tasks

    sent = []
    monkeypatch.setattr(tasks.analyze_text_batch, "delay", lambda ids: sent.append(("text", ids)))
    monkeypatch.setattr(tasks.analyze_vision_batch, "delay", lambda ids: sent.append(("vision", ids)))
    good, _, asset, _ = world
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            "/admin/analysis/post/", {"action": "reanalyze_posts", "_selected_action": [good.pk]}, follow=True
        )
    assert "Queued 1 captions and 1 media for analysis." in response.content.decode()
    assert sent == [("text", [good.pk]), ("vision", [asset.pk])]
    asset.refresh_from_db()
    assert asset.status == AssetStatus.STORED
