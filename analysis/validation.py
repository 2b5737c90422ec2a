"""The ingest format's rules (the public contract in docs/ingest-and-analysis.md), as code.

`parse_record` turns one decoded JSON value into a PostRecord or raises RecordRejected listing
every rule the record breaks. A bad media entry does not reject its post: it becomes a media
problem reported beside the post, and the post's other media are kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from analysis.models import MediaKind, Segment
from analysis.pipeline.normalize import words_of

PLATFORM = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
METRICS = ("likes", "comments", "shares", "views")
MAX_CAPTION = 20_000
ISO_COUNTRIES = words_of("""
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW
    BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI
    FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN
    IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME
    MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF
    PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV
    SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE
    YT ZA ZM ZW
    """)


class RecordRejected(ValueError):
    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons


@dataclass(frozen=True)
class MediaRef:
    position: int
    kind: str
    path: Path | None = None
    url: str = ""

    @property
    def reference(self) -> str:
        return str(self.path) if self.path is not None else self.url


@dataclass
class PostRecord:
    platform: str
    external_id: str
    handle: str
    followers: int
    posted_at: datetime
    caption: str = ""
    # None: not given, so an existing creator keeps what it has.
    name: str | None = None
    country: str | None = None
    segment: str | None = None
    media: list[MediaRef] = field(default_factory=list)
    media_problems: list[str] = field(default_factory=list)
    metrics: dict[str, int] = field(default_factory=lambda: dict.fromkeys(METRICS, 0))
    observed_at: datetime | None = None


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _timestamp(value: Any, name: str, errors: list[str]) -> datetime | None:
    if not isinstance(value, str):
        errors.append(f"{name} must be an ISO 8601 date-time string with an offset or Z")
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        errors.append(f"{name} is not an ISO 8601 date-time: {value[:40]!r}")
        return None
    if parsed.tzinfo is None:
        errors.append(f"{name} needs a time zone offset or Z: {value[:40]!r}")
        return None
    return parsed


def _optional_text(data: dict, key: str, max_length: int, errors: list[str], label: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        errors.append(f"{label} must be a string")
        return None
    if len(value) > max_length:
        errors.append(f"{label} is longer than {max_length} characters")
        return None
    return value.strip()


def _influencer(data: Any, errors: list[str]) -> dict[str, Any]:
    if not isinstance(data, dict):
        errors.append("missing field 'influencer' (an object with handle and followers)")
        return {}
    out: dict[str, Any] = {}
    handle = data.get("handle")
    if not isinstance(handle, str) or not handle.strip().lstrip("@"):
        errors.append("missing field 'influencer.handle'")
    elif len(handle) > 150:
        errors.append("influencer.handle is longer than 150 characters")
    else:
        out["handle"] = handle.strip().lstrip("@").casefold()
    followers = data.get("followers")
    if followers is None:
        errors.append("missing field 'influencer.followers'")
    elif not _is_int(followers) or followers < 0:
        errors.append(f"influencer.followers must be an integer >= 0, got {followers!r}"[:120])
    else:
        out["followers"] = followers
    out["name"] = _optional_text(data, "name", 200, errors, "influencer.name")
    country = _optional_text(data, "country", 2, errors, "influencer.country")
    if country is not None and country and country.upper() not in ISO_COUNTRIES:
        errors.append(f"influencer.country must be an ISO 3166-1 alpha-2 code, got {country!r}")
    else:
        out["country"] = country.upper() if country else country
    segment = _optional_text(data, "segment", 10, errors, "influencer.segment")
    if segment and segment.lower() not in Segment.values:
        errors.append(f"influencer.segment must be one of {', '.join(Segment.values)}, got {segment!r}")
    else:
        out["segment"] = segment.lower() if segment else segment
    return out


def _media(items: Any, base_dir: Path | None, errors: list[str]) -> tuple[list[MediaRef], list[str]]:
    if items is None:
        return [], []
    if not isinstance(items, list):
        errors.append("media must be a list")
        return [], []
    refs, problems = [], []
    for position, item in enumerate(items):
        label = f"media[{position}]"
        if not isinstance(item, dict):
            problems.append(f"{label}: must be an object with type and path or url")
            continue
        kind = item.get("type")
        path, url = item.get("path"), item.get("url")
        if kind not in MediaKind.values:
            problems.append(f"{label}: unknown media type {kind!r} (expected image or video)")
        elif bool(path) == bool(url):
            problems.append(f"{label}: give exactly one of path or url")
        elif url:
            if not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc:
                problems.append(f"{label}: url must be an http(s) address")
            elif len(url) > 1000:
                problems.append(f"{label}: url is longer than 1000 characters")
            else:
                refs.append(MediaRef(position, kind, url=url))
        elif not isinstance(path, str):
            problems.append(f"{label}: path must be a string")
        elif base_dir is None:
            problems.append(f"{label}: media paths are accepted only by the file ingest; send a url")
        else:
            refs.append(MediaRef(position, kind, path=(base_dir / path).resolve()))
    return refs, problems


def _metrics(data: Any, errors: list[str]) -> dict[str, int]:
    metrics = dict.fromkeys(METRICS, 0)
    if data is None:
        return metrics
    if not isinstance(data, dict):
        errors.append("metrics must be an object")
        return metrics
    for name in METRICS:
        value = data.get(name)
        if value is None:
            continue
        if not _is_int(value) or value < 0:
            errors.append(f"metrics.{name} must be an integer >= 0, got {value!r}"[:120])
        else:
            metrics[name] = value
    return metrics


def parse_record(data: Any, base_dir: Path | None = None) -> PostRecord:
    """Validate one record of the ingest format; raise RecordRejected with every broken rule."""
    if not isinstance(data, dict):
        raise RecordRejected([f"a line must hold one JSON object, got {type(data).__name__}"])
    errors: list[str] = []
    platform = data.get("platform")
    if platform is None or platform == "":
        errors.append("missing field 'platform'")
    elif not isinstance(platform, str) or not PLATFORM.match(platform):
        errors.append(f"platform must be a lowercase word (instagram, youtube, tiktok, ...), got {platform!r}"[:120])
    external_id = data.get("external_id")
    if _is_int(external_id):
        external_id = str(external_id)
    if external_id is None or external_id == "":
        errors.append("missing field 'external_id'")
    elif not isinstance(external_id, str) or not external_id.strip() or len(external_id) > 200:
        errors.append("external_id must be a non-blank string of at most 200 characters")
    influencer = _influencer(data.get("influencer"), errors)
    posted_at = None
    if data.get("posted_at") is None:
        errors.append("missing field 'posted_at'")
    else:
        posted_at = _timestamp(data["posted_at"], "posted_at", errors)
    caption = data.get("caption") or ""
    if not isinstance(caption, str):
        errors.append("caption must be a string")
    elif len(caption) > MAX_CAPTION:
        errors.append(f"caption is longer than {MAX_CAPTION} characters")
    media, media_problems = _media(data.get("media"), base_dir, errors)
    metrics = _metrics(data.get("metrics"), errors)
    observed_at = None
    if data.get("observed_at") is not None:
        observed_at = _timestamp(data["observed_at"], "observed_at", errors)
    if errors:
        raise RecordRejected(errors)
    return PostRecord(
        platform=platform,
        external_id=external_id.strip(),
        handle=influencer["handle"],
        followers=influencer["followers"],
        posted_at=posted_at,
        caption=caption,
        name=influencer["name"],
        country=influencer["country"],
        segment=influencer["segment"],
        media=media,
        media_problems=media_problems,
        metrics=metrics,
        observed_at=observed_at,
    )
