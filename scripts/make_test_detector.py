"""Make the tiny clothing detector the test suite plugs in by configuration.

Draws a synthetic YOLO-format dataset of garment-like shapes (classes jeans, tshirt, sneaker) on
cluttered backgrounds, then trains the yolo11 layout at width 0.125 / depth 0.2 (about 0.3 M
parameters) on it with `analysis.pipeline.training.train_detector`, offline, on the CPU.

    .venv/bin/python scripts/make_test_detector.py var/test-models/manual [--images 160 --epochs 25]

The shapes are drawn in many colours per class, so the model has to learn shape, not colour, and
the colour the pipeline names afterwards is a real measurement. `draw_scene` is also what the
tests use to draw an image with known items in known places.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml
from PIL import Image, ImageDraw

CLASSES = ("jeans", "tshirt", "sneaker")
CLASS_MAP = {"jeans": "bottoms", "tshirt": "tops", "sneaker": "shoes"}
IMAGE_SIZE = 128
COLOURS = {
    "jeans": [(40, 60, 110), (70, 100, 150), (30, 35, 60), (110, 140, 180), (25, 25, 28), (200, 200, 195)],
    "tshirt": [(200, 30, 40), (245, 245, 240), (240, 200, 30), (40, 130, 60), (25, 25, 28), (235, 140, 170)],
    "sneaker": [(245, 245, 240), (25, 25, 28), (200, 30, 40), (130, 130, 135), (47, 95, 182)],
}


@dataclass(frozen=True)
class Item:
    cls: str
    box: tuple[float, float, float, float]  # pixels x1, y1, x2, y2
    colour: tuple[int, int, int]


def _shape(draw: ImageDraw.ImageDraw, item: Item) -> None:
    x1, y1, x2, y2 = item.box
    w, h = x2 - x1, y2 - y1
    c = item.colour
    if item.cls == "tshirt":  # torso with sleeves sticking out and a neck notch
        draw.polygon(
            [
                (x1, y1 + 0.1 * h),
                (x1 + 0.3 * w, y1),
                (x1 + 0.42 * w, y1 + 0.08 * h),
                (x1 + 0.58 * w, y1 + 0.08 * h),
                (x1 + 0.7 * w, y1),
                (x2, y1 + 0.1 * h),
                (x2, y1 + 0.35 * h),
                (x1 + 0.78 * w, y1 + 0.3 * h),
                (x1 + 0.78 * w, y2),
                (x1 + 0.22 * w, y2),
                (x1 + 0.22 * w, y1 + 0.3 * h),
                (x1, y1 + 0.35 * h),
            ],
            fill=c,
        )
    elif item.cls == "jeans":  # waistband and two legs with a gap between them
        draw.polygon(
            [
                (x1 + 0.05 * w, y1),
                (x2 - 0.05 * w, y1),
                (x2, y2),
                (x1 + 0.58 * w, y2),
                (x1 + 0.5 * w, y1 + 0.3 * h),
                (x1 + 0.42 * w, y2),
                (x1, y2),
            ],
            fill=c,
        )
        seam = tuple(max(0, v - 40) for v in c)
        draw.line([(x1 + 0.05 * w, y1 + 0.08 * h), (x2 - 0.05 * w, y1 + 0.08 * h)], fill=seam, width=1)
    else:  # sneaker side view: a toe-heavy upper on a light sole
        draw.polygon(
            [
                (x1, y1 + 0.2 * h),
                (x1 + 0.35 * w, y1),
                (x1 + 0.55 * w, y1 + 0.35 * h),
                (x2, y1 + 0.55 * h),
                (x2, y2 - 0.2 * h),
                (x1, y2 - 0.2 * h),
            ],
            fill=c,
        )
        sole = (235, 235, 230) if sum(c) < 600 else (60, 60, 60)
        draw.rectangle([x1, y2 - 0.2 * h, x2, y2], fill=sole)


def draw_scene(
    rng: np.random.Generator, items: list[Item] | None = None, size: int = IMAGE_SIZE
) -> tuple[Image.Image, list[Item]]:
    """An image with these items (or 1 to 3 random ones) on a cluttered background."""
    base = rng.integers(90, 200, size=3)
    pixels = np.clip(base + rng.normal(0, 12, size=(size, size, 3)), 0, 255).astype(np.uint8)
    image = Image.fromarray(pixels)
    draw = ImageDraw.Draw(image)
    for _ in range(int(rng.integers(0, 3))):  # distractors: plain rectangles and ellipses
        x, y = rng.integers(0, size - 20, size=2)
        w, h = rng.integers(6, 20, size=2)
        colour = tuple(int(v) for v in rng.integers(0, 255, size=3))
        (draw.rectangle if rng.random() < 0.5 else draw.ellipse)([x, y, x + w, y + h], fill=colour)
    if items is None:
        items = random_items(rng, size)
    for item in items:
        _shape(draw, item)
    return image, items


def random_items(rng: np.random.Generator, size: int = IMAGE_SIZE) -> list[Item]:
    """One of each class where it fits without covering another (three instances per image learn fastest)."""
    items: list[Item] = []
    for cls in CLASSES:
        for _ in range(20):
            w = float(rng.uniform(0.25, 0.45) * size)
            h = min(w * {"jeans": 1.5, "tshirt": 1.0, "sneaker": 0.5}[cls], 0.9 * size)
            w = w * 0.7 if cls == "jeans" else w
            x1, y1 = float(rng.uniform(0, size - w)), float(rng.uniform(0, size - h))
            box = (x1, y1, x1 + w, y1 + h)
            if all(_overlap(box, other.box) < 0.1 for other in items):
                palette = COLOURS[cls]
                items.append(Item(cls, box, palette[int(rng.integers(len(palette)))]))
                break
    return items


def _overlap(a, b) -> float:
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    smaller = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return ix * iy / smaller


def make_dataset(folder: Path, images: int, seed: int = 0) -> Path:
    """Write images/ and labels/ (train and val) plus data.yaml; returns data.yaml."""
    rng = np.random.default_rng(seed)
    val = max(8, images // 5)
    for split, count in (("train", images), ("val", val)):
        (folder / "images" / split).mkdir(parents=True, exist_ok=True)
        (folder / "labels" / split).mkdir(parents=True, exist_ok=True)
        for n in range(count):
            image, items = draw_scene(rng)
            image.save(folder / "images" / split / f"{n:04d}.png")
            lines = []
            for item in items:
                x1, y1, x2, y2 = item.box
                cx, cy = (x1 + x2) / 2 / IMAGE_SIZE, (y1 + y2) / 2 / IMAGE_SIZE
                w, h = (x2 - x1) / IMAGE_SIZE, (y2 - y1) / IMAGE_SIZE
                lines.append(f"{CLASSES.index(item.cls)} {cx:.5f} {cy:.5f} {w:.5f} {h:.5f}")
            (folder / "labels" / split / f"{n:04d}.txt").write_text("\n".join(lines) + "\n")
    data = folder / "data.yaml"
    spec = {
        "path": str(folder.resolve()),
        "train": "images/train",
        "val": "images/val",
        "names": dict(enumerate(CLASSES)),
    }
    data.write_text(yaml.safe_dump(spec))
    return data


def tiny_model_yaml(folder: Path) -> Path:
    """Ultralytics' own yolo11 layout at width 0.125 and depth 0.2, for our classes."""
    import ultralytics

    spec = yaml.safe_load((Path(ultralytics.__file__).parent / "cfg" / "models" / "11" / "yolo11.yaml").read_text())
    spec.pop("scales", None)
    spec.update(nc=len(CLASSES), depth_multiple=0.2, width_multiple=0.125, max_channels=1024)
    path = folder / "tiny-yolo11.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    return path


def build(folder: Path, out: Path, images: int = 160, epochs: int = 25, seed: int = 0):
    """Dataset plus training; returns analysis.pipeline.training.TrainingResult."""
    from analysis.pipeline.detector import prepare_ultralytics
    from analysis.pipeline.training import train_detector

    prepare_ultralytics()  # before tiny_model_yaml imports ultralytics
    folder.mkdir(parents=True, exist_ok=True)
    data = make_dataset(folder / "dataset", images, seed)
    model = tiny_model_yaml(folder)
    # About 2 CPU-minutes on 2 cores for validation mAP50 about 0.88. Small batches give more
    # optimiser steps per epoch; mosaic would shrink 128-px scenes to quarter size; per-epoch
    # validation only costs time (the final epoch is still validated).
    return train_detector(
        data,
        model,
        out,
        epochs=epochs,
        imgsz=IMAGE_SIZE,
        batch=8,
        device="cpu",
        seed=seed,
        mosaic=0.0,
        close_mosaic=0,
        warmup_epochs=1,
        val=False,
        optimizer="AdamW",
        lr0=0.004,  # Ultralytics' automatic choice (AdamW at 0.0014) left this model at mAP50 0.5
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="Working folder (dataset, model yaml, weights).")
    parser.add_argument("--images", type=int, default=160)
    parser.add_argument("--epochs", type=int, default=25)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trendsaas.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()
    result = build(args.folder, args.folder / "tiny-clothing.pt", args.images, args.epochs)
    print(f"Wrote {result.weights} (validation mAP50 {result.map50:.2f}); classes {result.classes}")
    print(f"DETECTOR_WEIGHTS={result.weights} DETECTOR_CLASS_MAP='{__import__('json').dumps(CLASS_MAP)}'")


if __name__ == "__main__":
    main()
