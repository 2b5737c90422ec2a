"""Fixtures for the vision tests: posts with stored media, the shared real media, the tiny detector."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile

from analysis.models import AssetStatus, Creator, MediaAsset, Post

ROOT = Path(settings.BASE_DIR)
SCRIPT = ROOT / "scripts" / "make_test_detector.py"


@pytest.fixture
def shared_media() -> Path:
    return ROOT.parent / "shared" / "media"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def make_asset(db):
    """make_asset(kind, name, data) -> a STORED MediaAsset of a fresh post, its file in the media store."""
    counter = {"n": 0}

    def make(kind: str, name: str, data: bytes) -> MediaAsset:
        counter["n"] += 1
        n = counter["n"]
        creator, _ = Creator.objects.get_or_create(platform="instagram", handle="vision_test")
        post = Post.objects.create(
            platform="instagram", external_id=f"vision-{n}", creator=creator, posted_at=datetime(2025, 3, 3, tzinfo=UTC)
        )
        asset = MediaAsset(
            post=post, kind=kind, source_path=f"/import/{name}", status=AssetStatus.STORED, size_bytes=len(data)
        )
        asset.file.save(name, ContentFile(data), save=True)
        return asset

    return make


def load_script():
    spec = importlib.util.spec_from_file_location("make_test_detector", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def test_detector_script():
    return load_script()


@pytest.fixture(scope="session")
def tiny_detector(test_detector_script) -> Path:
    """The tiny clothing detector, trained once per machine and cached by the hash of what makes it."""
    digest = hashlib.sha256()
    for path in (SCRIPT, ROOT / "analysis" / "pipeline" / "training.py"):
        digest.update(path.read_bytes())
    folder = Path(settings.VAR_DIR) / "test-models" / digest.hexdigest()[:16]
    weights = folder / "tiny-clothing.pt"
    if not weights.exists():
        partial = folder / f"tiny-clothing.{os.getpid()}.pt"
        work = folder / f"work-{os.getpid()}"
        test_detector_script.build(work, partial)
        os.replace(partial, weights)  # atomic: a concurrent run never sees half a file
        shutil.rmtree(work, ignore_errors=True)
        for stale in folder.parent.iterdir():  # models of older script versions
            if stale != folder:
                shutil.rmtree(stale, ignore_errors=True)
    return weights
