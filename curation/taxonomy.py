"""Shared vocabularies: garment and beauty categories, colour families, creator regions.

Shops name categories and colours freely ("Wide-leg Jeans", "Navy"); trends use the analysis
pipeline's canonical garment categories ("bottoms") and colour names ("light blue"). These
tables let matching and profiles compare the two.
"""

from __future__ import annotations

import re

# Canonical category -> words that name it in product titles, shop categories and keywords.
CATEGORY_SYNONYMS: dict[str, frozenset[str]] = {
    category: frozenset(synonyms.split())
    for category, synonyms in {
        "tops": "top tops shirt shirts blouse tee t-shirt tshirt sweater knit knitwear hoodie sweatshirt cardigan "
        "tank camisole polo jumper",
        "bottoms": "bottom bottoms jeans jean trousers pants skirt skirts shorts leggings joggers chinos cargo slacks",
        "dresses": "dress dresses gown jumpsuit romper",
        "outerwear": "outerwear jacket jackets coat coats blazer parka puffer trench vest gilet bomber windbreaker",
        "shoes": "shoe shoes sneakers sneaker boots boot heels loafers sandals mules flats trainers footwear pumps",
        "bags": "bag bags tote handbag backpack clutch crossbody purse",
        "accessories": "accessory accessories hat cap beanie scarf belt sunglasses jewelry jewellery necklace "
        "earrings bracelet ring watch gloves headband",
        "makeup": "makeup lipstick lip tint gloss foundation cushion concealer mascara eyeliner eyeshadow blush "
        "bronzer highlighter primer",
        "skincare": "skincare serum toner moisturizer moisturiser cream cleanser sunscreen spf essence ampoule mask "
        "retinol",
        "hair": "hair shampoo conditioner hairspray",
        "fragrance": "fragrance perfume cologne",
    }.items()
}
CATEGORIES: tuple[str, ...] = tuple(CATEGORY_SYNONYMS)
BEAUTY_CATEGORIES = frozenset({"makeup", "skincare", "hair", "fragrance"})

# Colour family -> the names that belong to it. Same name agrees fully, same family partly.
_FAMILIES = {
    "black": "black charcoal jet",
    "white": "white ivory cream off-white ecru",
    "grey": "grey gray silver light-grey dark-grey",
    "blue": "blue light-blue navy dark-blue denim sky-blue cobalt indigo teal turquoise",
    "red": "red burgundy maroon wine crimson coral",
    "pink": "pink light-pink hot-pink blush rose fuchsia",
    "purple": "purple lilac lavender violet plum",
    "green": "green olive khaki mint sage dark-green emerald forest-green",
    "yellow": "yellow mustard lemon butter butter-yellow gold",
    "orange": "orange rust peach terracotta",
    "brown": "brown beige tan camel chocolate light-brown dark-brown taupe nude mocha",
    "multi": "multi multicolour multicolor",
}
COLOUR_FAMILIES: dict[str, str] = {
    name.replace("-", " ") if name != "off-white" else name: family
    for family, names in _FAMILIES.items()
    for name in names.split()
}

# Region code -> (label, ISO 3166-1 alpha-2 countries of the creators it stands for).
REGIONS: dict[str, tuple[str, frozenset[str]]] = {
    code: (label, frozenset(countries.split()))
    for code, (label, countries) in {
        "east_asia": ("East Asia", "KR JP CN TW HK MO MN"),
        "southeast_asia": ("Southeast Asia", "SG MY TH VN ID PH KH MM LA BN"),
        "south_asia": ("South Asia", "IN PK BD LK NP"),
        "north_america": ("North America", "US CA MX"),
        "latin_america": ("Latin America", "BR AR CL CO PE UY EC VE"),
        "europe": (
            "Europe",
            "GB IE FR DE IT ES PT NL BE LU CH AT DK SE NO FI IS PL CZ SK HU RO BG GR HR SI EE LV LT UA",
        ),
        "middle_east": ("Middle East", "AE SA QA KW BH OM IL TR JO LB EG"),
        "oceania": ("Oceania", "AU NZ"),
        "africa": ("Africa", "ZA NG KE MA GH TN"),
    }.items()
}

_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def canonical_category(text: str) -> str:
    """The canonical category a free-text category or title names, or '' if none is recognised."""
    lowered = text.strip().lower()
    if lowered in CATEGORY_SYNONYMS:
        return lowered
    # The last recognised word wins: "denim jacket" is outerwear, "jacket dress" a dress.
    for token in reversed(words(lowered)):
        for category, synonyms in CATEGORY_SYNONYMS.items():
            if token in synonyms:
                return category
    return ""


def normalise_colour(text: str) -> str:
    return " ".join(words(text))


def colour_in_text(text: str) -> str:
    """The most specific colour name mentioned in `text` ('light blue' over 'blue'), or ''."""
    padded = f" {normalise_colour(text)} "
    best = ""
    for name in COLOUR_FAMILIES:
        if f" {name} " in padded and len(name) > len(best):
            best = name
    return best


def colour_agreement(a: str, b: str) -> float:
    """1.0 for the same colour, 0.5 for the same family, 0.0 otherwise or when either is unknown."""
    a, b = normalise_colour(a), normalise_colour(b)
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    return 0.5 if COLOUR_FAMILIES.get(a, a) == COLOUR_FAMILIES.get(b, b) else 0.0


def countries_for(countries: list[str], regions: list[str]) -> frozenset[str]:
    """Every creator country a profile asks for, regions expanded."""
    found = {c.upper() for c in countries}
    for region in regions:
        if region in REGIONS:
            found |= REGIONS[region][1]
    return frozenset(found)
