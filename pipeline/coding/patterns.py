"""Conversion patterns: sentences that state an act on knowledge, found by their words' places in a clause.

A keyword sees one word or phrase; a pattern sees how a clause puts words of the codebook's named
word sets together (the format: ``docs/codebook.md``, section "Patterns"):

- **act + object**: a word of the ``act`` set and a word of the ``object`` set in one clause, in
  either order ("writing down their experience", "pengalaman ... dituliskan").
- **from + to** (optionally with an ``act``): a conversion and its direction. The ``to`` word follows
  the ``from`` word and a result marker stands just before it ("tacit knowledge *into* explicit",
  "explicit knowledge diubah *menjadi* tacit"), or the ``from`` word follows the ``to`` word with a
  source marker just before it ("explicit knowledge created *from* tacit"). "Just before": at most
  :data:`~pipeline.coding.codebook.MARKER_WORDS` words between, none of them a word of a set, so a
  marker introduces the first knowledge word after it only. Without a marker two knowledge words
  are not a conversion ("tacit and explicit knowledge" is neither mode).

A word set's term inside a longer term of another set counts for the longer one only, unless it is that
term's head (the first word in Indonesian, the last in English, as for keywords): "written" (a document) in
"written down" (an act of articulating) is no document; "penyimpanan" in "penyimpanan bersama" stays the
storing. A clause ends at . ! ? … ; or :. All the words of a pattern lie within ``window`` words. A pattern
counts at most once per clause, and per clause a code keeps only its weightiest pattern, so that two
patterns stating one conversion are not counted twice. Words are found by
:class:`~pipeline.coding.matcher.TermMatcher` (stems, affixes and globs as for keywords), used as it is.

**Contrasts** (:func:`without_contrasts`): the words after a contrast marker ("rather than", "instead of",
"alih-alih"), to the next comma or clause end, name the alternative not taken ("learned through hands-on
experience rather than from manuals"); they are blanked before any keyword or pattern is looked for.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from typing import NamedTuple

from pipeline.coding.codebook import MARKER_WORDS, Codebook, Pattern
from pipeline.coding.matcher import TermMatcher
from pipeline.coding.status import HEAD_FIRST
from pipeline.coding.tokens import WORD_AT, lowercase, nested_modifiers

CLAUSE_END = re.compile(r"[.!?…;:]")
CONTRAST_END = re.compile(r"[.!?…;:,]")  # what a contrast marker opens ends at a comma or the clause's end
RESULT, SOURCE = "\x00result", "\x00source"  # the markers, filed beside the word sets under names no set can have


class Place(NamedTuple):
    """One occurrence of a word set's term: word positions ``[first, last]``, characters ``[start, end)``, clause."""

    first: int
    last: int
    start: int
    end: int
    clause: int


class PatternHit(NamedTuple):
    """A pattern found in a text: ``text[start:end]`` spans its words."""

    start: int
    end: int
    code_id: str
    pattern: Pattern


class PatternMatcher:
    """A codebook's patterns compiled for one language; build once, reuse (the term matcher caches words)."""

    def __init__(self, codebook: Codebook, lang: str):
        words = codebook.pattern_words
        self.window = words.window
        self.head_first = lang in HEAD_FIRST
        self.patterns = [(code.id, pattern) for code in codebook.codes for pattern in code.patterns]
        sets = {name: terms.get(lang, ()) for name, terms in words.word_sets.items()}
        sets[RESULT] = words.result_markers.get(lang, ())
        sets[SOURCE] = words.source_markers.get(lang, ())
        self.set_of_term = [name for name, terms in sets.items() for _ in terms]
        terms = [term for name in sets for term in sets[name]]
        self.terms = TermMatcher(terms, lang) if self.patterns and terms else None
        self._possible: dict[frozenset[str], list[tuple[str, Pattern]]] = {}  # sets in a text -> patterns it may hold

    def find_all(self, texts: list[str]) -> list[list[PatternHit]]:
        """Each text's pattern hits, in text order."""
        if self.terms is None:
            return [[] for _ in texts]
        return [self._hits(text, occurrences) if occurrences else []
                for text, occurrences in zip(texts, self.terms.find_all(texts))]

    def _hits(self, text: str, occurrences: list[tuple[int, int, int]]) -> list[PatternHit]:
        present = frozenset(self.set_of_term[term] for _, _, term in occurrences)
        possible = self._possible.get(present)
        if possible is None:
            possible = self._possible[present] = [(code_id, pattern) for code_id, pattern in self.patterns
                                                  if _may_hold(pattern, present)]
        if not possible:  # most texts: no pattern has all its sets there, and placing the words is skipped
            return []
        places = self._places(text, occurrences)
        self._set_words = sorted(p.first for name, found in places.items() if name not in (RESULT, SOURCE) for p in found)
        best: dict[tuple[str, int], PatternHit] = {}  # (code, clause) -> the weightiest pattern there
        for code_id, pattern in possible:
            for clause, (start, end) in self._found(pattern, places).items():
                kept = best.get((code_id, clause))
                if kept is None or pattern.weight > kept.pattern.weight:
                    best[code_id, clause] = PatternHit(start, end, code_id, pattern)
        return sorted(best.values())

    def _places(self, text: str, occurrences: list[tuple[int, int, int]]) -> dict[str, list[Place]]:
        """Where each word set occurs; of the terms of one set that start at one word, the longest."""
        lowered = lowercase(text)
        word_number = _word_numbers(lowered, {at for start, end, _ in occurrences for at in (start, end - 1)})
        clause_ends = [match.start() for match in CLAUSE_END.finditer(lowered)]
        places: dict[str, dict[int, Place]] = {}
        for start, end, term in occurrences:
            first = word_number[start]
            place = Place(first, word_number[end - 1], start, end, bisect_right(clause_ends, start))
            by_first = places.setdefault(self.set_of_term[term], {})
            if first not in by_first or end > by_first[first].end:
                by_first[first] = place
        return _heads_kept({name: sorted(by_first.values()) for name, by_first in places.items()}, self.head_first)

    def _found(self, pattern: Pattern, places: dict[str, list[Place]]) -> dict[int, tuple[int, int]]:
        """Per clause where ``pattern`` occurs, the characters its first match spans."""
        found: dict[int, tuple[int, int]] = {}
        if pattern.source:
            pairs = self._conversions(places.get(pattern.source, []), places.get(pattern.result, []), places)
        else:
            pairs = _pairs(places.get(pattern.act, []), places.get(pattern.object, []), self.window)
        acts = places.get(pattern.act, []) if pattern.source and pattern.act else None
        for group in pairs:
            if acts is not None:
                act = next((a for a in acts if a.clause == group[0].clause and not _overlaps(a, group)
                            and _span(group + (a,)) <= self.window), None)
                if act is None:
                    continue
                group += (act,)
            if _span(group) <= self.window and group[0].clause not in found:
                found[group[0].clause] = (min(p.start for p in group), max(p.end for p in group))
        return found

    def _conversions(self, sources: list[Place], results: list[Place],
                     places: dict[str, list[Place]]) -> Iterable[tuple[Place, ...]]:
        """(source, result) pairs whose direction a marker states: source ... marker result, or
        result ... marker source."""
        result_markers, source_markers = places.get(RESULT, []), places.get(SOURCE, [])
        for source, result in _pairs(sources, results, self.window):
            if source.last < result.first and self._marked(result, result_markers, after=source):
                yield source, result
            elif result.last < source.first and self._marked(source, source_markers, after=result):
                yield source, result

    def _marked(self, place: Place, markers: list[Place], *, after: Place) -> bool:
        """Whether a marker stands just before ``place`` (see the module doc), after ``after``."""
        words = self._set_words
        return any(marker.clause == place.clause and after.last < marker.first and marker.last < place.first
                   and place.first - marker.last - 1 <= MARKER_WORDS
                   and bisect_right(words, marker.last) == bisect_left(words, place.first)
                   for marker in markers)


def _word_numbers(lowered: str, positions: set[int]) -> dict[int, int]:
    """For each of ``positions``, the number of the word of ``lowered`` it lies in (or follows),
    counting from 0. The word starts before each position are counted in C (``findall``) from the
    previous position on, not listed one by one: a text's words are many, its pattern words few."""
    numbers, count, previous = {}, -1, 0
    for at in sorted(positions):
        count += len(WORD_AT.findall(lowered, previous, at + 1))  # WORD_AT looks behind ``previous``
        numbers[at], previous = count, at + 1
    return numbers


def _heads_kept(places: dict[str, list[Place]], head_first: bool) -> dict[str, list[Place]]:
    """The places minus each word set's place inside a longer place of another set that it is not the head of
    (:func:`~pipeline.coding.tokens.nested_modifiers`, as for keywords); the markers are left as they are."""
    in_sets = [(place, name) for name, found in places.items() if name not in (RESULT, SOURCE) for place in found]
    inside = {in_sets[n] for n in nested_modifiers([(place.first, place.last + 1, name) for place, name in in_sets], head_first)}
    if not inside:
        return places
    kept = {name: [place for place in found if (place, name) not in inside] for name, found in places.items()}
    return {name: found for name, found in kept.items() if found}


def contrast_expression(markers: Iterable[str]) -> re.Pattern | None:
    """A language's contrast markers as one regular expression: whole words as written, in any case (a glob's
    word by its start), the words of a phrase apart by white space; None without markers."""
    alternatives = [r"\s+".join(re.escape(word[:-1]) + r"[\w'’-]*" if word.endswith("*") else re.escape(word)
                                 for word in marker.split())
                    for marker in sorted(markers, key=len, reverse=True)]
    return re.compile(rf"(?<![\w'’-])(?:{'|'.join(alternatives)})(?![\w'’-])", re.IGNORECASE) if alternatives else None


def without_contrasts(text: str, markers: re.Pattern | None) -> str:
    """The text with the words after each contrast marker, to the next comma or clause end, blanked (length
    kept, so every offset of the evidence stays right): they name what was not done, not the act described.
    A marker inside the stretch of the one before it adds nothing, and is not searched from (linear)."""
    if markers is None:
        return text
    pieces, at = [], 0
    for found in markers.finditer(text):
        if found.start() < at:
            continue
        close = CONTRAST_END.search(text, found.end())
        end = close.start() if close else len(text)
        pieces += [text[at:found.end()], re.sub(r"\S", " ", text[found.end():end])]
        at = end
    return "".join(pieces) + text[at:] if pieces else text


def _may_hold(pattern: Pattern, present: frozenset[str]) -> bool:
    """Whether a text whose occurrences are of the word sets ``present`` may hold ``pattern``: it has a
    word of each set the pattern names, and a conversion a marker."""
    names = (pattern.act, pattern.object, pattern.source, pattern.result)
    return (all(name in present for name in names if name)
            and (not pattern.source or RESULT in present or SOURCE in present))


def _pairs(first: list[Place], second: list[Place], window: int) -> Iterable[tuple[Place, Place]]:
    """Every pair of places of two sets in one clause, apart, within ``window`` words (places sorted by
    position: only the neighbours within the window are looked at, so a long text stays linear)."""
    firsts = [place.first for place in second]
    for one in first:
        for other in second[bisect_left(firsts, one.first - window):bisect_right(firsts, one.last + window)]:
            if one.clause == other.clause and not _overlaps(one, (other,)):
                yield one, other


def _overlaps(place: Place, others: Iterable[Place]) -> bool:
    return any(place.first <= other.last and other.first <= place.last for other in others)


def _span(places: Iterable[Place]) -> int:
    """How many words from the first of ``places`` to the last."""
    places = list(places)
    return max(p.last for p in places) - min(p.first for p in places) + 1
