"""Dominant colour of a garment region, named from a fashion palette.

Pixels are clustered in CIELAB (perceptually even, so cluster sizes mean something) and the
winning cluster is named by CIEDE2000 distance to the palette. Skin and the image's background
are common intruders in a garment region; they are down-weighted rather than dropped, so a
beige dress or a black coat against a black wall still wins when it fills the region.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# (name, representative sRGB of the fabric as photographed, family used to group shades in trends)
PALETTE: tuple[tuple[str, str, str], ...] = (
    ("black", "#19191b", "black"),
    ("charcoal", "#404044", "black"),
    ("grey", "#858589", "grey"),
    ("light grey", "#c4c4c6", "grey"),
    ("white", "#f4f4f2", "white"),
    ("ivory", "#f6f1df", "white"),
    ("cream", "#eee2c4", "white"),
    ("beige", "#dcc7a6", "brown"),
    ("khaki", "#b5a57c", "brown"),
    ("camel", "#be9566", "brown"),
    ("tan", "#a57a52", "brown"),
    ("brown", "#6a4530", "brown"),
    ("navy", "#1f2a4a", "blue"),
    ("denim", "#4d6c92", "blue"),
    ("blue", "#2f5fb6", "blue"),
    ("light blue", "#a3c2e3", "blue"),
    ("teal", "#167a7a", "green"),
    ("olive", "#6b6a33", "green"),
    ("sage", "#a3b193", "green"),
    ("green", "#2f8a4a", "green"),
    ("mint", "#aee0c8", "green"),
    ("butter yellow", "#f6e59a", "yellow"),
    ("yellow", "#f0c81e", "yellow"),
    ("mustard", "#c89c26", "yellow"),
    ("orange", "#e8782a", "orange"),
    ("rust", "#a8502a", "orange"),
    ("coral", "#f27c64", "orange"),
    ("red", "#c02030", "red"),
    ("burgundy", "#6e1c2c", "red"),
    ("pink", "#ec8cac", "pink"),
    ("fuchsia", "#d42a84", "pink"),
    ("blush", "#efc8c0", "pink"),
    ("lilac", "#c8aad8", "purple"),
    ("purple", "#66348a", "purple"),
)
FAMILY = {name: family for name, _, family in PALETTE}

SKIN_WEIGHT = 0.35  # a skin-like cluster must be about 3x bigger to beat a garment-coloured one
BACKGROUND_WEIGHT = 0.5
BACKGROUND_DELTA_E = 12.0  # CIE76 units
MERGE_DELTA_E = 10.0  # CIE76: closer than this, two clusters are one colour (shading, sensor noise)
SAMPLE_SIDE = 24  # pixels per side after area-averaging; k-means on more buys nothing


@dataclass(frozen=True)
class NamedColour:
    name: str
    hex: str  # the measured colour, not the palette's reference

    @property
    def family(self) -> str:
        return FAMILY[self.name]


def hex_to_rgb(value: str) -> tuple[int, int, int]:
    value = value.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def rgb_to_hex(rgb) -> str:
    r, g, b = (int(round(float(c))) for c in rgb)
    return f"#{r:02x}{g:02x}{b:02x}"


def rgb_to_lab(rgb: np.ndarray) -> np.ndarray:
    """sRGB (0..255, any leading shape, last axis 3) to CIELAB under D65."""
    c = np.asarray(rgb, dtype=np.float64) / 255.0
    linear = np.where(c > 0.04045, ((c + 0.055) / 1.055) ** 2.4, c / 12.92)
    matrix = np.array(
        [[0.4124564, 0.3575761, 0.1804375], [0.2126729, 0.7151522, 0.0721750], [0.0193339, 0.1191920, 0.9503041]]
    )
    xyz = linear @ matrix.T / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])], axis=-1)


def delta_e_2000(lab1: np.ndarray, lab2: np.ndarray) -> np.ndarray:
    """CIEDE2000 colour difference; broadcasts over leading axes (Sharma, Wu, Dalal 2005)."""
    lab1, lab2 = np.asarray(lab1, dtype=np.float64), np.asarray(lab2, dtype=np.float64)
    l1, a1, b1 = lab1[..., 0], lab1[..., 1], lab1[..., 2]
    l2, a2, b2 = lab2[..., 0], lab2[..., 1], lab2[..., 2]
    c_bar = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    g = 0.5 * (1 - np.sqrt(c_bar**7 / (c_bar**7 + 25.0**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p = np.degrees(np.arctan2(b1, a1p)) % 360
    h2p = np.degrees(np.arctan2(b2, a2p)) % 360
    chroma_zero = (c1p * c2p) == 0

    dhp = h2p - h1p
    dhp = np.where(dhp > 180, dhp - 360, np.where(dhp < -180, dhp + 360, dhp))
    dhp = np.where(chroma_zero, 0.0, dhp)
    d_l = l2 - l1
    d_c = c2p - c1p
    d_h = 2 * np.sqrt(c1p * c2p) * np.sin(np.radians(dhp / 2))

    l_bar = (l1 + l2) / 2
    cp_bar = (c1p + c2p) / 2
    h_sum = h1p + h2p
    h_bar = np.where(
        chroma_zero,
        h_sum,
        np.where(np.abs(h1p - h2p) <= 180, h_sum / 2, np.where(h_sum < 360, (h_sum + 360) / 2, (h_sum - 360) / 2)),
    )
    t = (
        1
        - 0.17 * np.cos(np.radians(h_bar - 30))
        + 0.24 * np.cos(np.radians(2 * h_bar))
        + 0.32 * np.cos(np.radians(3 * h_bar + 6))
        - 0.20 * np.cos(np.radians(4 * h_bar - 63))
    )
    d_theta = 30 * np.exp(-(((h_bar - 275) / 25) ** 2))
    r_c = 2 * np.sqrt(cp_bar**7 / (cp_bar**7 + 25.0**7))
    s_l = 1 + 0.015 * (l_bar - 50) ** 2 / np.sqrt(20 + (l_bar - 50) ** 2)
    s_c = 1 + 0.045 * cp_bar
    s_h = 1 + 0.015 * cp_bar * t
    r_t = -np.sin(np.radians(2 * d_theta)) * r_c
    return np.sqrt(
        (d_l / s_l) ** 2 + (d_c / s_c) ** 2 + (d_h / s_h) ** 2 + r_t * (d_c / s_c) * (d_h / s_h),
    )


_PALETTE_LAB = rgb_to_lab(np.array([hex_to_rgb(h) for _, h, _ in PALETTE]))


def name_colour(rgb) -> NamedColour:
    """The palette name nearest (CIEDE2000) to one sRGB colour."""
    lab = rgb_to_lab(np.asarray(rgb, dtype=np.float64))
    distances = delta_e_2000(lab[None, :], _PALETTE_LAB)
    return NamedColour(PALETTE[int(np.argmin(distances))][0], rgb_to_hex(rgb))


def is_skin_like(lab: np.ndarray) -> np.ndarray:
    """Lab colours in the band human skin occupies under ordinary light (any ethnicity)."""
    lab = np.asarray(lab, dtype=np.float64)
    chroma = np.hypot(lab[..., 1], lab[..., 2])
    hue = np.degrees(np.arctan2(lab[..., 2], lab[..., 1]))
    return (lab[..., 0] > 20) & (lab[..., 0] < 90) & (chroma > 8) & (chroma < 50) & (hue > 20) & (hue < 75)


def kmeans(points: np.ndarray, k: int, iterations: int = 10) -> tuple[np.ndarray, np.ndarray]:
    """k-means++ by OpenCV (20x a numpy loop on a few hundred points), seeded so results repeat."""
    import cv2

    cv2.setRNGSeed(0)
    criteria = (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_MAX_ITER, iterations, 0.5)
    data = np.ascontiguousarray(points, dtype=np.float32)
    _, labels, centres = cv2.kmeans(data, k, None, criteria, 1, cv2.KMEANS_PP_CENTERS)
    return labels.ravel().astype(int), centres.astype(np.float64)


def merge_close_clusters(points: np.ndarray, labels: np.ndarray, centres: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Join clusters closer than MERGE_DELTA_E: k-means splits one noisy or shaded fabric in parts."""
    while len(centres) > 1:
        # Euclidean Lab (CIE76) is plenty to tell "same fabric" and costs far less than CIEDE2000.
        distances = np.linalg.norm(centres[:, None, :] - centres[None, :, :], axis=-1)
        np.fill_diagonal(distances, np.inf)
        a, b = np.unravel_index(np.argmin(distances), distances.shape)
        if distances[a, b] >= MERGE_DELTA_E:
            break
        a, b = min(a, b), max(a, b)
        labels = np.where(labels == b, a, labels)
        labels = np.where(labels > b, labels - 1, labels)
        centres = np.delete(centres, b, axis=0)
        centres[a] = points[labels == a].mean(0)
    return labels, centres


def _downsample(pixels: np.ndarray) -> np.ndarray:
    import cv2

    h, w = pixels.shape[:2]
    scale = SAMPLE_SIDE / max(h, w)
    if scale < 1:
        pixels = cv2.resize(pixels, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA)
    return pixels.reshape(-1, 3)


def dominant_colour(
    patches: list[np.ndarray], background_lab: np.ndarray | None = None, clusters: int = 4
) -> NamedColour | None:
    """Dominant garment colour over one or more RGB patches (uint8, HxWx3) of the same region.

    None when there are too few pixels to say anything (a region a few pixels wide).
    """
    samples = [_downsample(p) for p in patches if p.ndim == 3 and p.shape[0] >= 3 and p.shape[1] >= 3]
    if not samples:
        return None
    rgb = np.concatenate(samples).astype(np.float64)
    if len(rgb) < 9:
        return None
    lab = rgb_to_lab(rgb)
    labels, centres = merge_close_clusters(lab, *kmeans(lab, min(clusters, len(lab))))
    best, best_score = 0, -1.0
    for j, centre in enumerate(centres):
        share = float(np.mean(labels == j))
        score = share * (SKIN_WEIGHT if is_skin_like(centre) else 1.0)
        near_background = background_lab is not None and len(background_lab) > 0
        if near_background and float(np.min(np.linalg.norm(background_lab - centre, axis=-1))) < BACKGROUND_DELTA_E:
            score *= BACKGROUND_WEIGHT
        if score > best_score:
            best, best_score = j, score
    # The mean in RGB of the winning pixels, not the Lab centre: it is the colour actually seen.
    return name_colour(rgb[labels == best].mean(0))


def background_colours(image: np.ndarray, border: float = 0.04, clusters: int = 3) -> np.ndarray:
    """Lab colours that make up at least a fifth of the image's outer border: walls, floors, sky."""
    h, w = image.shape[:2]
    bh, bw = max(1, int(h * border)), max(1, int(w * border))
    strips = [image[:bh], image[-bh:], image[:, :bw], image[:, -bw:]]
    lab = rgb_to_lab(np.concatenate([_downsample(s) for s in strips]).astype(np.float64))
    labels, centres = kmeans(lab, min(clusters, len(lab)))
    return np.array([c for j, c in enumerate(centres) if np.mean(labels == j) >= 0.2])
