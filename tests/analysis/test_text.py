"""Caption parsing: hashtags, mentions, language and the Korean route, without the model."""

import pytest

from analysis.pipeline.text import (
    detect_language,
    english_document,
    korean_terms,
    parse_hashtags,
    parse_mentions,
    segment_hashtag,
)


def test_hashtags_are_unicode_lowercased_and_unique():
    caption = "New in! #BarrelJeans #데일리룩 #ootd #OOTD #y2k_style and #데일리룩 again. C# is not a tag"
    assert parse_hashtags(caption) == ["barreljeans", "데일리룩", "ootd", "y2k_style"]


def test_hashtags_inside_links_are_not_tags():
    assert parse_hashtags("shop https://shop.example/p#section and #linen") == ["linen"]


def test_mentions_keep_dots_but_not_trailing_punctuation_or_emails():
    caption = "with @minji.style and @Lee_Wears. Write to press@brand.example"
    assert parse_mentions(caption) == ["minji.style", "lee_wears"]


@pytest.mark.parametrize(
    ("caption", "language"),
    [
        ("Honest review: the barrel jeans everyone is talking about #ootd", "en"),
        ("오늘의 데일리룩 배럴진 너무 편해요 #데일리룩", "ko"),
        # mostly Korean with an English brand and garment name is still Korean
        ("오늘 산 Levi's 배럴진 후기 남겨요 완전 추천", "ko"),
        # an English caption with one Korean word stays English
        ("Seoul street style is unreal, everyone wears barrel jeans 최고", "en"),
        ("#데일리룩 #오오티디", "ko"),
        ("#ootd #fashion", "en"),
        ("今日のコーデ", "ja"),
        ("✨✨✨", ""),
        ("", ""),
    ],
)
def test_language_by_script(caption, language):
    assert detect_language(caption) == language


@pytest.mark.parametrize(
    ("tag", "words"),
    [
        ("barreljeans", "barrel jeans"),
        ("widelegjeans", "wide leg jeans"),
        ("butteryellow", "butter yellow"),
        ("balletflats", "ballet flats"),
        ("lattemakeup", "latte makeup"),  # a common word the segmenter splits is joined again
        ("leatherjacket", "leather jacket"),
        # the vocabulary cannot split these sensibly: they stay whole
        ("ootd", "ootd"),
        ("minji", "minji"),
        ("데일리룩", "데일리룩"),
        ("y2k", "y2k"),
    ],
)
def test_hashtag_segmentation(tag, words):
    assert segment_hashtag(tag) == words


def test_english_document_drops_tag_runs_mentions_and_links_but_keeps_inline_tags_as_words():
    caption = "Loving my new #balletflats today @minji.style https://x.example/p #ootd #fashion"
    assert english_document(caption) == "Loving my new ballet flats today"


def test_korean_route_keeps_nouns_and_drops_particles_and_predicates():
    terms = korean_terms("가을 코디로 트렌치코트를 입었어요. 베이지 트렌치코트는 정말 예뻐요 추천해요 #데일리룩")
    assert terms["트렌치코트"] == 2  # particles 를/는 stripped, both mentions counted
    assert {"가을", "코디", "베이지", "추천"} <= set(terms)
    assert not {"입었어요", "예뻐요", "정말", "데일리룩"} & set(terms)  # predicates, stop words, hashtags
