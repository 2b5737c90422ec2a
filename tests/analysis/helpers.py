"""Shared test data for ingest and analysis tests."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

SHARED_MEDIA = Path(settings.BASE_DIR).parent / "shared" / "media"
RUNWAY_PHOTO = SHARED_MEDIA / "photos" / "000000010223.jpg"  # 1000x1478, one model, white top, black trousers
STREET_PHOTO = SHARED_MEDIA / "photos" / "000000009813.jpg"  # 618x1000
WALKING_VIDEO = SHARED_MEDIA / "video" / "one-by-one-person-detection.mp4"  # 139 s, 10 fps, 768x432


def post_line(external_id: str, **overrides) -> dict:
    """A valid ingest record, as the contract's example, with overrides."""
    record = {
        "platform": "instagram",
        "external_id": external_id,
        "influencer": {
            "handle": "minji.style",
            "name": "Minji",
            "followers": 184000,
            "country": "KR",
            "segment": "fashion",
        },
        "posted_at": "2026-10-27T10:14:41Z",
        "caption": "Honest review: the barrel jeans everyone is talking about #barreljeans #ootd",
        "metrics": {"likes": 5120, "comments": 88, "shares": 12, "views": 0},
        "observed_at": "2026-10-28T00:00:00Z",
    }
    record.update(overrides)
    return record
