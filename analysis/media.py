"""Bringing post media into the media store: copy or fetch, validate, hash, store.

Every failure is a MediaError whose message is the reason shown to the sender and in the admin;
it fails that one asset, never its post. Files are stored content-addressed
(media_assets/ab/<sha256>.<ext>), so the same photo posted twice is stored once.

Guards: byte caps before and while reading (MEDIA_MAX_BYTES for images, VIDEO_MAX_BYTES for
video), a whole-fetch deadline (MEDIA_FETCH_TIMEOUT) on top of the socket timeout, http(s) only,
a pixel cap (IMAGE_MAX_PIXELS) checked from the header before any decoding, Pillow's
decompression-bomb guard set to the same cap, a full decode to catch truncated files, and an
allow-list of image formats and video containers (no EPS/PSD/... parsers reached from input).
"""

from __future__ import annotations

import hashlib
import logging
import sys
import tempfile
import time
import urllib.error
import urllib.request
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage

from analysis.models import AssetStatus, MediaKind
from analysis.validation import MediaRef

logger = logging.getLogger(__name__)

CHUNK = 64 * 1024
IMAGE_FORMATS = {"JPEG": ".jpg", "MPO": ".jpg", "PNG": ".png", "WEBP": ".webp", "GIF": ".gif", "BMP": ".bmp"}
# Pillow opens MPO (multi-picture JPEG from phones) through its JPEG opener.
OPENERS = ["JPEG", "PNG", "WEBP", "GIF", "BMP"]
USER_AGENT = "TrendSaaS-ingest/1.0"


class MediaError(Exception):
    """Why one media item could not be stored (shown to the sender and in the admin)."""


@dataclass
class StoredMedia:
    status: str
    error: str = ""
    file_name: str = ""
    content_hash: str = ""
    size_bytes: int | None = None
    width: int | None = None
    height: int | None = None
    duration_seconds: float | None = None
    frame_count: int | None = None
    fps: float | None = None
    file_format: str = ""

    @property
    def ok(self) -> bool:
        return self.status == AssetStatus.STORED


def byte_cap(kind: str) -> int:
    return settings.VIDEO_MAX_BYTES if kind == MediaKind.VIDEO else settings.MEDIA_MAX_BYTES


def _megabytes(size: int) -> str:
    return f"{size / 1_048_576:.1f} MB"


def _hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def fetch_url(url: str, destination: Path, max_bytes: int, timeout: float) -> tuple[str, int]:
    """Download `url` into `destination`; return (sha256, size). Raises MediaError."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})  # noqa: S310 (http/https only)
    deadline = time.monotonic() + timeout
    digest, size = hashlib.sha256(), 0
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response, destination.open("wb") as out:  # noqa: S310 (scheme checked in validation)
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise MediaError(f"{_megabytes(int(declared))} is over the {_megabytes(max_bytes)} cap")
            while chunk := response.read1(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise MediaError(f"more than the {_megabytes(max_bytes)} cap")
                if time.monotonic() > deadline:
                    raise MediaError(f"fetch took longer than {timeout:g} s")
                digest.update(chunk)
                out.write(chunk)
    except MediaError:
        raise
    except urllib.error.HTTPError as exc:
        raise MediaError(f"fetch failed: HTTP {exc.code} {exc.reason}")
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError):
            raise MediaError(f"fetch timed out after {timeout:g} s")
        raise MediaError(f"fetch failed: {reason}")
    except TimeoutError:
        raise MediaError(f"fetch timed out after {timeout:g} s")
    except OSError as exc:
        raise MediaError(f"fetch failed: {exc}")
    return digest.hexdigest(), size


def _pillow_open() -> Callable[..., Any]:
    """PIL.Image.open as Pillow ships it.

    Importing ultralytics replaces PIL.Image.open with a wrapper that, on a file Pillow cannot
    identify, checks for (and unless YOLO_AUTOINSTALL=0, pip-installs) a HEIF plugin: untrusted
    input must not be able to trigger that, so media validation uses the original opener.
    """
    from PIL import Image

    patches = sys.modules.get("ultralytics.utils.patches")
    return getattr(patches, "_image_open", Image.open) if patches is not None else Image.open


def probe_image(path: Path) -> StoredMedia:
    """Width, height and format of a safe, complete image. Raises MediaError."""
    from PIL import Image, UnidentifiedImageError

    open_image = _pillow_open()
    cap = settings.IMAGE_MAX_PIXELS
    # Pillow refuses to open past twice MAX_IMAGE_PIXELS (a decompression bomb) and only warns
    # between one and two times it; our own header check below refuses that band by name.
    Image.MAX_IMAGE_PIXELS = cap
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with open_image(path, formats=OPENERS) as image:
                width, height, file_format = image.width, image.height, image.format
                if width * height > cap:
                    raise MediaError(f"{width}x{height} pixels is over the {cap:,}-pixel cap")
                image.verify()
            with open_image(path, formats=OPENERS) as image:
                image.load()
    except MediaError:
        raise
    except Image.DecompressionBombError as exc:
        raise MediaError(f"refused as a decompression bomb: {exc}")
    except UnidentifiedImageError:
        raise MediaError("not a readable image (corrupt, or not JPEG/PNG/WebP/GIF/BMP)")
    except Exception as exc:  # Pillow raises many types (OSError, SyntaxError, struct.error) for bad data
        raise MediaError(f"corrupt image: {exc}")
    return StoredMedia(AssetStatus.STORED, width=width, height=height, file_format=file_format)


def _video_container(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(16)
    if head[4:8] == b"ftyp":
        return "mov" if head[8:10] == b"qt" else "mp4"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "webm"
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return "avi"
    raise MediaError("not a supported video (expected MP4, MOV, WebM or AVI)")


def probe_video(path: Path) -> StoredMedia:
    """Frame size, frame rate, frame count and duration of a readable video. Raises MediaError."""
    import cv2

    container = _video_container(path)
    capture = cv2.VideoCapture(str(path))
    try:
        if not capture.isOpened():
            raise MediaError("not a readable video (corrupt or unsupported codec)")
        frames = int(capture.get(cv2.CAP_PROP_FRAME_COUNT))
        fps = float(capture.get(cv2.CAP_PROP_FPS))
        width, height = int(capture.get(cv2.CAP_PROP_FRAME_WIDTH)), int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT))
        ok, frame = capture.read()
        if not ok or frame is None:
            raise MediaError("corrupt video: no frame could be decoded")
    finally:
        capture.release()
    if fps <= 0 or frames <= 0:
        raise MediaError("corrupt video: no frame rate or frame count")
    if width * height > settings.IMAGE_MAX_PIXELS:
        raise MediaError(f"{width}x{height} frames are over the {settings.IMAGE_MAX_PIXELS:,}-pixel cap")
    return StoredMedia(
        AssetStatus.STORED,
        width=width,
        height=height,
        fps=round(fps, 3),
        frame_count=frames,
        duration_seconds=round(frames / fps, 3),
        file_format=container,
    )


def _store(path: Path, content_hash: str, extension: str) -> str:
    name = f"media_assets/{content_hash[:2]}/{content_hash}{extension}"
    if default_storage.exists(name):
        return name
    with path.open("rb") as handle:
        return default_storage.save(name, File(handle))


@contextmanager
def _local_file(ref: MediaRef) -> Iterator[tuple[Path, str, int]]:
    """The media as a local file with its sha256 and size: the source itself, or a fetched copy."""
    cap = byte_cap(ref.kind)
    if ref.path is not None:
        try:
            size = ref.path.stat().st_size
            if not ref.path.is_file():
                raise MediaError(f"not a file: {ref.path}")
        except FileNotFoundError:
            raise MediaError(f"file not found: {ref.path}")
        except PermissionError:
            raise MediaError(f"file not readable: {ref.path}")
        if size > cap:
            raise MediaError(f"{_megabytes(size)} is over the {_megabytes(cap)} cap for {ref.kind}s")
        if size == 0:
            raise MediaError("the file is empty")
        yield ref.path, _hash_file(ref.path), size
        return
    with tempfile.TemporaryDirectory(prefix="trendsaas-fetch-") as folder:
        target = Path(folder) / "download"
        content_hash, size = fetch_url(ref.url, target, cap, settings.MEDIA_FETCH_TIMEOUT)
        if size == 0:
            raise MediaError("the download is empty")
        yield target, content_hash, size


def acquire(ref: MediaRef) -> StoredMedia:
    """Copy or fetch one media item into the media store; failures come back as FAILED, never raised."""
    try:
        with _local_file(ref) as (path, content_hash, size):
            probed = probe_video(path) if ref.kind == MediaKind.VIDEO else probe_image(path)
            extension = IMAGE_FORMATS.get(probed.file_format, f".{probed.file_format}")
            probed.file_name = _store(path, content_hash, extension)
            probed.content_hash, probed.size_bytes = content_hash, size
            return probed
    except MediaError as exc:
        return StoredMedia(AssetStatus.FAILED, error=str(exc))
    except OSError as exc:
        logger.warning("media %s could not be stored: %s", ref.reference, exc)
        return StoredMedia(AssetStatus.FAILED, error=f"could not be stored: {exc}")


def release_file(name: str) -> None:
    """Delete a stored file no asset refers to any more (files are shared by content)."""
    from analysis.models import MediaAsset

    if name and not MediaAsset.objects.filter(file=name).exists():
        default_storage.delete(name)
