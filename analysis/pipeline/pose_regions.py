"""Where tops, bottoms and shoes are worn, from a person's 17 COCO body keypoints.

Each region has an evidence box (what the crop shows) and sample patches (where its colour is
read). Patches sit on the body itself (torso centre, upper thighs, feet), so the gap between
walking legs or the wall beside an arm does not vote on the colour. A region is derived only
from keypoints the model actually saw (confidence at or above the threshold); keypoints outside
the frame come back with low confidence and are ignored.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

L_SHOULDER, R_SHOULDER, L_HIP, R_HIP, L_KNEE, R_KNEE, L_ANKLE, R_ANKLE = 5, 6, 11, 12, 13, 14, 15, 16
# Shoulder-to-hip length over shoulder width, for a torso whose hips are out of frame (selfies).
TORSO_PER_SHOULDER_WIDTH = 1.4

Box = tuple[float, float, float, float]  # x1, y1, x2, y2 in pixels


@dataclass(frozen=True)
class BodyRegion:
    region: str  # top | bottom | shoes
    category: str  # tops | bottoms | shoes
    box: Box
    patches: tuple[Box, ...]
    confidence: float  # mean confidence of the keypoints it was built from


def _patch(cx: float, cy: float, w: float, h: float) -> Box:
    return cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2


def clip_box(box: Box, width: int, height: int) -> Box:
    x1, y1, x2, y2 = box
    x1, x2 = min(max(x1, 0.0), width), min(max(x2, 0.0), width)
    y1, y2 = min(max(y1, 0.0), height), min(max(y2, 0.0), height)
    return x1, y1, max(x1, x2), max(y1, y2)


def body_regions(
    keypoints: np.ndarray, person_box: Box, image_size: tuple[int, int], min_confidence: float = 0.5
) -> list[BodyRegion]:
    """Garment regions of one person. keypoints: (17, 3) of x, y (pixels), confidence."""
    width, height = image_size
    kp = np.asarray(keypoints, dtype=np.float64)
    seen = kp[:, 2] >= min_confidence

    def points(*indices: int) -> list[np.ndarray]:
        return [kp[i, :2] for i in indices if seen[i]]

    def conf(*indices: int) -> float:
        values = [kp[i, 2] for i in indices if seen[i]]
        return float(np.mean(values)) if values else 0.0

    box_bottom = person_box[3]
    regions: list[BodyRegion] = []
    shoulders, hips = points(L_SHOULDER, R_SHOULDER), points(L_HIP, R_HIP)

    torso = None
    if len(shoulders) == 2:
        (lsx, lsy), (rsx, rsy) = shoulders
        shoulder_w = max(abs(lsx - rsx), 1.0)
        shoulder_y = (lsy + rsy) / 2
        if hips:
            hip_y = float(np.mean([p[1] for p in hips]))
            hip_x = float(np.mean([p[0] for p in hips]))
        else:
            hip_y = min(box_bottom, shoulder_y + TORSO_PER_SHOULDER_WIDTH * shoulder_w)
            hip_x = (lsx + rsx) / 2
        torso = hip_y - shoulder_y
        if torso > 4:
            margin = 0.15 * shoulder_w
            top_box = (min(lsx, rsx) - margin, shoulder_y - 0.05 * torso, max(lsx, rsx) + margin, hip_y)
            centre_x = ((lsx + rsx) / 2 + hip_x) / 2
            patch = _patch(centre_x, shoulder_y + 0.45 * torso, 0.5 * shoulder_w, 0.5 * torso)
            used = (L_SHOULDER, R_SHOULDER, L_HIP, R_HIP)
            regions.append(BodyRegion("top", "tops", top_box, (patch,), conf(*used)))
        else:
            torso = None

    if hips:
        hip_y = float(np.mean([p[1] for p in hips]))
        hip_w = abs(hips[0][0] - hips[1][0]) if len(hips) == 2 else 0.0
        legs = [(L_HIP, L_KNEE, L_ANKLE), (R_HIP, R_KNEE, R_ANKLE)]
        patches, used, xs = [], [], []
        lowest = hip_y
        for hip, knee, ankle in legs:
            if not seen[hip]:
                continue
            hx, hy = kp[hip, :2]
            if seen[knee]:
                lx, ly = kp[knee, :2]
                used.append(knee)
            else:
                # Legs cut off by the frame or an obstacle: the leg runs to the bottom of the person box.
                lx, ly = hx, box_bottom
            used.append(hip)
            xs += [hx, lx]
            lowest = max(lowest, ly)
            if seen[ankle]:
                xs.append(kp[ankle, 0])
                lowest = max(lowest, kp[ankle, 1])
                used.append(ankle)
            thigh = ly - hy
            if thigh > 4:
                # A thigh is about half the hip-joint spacing wide; the patch stays inside it.
                patch_w = min(max(0.5 * hip_w, 0.2 * thigh), 0.4 * thigh)
                patches.append(_patch(hx + 0.35 * (lx - hx), hy + 0.35 * thigh, patch_w, 0.35 * thigh))
        reference = torso if torso else (lowest - hip_y) / 2
        if patches and lowest - hip_y > 0.3 * reference:
            margin = max(0.25 * hip_w, 0.08 * (lowest - hip_y))
            bottom_box = (min(xs) - margin, hip_y - 0.15 * reference, max(xs) + margin, lowest)
            regions.append(BodyRegion("bottom", "bottoms", bottom_box, tuple(patches), conf(*used)))

    ankles = points(L_ANKLE, R_ANKLE)
    if ankles:
        shins = [
            float(np.hypot(*(kp[a, :2] - kp[k, :2])))
            for k, a in ((L_KNEE, L_ANKLE), (R_KNEE, R_ANKLE))
            if seen[k] and seen[a]
        ]
        shin = float(np.mean(shins)) if shins else 0.25 * (person_box[3] - person_box[1])
        if shin > 4:
            xs, ys = [p[0] for p in ankles], [p[1] for p in ankles]
            shoes_box = (min(xs) - 0.35 * shin, min(ys) - 0.15 * shin, max(xs) + 0.35 * shin, max(ys) + 0.35 * shin)
            patches = tuple(_patch(x, y + 0.15 * shin, 0.25 * shin, 0.2 * shin) for x, y in ankles)
            regions.append(BodyRegion("shoes", "shoes", shoes_box, patches, conf(L_ANKLE, R_ANKLE)))

    return [
        BodyRegion(
            r.region,
            r.category,
            clip_box(r.box, width, height),
            tuple(clip_box(p, width, height) for p in r.patches),
            r.confidence,
        )
        for r in regions
    ]
