"""The one keyword normalisation used everywhere: analysis, trends, curation, search.

"Barrel-Jeans", "barrel jeans" and "#barreljeans" (once segmented) all become "barrel jeans";
"Dresses" becomes "dress" but "dress", "jeans", "leggings" and "glasses" stay as they are.
Plural rules are deliberately simple English suffix rules plus exception lists: keywords are
short fashion phrases, and a wrong singular ("jean", "glass", "dres") is worse than a kept plural.
Non-Latin words (Korean, Japanese) are only case- and width-folded.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

MAX_LENGTH = 120


def words_of(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Plural-only garments and words whose final "s" is not a plural.
INVARIANT = words_of("""
    jeans leggings jeggings pants trousers shorts tights glasses sunglasses eyeglasses goggles overalls
    dungarees pajamas pyjamas sweatpants joggers chinos khakis slacks briefs boxers knickers undies panties
    clothes scissors tweezers pliers binoculars headphones earphones earbuds news series species lens
    canvas atlas bias chaos christmas always perhaps yes this his hers its ours yours theirs whereas
    thanks plus thus gas bus iris physics economics mathematics ethics athletics gymnastics aerobics
    pilates biceps triceps cosmos
    """)

IRREGULAR = {
    "women": "woman",
    "men": "man",
    "feet": "foot",
    "teeth": "tooth",
    "children": "child",
    "people": "person",
    "mice": "mouse",
    "geese": "goose",
}

# "-ies" plurals whose singular ends in "-ie", not "-y".
IES_TO_IE = words_of("""
    hoodies beanies selfies cookies movies ties pies lies onesies brownies smoothies zombies rookies goalies
    foodies newbies techies hippies sweeties cuties girlies besties lingeries calories aussies pixies
    """)

VES_TO_F = {
    "scarves": "scarf",
    "knives": "knife",
    "leaves": "leaf",
    "shelves": "shelf",
    "halves": "half",
    "wolves": "wolf",
    "lives": "life",
    "wives": "wife",
    "loaves": "loaf",
    "thieves": "thief",
    "calves": "calf",
    "hooves": "hoof",
}

# "-oes" plurals that drop "es" (most, like shoes and toes, drop only "s").
OES_TO_O = words_of("heroes tomatoes potatoes echoes mangoes volcanoes mosquitoes torpedoes vetoes")

# "-ches/-shes/-xes/-zes/-sses" plurals drop "es" (watches, brushes, boxes, dresses) except these.
ES_KEEP_E = words_of("niches caches cliches quiches avalanches moustaches mustaches headaches")

# Words that mean the same garment written differently.
CANONICAL_WORDS = {"tshirt": "t shirt", "teeshirt": "t shirt"}

_SEPARATORS = re.compile(r"[-_‐‑‒–—―/·•+]+")
_NON_WORD = re.compile(r"[^\w\s']+")
_SPACES = re.compile(r"\s+")


# Compounds ending in a plural-only garment ("momjeans", "cargopants") keep their "s" too.
GARMENT_PLURALS = ("jeans", "leggings", "pants", "trousers", "shorts", "tights", "glasses", "overalls")


def singularize(word: str) -> str:
    """Singular of one lower-case word by simple English rules; unknown shapes stay as they are."""
    if word in INVARIANT or len(word) <= 3 or not word.isascii() or not word.isalpha():
        return IRREGULAR.get(word, word)
    if word.endswith(GARMENT_PLURALS):
        return word
    if word in IRREGULAR:
        return IRREGULAR[word]
    if word.endswith(("ss", "us", "is", "ous")):
        return word
    if word.endswith("ies"):
        return word[:-1] if word in IES_TO_IE else word[:-3] + "y"
    if word.endswith("ves"):
        return VES_TO_F.get(word, word[:-1])
    if word.endswith("oes"):
        return word[:-2] if word in OES_TO_O else word[:-1]
    if word.endswith(("ches", "shes", "xes", "zes", "sses")):
        return word[:-1] if word in ES_KEEP_E else word[:-2]
    if word.endswith("s"):
        return word[:-1]
    return word


@lru_cache(maxsize=200_000)
def normalize_keyword(text: str) -> str:
    """Canonical form of a keyword or hashtag phrase: the key trends and curation group by.

    Folds case and width (NFKC), drops a leading '#', treats hyphens, underscores and slashes as
    spaces ("wide-leg" == "wide leg"), drops possessive "'s" and other punctuation, collapses
    whitespace and puts each English word in its singular. A single "#hashtag" is first split into
    words where the vocabulary allows, so "#barreljeans" == "barrel jeans". Idempotent.
    """
    text = unicodedata.normalize("NFKC", text).casefold().replace("’", "'").strip()
    if text.startswith("#") and " " not in text:
        from analysis.pipeline.text import segment_hashtag

        text = segment_hashtag(text.lstrip("#"))
    text = _SEPARATORS.sub(" ", text.lstrip("#"))
    text = _NON_WORD.sub(" ", text)
    words = []
    for raw in _SPACES.split(text):
        word = raw.strip("'")
        if word.endswith("'s"):
            word = word[:-2]
        word = word.replace("'", "")
        if word:
            word = singularize(word)
            words.append(CANONICAL_WORDS.get(word, word))
    phrase = " ".join(words)
    return phrase[:MAX_LENGTH].rstrip()
