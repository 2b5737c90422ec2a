"""Garment regions from body keypoints: where a top, a bottom and shoes are worn."""

from __future__ import annotations

import numpy as np

from analysis.pipeline.pose_regions import body_regions

SIZE = (400, 800)
BOX = (120.0, 60.0, 280.0, 760.0)


def standing_person(hidden: tuple[int, ...] = ()) -> np.ndarray:
    """COCO keypoints of a person facing the camera in a 400x800 image (left = image right)."""
    face = [(200, 100), (210, 90), (190, 90), (220, 95), (180, 95)]
    arms = [(250, 180), (150, 180), (265, 290), (135, 290), (270, 390), (130, 390)]  # shoulders, elbows, wrists
    legs = [(235, 400), (165, 400), (235, 560), (165, 560), (235, 720), (165, 720)]  # hips, knees, ankles
    xy = face + arms + legs
    kp = np.array([(x, y, 0.95) for x, y in xy], dtype=float)
    for index in hidden:
        kp[index, 2] = 0.1
    return kp


def by_region(regions):
    return {r.region: r for r in regions}


def inside(patch, box) -> bool:
    return box[0] <= patch[0] and box[1] <= patch[1] and patch[2] <= box[2] and patch[3] <= box[3]


def test_a_fully_visible_person_has_top_bottom_and_shoes_in_body_order():
    regions = by_region(body_regions(standing_person(), BOX, SIZE))
    assert set(regions) == {"top", "bottom", "shoes"}
    top, bottom, shoes = regions["top"], regions["bottom"], regions["shoes"]
    assert (top.category, bottom.category, shoes.category) == ("tops", "bottoms", "shoes")
    # The top spans the shoulders and ends at the hips; the bottom runs from the waist to the ankles.
    assert top.box[0] < 150 and top.box[2] > 250
    assert top.box[1] < 180 < top.box[3] <= 400
    assert bottom.box[1] < 400 and bottom.box[3] >= 720
    assert shoes.box[1] < 720 < shoes.box[3]
    # Colour is read on the body, inside each region.
    for region in regions.values():
        assert region.patches and all(inside(p, region.box) for p in region.patches)
    assert len(bottom.patches) == 2  # one per thigh, not the gap between the legs
    assert all(p[1] >= 400 and p[3] <= 560 for p in bottom.patches)
    assert 0.9 < top.confidence <= 1


def test_legs_cut_off_by_the_frame_still_give_a_bottom_but_no_shoes():
    # A runway shot cropped above the knees: hips seen, knees and ankles out of frame.
    kp = standing_person(hidden=(13, 14, 15, 16))
    box = (120.0, 60.0, 280.0, 520.0)
    regions = by_region(body_regions(kp, box, (400, 520)))
    assert set(regions) == {"top", "bottom"}
    assert regions["bottom"].box[3] == 520  # down to the bottom of the person box


def test_hips_out_of_frame_still_give_a_top_from_the_shoulders():
    # A selfie: shoulders and face only.
    kp = standing_person(hidden=tuple(range(7, 17)))
    regions = by_region(body_regions(kp, (120.0, 60.0, 280.0, 330.0), (400, 330)))
    assert set(regions) == {"top"}
    top = regions["top"]
    assert top.box[1] < 180 and top.box[3] <= 330


def test_no_shoulders_no_top_and_no_hips_no_bottom():
    kp = standing_person(hidden=(5, 6, 11, 12))
    assert set(by_region(body_regions(kp, BOX, SIZE))) == {"shoes"}


def test_regions_are_clipped_to_the_image():
    kp = standing_person()
    kp[:, 0] -= 160  # the person stands half out of the left edge
    for region in body_regions(kp, (0.0, 60.0, 120.0, 760.0), SIZE):
        assert region.box[0] >= 0 and region.box[2] <= SIZE[0]
        assert all(p[0] >= 0 for p in region.patches)
