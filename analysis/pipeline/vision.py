"""Vision analysis of media assets: persons and their garment regions, or clothing items, with colours.

`analyze_assets(ids)` streams images and sampled video frames of many assets through the detector
in batches of DETECTOR_BATCH_SIZE (frames of different assets share a batch), then replaces each
asset's detections in its own transaction. A corrupt file fails that asset, with the reason in
`MediaAsset.error`; the others go on. A detector that cannot load raises before any asset is touched,
so a Celery retry (or the operator) can fix the configuration and run again.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone

from analysis.models import AssetStatus, Detection, MediaAsset, MediaKind, Region
from analysis.pipeline.colours import NamedColour, background_colours, dominant_colour
from analysis.pipeline.detector import POSE, Detector, get_detector, set_torch_threads
from analysis.pipeline.pose_regions import body_regions, clip_box
from analysis.pipeline.video import VideoError, open_video

logger = logging.getLogger(__name__)

CROP_MAX_SIDE = 192  # evidence thumbnails: enough to see the garment, small enough to keep thousands
MIN_REGION_PIXELS = 6  # narrower regions are noise, not evidence
ANALYSABLE = (AssetStatus.STORED, AssetStatus.ANALYZED)
ORIENTATION_TAG = 0x0112


class MediaError(ValueError):
    """This asset's file cannot be analysed (the message says why, for the admin)."""


@dataclass
class Found:
    label: str
    category: str
    confidence: float
    box: tuple[float, float, float, float]  # normalised 0..1
    region: str
    colour: NamedColour | None
    frame_time: float | None
    crop: bytes


@dataclass
class _AssetRun:
    asset: MediaAsset
    found: list[Found] = field(default_factory=list)
    pending: int = 0  # frames sent to the detector and not yet back
    read_done: bool = False
    error: str = ""
    note: str = ""  # analysed, with a caveat (e.g. a truncated video)
    duration: float | None = None
    size: tuple[int, int] | None = None


def work_side() -> int:
    """Longest side images are decoded to: the detector never sees more, and decoding (JPEG draft
    mode) and colour sampling get cheaper with it. Not under 320 px, so crops stay legible."""
    return max(320, settings.DETECTOR_IMAGE_SIZE)


def load_image(fileobj, max_side: int) -> tuple[np.ndarray, tuple[int, int]]:
    """(RGB array no larger than max_side, original width and height), EXIF orientation applied."""
    from PIL import Image, ImageOps

    try:
        with Image.open(fileobj) as im:
            width, height = im.size
            if width * height > settings.IMAGE_MAX_PIXELS:
                raise MediaError(
                    f"image is {width}x{height} pixels, over the IMAGE_MAX_PIXELS cap of {settings.IMAGE_MAX_PIXELS:,}"
                )
            scale = max_side / max(width, height)
            # JPEG draft decodes at 1/2, 1/4 or 1/8 scale directly: most of the decode cost saved.
            im.draft("RGB", (int(width * scale), int(height * scale)))
            if im.getexif().get(ORIENTATION_TAG, 1) != 1:  # transposing costs a copy: only when needed
                im = ImageOps.exif_transpose(im)
            im = im.convert("RGB")
            return fit(np.asarray(im), max_side), (width, height)
    except MediaError:
        raise
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise MediaError(f"corrupt or unreadable image ({exc})")


def fit(frame: np.ndarray, max_side: int) -> np.ndarray:
    import cv2

    h, w = frame.shape[:2]
    scale = max_side / max(h, w)
    if scale >= 1:
        return frame
    return cv2.resize(frame, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)


@contextlib.contextmanager
def local_path(fieldfile) -> Iterator[str]:
    """A filesystem path for OpenCV, copying out of non-local storage when needed."""
    try:
        path = fieldfile.path
    except NotImplementedError:
        path = None
    if path:
        yield path
        return
    with tempfile.NamedTemporaryFile(suffix=".media") as tmp, fieldfile.open("rb") as src:
        shutil.copyfileobj(src, tmp)
        tmp.flush()
        yield tmp.name


def _frames(run: _AssetRun) -> Iterator[tuple[float | None, np.ndarray]]:
    asset, side = run.asset, work_side()
    if asset.kind == MediaKind.IMAGE:
        try:
            with asset.file.open("rb") as fileobj:
                image, run.size = load_image(fileobj, side)
        except FileNotFoundError:
            raise MediaError("stored file is missing from the media store")
        yield None, image
        return
    try:
        with local_path(asset.file) as path:
            if not os.path.exists(path):
                raise FileNotFoundError("stored file is missing from the media store")
            video = open_video(path, settings.VIDEO_FRAMES_PER_SECOND, settings.VIDEO_MAX_FRAMES)
            run.duration, run.size = video.duration, (video.width, video.height)
            for t, frame in video:
                yield t, fit(frame, side)
    except (VideoError, FileNotFoundError) as exc:
        raise MediaError(f"unreadable video: {exc}")
    if video.decoded == 0:
        raise MediaError("unreadable video: not one sampled frame could be decoded")
    if video.decoded < len(video.times):
        run.note = f"only {video.decoded} of {len(video.times)} sampled frames could be decoded (truncated file?)"


def _crop_jpeg(image: np.ndarray, box: tuple[float, float, float, float]) -> bytes:
    from PIL import Image

    x1, y1, x2, y2 = (int(round(v)) for v in box)
    patch = image[y1:y2, x1:x2]
    if patch.size == 0:
        return b""
    out = io.BytesIO()
    Image.fromarray(fit(patch, CROP_MAX_SIDE)).save(out, format="JPEG", quality=80)
    return out.getvalue()


def _pixels(image: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray:
    x1, y1, x2, y2 = (int(round(v)) for v in box)
    return image[y1:y2, x1:x2]


def _normalised(box, width: int, height: int) -> tuple[float, float, float, float]:
    x1, y1, x2, y2 = clip_box(tuple(float(v) for v in box), width, height)
    return x1 / width, y1 / height, x2 / width, y2 / height


def analyse_result(detector: Detector, result, image: np.ndarray, frame_time: float | None) -> list[Found]:
    """Detections in one image (RGB, the array the detector saw) from its Ultralytics result."""
    height, width = image.shape[:2]
    boxes = result.boxes
    if boxes is None or len(boxes) == 0:
        return []
    xyxy = boxes.xyxy.cpu().numpy()
    confs = boxes.conf.cpu().numpy()
    classes = boxes.cls.cpu().numpy().astype(int)
    background = background_colours(image)
    found: list[Found] = []

    def add(label, category, confidence, box, region, colour):
        box = clip_box(tuple(float(v) for v in box), width, height)
        if min(box[2] - box[0], box[3] - box[1]) < MIN_REGION_PIXELS:
            return
        conf = float(min(max(confidence, 0.0), 1.0))
        norm = _normalised(box, width, height)
        found.append(Found(label, category, conf, norm, region, colour, frame_time, _crop_jpeg(image, box)))

    if detector.task == POSE:
        keypoints = result.keypoints.data.cpu().numpy()
        for i, box in enumerate(xyxy):
            if detector.names.get(int(classes[i])) != "person":
                continue
            add("person", "person", confs[i], box, Region.FULL, None)
            for part in body_regions(keypoints[i], tuple(box), (width, height), settings.DETECTOR_KEYPOINT_CONFIDENCE):
                colour = dominant_colour([_pixels(image, p) for p in part.patches], background)
                add("person", part.category, confs[i] * part.confidence, part.box, part.region, colour)
        return found

    for i, box in enumerate(xyxy):
        label = detector.names.get(int(classes[i]), str(classes[i]))
        category = detector.class_map.get(label)
        if not category:
            continue  # a class the operator did not map (e.g. "person" in a general model)
        x1, y1, x2, y2 = box
        # The central half of an item's box is the item; its edges are background.
        dx, dy = (x2 - x1) / 4, (y2 - y1) / 4
        colour = dominant_colour([_pixels(image, (x1 + dx, y1 + dy, x2 - dx, y2 - dy))], background)
        add(label, category, confs[i], box, Region.FULL, colour)
    return found


def common_canvas(images: list[np.ndarray]) -> list[np.ndarray]:
    """Pad (bottom and right, so pixel coordinates stay the same) to one shape.

    Ultralytics letterboxes a batch of unequal shapes to a full square, but equal shapes only to
    the next stride multiple: for a batch of portrait photos that is about a third fewer pixels.
    """
    height = max(image.shape[0] for image in images)
    width = max(image.shape[1] for image in images)
    padded = []
    for image in images:
        if image.shape[:2] == (height, width):
            padded.append(np.ascontiguousarray(image))
            continue
        canvas = np.full((height, width, 3), 114, dtype=np.uint8)  # Ultralytics' own padding grey
        canvas[: image.shape[0], : image.shape[1]] = image
        padded.append(canvas)
    return padded


Batch = list[tuple[_AssetRun, "float | None", np.ndarray]]


def _predict(detector: Detector, batch: Batch) -> list:
    """Ultralytics results for a batch, in order; a batch that fails is retried image by image, so
    one bad file fails its own asset only (None in its place)."""
    images = common_canvas([image[:, :, ::-1] for _, _, image in batch])  # Ultralytics wants BGR
    try:
        return detector.predict(images)
    except Exception:
        logger.exception("Batch predict failed; retrying image by image to isolate the bad one")
    results = []
    for (run, _, _), bgr in zip(batch, images, strict=True):
        try:
            results.append(detector.predict([bgr])[0])
        except Exception as exc:
            run.error = run.error or f"detector failed on this file ({type(exc).__name__}: {exc})"
            results.append(None)
    return results


def _use_results(detector: Detector, batch: Batch, results: list) -> None:
    for (run, frame_time, image), result in zip(batch, results, strict=True):
        run.pending -= 1
        if result is None or run.error:
            continue
        try:
            run.found.extend(analyse_result(detector, result, image, frame_time))
        except Exception as exc:
            logger.exception("Analysing asset %s failed", run.asset.pk)
            run.error = f"analysis failed ({type(exc).__name__}: {exc})"


def _detection_row(asset: MediaAsset, item: Found) -> Detection:
    x1, y1, x2, y2 = item.box
    return Detection(
        asset=asset,
        post_id=asset.post_id,
        frame_time=item.frame_time,
        label=item.label[:64],
        category=item.category[:32],
        confidence=item.confidence,
        x1=x1,
        y1=y1,
        x2=x2,
        y2=y2,
        region=item.region,
        colour_name=item.colour.name if item.colour else "",
        colour_rgb=item.colour.hex if item.colour else "",
    )


def _write(runs: list[_AssetRun], new_files: list[str]) -> None:
    """Replace the detections and status of these assets, set-wise. Call inside a transaction."""
    locked = MediaAsset.objects.select_for_update().in_bulk([run.asset.pk for run in runs])
    old_files = list(
        Detection.objects.filter(asset_id__in=list(locked)).exclude(crop="").values_list("crop", flat=True)
    )
    Detection.objects.filter(asset_id__in=list(locked)).delete()
    rows, changed = [], []
    for run in runs:
        asset = locked.get(run.asset.pk)
        if asset is None:
            continue  # deleted meanwhile: nothing to record
        for n, item in enumerate([] if run.error else run.found):
            row = _detection_row(asset, item)
            if item.crop:
                row.crop.save(f"asset{asset.pk}-{n}.jpg", ContentFile(item.crop), save=False)
                new_files.append(row.crop.name)
            rows.append(row)
        asset.status = AssetStatus.FAILED if run.error else AssetStatus.ANALYZED
        asset.error = run.error or run.note
        asset.analyzed_at = timezone.now()
        if run.duration is not None:
            asset.duration_seconds = run.duration
        if run.size and not asset.width:
            asset.width, asset.height = run.size
        changed.append(asset)
    Detection.objects.bulk_create(rows, batch_size=500)
    MediaAsset.objects.bulk_update(changed, ["status", "error", "analyzed_at", "duration_seconds", "width", "height"])
    transaction.on_commit(lambda: _delete_files(old_files))


def _save_all(runs: list[_AssetRun]) -> None:
    """Record complete assets in one transaction; if that fails, each on its own, so an asset whose
    rows cannot be saved is marked failed and the others still land."""
    if not runs:
        return
    new_files: list[str] = []
    try:
        with transaction.atomic():
            _write(runs, new_files)
        return
    except (OperationalError, InterfaceError):
        _delete_files(new_files)
        raise  # the database itself is unwell: let the task retry the batch later
    except Exception as exc:
        _delete_files(new_files)
        if len(runs) == 1:
            logger.exception("Saving the analysis of asset %s failed", runs[0].asset.pk)
            MediaAsset.objects.filter(pk=runs[0].asset.pk).update(
                status=AssetStatus.FAILED, error=f"could not save the analysis ({type(exc).__name__}: {exc})"
            )
            return
        logger.warning("Saving %s assets together failed; saving them one by one", len(runs), exc_info=True)
    for run in runs:
        _save_all([run])


def _delete_files(names: list[str]) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        with contextlib.suppress(OSError):
            default_storage.delete(name)


def analyze_assets(asset_ids: list[int]) -> None:
    """Detect, name colours and replace the detections of these assets (stored or analysed ones).

    The detector works on one batch in a background thread while this thread decodes the next
    frames and turns the previous batch's results into colours, crops and rows: inference releases
    the GIL, so on a CPU the two overlap instead of taking turns.
    """
    from concurrent.futures import Future, ThreadPoolExecutor

    detector = get_detector()  # a configuration error surfaces here, before any asset changes
    assets = list(MediaAsset.objects.filter(pk__in=asset_ids, status__in=ANALYSABLE).exclude(file="").order_by("pk"))
    skipped = set(asset_ids) - {a.pk for a in assets}
    if skipped:
        logger.info("Vision skips assets %s: not stored (pending, failed at ingest, or gone)", sorted(skipped))

    runs: list[_AssetRun] = []
    batch: Batch = []
    in_flight: tuple[Batch, Future] | None = None

    def collect() -> None:
        """Use the results of the batch in flight, then save every asset that is complete."""
        nonlocal in_flight
        if in_flight is not None:
            done, future = in_flight
            in_flight = None
            _use_results(detector, done, future.result())
        ready = [run for run in runs if run.read_done and run.pending == 0]
        _save_all(ready)
        runs[:] = [run for run in runs if not (run.read_done and run.pending == 0)]

    def submit(executor: ThreadPoolExecutor) -> None:
        nonlocal batch, in_flight
        full, batch = batch, []
        future = executor.submit(_predict, detector, full)
        collect()  # the previous batch, while this one is being detected
        in_flight = (full, future)

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="detector") as executor:
        for asset in assets:
            run = _AssetRun(asset)
            runs.append(run)
            try:
                for frame_time, image in _frames(run):
                    batch.append((run, frame_time, image))
                    run.pending += 1
                    if len(batch) >= max(1, settings.DETECTOR_BATCH_SIZE):
                        submit(executor)
            except MediaError as exc:
                run.error = str(exc)
            except Exception as exc:
                logger.exception("Reading asset %s failed", asset.pk)
                run.error = f"could not read the file ({type(exc).__name__}: {exc})"
            run.read_done = True
        if batch:
            submit(executor)
        collect()
    set_torch_threads()  # torch's thread count is per thread: leave this one's as configured too
