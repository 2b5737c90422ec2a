"""analyze_assets on the real media: what a user sees for the runway photo and the walking-people video."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from analysis.models import AssetStatus, Detection, MediaAsset
from analysis.pipeline.colours import FAMILY
from analysis.pipeline.vision import analyze_assets

pytestmark = pytest.mark.ml

WHITE_ISH = {"white", "ivory", "cream", "light grey"}
BLACK_ISH = {"black", "charcoal"}


@pytest.fixture
def runway(make_asset, shared_media) -> MediaAsset:
    return make_asset("image", "runway.jpg", (shared_media / "photos" / "000000010223.jpg").read_bytes())


def test_runway_photo_one_person_in_a_white_top_and_black_bottoms(runway):
    analyze_assets([runway.pk])

    runway.refresh_from_db()
    assert runway.status == AssetStatus.ANALYZED and runway.error == ""
    assert runway.analyzed_at is not None
    detections = list(runway.detections.all())
    persons = [d for d in detections if d.category == "person"]
    assert len(persons) == 1
    regions = {d.region: d for d in detections if d.category != "person"}
    top, bottom = regions["top"], regions["bottom"]
    assert top.category == "tops" and top.colour_name in WHITE_ISH, top.colour_name
    assert bottom.category == "bottoms" and bottom.colour_name in BLACK_ISH, bottom.colour_name
    assert FAMILY[bottom.colour_name] == "black"
    # The shirt is above the trousers, both inside the person.
    assert top.y1 < bottom.y1 and top.y2 <= bottom.y2
    person = persons[0]
    for d in (top, bottom):
        assert person.x1 - 0.05 <= d.x1 and d.x2 <= person.x2 + 0.05
        assert d.post_id == runway.post_id and d.frame_time is None
        assert d.label == "person" and 0.5 < d.confidence <= 1
        assert d.colour_rgb.startswith("#") and len(d.colour_rgb) == 7


def test_every_detection_keeps_a_small_jpeg_crop_as_evidence(runway):
    analyze_assets([runway.pk])
    for detection in Detection.objects.filter(asset=runway):
        with detection.crop.open("rb") as f, Image.open(f) as crop:
            assert crop.format == "JPEG"
            assert max(crop.size) <= 192


def test_running_again_replaces_detections_and_their_crops(runway, django_capture_on_commit_callbacks):
    analyze_assets([runway.pk])
    first = list(Detection.objects.filter(asset=runway).values_list("region", "colour_name", "crop"))
    with django_capture_on_commit_callbacks(execute=True):  # old crops go once the new rows are committed
        analyze_assets([runway.pk])
    second = list(Detection.objects.filter(asset=runway).values_list("region", "colour_name", "crop"))
    assert [r[:2] for r in second] == [r[:2] for r in first]
    storage = Detection._meta.get_field("crop").storage
    assert not any(storage.exists(name) for *_, name in first)
    assert all(storage.exists(name) for *_, name in second)


def test_corrupt_image_fails_alone_and_the_batch_goes_on(make_asset, runway, settings):
    settings.DETECTOR_BATCH_SIZE = 2
    corrupt = make_asset("image", "broken.jpg", b"\xff\xd8\xff\xe0 this is not really a jpeg")
    truncated_bytes = io.BytesIO()
    Image.new("RGB", (300, 300), (200, 30, 40)).save(truncated_bytes, format="PNG")
    truncated = make_asset("image", "truncated.png", truncated_bytes.getvalue()[:120])

    analyze_assets([corrupt.pk, runway.pk, truncated.pk])

    for bad in (corrupt, truncated):
        bad.refresh_from_db()
        assert bad.status == AssetStatus.FAILED
        assert "corrupt or unreadable image" in bad.error
        assert not bad.detections.exists()
    runway.refresh_from_db()
    assert runway.status == AssetStatus.ANALYZED
    assert runway.detections.filter(category="tops").exists()


def test_walking_people_video_has_persons_across_its_sampled_frames(make_asset, shared_media, settings):
    settings.VIDEO_MAX_FRAMES = 10
    video = make_asset("video", "walk.mp4", (shared_media / "video" / "one-by-one-person-detection.mp4").read_bytes())

    analyze_assets([video.pk])

    video.refresh_from_db()
    assert video.status == AssetStatus.ANALYZED, video.error
    assert video.duration_seconds == pytest.approx(139.4, abs=0.5)
    times = sorted(set(video.detections.filter(category="person").values_list("frame_time", flat=True)))
    assert len(times) >= 4, times  # people come and go; several sampled frames show someone
    assert all(0 < t < video.duration_seconds for t in times)
    assert times[-1] - times[0] > 40  # spread over the video, not one moment
    # Frame times come from the 10 evenly spread samples.
    step = video.duration_seconds / 10
    assert all(abs((t / step - 0.5) - round(t / step - 0.5)) < 0.01 for t in times)
    assert video.detections.filter(category__in=["tops", "bottoms"]).exclude(colour_name="").exists()


def test_unreadable_video_fails_with_its_reason(make_asset):
    video = make_asset("video", "clip.mp4", b"\x00\x00\x00\x18ftypmp42" + b"not a movie" * 100)
    analyze_assets([video.pk])
    video.refresh_from_db()
    assert video.status == AssetStatus.FAILED
    assert video.error.startswith("unreadable video")


def test_assets_without_a_stored_file_are_left_alone(make_asset, runway):
    pending = make_asset("image", "later.jpg", b"")
    MediaAsset.objects.filter(pk=pending.pk).update(status=AssetStatus.PENDING, file="")
    analyze_assets([pending.pk, runway.pk])
    pending.refresh_from_db()
    assert pending.status == AssetStatus.PENDING and not pending.detections.exists()


def test_torch_thread_count_is_the_configured_one_after_vision(runway, settings):
    import torch

    settings.TORCH_THREADS = 3  # neither all cores nor what Ultralytics picks (cores - 1)
    analyze_assets([runway.pk])
    assert torch.get_num_threads() == 3


def test_a_stored_file_gone_from_the_media_store_fails_that_asset(make_asset, runway):
    image = make_asset("image", "gone.jpg", b"soon deleted")
    video = make_asset("video", "gone.mp4", b"soon deleted")
    for asset in (image, video):
        asset.file.storage.delete(asset.file.name)
    analyze_assets([image.pk, video.pk, runway.pk])
    for asset in (image, video):
        asset.refresh_from_db()
        assert asset.status == AssetStatus.FAILED
        assert "missing from the media store" in asset.error
    runway.refresh_from_db()
    assert runway.status == AssetStatus.ANALYZED


def test_the_vision_celery_task_runs_the_real_detector_and_marks_the_post(runway, make_asset):
    from analysis import tasks
    from analysis.models import AnalysisStatus

    corrupt = make_asset("image", "broken.jpg", b"not an image at all")
    result = tasks.analyze_vision_batch(asset_ids=[runway.pk, corrupt.pk])
    assert result["analyzed"] == 1 and result["failed"] == 1
    runway.post.refresh_from_db()
    assert runway.post.vision_status == AnalysisStatus.DONE
    assert runway.post.detections.filter(category="bottoms", colour_name__in=BLACK_ISH).exists()


def test_an_asset_whose_crops_cannot_be_written_fails_alone(make_asset, shared_media, runway, monkeypatch):
    from django.core.files.storage import default_storage

    other = make_asset("image", "street.jpg", (shared_media / "photos" / "000000009813.jpg").read_bytes())
    write = default_storage._save

    def disk_full_for_runway(name, content):
        if name.rsplit("/", 1)[-1].startswith(f"asset{runway.pk}-"):
            raise OSError(28, "No space left on device")
        return write(name, content)

    monkeypatch.setattr(default_storage, "_save", disk_full_for_runway)
    analyze_assets([runway.pk, other.pk])

    runway.refresh_from_db()
    other.refresh_from_db()
    assert runway.status == AssetStatus.FAILED and "No space left on device" in runway.error
    assert not runway.detections.exists()
    assert other.status == AssetStatus.ANALYZED and other.detections.filter(category="person").exists()
