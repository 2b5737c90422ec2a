"""Caption parsing: hashtags, mentions, language, hashtag segmentation, the Korean noun route.

Everything here is pure Python and cheap; the sentence encoder lives in `analysis.embeddings` and
keyword selection in `analysis.pipeline.keywords`.

Language rule (documented in docs/ingest-and-analysis.md): over the caption's letters outside
hashtags, mentions and links, Hangul syllables/jamo against Latin letters; Korean when Hangul is
at least 30 % of them (a Hangul syllable carries two or three Latin letters' worth of sound, so a
mostly-Korean caption with a few English brand names stays Korean). Kana makes it Japanese, other
Han characters Chinese; a caption with no letters gets no language.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from analysis.pipeline.normalize import normalize_keyword, words_of

# A hashtag starts after whitespace or punctuation (not inside a word or a URL fragment).
HASHTAG = re.compile(r"(?<![\w&/#])#(\w+)")
MENTION = re.compile(r"(?<![\w.@/])@(\w[\w.]*\w|\w)")
URL = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
KANA = re.compile(r"[\u3040-\u30ff]")
HAN = re.compile(r"[\u4e00-\u9fff]")
LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
# Emoji and pictographs: unknown tokens to the MiniLM, and they cost encoder time.
PICTOGRAPHS = re.compile(r"[\U0001F000-\U0001FAFF\u2190-\u21FF\u2300-\u23FF\u2600-\u27BF\u2B00-\u2BFF\uFE0F\u200D]")
KOREAN_SHARE = 0.3
# A trailing run of hashtags (and mentions) is metadata, not prose: it leaves the KeyBERT document.
TRAILING_TAGS = re.compile(r"(?:\s*[#@][\w.]+)+\s*$")


@dataclass
class ParsedCaption:
    hashtags: list[str] = field(default_factory=list)
    mentions: list[str] = field(default_factory=list)
    language: str = ""
    # Prose for the English keyword model (hashtag runs, mentions and links removed).
    english_text: str = ""
    # Noun-like Hangul tokens with their counts, for the Korean route.
    korean_terms: Counter = field(default_factory=Counter)


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def parse_hashtags(caption: str) -> list[str]:
    """Lower-case (NFKC, casefolded) tags without '#', in order of first use, each once."""
    text = unicodedata.normalize("NFKC", caption)
    return _unique([tag.casefold() for tag in HASHTAG.findall(URL.sub(" ", text))])


def parse_mentions(caption: str) -> list[str]:
    text = unicodedata.normalize("NFKC", caption)
    return _unique([handle.casefold() for handle in MENTION.findall(URL.sub(" ", text))])


def detect_language(caption: str) -> str:
    """'ko', 'ja', 'zh', 'en' or '' by the script rule in this module's docstring."""
    text = MENTION.sub(" ", HASHTAG.sub(" ", URL.sub(" ", caption)))
    if not any(pattern.search(text) for pattern in (HANGUL, LATIN, KANA, HAN)):
        # A caption of hashtags only speaks the language of its tags.
        text = " ".join(HASHTAG.findall(caption))
    hangul, latin, kana = len(HANGUL.findall(text)), len(LATIN.findall(text)), len(KANA.findall(text))
    if kana and kana >= hangul:
        return "ja"
    if hangul and hangul / (hangul + latin) >= KOREAN_SHARE:
        return "ko"
    if HAN.search(text) and len(HAN.findall(text)) >= latin:
        return "zh"
    return "en" if latin else ""


@lru_cache(maxsize=1)
def _wordsegment():
    import wordsegment

    wordsegment.load()
    return wordsegment


# Segments shorter than three letters are usually wrong ("ootd" -> "oo td"), except these prefixes.
ALLOWED_SHORT = frozenset({"k", "t", "y", "x", "3d", "go", "up", "on", "in", "of", "to"})
MIN_SEGMENT_FREQUENCY = 100_000
COMMON_WORD_FREQUENCY = 1_000_000


@lru_cache(maxsize=50_000)
def segment_hashtag(tag: str) -> str:
    """Words of an ASCII hashtag where the English vocabulary allows: 'barreljeans' -> 'barrel jeans'.

    A tag stays whole when any piece would be too short or too rare to trust ("ootd", "minji").
    """
    if not tag.isascii() or not tag.isalpha() or len(tag) < 6:
        return tag.replace("_", " ")
    ws = _wordsegment()
    pieces = _rejoin_common_words(ws.segment(tag), ws.UNIGRAMS)
    if len(pieces) < 2:
        return tag
    for piece in pieces:
        if len(piece) < 3 and piece not in ALLOWED_SHORT:
            return tag
        if ws.UNIGRAMS.get(piece, 0) < MIN_SEGMENT_FREQUENCY:
            return tag
    if pieces[-1] in ALLOWED_SHORT and len(pieces[-1]) < 3:
        return tag
    return " ".join(pieces)


def _rejoin_common_words(pieces: list[str], unigrams: dict) -> list[str]:
    """Undo splits of common single words ("make up" -> "makeup"), so #lattemakeup meets "latte makeup"."""
    joined = [pieces[0]]
    for piece in pieces[1:]:
        if unigrams.get(joined[-1] + piece, 0) >= COMMON_WORD_FREQUENCY:
            joined[-1] += piece
        else:
            joined.append(piece)
    return joined


def hashtag_phrase(tag: str) -> str:
    """The normalised phrase a hashtag counts as ('BarrelJeans' -> 'barrel jeans')."""
    return normalize_keyword("#" + tag)


def english_document(caption: str) -> str:
    """Caption prose for the sentence encoder: links, mentions, emoji, Hangul and trailing tag runs
    removed; an inline hashtag ("my new #barreljeans today") is replaced by its words."""
    text = URL.sub(" ", unicodedata.normalize("NFKC", caption))
    text = TRAILING_TAGS.sub(" ", text)
    text = MENTION.sub(" ", text)
    text = HASHTAG.sub(lambda m: " " + segment_hashtag(m.group(1).casefold()) + " ", text)
    text = PICTOGRAPHS.sub(" ", HANGUL.sub(" ", text))
    return " ".join(text.split())


# --- Korean route -------------------------------------------------------------------------------
# The MiniLM is English-only, so Korean prose gets a small rule tokenizer over Hangul runs: noun
# particles (josa) are stripped; a 하다-verb ("추천해요") keeps its noun ("추천"); any other verb or
# adjective ending marks a predicate, which is dropped. Stems of two syllables or more are kept.
# It is a noun-ish approximation, not morphological analysis; hashtags carry most Korean signal.
def _by_length(words: str) -> list[str]:
    return sorted(words.split(), key=len, reverse=True)


PARTICLES = _by_length(
    "에서는 에서 에게 한테 까지 부터 처럼 보다 이랑 으로 이나 이라 은 는 이 가 을 를 에 의 도 로 와 과 랑 만"
)
HADA_ENDINGS = _by_length(
    "했어요 했는데 합니다 해요 하는 하고 하기 하게 해서 했다 하다 한다 했던 할게요 하세요 한 할 함"
)
PREDICATE_ENDINGS = _by_length(
    "었어요 았어요 였어요 이에요 입니다 예요 에요 어요 아요 네요 는데 지만 으면 습니다 었다 았다 어서 아서 죠 고 요 다"
)
KOREAN_STOPWORDS = words_of("""
    오늘 내일 어제 정말 진짜 너무 완전 그리고 그래서 하지만 요즘 이번 우리 여러분 저는 제가 나의 내가 이거 그거 저거
    이렇게 그렇게 많이 조금 같이 다시 계속 항상 아주 매우 함께 모두 지금 벌써 역시 느낌 생각 사람 하나 오늘의
    """)
HANGUL_RUN = re.compile(r"[\uac00-\ud7a3]+")


def _korean_stem(token: str) -> str:
    for suffix in HADA_ENDINGS:
        if token.endswith(suffix):
            return token[: -len(suffix)]
    for suffix in PARTICLES:
        if token.endswith(suffix) and len(token) - len(suffix) >= 2:
            return token[: -len(suffix)]
    for suffix in PREDICATE_ENDINGS:
        if token.endswith(suffix):
            return ""
    return token


def korean_terms(caption: str) -> Counter:
    """Noun-like Hangul tokens of the caption's prose (hashtags and mentions excluded)."""
    text = MENTION.sub(" ", HASHTAG.sub(" ", URL.sub(" ", unicodedata.normalize("NFKC", caption))))
    counts: Counter = Counter()
    for token in HANGUL_RUN.findall(text):
        if token in KOREAN_STOPWORDS:
            continue
        stem = _korean_stem(token)
        if len(stem) >= 2 and stem not in KOREAN_STOPWORDS:
            counts[stem] += 1
    return counts


def parse_caption(caption: str) -> ParsedCaption:
    language = detect_language(caption)
    parsed = ParsedCaption(hashtags=parse_hashtags(caption), mentions=parse_mentions(caption), language=language)
    if language == "ko":
        parsed.korean_terms = korean_terms(caption)
    # Korean captions still hand their English words (brand and garment names) to the English model.
    parsed.english_text = english_document(caption) if language in ("en", "ko") else ""
    return parsed
