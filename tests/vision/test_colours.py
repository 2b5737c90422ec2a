"""Colour science: CIEDE2000, palette names, and the dominant colour of a garment region."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.pipeline.colours import (
    FAMILY,
    PALETTE,
    background_colours,
    delta_e_2000,
    dominant_colour,
    hex_to_rgb,
    name_colour,
    rgb_to_lab,
)


@pytest.mark.parametrize(
    ("lab1", "lab2", "expected"),
    [  # reference pairs from Sharma, Wu & Dalal (2005), table 1
        ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
        ((50.0, -1.3802, -84.2814), (50.0, 0.0, -82.7485), 1.0000),
        ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
        ((22.7233, 20.0904, -46.6940), (23.0331, 14.9730, -42.5619), 2.0373),
        ((90.9257, -0.5406, -0.9208), (88.6381, -0.8985, -0.7239), 1.5381),
    ],
)
def test_ciede2000_matches_published_reference_values(lab1, lab2, expected):
    assert float(delta_e_2000(np.array(lab1), np.array(lab2))) == pytest.approx(expected, abs=1e-4)


def test_rgb_to_lab_of_white_black_and_red():
    lab = rgb_to_lab(np.array([[255, 255, 255], [0, 0, 0], [255, 0, 0]]))
    assert lab[0] == pytest.approx([100, 0, 0], abs=0.05)
    assert lab[1] == pytest.approx([0, 0, 0], abs=0.05)
    assert lab[2] == pytest.approx([53.24, 80.09, 67.20], abs=0.05)


def test_every_palette_colour_names_itself_and_has_a_family():
    for name, hex_value, family in PALETTE:
        assert name_colour(hex_to_rgb(hex_value)).name == name
        assert FAMILY[name] == family


@pytest.mark.parametrize(
    ("rgb", "name"),
    [
        ((8, 8, 10), "black"),
        ((252, 252, 252), "white"),
        ((28, 36, 78), "navy"),
        ((78, 105, 145), "denim"),
        ((190, 150, 100), "camel"),
        ((248, 232, 150), "butter yellow"),
        ((160, 178, 142), "sage"),
        ((115, 22, 40), "burgundy"),
        ((222, 200, 168), "beige"),
        ((200, 30, 40), "red"),
    ],
)
def test_typical_fabric_shades_get_their_fashion_names(rgb, name):
    assert name_colour(rgb).name == name


def _patch(colours_and_shares, size=40, seed=0):
    """A size x size patch: rows of each colour in proportion, with camera-like noise."""
    rng = np.random.default_rng(seed)
    rows = []
    for rgb, share in colours_and_shares:
        rows += [rgb] * round(share * size)
    pixels = np.array(rows, dtype=float)[:, None, :].repeat(size, axis=1)
    return np.clip(pixels + rng.normal(0, 4, pixels.shape), 0, 255).astype(np.uint8)


def test_dominant_colour_is_the_garment_not_the_noise():
    colour = dominant_colour([_patch([((28, 36, 78), 1.0)])])
    assert colour.name == "navy"
    assert colour.hex.startswith("#") and len(colour.hex) == 7


def test_skin_showing_through_does_not_win_against_a_smaller_garment_area():
    # A sleeveless black top: more arm than fabric in the region.
    skin, black = (224, 172, 140), (20, 20, 22)
    assert dominant_colour([_patch([(skin, 0.6), (black, 0.4)])]).name == "black"


def test_a_region_filled_with_a_skin_like_fabric_is_still_named():
    assert dominant_colour([_patch([((239, 200, 192), 1.0)])]).name == "blush"


def test_background_like_colour_is_down_weighted_only_when_background_is_known():
    wall, dress = (130, 130, 134), (200, 30, 40)
    patch = _patch([(wall, 0.55), (dress, 0.45)])
    assert dominant_colour([patch]).name == "grey"
    background = rgb_to_lab(np.array([wall], dtype=float))
    assert dominant_colour([patch], background).name == "red"


def test_several_patches_of_one_region_vote_together():
    left_leg, right_leg = _patch([((78, 105, 145), 1.0)], seed=1), _patch([((78, 105, 145), 1.0)], seed=2)
    assert dominant_colour([left_leg, right_leg]).name == "denim"


def test_a_region_too_small_to_measure_has_no_colour():
    assert dominant_colour([np.zeros((2, 2, 3), dtype=np.uint8)]) is None
    assert dominant_colour([]) is None


def test_background_colours_come_from_the_image_border():
    image = np.full((100, 100, 3), (240, 240, 236), dtype=np.uint8)
    image[30:70, 30:70] = (200, 30, 40)  # the subject, away from the border
    background = background_colours(image)
    assert len(background) == 1
    assert name_colour(np.array([240, 240, 236])).name in {"white", "ivory"}
    assert float(delta_e_2000(background[0], rgb_to_lab(np.array([240.0, 240, 236])))) < 1
