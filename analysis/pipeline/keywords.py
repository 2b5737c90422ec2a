"""Keywords of many captions at once: KeyBERT (MMR) on the offline MiniLM, hashtags, Korean nouns.

KeyBERT is the method: candidates are the 1- to 3-word n-grams of sklearn's CountVectorizer with
English stop words (KeyBERT's own candidate step), ranked by cosine to the caption embedding and
diversified by Maximal Marginal Relevance. What makes it fast is what repeats:

* the whole batch's captions are embedded in one encoder call (duplicates once);
* candidate phrases come from a per-process cache, so a phrase seen in any earlier batch is
  never encoded again (`analysis.embeddings.PhraseCache`);
* selection runs KeyBERT's MMR algorithm in numpy on those embeddings (`engine="fast"`, the
  default). `engine="keybert"` hands the same embeddings to `KeyBERT.extract_keywords(...,
  doc_embeddings=, word_embeddings=)`; a test proves both pick the same keywords.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings

from analysis.pipeline.normalize import normalize_keyword
from analysis.pipeline.text import ParsedCaption, hashtag_phrase, parse_caption

if TYPE_CHECKING:
    import numpy as np

NGRAM_RANGE = (1, 3)
MAX_HASHTAGS = 30


@dataclass(frozen=True)
class Keyword:
    phrase: str
    display: str
    score: float
    source: str  # KeywordSource value: "caption" or "hashtag"


@dataclass
class TextAnalysis:
    hashtags: list[str]
    mentions: list[str]
    language: str
    keywords: list[Keyword] = field(default_factory=list)


def make_vectorizer() -> Any:
    from sklearn.feature_extraction.text import CountVectorizer

    return CountVectorizer(ngram_range=NGRAM_RANGE, stop_words="english")


def mmr(
    doc_vector: np.ndarray, candidate_vectors: np.ndarray, words: Sequence[str], top_n: int, diversity: float
) -> list[tuple[str, float]]:
    """KeyBERT's Maximal Marginal Relevance (keybert._mmr.mmr) on unit vectors, in plain numpy."""
    import numpy as np

    similarity = candidate_vectors @ doc_vector
    word_similarity = candidate_vectors @ candidate_vectors.T
    chosen = [int(np.argmax(similarity))]
    remaining = [i for i in range(len(words)) if i != chosen[0]]
    for _ in range(min(top_n - 1, len(words) - 1)):
        redundancy = word_similarity[np.ix_(remaining, chosen)].max(axis=1)
        scores = (1 - diversity) * similarity[remaining] - diversity * redundancy
        pick = remaining[int(np.argmax(scores))]
        chosen.append(pick)
        remaining.remove(pick)
    picked = [(words[i], round(float(similarity[i]), 4)) for i in chosen]
    return sorted(picked, key=lambda item: item[1], reverse=True)


def extract_caption_keywords(
    docs: Sequence[str], top_n: int | None = None, diversity: float | None = None, engine: str | None = None
) -> list[list[tuple[str, float]]]:
    """KeyBERT keyphrases (1-3 words, MMR) of every document, computed for the batch at once."""
    from analysis.embeddings import encode, get_model, phrase_cache

    top_n = settings.KEYWORD_TOP_N if top_n is None else top_n
    diversity = settings.KEYWORD_DIVERSITY if diversity is None else diversity
    engine = engine or settings.KEYWORD_ENGINE
    results: list[list[tuple[str, float]]] = [[] for _ in docs]
    positions = [i for i, doc in enumerate(docs) if doc.strip()]
    texts = [docs[i] for i in positions]
    if not texts:
        return results
    try:
        counts = make_vectorizer().fit(texts)
    except ValueError:  # nothing but stop words in the whole batch
        return results
    words = counts.get_feature_names_out()
    matrix = counts.transform(texts).tocsr()
    distinct = list(dict.fromkeys(texts))
    row_of = {text: row for row, text in enumerate(distinct)}
    doc_vectors = encode(distinct)[[row_of[text] for text in texts]]
    word_vectors = phrase_cache().vectors(list(words))
    if engine == "keybert":
        from keybert import KeyBERT

        found = KeyBERT(model=get_model()).extract_keywords(
            texts,
            vectorizer=make_vectorizer(),
            use_mmr=True,
            diversity=diversity,
            top_n=top_n,
            doc_embeddings=doc_vectors,
            word_embeddings=word_vectors,
        )
        if len(texts) == 1:  # KeyBERT unwraps a single document's list
            found = [found]
    elif engine == "fast":
        from threadpoolctl import threadpool_limits

        found = []
        # Matrices of a few dozen rows: a multi-threaded BLAS only adds hand-off (and spin) costs.
        with threadpool_limits(limits=1, user_api="blas"):
            for row in range(len(texts)):
                candidates = matrix.indices[matrix.indptr[row] : matrix.indptr[row + 1]]
                found.append(
                    mmr(doc_vectors[row], word_vectors[candidates], words[candidates], top_n, diversity)
                    if len(candidates)
                    else []
                )
    else:
        raise ValueError(f"Unknown KEYWORD_ENGINE {engine!r}: use 'fast' or 'keybert'.")
    for position, keywords in zip(positions, found, strict=True):
        results[position] = [(str(phrase), score) for phrase, score in keywords]
    return results


def _korean_keywords(parsed: ParsedCaption, top_n: int) -> list[Keyword]:
    if not parsed.korean_terms:
        return []
    most = parsed.korean_terms.most_common(1)[0][1]
    return [
        Keyword(normalize_keyword(term), term, round(count / most, 4), "caption")
        for term, count in parsed.korean_terms.most_common(top_n)
    ]


def _merge(keywords: list[Keyword]) -> list[Keyword]:
    """One keyword per (phrase, source), the best score kept; empty and numeric phrases dropped."""
    best: dict[tuple[str, str], Keyword] = {}
    for keyword in keywords:
        if not keyword.phrase or keyword.phrase.replace(" ", "").isdigit():
            continue
        key = (keyword.phrase, keyword.source)
        clipped = Keyword(keyword.phrase, keyword.display[:120], min(max(keyword.score, 0.0), 1.0), keyword.source)
        if key not in best or clipped.score > best[key].score:
            best[key] = clipped
    return sorted(best.values(), key=lambda k: (-k.score, k.source, k.phrase))


def analyze_captions(captions: Sequence[str], engine: str | None = None) -> list[TextAnalysis]:
    """Hashtags, mentions, language and keywords of every caption, the model called once per batch."""
    top_n = settings.KEYWORD_TOP_N
    parsed = [parse_caption(caption or "") for caption in captions]
    # Korean captions hand over their English words only when there are a few of them.
    docs = [p.english_text if p.language == "en" or len(p.english_text.split()) >= 2 else "" for p in parsed]
    caption_keywords = extract_caption_keywords(docs, top_n=top_n, engine=engine)
    analyses = []
    for p, found in zip(parsed, caption_keywords, strict=True):
        keywords = [Keyword(normalize_keyword(phrase), phrase, score, "caption") for phrase, score in found]
        keywords += _korean_keywords(p, top_n)
        keywords += [Keyword(hashtag_phrase(tag), f"#{tag}", 1.0, "hashtag") for tag in p.hashtags[:MAX_HASHTAGS]]
        analyses.append(TextAnalysis(p.hashtags, p.mentions, p.language, _merge(keywords)))
    return analyses
