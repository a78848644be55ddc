"""Whether a coding reports a practice or a barrier: the barrier cues that bear on its evidence.

A coding is ``barrier`` when a barrier cue of the codebook ("belum", "kurang", "not yet", ...) bears on
one of its evidence terms, ``practice`` otherwise. A cue bears on a term when (the word lists are the
codebook's ``barrier`` section, so a researcher can edit them; ``docs/codebook.md`` shows examples):

- **Same clause.** The cue and the term share a clause and have fewer than ``barrier.window`` words
  between them (or overlap). A clause ends at a sentence end (. ! ? …) or a semicolon, and before a
  clause opener (``clause_openers``: "tapi", "karena", "but", "because", ...). A relative clause
  (``relativisers``: "yang", "which", ...) describes the words just before it, so a cue in it bears on
  the terms of the clause it follows ("web yang belum memadai"); it ends at the next comma.
- **Not a condition.** A cue inside a conditional clause (``conditionals``: "kalau", "jika", "if",
  "when", ..., up to the next comma) states no barrier: "kalau tidak ada di sini, kami carikan ..."
  ("if it is not here, we find it ...") describes a service.
- **Not a negated negative.** A negation (``negations``) followed within three words of its clause by a
  negative word (``negatives``) is a positive: "tidak sulit", "tidak pernah marah", "not without",
  "never fails". Neither word counts as a cue.
- **Not a phrase of another sense.** An evidence term inside a longer term of another code (say
  "bersama" inside a combination phrase "penyimpanan bersama") is that other code's, and no cue
  bears on it for its own code.
- **Not the speaker's uncertainty.** A cue inside a hedge (``hedges``: "kurang tahu", "don't know",
  "belum pernah", "tidak perlu datang") says nothing the library lacks.
- **A clause that names nothing.** A main clause with a cue and no keyword of any code, right after
  the clause of a term, says what that clause lacks ("Diskusinya baik, tapi belum maksimal").
- **A barrier stated on its own.** A sentence with a cue in its main clause that names nothing the
  codebook knows (no keyword of any code: "Jadi belum semua terlibat.", "Belum maksimal, Dik.") speaks
  of what the answer is about: every code of the answer is a barrier.
- **A suggestion.** A suggestion or wish (``suggestions``: "saran saya", "perlu ditambah", "should")
  names what is lacking: every term of its sentence and of the rest of the answer is a barrier.

Clause words (openers, conditionals, relativisers) match as written, whole words in any case, the
words of a phrase one space apart (a ``word*`` glob matches the words starting so); the other lists match like keywords (stems, affixes:
:mod:`pipeline.coding.matcher`), found by the classifier's matcher in the same scan as the keywords.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from typing import TYPE_CHECKING, NamedTuple

from pipeline.coding.matcher import trie_pattern
from pipeline.coding.tokens import SENTENCE_END, SENTENCE_ENDS, Stretches, lowercase
from pipeline.contracts import MAX_TERM_CHARS

if TYPE_CHECKING:
    from pipeline.coding.classify import Hit
    from pipeline.coding.codebook import Codebook

LEXICAL_LISTS = ("cues", "suggestions", "hedges", "negations", "negatives")  # matched like keywords, by the matcher
CLAUSE_LISTS = ("clause_openers", "conditionals", "relativisers")  # matched as written, here
NEGATION_REACH = 3  # at most this many words between a negation and the negative word it cancels
MAIN, CONDITIONAL, RELATIVE = "main", "conditional", "relative"  # kinds of clause
CLAUSE_OF = {"clause_openers": MAIN, "conditionals": CONDITIONAL, "relativisers": RELATIVE}


class Clause(NamedTuple):
    """A stretch ``[start, end)`` of one clause. A main clause interrupted by a relative clause goes on
    after it under the same ``number``; a relative clause ``follows`` the number of the clause it describes."""

    start: int
    end: int
    kind: str  # MAIN | CONDITIONAL | RELATIVE
    number: int
    follows: int = -1


class Word(NamedTuple):
    """A word of the barrier section found in a text (a cue, suggestion, hedge, negation or negative):
    ``text[start:end]``, and the lists it is in."""

    start: int
    end: int
    kinds: frozenset[str]  # some of LEXICAL_LISTS


class StatusRules:
    """One language's barrier section compiled: the terms the matcher looks for (:attr:`terms`, each
    with the lists it is in) and the pattern of the clause words."""

    def __init__(self, codebook: Codebook, lang: str):
        self.window = codebook.barrier_window
        kinds: dict[str, set[str]] = {}
        for name in LEXICAL_LISTS:
            for term in codebook.status_terms(name, lang):
                kinds.setdefault(term, set()).add(name)
        self.terms = tuple(kinds)
        self.kinds = tuple(frozenset(kinds[term]) for term in self.terms)
        self._clause_words = {term: CLAUSE_OF[name] for name in CLAUSE_LISTS for term in codebook.status_terms(name, lang)}
        words = rf"|(?<![\w'’-])(?P<word>{_alternatives(self._clause_words)})(?![\w'’-])" if self._clause_words else ""
        self._breaks = re.compile(rf"(?P<end>[{SENTENCE_ENDS};])|(?P<comma>,){words}")  # on lower-cased text

    def words(self, found: Iterable[tuple[int, int, int]]) -> list[Word]:
        """The matcher's occurrences ``(start, end, index into terms)`` as :class:`Word` objects."""
        kinds = self.kinds
        return [Word(start, end, kinds[index]) for start, end, index in found]

    def barriers(self, text: str, evidence: dict[str, tuple[Hit, ...]], hits: list[Hit], words: list[Word]) -> set[str]:
        """The codes (keys of ``evidence``: each code's counted hits) whose coding is a barrier;
        ``hits`` are every keyword occurrence of the text, of any code, ``words`` its status words."""
        if not any("cues" in word.kinds or "suggestions" in word.kinds for word in words):
            return set()
        return _Reading(self, text, hits, words).barriers(evidence)

    def clauses(self, lowered: str, start: int, end: int) -> list[Clause]:
        """The clauses of ``lowered[start:end]`` (one sentence of a lower-cased text), in order, covering it."""
        clauses: list[Clause] = []
        begin, kind, number, follows, count = start, MAIN, 0, -1, 1
        for found in self._breaks.finditer(lowered, start, end):
            name = found.lastgroup
            if name == "comma" and kind == MAIN:
                continue
            at = found.end() if name in ("comma", "end") else found.start()
            if at > begin:
                clauses.append(Clause(begin, at, kind, number, follows))
            if name == "comma" and kind == RELATIVE:  # the main clause it interrupted goes on
                begin, kind, number, follows = at, MAIN, follows, -1
                continue
            if name in ("comma", "end"):
                begin, kind, follows = at, MAIN, -1
            else:
                kind = self._clause_kind(found.group())
                follows, begin = (number if kind == RELATIVE else -1), at
            number, count = count, count + 1
        if end > begin or not clauses:
            clauses.append(Clause(begin, end, kind, number, follows))
        return clauses

    def _clause_kind(self, word: str) -> str:
        """The kind of clause a clause word opens (a glob's word: the kind of the glob it starts with)."""
        word = " ".join(word.split())
        if word in self._clause_words:
            return self._clause_words[word]
        return next(kind for term, kind in self._clause_words.items() if term.endswith("*") and word.startswith(term[:-1]))


def _alternatives(terms: Iterable[str]) -> str:
    """The terms as one regular expression: the plain ones as a trie (a few character tests settle a
    position, however many terms), then the globs; words of a phrase separated by one space."""
    plain = [term for term in terms if "*" not in term]
    globs = [re.escape(term[:-1]) + r"[\w'’-]*" for term in terms if term.endswith("*")]
    return "|".join(([trie_pattern(plain)] if plain else []) + globs)


class _Reading:
    """The status words of one text placed in its sentences and clauses, and the rules applied.

    Every look-up is a bisection or a bounded walk (cues within ``window`` words of a hit), so a long
    text with many hits and cues stays linear; a sentence is cut into clauses only when a cue in it
    could decide a status."""

    def __init__(self, rules: StatusRules, text: str, hits: list[Hit], words: list[Word]):
        self.rules, self.text = rules, text
        self.hits = sorted(hits, key=lambda hit: hit.start)
        self.hit_starts = [hit.start for hit in self.hits]
        self.stretches = Stretches(text)
        self.sentence_ends = [found.start() for found in SENTENCE_END.finditer(text)]
        self._clauses: dict[int, tuple[list[Clause], list[int]]] = {}  # sentence -> its clauses and their starts
        self._lowered: str | None = None
        words = sorted(words, key=lambda word: word.start)
        self.cues = self._cues(words)
        self.cue_starts = [cue.start for cue in self.cues]
        self._active: dict[int, bool] = {}  # cue start -> whether it states a barrier
        suggestions = [word.start for word in words if "suggestions" in word.kinds]
        self.first_suggested = self.sentence(suggestions[0]) if suggestions else len(self.sentence_ends) + 1

    def sentence(self, position: int) -> int:
        return bisect_left(self.sentence_ends, position)

    def sentence_span(self, sentence: int) -> tuple[int, int]:
        start = self.sentence_ends[sentence - 1] + 1 if sentence else 0
        return start, self.sentence_ends[sentence] + 1 if sentence < len(self.sentence_ends) else len(self.text)

    def clause_of(self, position: int) -> Clause:
        sentence = self.sentence(position)
        if sentence not in self._clauses:
            if self._lowered is None:
                self._lowered = lowercase(self.text)
            clauses = self.rules.clauses(self._lowered, *self.sentence_span(sentence))
            self._clauses[sentence] = clauses, [clause.start for clause in clauses]
        clauses, starts = self._clauses[sentence]
        return clauses[max(0, bisect_right(starts, position) - 1)]

    def has_hit(self, start: int, end: int) -> bool:
        """Whether a keyword of any code occurs in ``text[start:end]``."""
        at = bisect_left(self.hit_starts, start)
        return at < len(self.hit_starts) and self.hit_starts[at] < end

    def _cues(self, words: list[Word]) -> list[Word]:
        """The cues not inside a hedge and not part of a negated negative."""
        cancelled: set[int] = set()
        hedge_end = -1
        for n, word in enumerate(words):
            if word.start < hedge_end:
                cancelled.add(n)
            if "hedges" in word.kinds:
                cancelled.update(m for m in range(n - 1, -1, -1) if words[m].end > word.start)  # started with it
                cancelled.add(n)
                hedge_end = max(hedge_end, word.end)
            if "negations" in word.kinds:
                cancelled.update(self._negated_negative(words, n))
        return [word for n, word in enumerate(words) if "cues" in word.kinds and n not in cancelled]

    def active(self, cue: Word) -> bool:
        """Whether the cue states a barrier: it is not inside a conditional clause."""
        if cue.start not in self._active:
            self._active[cue.start] = self.clause_of(cue.start).kind != CONDITIONAL
        return self._active[cue.start]

    def _negated_negative(self, words: list[Word], n: int) -> tuple[int, ...]:
        """The negation ``words[n]`` and the negative word it cancels, or nothing."""
        negation = words[n]
        for m in range(n + 1, len(words)):
            later = words[m]
            if not self.stretches.fewer_words(negation.end, later.start, NEGATION_REACH + 1):
                break
            if ("negatives" in later.kinds and later.start >= negation.end
                    and self._continues(self.clause_of(negation.start), later.start)):
                return n, m
        return ()

    def _continues(self, clause: Clause, position: int) -> bool:
        """Whether ``position`` lies in ``clause`` or in a relative clause describing it
        ("tidak ada yang sulit": nothing that is difficult)."""
        other = self.clause_of(position)
        return self.sentence(position) == self.sentence(clause.start) and clause.number in (other.number, other.follows)

    def barriers(self, evidence: dict[str, tuple[Hit, ...]]) -> set[str]:
        if any(self.stated_alone(cue) for cue in self.cues):
            return set(evidence)  # a barrier stated on its own speaks of the whole answer
        return {code for code, own in evidence.items()
                if any(self.suggested(hit) or self.bears(hit) for hit in own if not self.other_sense(hit))}

    def stated_alone(self, cue: Word) -> bool:
        """Whether the cue stands in the main clause of a sentence that names nothing the codebook knows."""
        return not self.has_hit(*self.sentence_span(self.sentence(cue.start))) and self.clause_of(cue.start).kind == MAIN

    def suggested(self, hit: Hit) -> bool:
        """Whether a suggestion ("saran saya", "perlu ditambah") stands in the hit's sentence or an earlier one."""
        return self.first_suggested <= self.sentence(hit.start)

    def other_sense(self, hit: Hit) -> bool:
        """Whether the hit lies inside a longer hit of another code (which starts at most a term's length before it)."""
        low = bisect_left(self.hit_starts, hit.start - 2 * MAX_TERM_CHARS)
        return any(other.code_id != hit.code_id and other.start <= hit.start and hit.end <= other.end
                   and other.end - other.start > hit.end - hit.start
                   for other in self.hits[low:bisect_right(self.hit_starts, hit.start)])

    def bears(self, hit: Hit) -> bool:
        """Whether an active cue bears on the hit: overlapping it, in its clause (or in a relative clause
        describing it) with fewer than ``window`` words between, or closing the sentence in a clause of
        its own that names nothing ("menggabungkan semua laporan ..., tapi belum": the clause says
        what was not done)."""
        clause = self.clause_of(hit.start)
        window = self.rules.window
        sentence = self.sentence(hit.start)
        after = bisect_left(self.cue_starts, hit.end)
        for at in range(after - 1, -1, -1):  # cues that start before the hit ends, nearest first
            cue = self.cues[at]
            if cue.end > hit.start:
                if self.active(cue):
                    return True
                continue
            if not self.stretches.fewer_words(cue.end, hit.start, window) or self.sentence(cue.start) != sentence:
                break
            if self.active(cue) and self.clause_of(cue.start).number == clause.number:
                return True
        for at in range(after, len(self.cues)):  # cues after the hit, nearest first
            cue = self.cues[at]
            if self.sentence(cue.start) != sentence:
                break
            if not self.active(cue):
                continue
            other = self.clause_of(cue.start)
            if clause.number in (other.number, other.follows):
                if self.stretches.fewer_words(hit.end, cue.start, window):
                    return True
                if other.number == clause.number:
                    break  # the cues farther on in the clause are farther still
            elif other.kind == MAIN and self._elliptical_after(other, clause):
                return True
            else:
                break
        return False

    def _elliptical_after(self, other: Clause, clause: Clause) -> bool:
        """Whether ``other`` is the main clause right after ``clause`` and names nothing."""
        clauses, starts = self._clauses[self.sentence(other.start)]
        at = bisect_left(starts, other.start)
        return at > 0 and clauses[at - 1].number == clause.number and not self.has_hit(other.start, other.end)
