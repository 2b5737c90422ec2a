"""Training or fine-tuning a YOLO detector on a YOLO-format dataset, offline.

Used by `manage.py train_detector` and by scripts/make_test_detector.py. The model argument is
either weights to fine-tune (a .pt file) or an architecture to train from scratch (a model .yaml:
Ultralytics' own names such as yolo11n.yaml resolve inside the installed package, no download).
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analysis.pipeline.detector import DetectorError, prepare_ultralytics


@dataclass(frozen=True)
class TrainingResult:
    weights: Path
    map50: float | None  # box mAP at IoU 0.5 on the dataset's validation split
    classes: dict[int, str]


def train_detector(
    data: str | Path,
    model: str | Path,
    out: str | Path,
    *,
    epochs: int = 50,
    imgsz: int = 640,
    batch: int = 16,
    device: str = "",
    workers: int = 0,
    seed: int = 0,
    amp: bool = False,
    verbose: bool = False,
    **overrides: Any,
) -> TrainingResult:
    """Train, then copy the best checkpoint to `out`. Raises DetectorError for missing inputs.

    AMP is off by default: Ultralytics' AMP self-check downloads a model, which cannot work here.
    `overrides` go to Ultralytics' trainer as they are (mosaic=0.0, lr0=…, patience=…).
    """
    data, out = Path(data), Path(out)
    if not data.is_file():
        raise DetectorError(f"Dataset description {data} does not exist.")
    model_str = str(model)
    if model_str.endswith(".pt") and not Path(model_str).is_file():
        # A bare name like yolo11n.pt would be fetched from GitHub: refuse instead.
        raise DetectorError(f"Weights {model_str} do not exist (nothing is downloaded; give a file path).")
    prepare_ultralytics()
    from ultralytics import YOLO

    with tempfile.TemporaryDirectory(prefix="train-detector-") as runs:
        yolo = YOLO(model_str, task="detect")
        yolo.train(
            data=str(data.resolve()),
            epochs=epochs,
            imgsz=imgsz,
            batch=batch,
            device=device or None,
            workers=workers,
            seed=seed,
            deterministic=True,
            amp=amp,
            plots=False,
            project=runs,
            name="run",
            exist_ok=True,
            verbose=verbose,
            **overrides,
        )
        trainer = yolo.trainer
        best = Path(trainer.best) if Path(trainer.best).is_file() else Path(trainer.last)
        metrics = getattr(trainer, "metrics", None) or {}
        map50 = metrics.get("metrics/mAP50(B)")
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(best, out)
    names = {int(k): str(v) for k, v in yolo.names.items()}
    return TrainingResult(out, float(map50) if map50 is not None else None, names)
