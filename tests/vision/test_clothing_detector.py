"""A clothing-trained detector plugged in by configuration alone (weights path plus class map).

The tiny model is trained by scripts/make_test_detector.py (once per machine, cached under
var/test-models/); the scene it is tested on is drawn fresh, with items in known places.
"""

from __future__ import annotations

import io

import numpy as np
import pytest

from analysis.models import AssetStatus
from analysis.pipeline.colours import FAMILY
from analysis.pipeline.detector import DetectorError, clear_cache, get_detector
from analysis.pipeline.vision import analyze_assets

pytestmark = pytest.mark.ml


@pytest.fixture
def clothing_settings(settings, tiny_detector, test_detector_script):
    settings.DETECTOR_WEIGHTS = str(tiny_detector)
    settings.DETECTOR_CLASS_MAP = dict(test_detector_script.CLASS_MAP)
    settings.DETECTOR_IMAGE_SIZE = 128
    yield settings
    clear_cache()


def test_item_detections_with_categories_and_colours(clothing_settings, test_detector_script, make_asset):
    script = test_detector_script
    items = [
        script.Item("tshirt", (8.0, 8.0, 56.0, 56.0), (200, 30, 40)),
        script.Item("jeans", (76.0, 8.0, 112.0, 70.0), (70, 100, 150)),
        script.Item("sneaker", (14.0, 80.0, 62.0, 104.0), (25, 25, 28)),
    ]
    image, _ = script.draw_scene(np.random.default_rng(7), items)
    png = io.BytesIO()
    image.save(png, format="PNG")
    asset = make_asset("image", "scene.png", png.getvalue())

    analyze_assets([asset.pk])

    asset.refresh_from_db()
    assert asset.status == AssetStatus.ANALYZED
    found = {}
    for d in asset.detections.order_by("-confidence"):
        found.setdefault(d.label, d)
    assert set(found) == {"tshirt", "jeans", "sneaker"}
    assert {label: d.category for label, d in found.items()} == {
        "tshirt": "tops",
        "jeans": "bottoms",
        "sneaker": "shoes",
    }
    assert all(d.region == "full" for d in found.values())
    assert found["tshirt"].colour_name == "red"
    assert FAMILY[found["jeans"].colour_name] == "blue"
    assert FAMILY[found["sneaker"].colour_name] == "black"
    # Each best box lies where its item was drawn.
    for item in items:
        d = found[item.cls]
        cx, cy = (d.x1 + d.x2) / 2 * 128, (d.y1 + d.y2) / 2 * 128
        assert item.box[0] < cx < item.box[2] and item.box[1] < cy < item.box[3]
    assert not asset.detections.filter(category="person").exists()


def test_class_map_naming_a_class_the_model_lacks_is_refused(clothing_settings):
    clothing_settings.DETECTOR_CLASS_MAP = {"jeans": "bottoms", "handbag": "bags"}
    with pytest.raises(DetectorError, match="handbag"):
        get_detector()


def test_a_detection_model_without_a_class_map_is_refused(clothing_settings):
    clothing_settings.DETECTOR_CLASS_MAP = {}
    with pytest.raises(DetectorError, match="DETECTOR_CLASS_MAP"):
        get_detector()
