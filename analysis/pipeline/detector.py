"""The YOLO detector: weights from settings.DETECTOR_WEIGHTS, loaded once per worker process.

Ultralytics downloads weights for bare model names, pip-installs missing extras and fetches a
font at run time; `prepare_ultralytics()` shuts all of that off and must run before the first
`import ultralytics` in the process, which is why every import of it goes through this module.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings

logger = logging.getLogger(__name__)

POSE = "pose"
DETECT = "detect"


class DetectorError(RuntimeError):
    """The configured detector cannot be used (missing, corrupt or unsuitable weights)."""


def prepare_ultralytics() -> None:
    """Offline, no auto-install, settings and font under var/. Idempotent; call before importing it."""
    os.environ["YOLO_OFFLINE"] = "1"
    os.environ["YOLO_AUTOINSTALL"] = "0"
    os.environ.setdefault("YOLO_VERBOSE", "0")
    # Idle OpenMP threads sleep instead of spinning: with spinning, 2 torch threads on 2 cores that
    # other work also uses ran 5-10x slower than 1 thread (measured). Only effective before torch loads.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    config_dir = Path(os.environ.setdefault("YOLO_CONFIG_DIR", str(Path(settings.VAR_DIR) / "ultralytics")))
    font = config_dir / "Ultralytics" / "Arial.ttf"
    if not font.exists():
        # Training plots labels with Arial.ttf and would fetch it; matplotlib's DejaVuSans serves.
        import matplotlib

        font.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf", font)


def set_torch_threads() -> None:
    """Apply settings.TORCH_THREADS (0 = all cores); Ultralytics lowers it to cores-1 on first predict."""
    import torch

    wanted = settings.TORCH_THREADS or os.cpu_count() or 1
    if torch.get_num_threads() != wanted:
        torch.set_num_threads(wanted)


def resolve_weights(spec: str) -> Path:
    """A file path, or "package:<package>/<relative path>" inside an installed package."""
    if not spec:
        raise DetectorError("DETECTOR_WEIGHTS is empty: set it to a .pt file or package:<package>/<file>.")
    if spec.startswith("package:"):
        package, _, relative = spec.removeprefix("package:").partition("/")
        # find_spec locates the package without running its __init__ (which may import ultralytics early).
        found = importlib.util.find_spec(package) if package and "." not in package else None
        if found is None or not found.submodule_search_locations:
            raise DetectorError(f"DETECTOR_WEIGHTS={spec!r}: the package {package!r} is not installed.")
        path = Path(next(iter(found.submodule_search_locations))) / relative
    else:
        path = Path(spec).expanduser()
        if not path.is_absolute():
            path = Path(settings.BASE_DIR) / path
    if not path.is_file():
        raise DetectorError(f"DETECTOR_WEIGHTS={spec!r}: no weights file at {path}.")
    return path


@dataclass
class Detector:
    model: Any
    task: str  # POSE or DETECT (segmentation models count as DETECT: their boxes are used)
    names: dict[int, str]
    class_map: dict[str, str]
    image_size: int
    confidence: float
    device: str
    weights: Path
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def predict(self, images: list[np.ndarray]) -> list[Any]:
        """Ultralytics Results for a batch of BGR uint8 images, in order."""
        with self.lock:  # one model instance is not safe to call from two threads at once
            results = self.model.predict(
                source=list(images),
                imgsz=self.image_size,
                conf=self.confidence,
                device=self.device or None,
                batch=len(images),
                max_det=100,
                verbose=False,
            )
            set_torch_threads()
        return list(results)


_CACHE: dict[tuple, Detector] = {}
_CACHE_LOCK = threading.Lock()


def _cache_key() -> tuple:
    return (
        settings.DETECTOR_WEIGHTS,
        json.dumps(settings.DETECTOR_CLASS_MAP, sort_keys=True),
        settings.DETECTOR_IMAGE_SIZE,
        settings.DETECTOR_CONFIDENCE,
        settings.DETECTOR_DEVICE,
        settings.DETECTOR_RUNTIME,
    )


def get_detector() -> Detector:
    """The process-wide detector for the current settings (loaded on first use, then reused)."""
    key = _cache_key()
    with _CACHE_LOCK:
        if key not in _CACHE:
            _CACHE[key] = _load(key)
        return _CACHE[key]


def _load(key: tuple) -> Detector:
    spec, _, image_size, confidence, device, runtime = key
    class_map = dict(settings.DETECTOR_CLASS_MAP)
    if not isinstance(settings.DETECTOR_CLASS_MAP, dict):
        raise DetectorError("DETECTOR_CLASS_MAP must be a JSON object of class name to category.")
    path = resolve_weights(spec)
    prepare_ultralytics()
    from ultralytics import YOLO

    try:
        model = YOLO(str(path))
    except Exception as exc:  # torch raises a zoo of types for a bad file
        raise DetectorError(f"DETECTOR_WEIGHTS={spec!r}: could not load {path} ({type(exc).__name__}: {exc}).")
    task = POSE if model.task == "pose" else DETECT
    if model.task not in {"pose", "detect", "segment", "obb"}:
        raise DetectorError(f"DETECTOR_WEIGHTS={spec!r}: a {model.task!r} model has no boxes to analyse.")
    names = {int(i): str(n) for i, n in model.names.items()}
    unknown = sorted(set(class_map) - set(names.values()))
    if unknown:
        raise DetectorError(
            f"DETECTOR_CLASS_MAP names classes the model does not have: {', '.join(unknown)} "
            f"(the model's classes: {', '.join(sorted(names.values()))})."
        )
    if task == DETECT and not class_map:
        raise DetectorError(
            f"DETECTOR_WEIGHTS={spec!r} is a detection model: set DETECTOR_CLASS_MAP to map its classes to categories."
        )
    if _use_onnx(runtime, device):
        model = _onnx_model(model, path, spec, required=runtime == "onnx")
    detector = Detector(model, task, names, class_map, image_size, confidence, device, path)
    # Warm up once so Ultralytics' device setup (which resets torch's thread count) is behind us.
    detector.predict([np.zeros((64, 64, 3), dtype=np.uint8)])
    _quiet_onnx_threads(model)
    return detector


def _use_onnx(runtime: str, device: str) -> bool:
    if runtime not in ("auto", "onnx", "torch"):
        raise DetectorError(f"DETECTOR_RUNTIME must be auto, onnx or torch, not {runtime!r}.")
    if runtime != "auto":
        return runtime == "onnx"
    if device:
        return device == "cpu"
    import torch

    return not torch.cuda.is_available()


def _onnx_model(model: Any, weights: Path, spec: str, required: bool) -> Any:
    """The same network exported to ONNX and run by ONNX Runtime: about 1.4x PyTorch's speed on 2 CPU
    cores for YOLO11n-pose (measured). Exported once per weights file; the PyTorch model where the
    export fails, unless DETECTOR_RUNTIME=onnx asked for ONNX."""
    from ultralytics import YOLO

    digest = hashlib.sha256(weights.read_bytes()).hexdigest()[:12]
    target = Path(settings.VAR_DIR) / "models" / f"detector-{weights.stem}-{digest}.onnx"
    try:
        if not target.exists():
            logger.info("Exporting %s to %s for ONNX Runtime (once per weights file)", weights.name, target)
            target.parent.mkdir(parents=True, exist_ok=True)
            # Ultralytics writes the export beside the weights (maybe a read-only package): stage a copy.
            with tempfile.TemporaryDirectory(dir=target.parent) as staging:
                staged = Path(staging) / "model.pt"
                shutil.copyfile(weights, staged)
                exported = YOLO(str(staged)).export(format="onnx", dynamic=True, simplify=False, verbose=False)
                os.replace(exported, target)
        return YOLO(str(target), task=model.task)
    except Exception as exc:  # exporter or runtime missing or failing: PyTorch still works
        if required:
            raise DetectorError(f"DETECTOR_WEIGHTS={spec!r}: DETECTOR_RUNTIME=onnx, but the export failed ({exc}).")
        logger.warning("The detector runs on PyTorch: ONNX export of %s failed (%s)", weights.name, exc)
        return model


def _quiet_onnx_threads(model: Any) -> None:
    """Rebuild Ultralytics' ONNX Runtime session with idle threads that sleep instead of spin.

    analyze_assets decodes and colours one batch while the next is detected; spinning ORT threads
    took the core that work needed (measured: 76 instead of 56 CPU-ms per image, 24 vs 30 img/s).
    Ultralytics offers no session options, hence the swap after its first predict built the session.
    """
    backend = getattr(getattr(getattr(model, "predictor", None), "model", None), "backend", None)
    session, onnx_file = getattr(backend, "session", None), str(getattr(model, "ckpt_path", "") or "")
    if session is None or not hasattr(session, "get_providers") or not onnx_file.endswith(".onnx"):
        return  # PyTorch, or an Ultralytics whose insides moved: its defaults still work
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = settings.TORCH_THREADS or os.cpu_count() or 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    backend.session = onnxruntime.InferenceSession(onnx_file, options, providers=session.get_providers())


def clear_cache() -> None:
    """Forget loaded detectors (tests switching weights; a worker never needs this)."""
    with _CACHE_LOCK:
        _CACHE.clear()
