"""Stems: Sastrawi for Indonesian, NLTK's Snowball for English, each cached per distinct word."""

from __future__ import annotations

import functools
import sys
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
        return Stemmer(_snowball_english())
    raise ValueError(f"unknown language {lang!r}; use id or en")


_HELD_BACK = ("scipy", "sklearn")  # imported by nltk only for tools it does without (it catches their ImportError)


def _snowball_english() -> Callable[[str], str]:
    """NLTK's English Snowball stemmer, imported only when English is met.

    ``import nltk`` loads the whole toolkit, and with it scipy and scikit-learn (1.4 s of a command's
    start; 0.3 s without them). Where neither is loaded yet they are held back while nltk loads: nltk
    then leaves out what needs them (Fisher's exact test, its scikit-learn classifier wrapper), which
    seci-kit does not use, and the stemmer is the same. They can still be imported afterwards."""
    held = [name for name in _HELD_BACK if name not in sys.modules]
    sys.modules.update(dict.fromkeys(held))  # a None entry makes `import name` raise ImportError
    try:
        from nltk.stem.snowball import SnowballStemmer
    finally:
        for name in held:
            del sys.modules[name]
    return SnowballStemmer("english").stem
