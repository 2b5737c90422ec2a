"""Which key a keyword phrase counts under: near-duplicate phrasings merge into one trend.

Three layers, cheapest first:
1. analysis's `normalize_keyword` already made "Wide-Leg", "#wideleg" (segmented) and "wide legs" one
   phrase when the ingest stored it;
2. string rule here: phrases with the same `compact` form (no spaces, one trailing plural "s" dropped)
   are one key ("wideleg pants" / "wide leg pant"); the key is the variant with the most words, then
   the one most posts used, then the first alphabetically (history is matched on the compact form,
   so a key that changes spelling from one week to the next keeps its history);
3. embeddings: the week's top candidate keys (ASCII only: the MiniLM is English) are embedded and a
   key whose cosine to a stronger key reaches TREND_SEMANTIC_MERGE_THRESHOLD becomes its alias
   ("wide leg trousers" → "wide leg pants", cosine 0.94; "leather jacket"/"leather coat" at 0.905 stay
   apart). Phrases whose numbers differ never merge ("501 jeans"/"505 jeans"). Aliases are stored
   (KeywordAlias) so a merge holds in later weeks; staff can add or delete them in the admin.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings

from analysis.pipeline.normalize import normalize_keyword
from trends.models import KeywordAlias

logger = logging.getLogger(__name__)

SEMANTIC_CANDIDATES = 300
DIGITS = re.compile(r"\d+")


def compact(phrase: str) -> str:
    """Spacing- and plural-insensitive form: 'wide leg pants' and 'wideleg pant' give 'widelegpant'."""
    text = "".join(ch for ch in phrase.casefold() if ch.isalnum())
    if text.isascii() and len(text) > 4 and text.endswith("s") and not text.endswith("ss"):
        text = text[:-1]
    return text


def load_aliases() -> dict[str, str]:
    """compact alias -> final key, with chains (a -> b -> c) followed and cycles cut."""
    direct = dict(KeywordAlias.objects.values_list("alias", "key"))
    resolved: dict[str, str] = {}
    for alias, key in direct.items():
        seen = {alias}
        while compact(key) in direct and compact(key) not in seen:
            seen.add(compact(key))
            key = direct[compact(key)]
        resolved[alias] = key
    return resolved


@dataclass
class PhraseMap:
    """phrase -> key for one week's phrases, plus each key's compact form and summed influence."""

    key_of: dict[str, str]
    influence: dict[str, float]

    def rows(self) -> Iterable[tuple[str, str, str]]:
        for phrase, key in self.key_of.items():
            yield phrase, key, compact(key)


def map_phrases(phrases: list[tuple[str, int, float]], *, semantic: bool | None = None) -> PhraseMap:
    """Map the week's (phrase, posts, influence) rows to keys; may store new embedding aliases."""
    aliases = load_aliases()
    groups: dict[str, list[str]] = defaultdict(list)
    weight: dict[str, float] = defaultdict(float)
    posts_of: dict[str, int] = {}
    for phrase, posts, influence in phrases:
        groups[compact(phrase)].append(phrase)
        weight[compact(phrase)] += float(influence or 0.0)
        posts_of[phrase] = posts

    def preference(phrase: str) -> tuple[int, int, str]:
        return (-phrase.count(" "), -posts_of[phrase], phrase)

    group_key = {c: aliases.get(c) or min(variants, key=preference) for c, variants in groups.items()}
    if settings.TREND_SEMANTIC_MERGE if semantic is None else semantic:
        new_aliases = semantic_aliases(group_key, weight, aliases)
        for alias_compact, key in new_aliases.items():
            group_key[alias_compact] = key
    key_of = {phrase: group_key[c] for c, variants in groups.items() for phrase in variants}
    influence: dict[str, float] = defaultdict(float)
    for c, key in group_key.items():
        influence[key] += weight[c]
    return PhraseMap(key_of=key_of, influence=dict(influence))


def _embeddable(key: str) -> bool:
    return key.isascii() and any(ch.isalpha() for ch in key) and len(key) >= 3


def semantic_aliases(group_key: dict[str, str], weight: dict[str, float], aliases: dict[str, str]) -> dict[str, str]:
    """Leader clustering of the strongest keys by cosine; returns and stores {compact alias: key}.

    Greedy (strongest first, each key joins the first leader it is close enough to) so similarity
    never chains: A~B and B~C does not put A with C unless A~C.
    """
    key_weight: dict[str, float] = defaultdict(float)
    for c, key in group_key.items():
        if c not in aliases:
            key_weight[key] += weight[c]
    candidates = sorted((k for k in key_weight if _embeddable(k)), key=lambda k: (-key_weight[k], k))
    candidates = candidates[:SEMANTIC_CANDIDATES]
    if len(candidates) < 2:
        return {}
    from analysis.embeddings import phrase_cache

    # The per-process cache: next week's candidates are mostly this week's, encoded once.
    vectors = phrase_cache().vectors(candidates)
    threshold = float(settings.TREND_SEMANTIC_MERGE_THRESHOLD)
    targets = set(aliases.values())
    leaders: list[int] = []
    found: dict[str, tuple[str, float]] = {}
    for index, key in enumerate(candidates):
        best, best_sim = None, threshold
        for leader in leaders:
            sim = float(vectors[index] @ vectors[leader])
            if sim >= best_sim and DIGITS.findall(key) == DIGITS.findall(candidates[leader]):
                best, best_sim = leader, sim
        # A key others already merge into stays a leader: merges never move an established trend.
        if best is None or key in targets:
            leaders.append(index)
        else:
            found[compact(key)] = (candidates[best], best_sim)
    if found:
        KeywordAlias.objects.bulk_create(
            [
                KeywordAlias(alias=alias, key=key, similarity=round(sim, 4), source=KeywordAlias.Source.EMBEDDING)
                for alias, (key, sim) in found.items()
            ],
            ignore_conflicts=True,
        )
        logger.info("keyword merges by embedding: %s", {a: k for a, (k, _) in found.items()})
    return {alias: key for alias, (key, _) in found.items()}


def evergreen_compacts() -> frozenset[str]:
    return frozenset(compact(normalize_keyword(tag)) for tag in settings.TREND_EVERGREEN_KEYWORDS if tag.strip())
