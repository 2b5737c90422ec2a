"""A generated world of creators and posts with planted trends, for the demo, the tests and `generate_demo_data`.

Deterministic for a seed. Creators follow a log-normal follower spread (a few big accounts, a long
tail of small ones); posts are in Korean and English; metrics grow over two or three snapshots.
Planted, per seed: rising, steady and declining items and keywords, evergreen tags, spam accounts
(one caption posted many times), a bot ring (many tiny accounts, near-zero engagement, one item)
and a viral one-off post. `World.planted` says what was planted where, so tests can check the engine.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone

from analysis.pipeline.normalize import normalize_keyword
from trends.weeks import IsoWeek
from trends.world import vocab

PLATFORMS = [("instagram", 0.6), ("tiktok", 0.25), ("youtube", 0.15)]
COUNTRIES = [("KR", 0.4), ("US", 0.25), ("GB", 0.1), ("JP", 0.1), ("FR", 0.08), ("AU", 0.07)]
POSTS_PER_CREATOR_WEEK = 0.13
SPAM_ACCOUNTS = 3
RING_ACCOUNTS = 60


@dataclass(frozen=True)
class WorldSpec:
    seed: int
    weeks: int = 10
    creators: int = 3000
    end_week: IsoWeek | None = None  # default: the last complete week
    now: datetime | None = None  # metrics observed after this are not written; default: now
    snapshots: int = 3
    id_prefix: str = ""  # prefixed to every external_id, so a loaded world can be recognised

    def resolved_end(self) -> IsoWeek:
        return self.end_week or IsoWeek.last_complete(self.now)


@dataclass
class Creator:
    handle: str
    name: str
    platform: str
    followers: int
    country: str
    segment: str
    role: str = "normal"  # normal, spam, ring, viral
    rate: float = 0.03  # typical engagement per follower
    activity: float = POSTS_PER_CREATOR_WEEK


@dataclass
class Snapshot:
    observed_at: datetime
    likes: int
    comments: int
    shares: int
    views: int


@dataclass
class GeneratedPost:
    external_id: str
    creator: int  # index into World.creators
    week: int  # index into World.weeks
    posted_at: datetime
    caption: str
    hashtags: list[str]  # as written, without '#'
    phrases: list[str]  # prose phrases a keyword extractor would find
    items: list[tuple[str, str, str]]  # (category, colour, label)
    snapshots: list[Snapshot] = field(default_factory=list)


@dataclass(frozen=True)
class Planted:
    kind: str  # "keyword" or "item"
    key: str  # the engine's key (normalised phrase, or category:colour:label)
    role: str  # rising, steady, declining, spam, ring, viral, evergreen-static, evergreen-data
    takeoff: int | None = None  # week index of take-off (rising) or of the one post (viral)


@dataclass
class World:
    spec: WorldSpec
    weeks: list[IsoWeek]
    creators: list[Creator]
    posts: list[GeneratedPost]
    planted: list[Planted]

    def planted_keys(self, role: str, kind: str | None = None) -> list[Planted]:
        return [p for p in self.planted if p.role == role and (kind is None or p.kind == kind)]


def item_key(item: tuple[str, str, str]) -> str:
    category, colour, label = item
    return f"{category}:{colour}:{label}"


def _weighted(rng: random.Random, pairs: list[tuple[str, float]]) -> str:
    return rng.choices([p for p, _ in pairs], weights=[w for _, w in pairs])[0]


def _hashtag(phrase: str) -> str:
    return phrase.replace(" ", "").replace("-", "")


class _Builder:
    def __init__(self, spec: WorldSpec) -> None:
        self.spec = spec
        self.rng = random.Random(spec.seed)
        end = spec.resolved_end()
        self.weeks = [end.shift(-n) for n in range(spec.weeks - 1, -1, -1)]
        self.now = spec.now or timezone.now()
        self.creators: list[Creator] = []
        self.posts: list[GeneratedPost] = []
        self.planted: list[Planted] = []
        # (kind, phrase or item key) -> (role, share of posts carrying it in each week)
        self.rates: dict[tuple[str, str], tuple[str, list[float]]] = {}
        self.items: dict[str, tuple[str, str, str]] = {}
        self.background_items = [
            (category, colour, label)
            for category, labels in vocab.GARMENTS.items()
            for label in labels
            for colour in vocab.BACKGROUND_COLOURS
        ]
        self.rng.shuffle(self.background_items)
        # Zipf popularity: a few common garments, a long tail.
        self.item_weights = [1 / (rank + 1) ** 0.9 for rank in range(len(self.background_items))]

    # --- creators ------------------------------------------------------------------------------
    def make_creators(self) -> None:
        rng = self.rng
        for n in range(self.spec.creators):
            followers = int(min(8_000_000, max(80, rng.lognormvariate(math.log(6000), 1.5))))
            country = _weighted(rng, COUNTRIES)
            creator = self._creator(n, followers, country, "beauty" if rng.random() < 0.3 else "fashion")
            creator.activity = POSTS_PER_CREATOR_WEEK * rng.lognormvariate(-0.3, 0.8)
            self.creators.append(creator)

    def _creator(self, n: int, followers: int, country: str, segment: str, role: str = "normal") -> Creator:
        rng = self.rng
        name = rng.choice(vocab.NAME_PARTS)
        suffix = rng.choice(vocab.HANDLE_SUFFIXES)
        # Smaller accounts engage a larger share of their followers.
        rate = min(0.3, max(0.003, rng.lognormvariate(math.log(0.035) - 0.1 * math.log(followers / 1000), 0.5)))
        return Creator(
            handle=f"{name}.{suffix}{n}",
            name=name.title(),
            platform=_weighted(rng, PLATFORMS),
            followers=followers,
            country=country,
            segment=segment,
            role=role,
            rate=rate,
        )

    # --- planted trends ------------------------------------------------------------------------
    def plant(self) -> None:
        rng, w = self.rng, self.spec.weeks
        # Take-off in the second half, with a week after it to see the follow-through (short worlds: asap).
        first = min(max(2, w // 2 - 1), w - 1)
        takeoff_range = range(first, max(first + 1, w - 2))

        def curve(role: str, takeoff: int | None = None, level: float = 0.08) -> list[float]:
            if role == "rising":
                shares = [0.004 if t < takeoff else min(0.13, 0.06 * (1.6 ** (t - takeoff))) for t in range(w)]
            elif role == "steady":
                shares = [level * rng.uniform(0.95, 1.05) for _ in range(w)]
            else:  # declining
                start = max(1, w // 3)
                shares = [0.10 if t < start else 0.10 * 0.62 ** (t - start + 1) for t in range(w)]
            return shares

        for role, pool, count in (
            ("rising", vocab.RISING_ITEMS, 2),
            ("steady", vocab.STEADY_ITEMS, 2),
            ("declining", vocab.DECLINING_ITEMS, 2),
        ):
            for item in rng.sample(pool, count):
                takeoff = rng.choice(takeoff_range) if role == "rising" else None
                self._plant("item", item_key(item), role, curve(role, takeoff), takeoff)
                self.items[item_key(item)] = item
        keyword_pools = (
            ("rising", vocab.RISING_KEYWORDS, 2),
            ("rising", vocab.RISING_KEYWORDS_KO, 1),
            ("steady", vocab.STEADY_KEYWORDS, 2),
            ("declining", vocab.DECLINING_KEYWORDS, 2),
        )
        for role, pool, count in keyword_pools:
            for phrase in rng.sample(pool, count):
                takeoff = rng.choice(takeoff_range) if role == "rising" else None
                # Steady keywords stay well below the evergreen share (trends.labels).
                self._plant("keyword", phrase, role, curve(role, takeoff, level=0.05), takeoff)
        for phrase, share in vocab.STATIC_EVERGREEN.items():
            self._plant("keyword", phrase, "evergreen-static", [share] * w)
        for phrase, share in vocab.STATIC_EVERGREEN_KO.items():
            self._plant("keyword", phrase, "evergreen-static-ko", [share] * w)
        for phrase, share in vocab.DATA_EVERGREEN.items():
            self._plant("keyword", phrase, "evergreen-data", [share * rng.uniform(0.95, 1.05) for _ in range(w)])

    def _plant(self, kind: str, key: str, role: str, shares: list[float], takeoff: int | None = None) -> None:
        engine_key = normalize_keyword(key) if kind == "keyword" else key
        self.planted.append(Planted(kind, engine_key, role, takeoff))
        self.rates[(kind, key)] = (role, shares)

    # --- posts ---------------------------------------------------------------------------------
    def make_posts(self) -> None:
        for week_index in range(self.spec.weeks):
            for index, creator in enumerate(self.creators):
                if creator.role != "normal":
                    continue
                for _ in range(self._poisson(creator.activity)):
                    self._normal_post(index, week_index)
        self._spam()
        self._ring()
        self._viral()

    def _poisson(self, lam: float) -> int:
        # Knuth's method: lam is small here.
        limit, k, p = math.exp(-lam), 0, 1.0
        while True:
            p *= self.rng.random()
            if p <= limit:
                return k
            k += 1

    def _normal_post(self, creator_index: int, week: int) -> None:
        rng, creator = self.rng, self.creators[creator_index]
        korean = creator.country == "KR" and rng.random() < 0.8
        fashion = creator.segment == "fashion"
        hashtags: list[str] = []
        phrases: list[str] = []
        boost = 1.0
        if fashion:
            pool = vocab.BACKGROUND_KEYWORDS_KO if korean else vocab.BACKGROUND_KEYWORDS
            items = rng.choices(self.background_items, weights=self.item_weights, k=rng.randint(1, 3))
        else:
            pool = vocab.BEAUTY_KEYWORDS_KO if korean else vocab.BEAUTY_KEYWORDS
            items = rng.choices(self.background_items, weights=self.item_weights, k=rng.randint(0, 1))
        for phrase in rng.sample(pool, 2):
            (hashtags.append(_hashtag(phrase)) if rng.random() < 0.6 else phrases.append(phrase))
        for (kind, key), (role, shares) in self.rates.items():
            if (role == "evergreen-static-ko" and not korean) or (kind == "item" and not fashion):
                continue
            if rng.random() >= shares[week]:
                continue
            if kind == "item":
                items = [self.items[key], *items[:1]]
            else:
                # Near-duplicate phrasings of one trend: hashtag, hyphenated and plural prose.
                form = rng.random()
                if form < 0.6 or role.startswith("evergreen"):
                    hashtags.append(_hashtag(key))
                elif form < 0.8:
                    phrases.append(key.replace(" ", "-", 1))
                else:
                    phrases.append(key)
            if role == "rising":
                boost *= 1.3
        caption = self._caption(korean, hashtags, phrases)
        self._add(creator_index, week, caption, hashtags, phrases, list(dict.fromkeys(items)), boost)

    def _caption(self, korean: bool, hashtags: list[str], phrases: list[str]) -> str:
        rng = self.rng
        opener = rng.choice(vocab.KO_OPENERS if korean else vocab.EN_OPENERS)
        prose = " ".join(f"{p}!" if korean else f"Loving the {p}." for p in phrases)
        tags = " ".join(f"#{t}" for t in hashtags)
        return " ".join(part for part in (opener, prose, tags) if part)

    def _add(
        self,
        creator_index: int,
        week: int,
        caption: str,
        hashtags: list[str],
        phrases: list[str],
        items: list[tuple[str, str, str]],
        boost: float = 1.0,
        engagement: float | None = None,
    ) -> GeneratedPost:
        rng, creator = self.rng, self.creators[creator_index]
        iso = self.weeks[week]
        posted_at = iso.starts_at + timedelta(seconds=rng.uniform(0, 7 * 24 * 3600 - 1))
        likes = engagement if engagement is not None else creator.followers * creator.rate * boost
        likes *= rng.lognormvariate(0, 0.45)
        post = GeneratedPost(
            external_id=f"{self.spec.id_prefix}{creator.platform[:2]}{self.spec.seed}x{len(self.posts):06d}",
            creator=creator_index,
            week=week,
            posted_at=posted_at,
            caption=caption,
            hashtags=hashtags,
            phrases=phrases,
            items=items,
        )
        post.snapshots = self._snapshots(creator, posted_at, likes)
        self.posts.append(post)
        return post

    def _snapshots(self, creator: Creator, posted_at: datetime, likes: float) -> list[Snapshot]:
        rng = self.rng
        comment_rate, share_rate = rng.uniform(0.01, 0.05), rng.uniform(0.0, 0.02)
        views_per_like = {"tiktok": rng.uniform(8, 30), "youtube": rng.uniform(20, 60)}.get(creator.platform, 0.0)
        steps = [(timedelta(hours=6), 0.35), (timedelta(days=2), 0.8), (timedelta(days=5), 1.0)]
        snapshots = []
        for delay, fraction in steps[-self.spec.snapshots :]:
            observed = posted_at + delay
            if observed > self.now:
                break
            n = likes * fraction
            snapshots.append(
                Snapshot(
                    observed_at=observed,
                    likes=int(n),
                    comments=int(n * comment_rate),
                    shares=int(n * share_rate),
                    views=int(n * views_per_like),
                )
            )
        if not snapshots:
            snapshots.append(Snapshot(posted_at + timedelta(minutes=5), int(likes * 0.05), 0, 0, 0))
        return snapshots

    def _extra_creator(self, role: str, followers: int, segment: str = "fashion") -> int:
        creator = self._creator(len(self.creators), followers, self.rng.choice(["KR", "US"]), segment, role)
        creator.platform = "instagram"
        self.creators.append(creator)
        return len(self.creators) - 1

    def _spam(self) -> None:
        """Each spam account posts one caption 15-25 times a week; a few real posts use the same key."""
        rng = self.rng
        for n in range(SPAM_ACCOUNTS):
            item, keyword = vocab.SPAM_ITEMS[n], vocab.SPAM_KEYWORDS[n]
            self.planted += [
                Planted("item", item_key(item), "spam"),
                Planted("keyword", normalize_keyword(keyword), "spam"),
            ]
            account = self._extra_creator("spam", int(rng.uniform(20_000, 60_000)))
            caption = f"Last chance!! Big drop today #{_hashtag(keyword)} #sale link in bio"
            for week in range(self.spec.weeks):
                for _ in range(rng.randint(15, 25)):
                    self._add(account, week, caption, [_hashtag(keyword), "sale"], [], [item])
        self._sprinkle(vocab.SPAM_ITEMS, vocab.SPAM_KEYWORDS)

    def _sprinkle(self, items: list, keywords: list[str]) -> None:
        """A few ordinary posts carry the pushed keys too, so they are rankable and need beating on merit."""
        normal = [i for i, c in enumerate(self.creators) if c.role == "normal" and c.segment == "fashion"]
        for week in range(self.spec.weeks):
            for item, keyword in zip(items, keywords, strict=False):
                for creator_index in self.rng.sample(normal, 1):
                    caption = f"{self.rng.choice(vocab.EN_OPENERS)} #{_hashtag(keyword)}"
                    self._add(creator_index, week, caption, [_hashtag(keyword)], [], [item])

    def _ring(self) -> None:
        """Tiny accounts pushing one item and tag from mid-world on, growing like a trend, with no real engagement."""
        rng, w = self.rng, self.spec.weeks
        self.planted += [
            Planted("item", item_key(vocab.RING_ITEM), "ring", w // 2),
            Planted("keyword", normalize_keyword(vocab.RING_KEYWORD), "ring", w // 2),
        ]
        ring = [self._extra_creator("ring", int(rng.uniform(20, 400))) for _ in range(RING_ACCOUNTS)]
        tag = _hashtag(vocab.RING_KEYWORD)
        for week in range(w // 2, w):
            active = ring[: min(RING_ACCOUNTS, 25 + 12 * (week - w // 2))]
            for account in active:
                for _ in range(rng.randint(2, 3)):
                    caption = f"obsessed with my new bag #{tag} #musthave"
                    self._add(account, week, caption, [tag, "musthave"], [], [vocab.RING_ITEM], engagement=0.8)
        self._sprinkle([vocab.RING_ITEM], [vocab.RING_KEYWORD])

    def _viral(self) -> None:
        """One post of a mid-sized account with ~60× its usual engagement, on a tag nobody else uses."""
        week = self.rng.randrange(min(1, self.spec.weeks - 1), self.spec.weeks)
        account = self._extra_creator("viral", 15_000)
        creator = self.creators[account]
        caption = f"This went everywhere?! #{_hashtag(vocab.VIRAL_KEYWORD)}"
        items = [vocab.VIRAL_ITEM, ("bottoms", "black", "jeans")]
        self._add(
            account, week, caption, [_hashtag(vocab.VIRAL_KEYWORD)], [], items,
            engagement=creator.followers * creator.rate * 60,
        )  # fmt: skip
        self.planted += [
            Planted("item", item_key(vocab.VIRAL_ITEM), "viral", week),
            Planted("keyword", normalize_keyword(vocab.VIRAL_KEYWORD), "viral", week),
        ]


def generate_world(spec: WorldSpec) -> World:
    builder = _Builder(spec)
    builder.make_creators()
    builder.plant()
    builder.make_posts()
    builder.posts.sort(key=lambda p: p.posted_at)
    return World(spec, builder.weeks, builder.creators, builder.posts, builder.planted)
