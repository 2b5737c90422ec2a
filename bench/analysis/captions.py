"""Realistic generated influencer captions: English with some Korean, a recurring fashion vocabulary.

Deterministic for a seed. Captions mix review, outfit, haul and beauty templates of one line to a
short story, inline and trailing hashtags (compound tags like #barreljeans, evergreen tags like
#ootd), mentions, emoji and links, the way crawled posts look.
"""

from __future__ import annotations

import random

ITEMS = """barrel jeans|wide-leg trousers|slip dress|trench coat|ballet flats|loafers|chunky sneakers|cardigan|
oversized blazer|denim jacket|mini skirt|maxi skirt|cargo pants|linen shirt|knit vest|leather jacket|
puffer jacket|mary janes|mesh flats|wrap top|bomber jacket|pleated skirt|kitten heels|silk scarf|
shoulder bag|bucket hat|baseball cap|knee boots|cowboy boots|polo shirt|rugby shirt|track jacket|
capri pants|bermuda shorts|sheer blouse|corset top|tank top|white tee|striped shirt|boat shoes""".replace(
    "\n", ""
).split("|")
BEAUTY = """lip oil|tinted moisturiser|cream blush|skin tint|brow gel|glass skin serum|sunscreen stick|
cushion foundation|lip liner|setting spray|hair oil|clean girl makeup|latte makeup|strawberry makeup""".replace(
    "\n", ""
).split("|")
COLOURS = """butter yellow|sage green|burgundy|chocolate brown|navy|cream|camel|black|white|baby blue|
cherry red|olive|lavender|powder pink|grey|beige|khaki|mocha mousse|silver|denim blue""".replace("\n", "").split("|")
ADJECTIVES = ["cosy", "comfy", "chic", "minimal", "oversized", "cropped", "vintage", "tailored", "relaxed", "sleek"]
ADJECTIVES += ["bold", "soft", "classic"]
OCCASIONS = """brunch|the office|date night|a wedding|the weekend|travel day|a concert|autumn walks|
school run|a gallery visit|coffee with friends|the airport""".replace("\n", "").split("|")
OPENERS = """Honest review:|Obsessed with|Can't stop wearing|New in:|Styling|Outfit details:|Quick haul:|
Day three of|Trying the|Finally found|Swipe for|My take on""".replace("\n", "").split("|")
CLOSERS = """Link in bio.|Would you wear this?|Sizing info in stories.|Which one is your favourite?|
Code SAVE15 works till Sunday.|More details on the blog.|Thoughts?|Saving this for later.|""".replace("\n", "").split(
    "|"
)
EVERGREEN = ["ootd", "fashion", "style", "outfitinspo", "whatiwore", "fyp", "instafashion", "beauty"]
EMOJI = ["✨", "🤍", "🔥", "🌼", "💫", "👖", "👗", "☕", ""]
KOREAN_ITEMS = ["배럴진", "트렌치코트", "가디건", "로퍼", "발레플랫", "슬랙스", "니트", "블레이저", "원피스", "립오일"]
KOREAN_TEMPLATES = [
    "오늘의 데일리룩 {k} 너무 편해요 {e}",
    "요즘 {k} 에 빠졌어요 {c} 컬러 추천해요",
    "{k} 코디 공유합니다 출근룩으로 딱이에요",
    "가을 필수템 {k} 구매했어요 후기 남겨요",
]
KOREAN_TAGS = ["데일리룩", "오오티디", "코디", "패션스타그램", "출근룩", "가을코디"]
HANDLES = [
    f"{a}.{b}" for a in ("minji", "sofia", "lee", "ava", "june", "mara", "kai") for b in ("style", "wears", "edit")
]


def _tag(phrase: str) -> str:
    return "#" + phrase.replace(" ", "").replace("-", "").replace("'", "")


def english_caption(rng: random.Random) -> str:
    """One line (30 %), two sentences (45 %) or a longer story (25 %), then its hashtags."""
    item, colour = rng.choice(ITEMS + BEAUTY), rng.choice(COLOURS)
    sentences = [f"{rng.choice(OPENERS)} the {colour} {item} {rng.choice(EMOJI)}"]
    shape = rng.random()
    if shape >= 0.3:
        sentences.append(
            f"{rng.choice(ADJECTIVES).capitalize()} and {rng.choice(ADJECTIVES)}, perfect for {rng.choice(OCCASIONS)}."
        )
    if shape >= 0.75:
        sentences.append(f"Paired it with my {rng.choice(ADJECTIVES)} {rng.choice(ITEMS)}")
        if rng.random() < 0.5:
            sentences.append(f"wearing #{_tag(rng.choice(ITEMS))[1:]} all week")
        sentences.append(rng.choice(CLOSERS))
    if rng.random() < 0.25:
        sentences.append(f"thanks @{rng.choice(HANDLES)}")
    if rng.random() < 0.1:
        sentences.append("https://shop.example/p/" + str(rng.randint(1000, 9999)))
    tags = {_tag(item), _tag(colour + " " + item.split()[-1])}
    tags.update("#" + t for t in rng.sample(EVERGREEN, rng.randint(1, 3)))
    return " ".join(s for s in sentences if s) + " " + " ".join(sorted(tags))


def korean_caption(rng: random.Random) -> str:
    template = rng.choice(KOREAN_TEMPLATES)
    text = template.format(k=rng.choice(KOREAN_ITEMS), e=rng.choice(EMOJI), c=rng.choice(COLOURS))
    if rng.random() < 0.4:
        text += f" {rng.choice(ITEMS)}"
    tags = " ".join("#" + t for t in rng.sample(KOREAN_TAGS, 2))
    return f"{text} {tags}"


def generate_captions(count: int, seed: int = 7, korean_share: float = 0.15) -> list[str]:
    rng = random.Random(seed)
    return [korean_caption(rng) if rng.random() < korean_share else english_caption(rng) for _ in range(count)]
