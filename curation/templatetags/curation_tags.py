"""Small formatting helpers for curation pages: safe image/link URLs, percentages, sparklines."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def safe_url(url: str | None) -> str:
    """The URL if it is http(s) or site-relative; '' for javascript:, data: and the like."""
    if not url:
        return ""
    url = str(url).strip()
    if url.startswith("/") and not url.startswith("//"):
        return url
    parts = urlsplit(url)
    return url if parts.scheme in ("http", "https") and parts.netloc else ""


@register.filter
def pct(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value * 100:.{digits}f}%"


@register.filter
def signed_pct(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value * 100:+.{digits}f}%"


@register.filter
def times(value: float | None) -> str:
    """Growth over the baseline: 4.2 -> '4.2×'; nothing without a baseline (a new trend)."""
    return "" if value is None else f"{value:.1f}×"


@register.simple_tag
def sparkline(values: Sequence[float | None], width: int = 120, height: int = 28) -> SafeString:
    """An inline SVG line of up to eight weekly scores (missing weeks drawn at zero)."""
    points = [float(v or 0) for v in values]
    if len(points) < 2:
        return format_html('<svg class="sparkline" width="{}" height="{}" aria-hidden="true"></svg>', width, height)
    top = max(points) or 1.0
    step = (width - 4) / (len(points) - 1)
    coords = " ".join(f"{2 + i * step:.1f},{height - 2 - (v / top) * (height - 4):.1f}" for i, v in enumerate(points))
    last_x, last_y = coords.rsplit(" ", 1)[-1].split(",")
    label = "Score over the last weeks: " + ", ".join(f"{v:,.0f}" for v in points)
    return format_html(
        '<svg class="sparkline" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" aria-label="{label}">'
        '<polyline fill="none" stroke="currentColor" stroke-width="1.5" points="{pts}"/>'
        '<circle cx="{x}" cy="{y}" r="2" fill="currentColor"/></svg>',
        w=width, h=height, label=label, pts=coords, x=last_x, y=last_y,
    )  # fmt: skip
