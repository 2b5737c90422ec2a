"""Media intake: URL fetch with timeout and size cap, pixel caps, bomb guard, video probing."""

import io

import pytest
from PIL import Image

from analysis.media import acquire
from analysis.models import AssetStatus
from analysis.validation import MediaRef
from tests.analysis.helpers import RUNWAY_PHOTO, WALKING_VIDEO


def image_file(tmp_path, size, name="img.png", mode="RGB"):
    path = tmp_path / name
    Image.new(mode, size, "white").save(path)
    return path


def test_url_photo_is_fetched_hashed_and_stored(media_server, media_store):
    stored = acquire(MediaRef(0, "image", url=media_server.url("/photo.jpg")))
    assert stored.ok, stored.error
    assert (stored.width, stored.height, stored.size_bytes) == (1000, 1478, RUNWAY_PHOTO.stat().st_size)
    assert (media_store / stored.file_name).read_bytes() == RUNWAY_PHOTO.read_bytes()


def test_a_stalled_server_times_out(media_server, media_store, settings):
    settings.MEDIA_FETCH_TIMEOUT = 0.5
    stored = acquire(MediaRef(0, "image", url=media_server.url("/stall.jpg")))
    assert stored.status == AssetStatus.FAILED
    assert "timed out after 0.5 s" in stored.error


def test_declared_size_over_the_cap_is_refused_before_download(media_server, media_store, settings):
    settings.MEDIA_MAX_BYTES = 10_000
    stored = acquire(MediaRef(0, "image", url=media_server.url("/photo.jpg")))
    assert stored.status == AssetStatus.FAILED and "over the 0.0 MB cap" in stored.error


def test_undeclared_size_is_capped_while_reading(media_server, media_store, settings):
    settings.MEDIA_MAX_BYTES = 10_000
    stored = acquire(MediaRef(0, "image", url=media_server.url("/stream.jpg")))
    assert stored.status == AssetStatus.FAILED and "more than the" in stored.error
    assert not list(media_store.rglob("*.jpg"))


def test_http_error_fails_the_asset(media_server, media_store):
    stored = acquire(MediaRef(0, "image", url=media_server.url("/gone.jpg")))
    assert stored.status == AssetStatus.FAILED and "HTTP 404" in stored.error


def test_unreachable_host_fails_the_asset(media_store, settings):
    settings.MEDIA_FETCH_TIMEOUT = 1
    stored = acquire(MediaRef(0, "image", url="http://127.0.0.1:9/none.jpg"))  # discard port: refused
    assert stored.status == AssetStatus.FAILED and stored.error.startswith("fetch failed")


def test_pixel_cap(tmp_path, media_store, settings):
    settings.IMAGE_MAX_PIXELS = 1_000_000
    stored = acquire(MediaRef(0, "image", path=image_file(tmp_path, (1200, 1000))))
    assert stored.status == AssetStatus.FAILED and "1,000,000-pixel cap" in stored.error


def test_decompression_bomb_is_refused_without_decoding(tmp_path, media_store, settings):
    settings.IMAGE_MAX_PIXELS = 1_000_000
    # 25 megapixels in a few kilobytes: far past twice the cap, where Pillow refuses to open it at all.
    bomb = image_file(tmp_path, (5000, 5000), "bomb.png", mode="1")
    assert bomb.stat().st_size < 100_000
    stored = acquire(MediaRef(0, "image", path=bomb))
    assert stored.status == AssetStatus.FAILED and "decompression bomb" in stored.error


def test_byte_cap_for_files(tmp_path, media_store, settings):
    settings.MEDIA_MAX_BYTES = 50_000
    stored = acquire(MediaRef(0, "image", path=RUNWAY_PHOTO))
    assert stored.status == AssetStatus.FAILED and "over the 0.0 MB cap for images" in stored.error


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty"),
        (b"this is not an image at all", "not a readable image"),
        (RUNWAY_PHOTO.read_bytes()[:5000], "corrupt image"),
    ],
)
def test_unreadable_images(tmp_path, media_store, content, reason):
    path = tmp_path / "x.jpg"
    path.write_bytes(content)
    stored = acquire(MediaRef(0, "image", path=path))
    assert stored.status == AssetStatus.FAILED and reason in stored.error


def test_formats_outside_the_allow_list_are_refused(tmp_path, media_store):
    path = tmp_path / "x.tiff"
    Image.new("RGB", (10, 10)).save(path)
    stored = acquire(MediaRef(0, "image", path=path))
    assert stored.status == AssetStatus.FAILED and "not a readable image" in stored.error


def test_missing_file(tmp_path, media_store):
    stored = acquire(MediaRef(0, "image", path=tmp_path / "nope.jpg"))
    assert stored.status == AssetStatus.FAILED and "file not found" in stored.error


def test_real_video_is_probed(media_store):
    stored = acquire(MediaRef(0, "video", path=WALKING_VIDEO))
    assert stored.ok, stored.error
    assert (stored.width, stored.height, stored.fps, stored.file_format) == (768, 432, 10.0, "mp4")
    assert 138 <= stored.duration_seconds <= 140 and stored.frame_count == round(stored.duration_seconds * 10)


def test_corrupt_video_fails_with_its_reason(tmp_path, media_store):
    path = tmp_path / "clip.mp4"
    path.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"\x00garbage" * 500)
    stored = acquire(MediaRef(0, "video", path=path))
    assert stored.status == AssetStatus.FAILED
    assert "not a readable video" in stored.error or "corrupt video" in stored.error


def test_a_photo_sent_as_video_is_refused(media_store):
    stored = acquire(MediaRef(0, "video", path=RUNWAY_PHOTO))
    assert stored.status == AssetStatus.FAILED and "not a supported video" in stored.error


def test_video_byte_cap(media_store, settings):
    settings.VIDEO_MAX_BYTES = 1_000_000
    stored = acquire(MediaRef(0, "video", path=WALKING_VIDEO))
    assert stored.status == AssetStatus.FAILED and "cap for videos" in stored.error


def test_png_round_trip_keeps_format(tmp_path, media_store):
    buffer = io.BytesIO()
    Image.new("RGB", (64, 32), "navy").save(buffer, "PNG")
    path = tmp_path / "navy.png"
    path.write_bytes(buffer.getvalue())
    stored = acquire(MediaRef(0, "image", path=path))
    assert (stored.status, stored.width, stored.height, stored.file_format) == (AssetStatus.STORED, 64, 32, "PNG")
    assert stored.file_name.endswith(".png")


def test_validation_ignores_the_ultralytics_pillow_patch(tmp_path, media_store):
    """Importing ultralytics wraps PIL.Image.open to fetch a HEIF plugin on unknown files; untrusted
    input must get a plain refusal instead."""
    import ultralytics.utils.patches  # noqa: F401 (applies the patch, as a vision worker does)
    from PIL import Image

    assert Image.open.__module__ == "ultralytics.utils.patches"
    path = tmp_path / "x.jpg"
    path.write_bytes(b"not an image")
    stored = acquire(MediaRef(0, "image", path=path))
    assert stored.status == AssetStatus.FAILED and stored.error.startswith("not a readable image")
