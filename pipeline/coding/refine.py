"""Aids for refining a codebook: see what a term catches, what the codebook misses, which keywords work.

- **Keyword in context** for any term (a word, phrase or ``word*`` glob, matched by the classifier's
  own rules, so "diskusi" shows "berdiskusi" and "mendiskusikan" too).
- **Top terms and collocations in uncoded segments**: the informants' answers that got no code,
  where the codebook may be missing words (stop words, numbers and one- or two-letter words left out;
  bigrams ranked by NLTK's log-likelihood ratio, seen at least twice).
- **Hit counts per keyword**, and the keywords that never fire on the site.

``seci refine [--site S] [--kwic TERM]`` prints these as tables; the functions return DataFrames.
"""

from __future__ import annotations

from collections import Counter
from functools import cache

import pandas as pd

from pipeline.coding.classify import classify_text, compile_codebook
from pipeline.coding.codebook import Codebook, term_problem
from pipeline.coding.matcher import TermMatcher
from pipeline.coding.sastrawi import indonesian_stop_words
from pipeline.coding.tokens import words
from pipeline.errors import SeciError

KWIC_COLUMNS = ["segment_id", "left", "match", "right"]
TERM_COLUMNS = ["lang", "term", "count", "segments"]
COLLOCATION_COLUMNS = ["lang", "bigram", "count", "score"]
HIT_COLUMNS = ["code_id", "lang", "keyword", "hits", "segments"]


def informant_answers(segments: pd.DataFrame) -> pd.DataFrame:
    """The informants' segments (interviewer turns are never coded)."""
    return segments[segments["speaker"] == "informant"]


def keyword_in_context(segments: pd.DataFrame, term: str, lang: str | None = None, width: int = 40) -> pd.DataFrame:
    """Every occurrence of ``term`` in the informants' segments (of ``lang``, else of each segment's
    own language), with ``width`` characters of context either side."""
    problem = term_problem(term)
    if problem:
        raise SeciError(f"--kwic {term!r}: {problem}; write a word, a phrase or a word* glob")
    answers = informant_answers(segments)
    if lang is not None:
        answers = answers[answers["lang"] == lang]
    rows = []
    for segment_lang, group in answers.groupby("lang", sort=True):
        matcher = TermMatcher([term.lower()], segment_lang)
        for segment_id, text in zip(group["segment_id"], group["text"]):
            for start, end, _ in matcher.find(text):
                left = text[max(0, start - width):start].replace("\n", " ")
                right = text[end:end + width].replace("\n", " ")
                rows.append((segment_id, left.rjust(width), text[start:end], right.ljust(width)))
    return pd.DataFrame(rows, columns=KWIC_COLUMNS)


def uncoded_answers(segments: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """The informants' segments the codebook gives no code."""
    answers = informant_answers(segments)
    matcher = compile_codebook(codebook)
    return answers[[not classify_text(text, lang, matcher) for text, lang in zip(answers["text"], answers["lang"])]]


def top_terms(answers: pd.DataFrame, n: int = 20) -> pd.DataFrame:
    """The ``n`` most frequent content words per language, with the number of segments holding each."""
    rows = []
    for lang, group in answers.groupby("lang", sort=True):
        counts, spread = Counter(), Counter()
        for text in group["text"]:
            content = [word for word in words(text) if _is_content(word, lang)]
            counts.update(content)
            spread.update(set(content))
        rows += [(lang, term, count, spread[term]) for term, count in _ranked(counts)[:n]]
    return pd.DataFrame(rows, columns=TERM_COLUMNS)


def collocations(answers: pd.DataFrame, n: int = 20, min_count: int = 2) -> pd.DataFrame:
    """The ``n`` strongest two-word collocations per language (log-likelihood ratio), content words only."""
    from nltk.collocations import BigramCollocationFinder
    from nltk.metrics import BigramAssocMeasures

    rows = []
    for lang, group in answers.groupby("lang", sort=True):
        finder = BigramCollocationFinder.from_documents(words(text) for text in group["text"])
        finder.apply_word_filter(lambda word, lang=lang: not _is_content(word, lang))
        finder.apply_freq_filter(min_count)
        scored = sorted(finder.score_ngrams(BigramAssocMeasures.likelihood_ratio), key=lambda item: (-item[1], item[0]))
        rows += [(lang, " ".join(bigram), finder.ngram_fd[bigram], round(score, 2)) for bigram, score in scored[:n]]
    return pd.DataFrame(rows, columns=COLLOCATION_COLUMNS)


def keyword_hits(segments: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Per keyword of the languages the informants speak: how often it fires and in how many segments
    (every occurrence counts, also inside a longer keyword of the same code)."""
    answers = informant_answers(segments)
    matcher = compile_codebook(codebook)
    hits, spread = Counter(), Counter()
    for lang, group in answers.groupby("lang", sort=True):
        for text in group["text"]:
            keys = [(hit.code_id, hit.keyword) for hit in matcher.find(text, lang)[0]]
            hits.update(keys)
            spread.update(set(keys))
    languages = set(answers["lang"])
    rows = [(code.id, keyword.lang, keyword.term, hits[code.id, keyword], spread[code.id, keyword])
            for code in codebook.codes for keyword in code.keywords if keyword.lang in languages]
    return pd.DataFrame(rows, columns=HIT_COLUMNS)


def silent_keywords(hits: pd.DataFrame) -> pd.DataFrame:
    """The keywords of a :func:`keyword_hits` table that never fire."""
    return hits[hits["hits"] == 0].reset_index(drop=True)


def _ranked(counts: Counter) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def _is_content(word: str, lang: str) -> bool:
    return len(word) > 2 and not word.isdigit() and word not in _stop_words(lang)


@cache
def _stop_words(lang: str) -> frozenset[str]:
    """Sastrawi's Indonesian stop words, scikit-learn's English ones (NLTK's need a download)."""
    if lang == "id":
        return indonesian_stop_words()
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS)
