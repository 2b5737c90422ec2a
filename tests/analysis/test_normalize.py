"""The one keyword normalisation: the key trends and curation group keywords by."""

import pytest

from analysis.pipeline.normalize import normalize_keyword

TABLE = [
    # case, width and whitespace
    ("Barrel Jeans", "barrel jeans"),
    ("  barrel   jeans ", "barrel jeans"),
    ("ＯＯＴＤ", "ootd"),
    # hyphen, underscore and slash are spaces
    ("wide-leg trousers", "wide leg trousers"),
    ("Wide-Leg  Trousers", "wide leg trousers"),
    ("wide_leg", "wide leg"),
    ("T-Shirts", "t shirt"),
    ("tshirt", "t shirt"),
    # plurals to singular, with the garments that must keep their s
    ("dresses", "dress"),
    ("dress", "dress"),
    ("slip dresses", "slip dress"),
    ("jeans", "jeans"),
    ("mom jeans", "mom jeans"),
    ("leggings", "leggings"),
    ("glasses", "glasses"),
    ("sunglasses", "sunglasses"),
    ("cargo pants", "cargo pants"),
    ("shorts", "shorts"),
    ("sneakers", "sneaker"),
    ("ballet flats", "ballet flat"),
    ("loafers", "loafer"),
    ("hoodies", "hoodie"),
    ("accessories", "accessory"),
    ("scarves", "scarf"),
    ("sleeves", "sleeve"),
    ("shoes", "shoe"),
    ("watches", "watch"),
    ("boxes", "box"),
    ("classes", "class"),
    ("canvas tote", "canvas tote"),
    ("news", "news"),
    # possessives and punctuation
    ("Zara's new drop!", "zara new drop"),
    # a hashtag is segmented where the vocabulary allows, so it meets its phrase
    ("#barreljeans", "barrel jeans"),
    ("#BalletFlats", "ballet flat"),
    ("#ootd", "ootd"),
    # Korean is only folded
    ("#데일리룩", "데일리룩"),
    ("데일리룩", "데일리룩"),
]


@pytest.mark.parametrize(("raw", "expected"), TABLE)
def test_normalize_keyword(raw, expected):
    assert normalize_keyword(raw) == expected


@pytest.mark.parametrize(("raw", "_"), TABLE)
def test_normalize_keyword_is_idempotent(raw, _):
    once = normalize_keyword(raw)
    assert normalize_keyword(once) == once


def test_a_phrase_and_its_hashtag_are_one_keyword():
    assert normalize_keyword("#widelegjeans") == normalize_keyword("Wide-leg jeans")
    assert normalize_keyword("#butteryellow") == normalize_keyword("Butter Yellow")
