"""Replacing the names a site lists with its pseudonyms, the same way in every transcript.

The names come from ``study.yaml`` (``deidentify.names``) and the private names file it points to
(see :mod:`pipeline.corpus.study_config`). Replacement runs on cleaned text before segment offsets are computed,
so everything written downstream (segments, cleaned transcripts, quotes in reports) carries the
pseudonyms only. Matching is whole-word and in any case, longest name first, so "Bu Yuliana"
is replaced as one name before "Yuliana" alone is considered. A name that is also an ordinary word
("Putri", "Ilham") is replaced wherever it occurs as a word: list the forms that must go.

"Any case" is Unicode case folding (``str.casefold``) of each character in NFKC, not a regular
expression's ignore-case, which compares one character with one: it misses forms whose length
changes, such as ``i̇lham`` (``i`` and a combining dot, the lower case of ``İlham``) or ``STRASSE``
for ``Straße``, and fullwidth letters. Names are found in the folded text and replaced in the text
itself, so every other character stays as it was.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

from pipeline.corpus.clean import clean_text


class Pseudonyms:
    """A site's name -> pseudonym table, compiled once and applied to every text of the site."""

    def __init__(self, names: Mapping[str, str]):
        # Cleaned like the text they are matched in and inserted into (curly apostrophes, spaces).
        self._pseudonym = {_folded(clean_text(name, marks="keep"))[0]: clean_text(pseudonym, marks="keep")
                           for name, pseudonym in names.items()}
        if "" in self._pseudonym:  # it would match between any two characters; study.yaml's reader names its line
            raise ValueError("a name that is empty once cleaned cannot be replaced")
        longest_first = sorted(self._pseudonym, key=lambda key: (-len(key), key))
        alternatives = "|".join(map(re.escape, longest_first))
        self._pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)") if longest_first else None

    def apply(self, text: str) -> str:
        """The text with every listed name (whole word, any case) replaced by its pseudonym."""
        if self._pattern is None:
            return text
        folded, origin = _folded(text)
        pieces, done = [], 0
        for match in self._pattern.finditer(folded):
            start, end = match.span()
            if (start > 0 and origin[start] == origin[start - 1]) or origin[end] == origin[end - 1]:
                continue  # begins or ends inside one character's folding (the i of a folded İ)
            pieces += [text[done:origin[start]], self._pseudonym[match.group()]]
            done = origin[end]
        return "".join(pieces) + text[done:]


def _folded(text: str) -> tuple[str, list[int]]:
    """``text`` folded character by character (NFKC, then ``str.casefold``), and for each position of
    the folded text the position of the character it came from (one more entry: ``len(text)``)."""
    folded, origin = [], []
    for position, character in enumerate(text):
        form = unicodedata.normalize("NFKC", character).casefold()
        folded.append(form)
        origin += [position] * len(form)
    return "".join(folded), origin + [len(text)]
