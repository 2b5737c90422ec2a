"""Vocabulary of the generated world: garments, colours, phrases and the pools planted trends come from."""

from __future__ import annotations

GARMENTS = {
    "tops": ["t-shirt", "shirt", "blouse", "sweater", "cardigan", "hoodie", "crop top", "tank top"],
    "bottoms": ["jeans", "trousers", "skirt", "shorts", "cargo pants", "leggings"],
    "outerwear": ["blazer", "trench coat", "puffer jacket", "leather jacket", "denim jacket"],
    "dresses": ["slip dress", "maxi dress", "mini dress", "shirt dress"],
    "shoes": ["sneakers", "loafers", "boots", "sandals", "heels"],
    "bags": ["tote bag", "shoulder bag", "crossbody bag", "backpack"],
}

COLOURS = {
    "black": "#111111",
    "white": "#f5f5f5",
    "grey": "#8a8a8a",
    "navy": "#1f2a44",
    "beige": "#d8c3a5",
    "brown": "#6b4423",
    "light blue": "#9cc3e6",
    "blue": "#2f5fa7",
    "red": "#c0392b",
    "pink": "#f2a7c3",
    "green": "#2e8b57",
    "olive": "#6b7a3a",
    "burgundy": "#7b1e3a",
    "cream": "#f3ead3",
    "khaki": "#b5a36b",
    # Colours of planted trends only: the background never uses them.
    "butter yellow": "#f6e27f",
    "cherry red": "#a4161a",
    "neon green": "#39ff14",
    "lemon yellow": "#fff44f",
    "gold": "#d4af37",
    "lavender": "#b57edc",
    "chocolate": "#4a2c1d",
    "silver": "#c0c0c0",
}
BACKGROUND_COLOURS = list(COLOURS)[:15]

# Planted items: (category, colour, label) combinations the background never produces.
RISING_ITEMS = [
    ("shoes", "cherry red", "ballet flats"),
    ("bottoms", "light blue", "barrel jeans"),
    ("tops", "butter yellow", "cardigan"),
    ("outerwear", "chocolate", "suede jacket"),
    ("bags", "lavender", "bowling bag"),
    ("shoes", "silver", "mesh flats"),
    ("dresses", "butter yellow", "bubble dress"),
]
STEADY_ITEMS = [
    ("outerwear", "beige", "quilted jacket"),
    ("bottoms", "grey", "wide leg trousers"),
    ("shoes", "white", "court sneakers"),
    ("tops", "navy", "polo shirt"),
]
DECLINING_ITEMS = [
    ("bottoms", "black", "flare leggings"),
    ("tops", "pink", "corset top"),
    ("shoes", "beige", "chunky dad sneakers"),
    ("bags", "white", "micro bag"),
]
SPAM_ITEMS = [("bags", "gold", "chain clutch"), ("tops", "silver", "sequin top"), ("shoes", "gold", "platform heels")]
RING_ITEM = ("bags", "neon green", "mini bag")
VIRAL_ITEM = ("tops", "lemon yellow", "sweater")

# Planted keywords (English hashtags are written without spaces, as people write them).
RISING_KEYWORDS = ["barrel jeans", "ballet flats", "mesh flats", "bubble skirt", "boat shoes", "quiet luxury"]
RISING_KEYWORDS_KO = ["발레코어", "버터옐로우", "바렐진", "고프코어룩"]
STEADY_KEYWORDS = ["capsule wardrobe", "office look", "street style", "minimal style"]
DECLINING_KEYWORDS = ["mob wife", "coastal grandmother", "tomato girl", "clean girl"]
SPAM_KEYWORDS = ["megasale", "promo code", "dm to order"]
RING_KEYWORD = "glow bag"
VIRAL_KEYWORD = "lemon sweater"
# Tags on a large, stable share of posts that are not on the configured evergreen list.
DATA_EVERGREEN = {"daily feed": 0.25, "insta daily": 0.16}
STATIC_EVERGREEN = {"ootd": 0.30, "fashion": 0.22}
STATIC_EVERGREEN_KO = {"데일리룩": 0.45}

BACKGROUND_KEYWORDS = [
    "summer outfit", "weekend vibes", "vintage finds", "thrift haul", "new in", "try on haul", "layering",
    "date night", "travel outfit", "gym wear", "work wear", "denim love", "knitwear", "monochrome",
    "preppy style", "y2k", "colour block", "linen set", "party look", "rainy day outfit", "campus style",
    "old money", "tennis skirt", "athleisure", "spring layers", "autumn palette", "winter coat", "matching set",
]  # fmt: skip
BACKGROUND_KEYWORDS_KO = [
    "여름코디", "출근룩", "주말룩", "데일리코디", "빈티지", "하객룩", "캠퍼스룩", "꾸안꾸", "니트코디", "청바지코디",
    "원피스코디", "가을코디", "겨울코디", "운동복", "여행룩", "봄코디",
]  # fmt: skip
BEAUTY_KEYWORDS = [
    "skincare routine", "lip tint", "cushion foundation", "sun cream", "hair care", "nail art", "glass skin",
    "dewy skin", "no makeup look", "blush", "eyeliner", "serum", "toner pad", "perfume",
]  # fmt: skip
BEAUTY_KEYWORDS_KO = ["스킨케어", "립틴트", "쿠션팩트", "선크림", "헤어케어", "네일아트", "물광피부", "토너패드"]

EN_OPENERS = [
    "Today's look:", "Can't stop wearing this.", "Honest review:", "New favourite!", "Styled three ways:",
    "Weekend plans", "Obsessed with", "Quick outfit check", "Haul time!", "Trying something new:",
]  # fmt: skip
KO_OPENERS = ["오늘의 코디", "요즘 최애", "솔직 후기", "주말 나들이", "새로 산 아이템", "데일리 코디 공유해요"]

NAME_PARTS = [
    "minji", "jisoo", "hana", "yuna", "seoyeon", "daeun", "emma", "olivia", "ava", "mia", "lena", "zoe",
    "nora", "ruby", "ivy", "chloe", "sora", "haru", "yuri", "jun", "theo", "max", "leo", "sam",
]  # fmt: skip
HANDLE_SUFFIXES = ["style", "closet", "daily", "looks", "wears", "fits", "edit", "diary", "ootd", "beauty"]
