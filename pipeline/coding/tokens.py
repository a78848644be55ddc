"""Words and sentences as the classifier reads them (Indonesian and English alike).

A word is a run of letters and digits, joined across ``-`` and apostrophes ("buku-buku", "e-book",
"librarian's"). Texts are lower-cased keeping their length, so every offset points into the original
text. A sentence ends after . ! ? or ….
"""

from __future__ import annotations

import re

WORD_PATTERN = r"\w+(?:[-'’]\w+)*"
# NLTK's RegexpTokenizer(WORD_PATTERN) gives the same words (a test pins it), but through the
# third-party `regex` module, about six times slower than `re` on this pattern.
WORD = re.compile(WORD_PATTERN)
WORD_AT = re.compile(r"(?<!\w)(?<!\w[-'’])" + WORD_PATTERN)  # a word that begins here
SENTENCE_ENDS = ".!?…"
SENTENCE_END = re.compile(f"[{SENTENCE_ENDS}]")
TO_LAST_SENTENCE_END = re.compile(f".*[{SENTENCE_ENDS}]", re.DOTALL)
_REDUPLICATED = re.compile(r"([^\W\d_]+)(?:-\1|2)")           # buku-buku, buku2


def lowercase(text: str) -> str:
    """The text lower-cased, with the same length (a character whose lower case is longer, such as
    "İ", is kept), so offsets into it are offsets into ``text``."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def words(text: str) -> list[str]:
    """The lower-cased words of a text, in order."""
    return WORD.findall(lowercase(text))


def reduplication_base(word: str) -> str:
    """A fully reduplicated word's base ("buku-buku", "buku2" -> "buku"); other words unchanged."""
    match = _REDUPLICATED.fullmatch(word) if "-" in word or word.endswith("2") else None
    return match.group(1) if match else word


def same_sentence(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` holds no sentence end (. ! ? …), i.e. its two sides share a sentence."""
    return SENTENCE_END.search(text, start, max(start, end)) is None


def words_between(text: str, start: int, end: int) -> int:
    """How many words ``text[start:end]`` holds."""
    return len(WORD.findall(text, start, end)) if end > start else 0
