"""Replacing the names a site lists with its pseudonyms, the same way in every transcript.

The names come from ``study.yaml`` (``deidentify.names``) and the private names file it points to
(see :mod:`pipeline.corpus.study_config`). Replacement runs on cleaned text before segment offsets are computed,
so everything written downstream (segments, cleaned transcripts, quotes in reports) carries the
pseudonyms only. Matching is whole-word and case-insensitive, longest name first, so "Bu Yuliana"
is replaced as one name before "Yuliana" alone is considered. A name that is also an ordinary word
("Putri", "Ilham") is replaced wherever it occurs as a word: list the forms that must go.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from pipeline.corpus.clean import clean_text


class Pseudonyms:
    """A site's name -> pseudonym table, compiled once and applied to every text of the site."""

    def __init__(self, names: Mapping[str, str]):
        # Cleaned like the text they are matched in and inserted into (curly apostrophes, spaces).
        table = {clean_text(name, marks="keep"): clean_text(pseudonym, marks="keep")
                 for name, pseudonym in names.items()}
        self._longest_first = sorted(table.items(), key=lambda pair: (-len(pair[0]), pair[0].casefold()))
        alternatives = "|".join(re.escape(name) for name, _ in self._longest_first)
        self._pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE) if table else None

    def apply(self, text: str) -> str:
        """The text with every listed name (whole word, any case) replaced by its pseudonym."""
        if self._pattern is None:
            return text
        return self._pattern.sub(self._pseudonym_for, text)

    def _pseudonym_for(self, match: re.Match) -> str:
        found = match.group(0)
        return next(pseudonym for name, pseudonym in self._longest_first
                    if re.fullmatch(re.escape(name), found, re.IGNORECASE))
