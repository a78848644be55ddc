"""Stems: Sastrawi for Indonesian, NLTK's Snowball for English, each cached per distinct word."""

from __future__ import annotations

import functools
from collections.abc import Callable

from pipeline.coding.sastrawi import sastrawi_stemmer

CACHE_LIMIT = 500_000  # distinct words or pieces a cache remembers before it is emptied (about 50 MB at most)


class Stemmer:
    """One language's stemmer with a cache per distinct word (emptied at ``CACHE_LIMIT`` words)."""

    def __init__(self, stem: Callable[[str], str]):
        self._stem = stem
        self._cache: dict[str, str] = {}

    def __call__(self, word: str) -> str:
        stem = self._cache.get(word)
        if stem is None:
            if len(self._cache) >= CACHE_LIMIT:
                self._cache.clear()
            stem = self._cache[word] = self._stem(word)
        return stem


@functools.cache
def stemmer(lang: str) -> Stemmer:
    """The stemmer of ``lang`` ("id": Sastrawi, "en": Snowball), built once per process."""
    if lang == "id":
        return Stemmer(sastrawi_stemmer())
    if lang == "en":
        from nltk.stem.snowball import SnowballStemmer  # importing nltk takes ~1.5 s and 130 MB: only when needed

        return Stemmer(SnowballStemmer("english").stem)
    raise ValueError(f"unknown language {lang!r}; use id or en")
