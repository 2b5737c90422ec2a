"""Images of different sizes share a detector batch without moving their pixels."""

from __future__ import annotations

import numpy as np

from analysis.pipeline.vision import common_canvas, fit


def test_unequal_images_are_padded_to_one_shape_keeping_pixel_coordinates():
    portrait = np.full((640, 433, 3), 10, dtype=np.uint8)
    taller_narrower = np.full((640, 396, 3), 200, dtype=np.uint8)
    padded = common_canvas([portrait, taller_narrower])
    assert {p.shape for p in padded} == {(640, 433, 3)}
    assert (padded[0] == portrait).all()
    assert (padded[1][:, :396] == 200).all() and (padded[1][:, 396:] == 114).all()


def test_equal_images_are_passed_through():
    a, b = np.zeros((32, 48, 3), dtype=np.uint8), np.ones((32, 48, 3), dtype=np.uint8)
    padded = common_canvas([a, b])
    assert (padded[0] == a).all() and (padded[1] == b).all()


def test_fit_shrinks_to_the_long_side_and_never_enlarges():
    assert fit(np.zeros((1478, 1000, 3), dtype=np.uint8), 640).shape == (640, 433, 3)
    assert fit(np.zeros((100, 50, 3), dtype=np.uint8), 640).shape == (100, 50, 3)
