"""Words and sentences as the classifier reads them (Indonesian and English alike).

A word is a run of letters and digits, joined across ``-`` and apostrophes ("buku-buku", "e-book",
"librarian's"). Texts are lower-cased keeping their length, so every offset points into the original
text. A sentence ends after . ! ? or ….
"""

from __future__ import annotations

import re
from itertools import islice

WORD_PATTERN = r"\w+(?:[-'’]\w+)*"
# NLTK's RegexpTokenizer(WORD_PATTERN) gives the same words (a test pins it), but through the
# third-party `regex` module, about six times slower than `re` on this pattern.
WORD = re.compile(WORD_PATTERN)
WORD_AT = re.compile(r"(?<!\w)(?<!\w[-'’])" + WORD_PATTERN)  # a word that begins here
SENTENCE_ENDS = ".!?…"
SENTENCE_END = re.compile(f"[{SENTENCE_ENDS}]")
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


class Stretches:
    """Questions about stretches ``text[start:end]`` of one text, answered without scanning the stretch.

    The classifier asks them for every pair of a keyword hit and a nearby barrier cue; scanning each
    stretch made a long text with many hits take quadratic time (a 5 MB text: 34 s). Here the words
    after a place are counted once per place.
    """

    def __init__(self, text: str):
        self.text = text
        self._word_after: dict[tuple[int, int], int | None] = {}  # where the count-th word from a place begins

    def fewer_words(self, start: int, end: int, count: int) -> bool:
        """Whether ``text[start:end]`` holds fewer than ``count`` words.

        A stretch holds as many words as the words found from ``start`` on that begin before ``end``
        (a word cut at ``end`` still counts once), so it is enough to know where the count-th begins.
        """
        if count <= 0:
            return False
        key = (start, count)
        if key not in self._word_after:
            found = list(islice(WORD.finditer(self.text, start), count))
            self._word_after[key] = found[-1].start() if len(found) == count else None
        begins = self._word_after[key]
        return begins is None or end <= begins


def nested_modifiers(spans: list[tuple[int, int, str]], head_first: bool) -> set[int]:
    """The indices of the spans ``(start, end, group)`` (end excluded) that lie inside a longer span of another
    group without being its head: "bersama" in "folder bersama" modifies the folder. The head keeps its sense:
    the first word in head-first languages (Indonesian "pelatihan IT"), the last in the others ("IT training").
    Sorted by start (the longer first), a span is compared only with the spans that start before it ends,
    so a long text stays linear."""
    order = sorted(range(len(spans)), key=lambda n: (spans[n][0], -spans[n][1]))
    inside = set()
    for at, n in enumerate(order):
        start, end, group = spans[n]
        for m in islice(order, at + 1, None):  # not a slice: copying the rest for each span is quadratic
            other_start, other_end, other_group = spans[m]
            if other_start >= end:
                break
            if (other_group != group and other_end <= end and other_end - other_start < end - start
                    and (other_start != start if head_first else other_end != end)):
                inside.add(m)
    return inside

