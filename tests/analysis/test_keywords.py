"""KeyBERT keywords on real captions with the offline MiniLM (loaded once per session)."""

import pytest

from analysis import embeddings
from analysis.pipeline.keywords import analyze_captions, extract_caption_keywords
from analysis.pipeline.normalize import normalize_keyword
from analysis.pipeline.text import english_document

pytestmark = pytest.mark.ml

CAPTIONS = [
    "Honest review: the barrel jeans everyone is talking about #barreljeans #ootd",
    "Styling my butter yellow cardigan with wide-leg trousers for a spring brunch 🌼 @minji.style #butteryellow",
    "Loving my new #balletflats today, perfect with a slip dress and an oversized blazer",
    "Glass skin routine: essence, lightweight serum and a cushion foundation that actually lasts #kbeauty",
    "Trench coat season is here. Camel trench, striped shirt, straight jeans and loafers. Link in bio!",
]


def caption_phrases(analysis):
    return {k.phrase for k in analysis.keywords if k.source == "caption"}


def test_keywords_of_real_captions(embedding_model):
    results = analyze_captions(CAPTIONS)

    review, cardigan, flats, beauty, trench = results
    assert "barrel jeans" in caption_phrases(review)
    assert any("butter yellow" in p for p in caption_phrases(cardigan))
    assert any("ballet flat" in p for p in caption_phrases(flats))
    assert any("cushion foundation" in p or "glass skin" in p for p in caption_phrases(beauty))
    assert any("trench" in p for p in caption_phrases(trench))
    for analysis in results:
        caption_keywords = [k for k in analysis.keywords if k.source == "caption"]
        assert 1 <= len(caption_keywords) <= 5
        assert all(1 <= len(k.phrase.split()) <= 3 and 0 <= k.score <= 1 for k in caption_keywords)
        assert all(k.phrase == normalize_keyword(k.phrase) for k in analysis.keywords)


def test_diversity_keeps_near_duplicates_out(embedding_model):
    """MMR: the five phrases are not five variants of the best one."""
    (analysis,) = analyze_captions([CAPTIONS[0]])
    phrases = caption_phrases(analysis)
    assert len([p for p in phrases if "barrel" in p]) < len(phrases)


def test_a_phrase_and_its_hashtag_are_the_same_keyword(embedding_model):
    (analysis,) = analyze_captions([CAPTIONS[0]])
    by_source = {(k.source, k.phrase) for k in analysis.keywords}
    assert ("hashtag", "barrel jeans") in by_source and ("caption", "barrel jeans") in by_source
    hashtag = next(k for k in analysis.keywords if k.source == "hashtag" and k.phrase == "barrel jeans")
    assert hashtag.display == "#barreljeans"


def test_fast_selection_equals_keybert_extract_keywords(embedding_model):
    """The default engine runs KeyBERT's MMR in numpy; KeyBERT itself picks the same keywords."""
    docs = [english_document(c) for c in CAPTIONS]
    fast = extract_caption_keywords(docs, top_n=5, diversity=0.5, engine="fast")
    keybert = extract_caption_keywords(docs, top_n=5, diversity=0.5, engine="keybert")
    assert [[p for p, _ in doc] for doc in fast] == [[p for p, _ in doc] for doc in keybert]
    for f_doc, k_doc in zip(fast, keybert, strict=True):
        assert [s for _, s in f_doc] == pytest.approx([s for _, s in k_doc], abs=1e-3)


def test_one_model_call_per_batch_and_phrases_reused(embedding_model, monkeypatch):
    calls = []
    real_encode = embeddings.encode

    def counting_encode(texts, batch_size=embeddings.ENCODE_BATCH_SIZE):
        calls.append(len(texts))
        return real_encode(texts, batch_size=batch_size)

    monkeypatch.setattr(embeddings, "encode", counting_encode)
    embeddings.phrase_cache().clear()
    batch = [english_document(c) for c in CAPTIONS * 4]  # duplicates are encoded once
    first = extract_caption_keywords(batch)
    assert len(calls) == 2  # the captions in one call, the distinct candidate phrases in one call
    assert calls[0] == len(CAPTIONS)
    calls.clear()
    assert extract_caption_keywords(batch) == first
    assert calls == [len(CAPTIONS)]  # every candidate phrase came from the cache


def test_batch_gives_the_same_keywords_as_one_at_a_time(embedding_model):
    docs = [english_document(c) for c in CAPTIONS]
    batched = extract_caption_keywords(docs)
    alone = [extract_caption_keywords([doc])[0] for doc in docs]
    assert [[p for p, _ in d] for d in batched] == [[p for p, _ in d] for d in alone]


def test_korean_caption_route(embedding_model):
    (analysis,) = analyze_captions(["오늘의 데일리룩 배럴진 너무 편해요 barrel jeans 추천해요 #데일리룩 #배럴진 #ootd"])
    assert analysis.language == "ko"
    keywords = {(k.source, k.phrase) for k in analysis.keywords}
    assert {("hashtag", "데일리룩"), ("hashtag", "배럴진"), ("hashtag", "ootd")} <= keywords
    assert {("caption", "배럴진"), ("caption", "추천")} <= keywords  # Hangul nouns
    assert ("caption", "barrel jeans") in keywords  # its English words still reach the English model
    assert not any(p in ("편해요", "편해") for _, p in keywords)


def test_captions_without_words_get_hashtags_only(embedding_model):
    empty, tags_only = analyze_captions(["", "#ootd #OOTD #데일리룩"])
    assert empty.keywords == []
    assert [(k.phrase, k.source) for k in tags_only.keywords] == [("ootd", "hashtag"), ("데일리룩", "hashtag")]


def test_onnx_runtime_gives_the_same_embeddings_as_pytorch(embedding_model, settings):
    texts = [english_document(c) for c in CAPTIONS] + ["barrel jeans", "butter yellow cardigan", "ootd"]
    settings.EMBEDDING_BACKEND = "onnx"
    onnx = embeddings.encode(texts)
    settings.EMBEDDING_BACKEND = "torch"
    torch = embeddings.encode(texts)
    assert onnx.shape == torch.shape == (len(texts), 384)
    assert (onnx * torch).sum(axis=1).min() > 0.9999
