"""What a weekly issue says: a snapshot of a published TrendWeek, per interest, and its rendering.

The snapshot is stored on the issue, so an issue reads the same in the preview, in the test mail
and in every subscriber's inbox even if the trend engine later recomputes that week.
Rendering happens once per interest combination; per-subscriber links are substituted afterwards
(see `Rendered.personalise`), which is what keeps a 10,000-recipient send fast.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from html import escape

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from newsletter.models import Interest, NewsletterIssue
from newsletter.services.tokens import absolute_url
from trends.models import TrendEntry, TrendKind, TrendLabel, TrendWeek

TOP_ITEMS = 6
TOP_KEYWORDS = 8
TOP_POSTS = 5
HOT_LABELS = (TrendLabel.BREAKOUT, TrendLabel.RISING)
PREFS_MARK = "%%PREFERENCES_URL%%"
UNSUB_MARK = "%%UNSUBSCRIBE_URL%%"
VARIANTS: tuple[tuple[str, ...], ...] = (("fashion",), ("beauty",), ("fashion", "beauty"))


def growth_text(growth: float | None) -> str:
    """Score over the trailing baseline, as the trend export defines it: 4.2 -> '4.2× usual'."""
    if growth is None:
        return ""
    return f"{growth:.1f}× usual"


def compact_number(n: int | None) -> str:
    if not n:
        return ""
    if n >= 1_000_000:
        return f"{n / 1_000_000:.1f}M".replace(".0M", "M")
    if n >= 1_000:
        return f"{n / 1_000:.0f}k"
    return str(n)


def week_label(week: TrendWeek) -> str:
    start = timezone.localtime(week.starts_at)
    # ends_at is the exclusive end (next Monday 00:00): show the last day inside the week.
    end = timezone.localtime(week.ends_at - timedelta(seconds=1))
    number = week.week.split("-W")[-1].lstrip("0")
    return f"Week {number} · {start:%-d %b} – {end:%-d %b %Y}"


def _image(evidence: dict) -> str:
    for post in evidence.get("posts", []):
        if post.get("crop_url"):
            return absolute_url(post["crop_url"])
    return ""


def _entry(entry: TrendEntry) -> dict:
    return {
        "name": entry.display_name,
        "label": entry.label,
        "growth": growth_text(entry.growth),
        "posts": entry.posts,
        "creators": entry.creators,
        "image": _image(entry.evidence or {}),
    }


def _hot_posts(entries: list[TrendEntry]) -> list[dict]:
    """The most influential posts behind this week's trends, each with its creator."""
    posts: dict[str, dict] = {}
    for entry in entries:
        evidence = entry.evidence or {}
        followers = {c.get("handle"): c.get("followers") for c in evidence.get("creators", [])}
        for post in evidence.get("posts", []):
            key = str(post.get("post_id") or f"{post.get('platform')}:{post.get('external_id')}")
            found = posts.setdefault(
                key,
                {
                    "handle": post.get("handle", ""),
                    "platform": post.get("platform", ""),
                    "followers": compact_number(followers.get(post.get("handle"))),
                    "influence": float(post.get("influence") or 0),
                    "caption": (post.get("caption") or "").strip(),
                    "image": absolute_url(post["crop_url"]) if post.get("crop_url") else "",
                    "trends": [],
                },
            )
            if entry.display_name not in found["trends"]:
                found["trends"].append(entry.display_name)
    ranked = sorted(posts.values(), key=lambda p: -p["influence"])[:TOP_POSTS]
    for post in ranked:
        if len(post["caption"]) > 160:
            post["caption"] = post["caption"][:157].rstrip() + "…"
        post["trends"] = post["trends"][:3]
        post["influence"] = round(post["influence"], 1)
    return ranked


def _section(entries: list[TrendEntry], interest: str) -> dict:
    # An entry with no dominant segment is cross-over: it belongs to both sections.
    mine = [e for e in entries if e.segment in ("", interest)]
    items = sorted((e for e in mine if e.kind == TrendKind.ITEM), key=lambda e: e.rank)
    keywords = sorted(
        (e for e in mine if e.kind == TrendKind.KEYWORD and e.label in HOT_LABELS),
        key=lambda e: (e.label != TrendLabel.BREAKOUT, e.rank),
    )
    return {
        "interest": interest,
        "title": Interest(interest).label,
        "items": [_entry(e) for e in items[:TOP_ITEMS]],
        "keywords": [_entry(e) for e in keywords[:TOP_KEYWORDS]],
        "posts": _hot_posts(items[:TOP_ITEMS] + keywords[:TOP_KEYWORDS]),
    }


def build_content(week: TrendWeek) -> dict:
    entries = list(week.entries.all())
    return {
        "week": week.week,
        "label": week_label(week),
        "sections": {interest: _section(entries, interest) for interest in Interest.values},
    }


def _sections(content: dict, interests: tuple[str, ...]) -> list[dict]:
    wanted = [i for i in Interest.values if i in interests] or list(Interest.values)
    return [content["sections"][i] for i in wanted if i in content.get("sections", {})]


def _interest_names(interests: tuple[str, ...]) -> str:
    wanted = [i for i in Interest.values if i in interests] or list(Interest.values)
    return " and ".join(Interest(i).label.lower() for i in wanted)


def auto_subject(content: dict, interests: tuple[str, ...]) -> str:
    """Names the week and, for this reader's interests, what leads it."""
    tops = list(dict.fromkeys(s["items"][0]["name"] for s in _sections(content, interests) if s["items"]))
    lead = f": {' and '.join(tops)} lead{'s' if len(tops) == 1 else ''}" if tops else ""
    return f"TrendSaaS Weekly, {content['label']}{lead}"


def auto_preheader(content: dict, interests: tuple[str, ...]) -> str:
    keywords = [k["name"] for s in _sections(content, interests) for k in s["keywords"]]
    names = list(dict.fromkeys(keywords))[:3]
    rising = f"Rising now: {', '.join(names)}. " if names else ""
    return f"{rising}The items and posts that moved {_interest_names(interests)} in {content['label']}."


@dataclass(frozen=True)
class Rendered:
    subject: str
    preheader: str
    html: str
    text: str

    def personalise(self, preferences_url: str, unsubscribe_url: str) -> tuple[str, str]:
        """(html, text) with this subscriber's signed links in place of the markers."""
        html = self.html.replace(PREFS_MARK, escape(preferences_url)).replace(UNSUB_MARK, escape(unsubscribe_url))
        text = self.text.replace(PREFS_MARK, preferences_url).replace(UNSUB_MARK, unsubscribe_url)
        return html, text


def _compact(html: str) -> str:
    """Drop template indentation and blank lines: a smaller message is faster on every hop."""
    return "\n".join(stripped for line in html.splitlines() if (stripped := line.strip()))


def render_issue(issue: NewsletterIssue, interests: tuple[str, ...]) -> Rendered:
    """Render the issue for one interest combination, with link markers to personalise."""
    # A curator's subject or preheader applies to everyone; blank means written per interest.
    subject = issue.subject or auto_subject(issue.content, interests)
    preheader = issue.preheader or auto_preheader(issue.content, interests)
    context = {
        "subject": subject,
        "label": issue.content.get("label", ""),
        "preheader": preheader,
        "sections": _sections(issue.content, interests),
        "interest_names": _interest_names(interests),
        "preferences_url": PREFS_MARK,
        "unsubscribe_url": UNSUB_MARK,
        "site_url": absolute_url("/"),
        "demo_url": absolute_url(reverse("landing") + "#demo"),
    }
    return Rendered(
        subject=subject,
        preheader=preheader,
        html=_compact(render_to_string("email/newsletter_issue.html", context)),
        text=render_to_string("email/newsletter_issue.txt", context),
    )


def variant_for(interests: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(i for i in Interest.values if i in interests)
