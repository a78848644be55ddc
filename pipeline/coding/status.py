"""Whether a coding reports a practice or a barrier: the barrier cues that bear on its evidence.

A coding is ``barrier`` when a barrier cue of the codebook ("belum", "kurang", "not yet", ...) bears on
one of its evidence terms, ``practice`` otherwise. A cue bears on a term when (the word lists are the
codebook's ``barrier`` section, so a researcher can edit them; ``docs/codebook.md`` shows examples):

- **Same clause.** The cue and the term share a clause and have fewer than ``barrier.window`` words
  between them (or overlap). A clause ends at a sentence end (. ! ? …) or a semicolon, and before a
  clause opener (``clause_openers``: "tapi", "jadi", "but", "so", ...). A relative clause
  (``relativisers``: "yang", "which", ...; to the next comma, or to a ``relative_ends`` word closing the
  noun phrase: "layanan yang lebih modern itu | masih kurang") describes its head, the word or two just
  before it: a cue in it bears on a term there ("web kami yang belum memadai"), not on the other terms
  of the clause ("kami membahas arsip yang sulit dibaca" says nothing against the discussion). A
  clause word right after a negation is a verb, not a break ("belum jadi kebiasaan": not yet become);
  a relativiser right after a ``quantifiers`` word opens no relative clause but the predicate ("banyak
  yang rusak": many are broken).
- **Reasons and concessions.** A cue in a clause opened by a ``subordinators`` word ("karena",
  "walaupun", "because", "although", ...; to the next comma) bears on the terms of that clause only: it
  gives a cause or a concession, and neither states a barrier on its own nor says what the clause before
  lacks ("saya ke sana karena belum punya kuota"; "saya puas, walaupun ada yang masih kurang").
- **Not a condition.** A cue inside a conditional clause (``conditionals``: "kalau", "jika", "if",
  "when", ..., up to the next comma) states no barrier: "kalau tidak ada di sini, kami carikan ..."
  ("if it is not here, we find it ...") describes a service. Nor does a cue in the clause right after a
  negated condition, which says what would happen without a thing ("kalau tidak ada bantuan mereka,
  mungkin proposal saya belum sampai sejauh ini").
- **Not a negated negative.** A negation (``negations``) followed within three words of its clause by a
  negative word (``negatives``) is a positive: "tidak sulit", "tidak pernah marah", "not without",
  "never fails". Neither word counts as a cue.
- **Not a denied perfection.** A negation of an extreme (``extremes``), within three words before it or
  with the extreme in the condition just before ("belum sempurna", "not yet fully at its best", "kalau
  ditanya sudah sempurna, belum"), grants all but the best: no barrier. "Belum maksimal" still is one.
- **Not a phrase of another sense.** An evidence term inside a longer ``other_senses`` phrase
  ("folder bersama", "put together") has another sense, and no cue bears on it for its own code. (A
  term that modifies a longer term of another code, "bersama" in "penyimpanan bersama", is no
  evidence at all; the head keeps its sense, "pelatihan" in "pelatihan IT": see
  :mod:`pipeline.coding.classify`.) Nor does one that modifies a ``documents`` noun: "hasil diskusi",
  "laporan pelatihan", "discussion results" name documents.
- **Not the speaker's uncertainty, not a cue at all.** A cue inside a hedge (``hedges``: "kurang tahu",
  "don't know", "belum pernah", "tidak perlu datang") says nothing the library lacks; one inside a
  ``non_cues`` word or phrase ("tidak hanya", "not only", "sebelum") is no cue, and a suggestion inside
  one ("pleased") no suggestion.
- **An adjective of a noun.** An English ``adjectives`` cue ("difficult") right before a word that is not
  a ``complements`` word or a clause word describes that noun ("we discuss difficult records"): it
  bears on a term right after it only ("a difficult catalogue") and states nothing on its own.
- **A clause that names nothing.** A main clause with a cue and no keyword of any code, right after
  the clause of a term, says what that clause lacks ("Diskusinya baik, tapi belum maksimal").
- **A barrier stated on its own.** A sentence with an active cue in its main clause that names nothing
  the codebook knows (no keyword of any code: "Jadi belum semua terlibat.", "Isinya belum lengkap.")
  speaks of what was named before it in the answer: those codes are barriers, not the codes named only
  after it. Stated in the answer's first sentence ("Belum maksimal, Dik.", "Jarang."), it answers the
  question: every code of the answer is a barrier. Not so a sentence that opens with a topic of its
  own (a ``topics`` word among its first three words: "Tapi untuk koleksi sejarah masih kurang.", "As
  for the history books, ..."): it speaks of that topic, even one the codebook does not know.
- **A suggestion.** The speaker's suggestion, wish or plan (``suggestions``: "saran saya", "perlu
  ditambah", "should", "pengen ada", "I wish", "rencananya"; not "kritik, saran dan pertanyaan") names
  what is lacking: every term of its sentence and of the rest of the answer is a barrier, except one
  the suggestion asks to keep (a ``keeps`` word between the same commas: "grup diskusi tetap ada",
  "keep the chat service going").
- **A praise, then a reservation.** A ``praises`` word ("berguna", "membantu", "useful", "helps") in a
  main clause with no cue praises the codes named in its clause ("Denah itu berguna."), or, when the
  clause names nothing else ("Itu sangat membantu."), those of the sentence before (in the answer's
  first sentence: every code). The cues after the praise's sentence are then a reservation, not a
  barrier of those codes ("... Cuma, ada rak yang labelnya sudah pudar."), as long as they stand in
  one sentence (``RESERVATIONS``); more sentences with cues outweigh the praise. A barrier before the
  praise, or in its sentence ("membantu, tapi lambat"), still counts.

Clause words (openers, subordinators, conditionals, relativisers, relative ends, quantifiers) match as written, whole
words in any case, the words of a phrase one space apart (a ``word*`` glob matches the words starting
so); complements are single words, compared with the word after an adjective; the other lists match like
keywords (stems, affixes: :mod:`pipeline.coding.matcher`), found by the classifier's matcher in the same
scan as the keywords.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from functools import partial
from operator import itemgetter
from typing import TYPE_CHECKING, NamedTuple

from pipeline.coding.matcher import trie_pattern
from pipeline.coding.tokens import SENTENCE_END, SENTENCE_ENDS, Stretches, lowercase
from pipeline.contracts import MAX_TERM_CHARS

if TYPE_CHECKING:
    from pipeline.coding.classify import Hit
    from pipeline.coding.codebook import Codebook

LEXICAL_LISTS = ("cues", "suggestions", "hedges", "non_cues", "negations", "negatives", "extremes", "adjectives",
                 "other_senses", "documents", "praises", "keeps", "topics")  # matched like keywords, by the matcher
CLAUSE_LISTS = ("clause_openers", "conditionals", "subordinators", "relativisers")  # matched as written, here
WORD_BEFORE = re.compile(r"([\w'’-]+)[ \t]*\Z")  # the word that ends a stretch, if any (no punctuation after it)
CANCELLING = ("hedges", "non_cues")  # a cue inside one of these does not count
NEXT_WORD = re.compile(r"[ \t]*([\w'’-]+)")  # the word right after a position, if any (no punctuation between)
HEAD_FIRST = frozenset({"id"})  # languages whose noun phrases put the head first ("pelatihan IT"); English last
NEGATION_REACH = 3  # at most this many words between a negation and the negative word it cancels
RESERVATIONS = 1  # a praise holds against this many later sentences with a cue, not more
TOPIC_REACH = 3  # a topic word among the first this many words of a sentence names the sentence's own topic
MAIN, CONDITIONAL, SUBORDINATE, RELATIVE = "main", "conditional", "subordinate", "relative"  # kinds of clause
CLAUSE_OF = {"clause_openers": MAIN, "conditionals": CONDITIONAL, "subordinators": SUBORDINATE, "relativisers": RELATIVE}


class Clause(NamedTuple):
    """A stretch ``[start, end)`` of one clause. A main clause interrupted by a relative clause goes on
    after it under the same ``number``; a relative clause ``follows`` the number of the clause it describes."""

    start: int
    end: int
    kind: str  # MAIN | CONDITIONAL | SUBORDINATE | RELATIVE
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
        self.head_first = lang in HEAD_FIRST
        kinds: dict[str, set[str]] = {}
        for name in LEXICAL_LISTS:
            for term in codebook.status_terms(name, lang):
                kinds.setdefault(term, set()).add(name)
        self.terms = tuple(kinds)
        self.kinds = tuple(frozenset(kinds[term]) for term in self.terms)
        self._clause_words = {term: CLAUSE_OF[name] for name in CLAUSE_LISTS for term in codebook.status_terms(name, lang)}
        words = rf"|(?<![\w'’-])(?P<word>{_alternatives(self._clause_words)})(?![\w'’-])" if self._clause_words else ""
        relative_ends = codebook.status_terms("relative_ends", lang)
        closers = rf"|(?<![\w'’-])(?P<closer>{_alternatives(relative_ends)})(?![\w'’-])" if relative_ends else ""
        self._breaks = re.compile(rf"(?P<end>[{SENTENCE_ENDS};])|(?P<comma>,){words}{closers}")  # on lower-cased text
        self._negations = frozenset(codebook.status_terms("negations", lang))  # a clause word after one is a verb
        self._quantifiers = frozenset(codebook.status_terms("quantifiers", lang))  # a relativiser after one is none
        self._not_nouns = frozenset(codebook.status_terms("complements", lang)) | {
            word for term in self._clause_words for word in term.split()}  # an adjective before these is no attribute

    def words(self, found: Iterable[tuple[int, int, int]]) -> list[Word]:
        """The matcher's occurrences ``(start, end, index into terms)`` as :class:`Word` objects."""
        kinds = self.kinds
        return [_word((start, end, kinds[index])) for start, end, index in found]

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
            if (name == "comma" and kind == MAIN) or (name == "closer" and kind != RELATIVE):
                continue
            if name == "word" and self._after(self._negations, lowered, begin, found.start()):
                continue
            if name == "word" and self._after(self._quantifiers, lowered, begin, found.start()) and (
                    self._clause_kind(found.group()) == RELATIVE):
                continue
            at = found.end() if name in ("comma", "end", "closer") else found.start()
            if at > begin:
                clauses.append(Clause(begin, at, kind, number, follows))
            if name in ("comma", "closer") and kind == RELATIVE:  # the main clause it interrupted goes on
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

    def _after(self, words: frozenset[str], lowered: str, begin: int, at: int) -> bool:
        """Whether the word right before ``at`` (in ``lowered[begin:at]``) is one of ``words``: a negation
        ("belum jadi": a verb follows), a quantifier ("banyak yang": a predicate follows)."""
        found = WORD_BEFORE.search(lowered, max(begin, at - 40), at)
        return found is not None and found[1] in words

    def attributive(self, lowered: str, adjective_end: int) -> bool:
        """Whether the adjective ending at ``adjective_end`` stands before a noun it describes: a word
        follows it, not a complement ("difficult records", not "difficult to use", "difficult, and")."""
        found = NEXT_WORD.match(lowered, adjective_end)
        return found is not None and found[1] not in self._not_nouns

    def _clause_kind(self, word: str) -> str:
        """The kind of clause a clause word opens (a glob's word: the kind of the glob it starts with)."""
        word = " ".join(word.split())
        if word in self._clause_words:
            return self._clause_words[word]
        return next(kind for term, kind in self._clause_words.items() if term.endswith("*") and word.startswith(term[:-1]))


_word = partial(tuple.__new__, Word)  # Word from a tuple, without Python's call of Word.__new__
_by_start = itemgetter(0)  # the start of a Hit or a Word


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
        self.hits = sorted(hits, key=_by_start)
        self.hit_starts = [hit.start for hit in self.hits]
        self.stretches = Stretches(text)
        self.sentence_ends = [found.start() for found in SENTENCE_END.finditer(text)]
        self._clauses: dict[int, tuple[list[Clause], list[int]]] = {}  # sentence -> its clauses and their starts
        self._lowered: str | None = None
        words = sorted(words, key=_by_start)
        self.words, self.word_starts = words, [word.start for word in words]
        self._starts: dict[str, list[int]] = {}  # list -> the starts of its words, when first asked
        cancelled = self._cancelled(words)
        self.cues = [word for n, word in enumerate(words) if "cues" in word.kinds and n not in cancelled]
        self.attributes = {cue.start for cue in self.cues  # "difficult records": the cue describes the noun after it
                           if "adjectives" in cue.kinds and rules.attributive(self.lowered, cue.end)}
        self.cue_starts = [cue.start for cue in self.cues]
        self._active: dict[int, bool] = {}  # cue start -> whether it states a barrier
        suggestions = [word.start for n, word in enumerate(words) if "suggestions" in word.kinds and n not in cancelled]
        self.first_suggestion = suggestions[0] if suggestions else len(text)
        self.first_suggested = self.sentence(suggestions[0]) if suggestions else len(self.sentence_ends) + 1
        self.praises = [word for n, word in enumerate(words) if "praises" in word.kinds and n not in cancelled]
        self.praise_starts = [praise.start for praise in self.praises]

    @property
    def lowered(self) -> str:
        if self._lowered is None:
            self._lowered = lowercase(self.text)
        return self._lowered

    def sentence(self, position: int) -> int:
        return bisect_left(self.sentence_ends, position)

    def sentence_span(self, sentence: int) -> tuple[int, int]:
        start = self.sentence_ends[sentence - 1] + 1 if sentence else 0
        return start, self.sentence_ends[sentence] + 1 if sentence < len(self.sentence_ends) else len(self.text)

    def clause_of(self, position: int) -> Clause:
        sentence = self.sentence(position)
        if sentence not in self._clauses:
            clauses = self.rules.clauses(self.lowered, *self.sentence_span(sentence))
            self._clauses[sentence] = clauses, [clause.start for clause in clauses]
        clauses, starts = self._clauses[sentence]
        return clauses[max(0, bisect_right(starts, position) - 1)]

    def has_hit(self, start: int, end: int) -> bool:
        """Whether a keyword of any code occurs in ``text[start:end]``."""
        at = bisect_left(self.hit_starts, start)
        return at < len(self.hit_starts) and self.hit_starts[at] < end

    def _cancelled(self, words: list[Word]) -> set[int]:
        """The indices of the words that do not count: those inside a hedge or a non-cue ("menolong" is no
        "tolong", "pleased" no "please"), a negated negative, a negation denying perfection."""
        cancelled: set[int] = set()
        hedge_end = -1
        for n, word in enumerate(words):
            if word.start < hedge_end:
                cancelled.add(n)
            if not word.kinds.isdisjoint(CANCELLING):
                cancelled.update(m for m in range(n - 1, -1, -1) if words[m].end > word.start)  # started with it
                cancelled.add(n)
                hedge_end = max(hedge_end, word.end)
            if "negations" in word.kinds:
                negated = self._negated_negative(words, n) or self._denied_extreme(words, n)
                if negated:
                    cancelled.update(negated)
                    cancelled.update(m for m in range(n - 1, -1, -1) if words[m].end > word.start)  # "not" of "not yet"
                    hedge_end = max(hedge_end, word.end)
        spans = {words[n][:2] for n in cancelled}  # the same word found as two terms ("bad", "badly") goes too
        return {n for n, word in enumerate(words) if word[:2] in spans}

    def active(self, cue: Word) -> bool:
        """Whether the cue states a barrier: it is neither inside a conditional clause nor in the clause
        right after a negated one ("kalau tidak ada bantuan mereka, ... belum sampai": what would happen)."""
        if cue.start not in self._active:
            clause = self.clause_of(cue.start)
            before = self.clause_before(clause)
            self._active[cue.start] = clause.kind != CONDITIONAL and not (
                before is not None and before.kind == CONDITIONAL and self._has_word("negations", before.start, before.end))
        return self._active[cue.start]

    def clause_before(self, clause: Clause) -> Clause | None:
        """The clause right before ``clause`` in its sentence, if any."""
        clauses, starts = self._clauses[self.sentence(clause.start)]
        at = bisect_left(starts, clause.start)
        return clauses[at - 1] if at > 0 else None

    def _has_word(self, kind: str, start: int, end: int) -> bool:
        """Whether a status word of the list ``kind`` starts in ``text[start:end]``."""
        if kind not in self._starts:
            self._starts[kind] = [word.start for word in self.words if kind in word.kinds]
        starts = self._starts[kind]
        at = bisect_left(starts, start)
        return at < len(starts) and starts[at] < end

    def _negated_negative(self, words: list[Word], n: int) -> tuple[int, ...]:
        """The negation ``words[n]`` and the negative word it cancels, or nothing."""
        return self._negation_before(words, n, "negatives")

    def _denied_extreme(self, words: list[Word], n: int) -> tuple[int, ...]:
        """The negation ``words[n]`` when it denies perfection, not adequacy: an extreme follows it ("belum
        sempurna", "not yet fully at its best") or stands in the condition just before its clause ("kalau
        ditanya sudah sempurna, belum"); with the extreme, or nothing."""
        found = self._negation_before(words, n, "extremes")
        if found or not self._has_word("extremes", self.sentence_span(self.sentence(words[n].start))[0], words[n].start):
            return found  # no extreme before it in its sentence: no condition naming one either
        clause = self.clause_of(words[n].start)
        before = self.clause_before(clause) if clause.kind == MAIN else None
        if before is not None and before.kind == CONDITIONAL and self._has_word("extremes", before.start, before.end):
            return (n,)
        return ()

    def _negation_before(self, words: list[Word], n: int, kind: str) -> tuple[int, ...]:
        """The negation ``words[n]`` and the word of the list ``kind`` it applies to (at most
        NEGATION_REACH words on, in its clause), or nothing."""
        negation = words[n]
        for m in range(n + 1, len(words)):
            later = words[m]
            if not self.stretches.fewer_words(negation.end, later.start, NEGATION_REACH + 1):
                break
            if (kind in later.kinds and later.start >= negation.end
                    and self._continues(self.clause_of(negation.start), later.start)):
                return n, m
        return ()

    def _continues(self, clause: Clause, position: int) -> bool:
        """Whether ``position`` lies in ``clause`` or in a relative clause describing it
        ("tidak ada yang sulit": nothing that is difficult)."""
        other = self.clause_of(position)
        return self.sentence(position) == self.sentence(clause.start) and clause.number in (other.number, other.follows)

    def barriers(self, evidence: dict[str, tuple[Hit, ...]]) -> set[str]:
        alone = [cue.start for cue in self.cues if self.stated_alone(cue) and self.active(cue)]
        answered = alone[0] if alone and self.sentence(alone[0]) == 0 else len(self.text)  # stated first: of every code
        praised = self.praised(evidence)
        barriers = set()
        for code, own in evidence.items():
            until = praised.get(code, len(self.text))  # cues after a praise of the code are reservations
            last_alone = max((start for start in alone if start < until), default=-1)  # speaks of what was named before
            if answered < until or any(hit.start < last_alone or self.suggested(hit, until) or self.bears(hit, until)
                                       for hit in own if not self.other_sense(hit)):
                barriers.add(code)
        return barriers

    def praised(self, evidence: dict[str, tuple[Hit, ...]]) -> dict[str, int]:
        """Where the reservations begin for each praised code: the end of the sentence of its first praise.

        A ``praises`` word in a main clause with no cue praises the codes named in that clause ("Denah
        itu berguna"); in a clause that names nothing else ("Itu sangat membantu"), those of the sentence
        before, or in the first sentence every code. The praise holds against one later sentence with a
        cue (a reservation: "Cuma, ada rak yang labelnya sudah pudar."), not against more."""
        praised: dict[str, int] = {}
        barred = sorted({self.sentence(cue.start) for cue in self.cues if self.active(cue)}) if self.praises else []
        read: dict[int, tuple[set[int], dict[int, set[str]], set[str]]] = {}  # sentence -> what its clauses hold
        for praise in self.praises:
            clause, sentence = self.clause_of(praise.start), self.sentence(praise.start)
            if clause.kind != MAIN or len(barred) - bisect_right(barred, sentence) > RESERVATIONS:
                continue
            with_cue, named, _ = self._clause_contents(sentence, read)
            if clause.number in with_cue:
                continue
            codes = named.get(clause.number) or (self._clause_contents(sentence - 1, read)[2] if sentence else set(evidence))
            for code in codes & evidence.keys():
                praised.setdefault(code, self.sentence_span(sentence)[1])
        return praised

    def _clause_contents(self, sentence: int, read: dict) -> tuple[set[int], dict[int, set[str]], set[str]]:
        """The numbers of the sentence's clauses with a cue, the codes named in each clause (with the
        relative clauses describing it; not a keyword that is itself a praise), and every code it names;
        kept in ``read``, so that a sentence is read once."""
        if sentence in read:
            return read[sentence]
        start, end = self.sentence_span(sentence)
        with_cue = {self.clause_of(cue.start).number
                    for cue in self.cues[bisect_left(self.cue_starts, start):bisect_left(self.cue_starts, end)]}
        named: dict[int, set[str]] = {}
        hits = self.hits[bisect_left(self.hit_starts, start):bisect_left(self.hit_starts, end)]
        for hit in hits:
            at = bisect_left(self.praise_starts, hit.end)
            if at and self.praises[at - 1].end > hit.start:  # the praise itself ("sangat membantu")
                continue
            clause = self.clause_of(hit.start)
            for number in {clause.number, clause.follows} - {-1}:
                named.setdefault(number, set()).add(hit.code_id)
        read[sentence] = with_cue, named, {hit.code_id for hit in hits}
        return read[sentence]

    def stated_alone(self, cue: Word) -> bool:
        """Whether the cue stands in the main clause of a sentence that names nothing the codebook knows
        (and describes no noun)."""
        start, end = self.sentence_span(self.sentence(cue.start))
        return (cue.start not in self.attributes and not self.has_hit(start, end)
                and self.clause_of(cue.start).kind == MAIN and not self.names_topic(start, cue.start))

    def names_topic(self, start: int, end: int) -> bool:
        """Whether a ``topics`` word ("untuk", "as for") stands among the first words of the sentence that
        starts at ``start``, before ``end``: the sentence names its own topic ("Tapi untuk koleksi sejarah
        masih kurang"), even one the codebook does not know."""
        at = bisect_left(self.word_starts, start)
        return any("topics" in word.kinds and word.start < end and self.stretches.fewer_words(start, word.start, TOPIC_REACH)
                   for word in self.words[at:bisect_left(self.word_starts, end)])

    def suggested(self, hit: Hit, until: int) -> bool:
        """Whether a suggestion ("saran saya", "perlu ditambah") before ``until`` stands in the hit's sentence
        or an earlier one, and does not ask to keep the hit ("grup diskusi tetap ada": no lack)."""
        return self.first_suggestion < until and self.first_suggested <= self.sentence(hit.start) and not self.kept(hit)

    def kept(self, hit: Hit) -> bool:
        """Whether a ``keeps`` word ("tetap", "keep") stands in the hit's stretch between commas."""
        start, end = self.sentence_span(self.sentence(hit.start))
        start = max(start, self.text.rfind(",", start, hit.start) + 1)
        comma = self.text.find(",", hit.end, end)
        return self._has_word("keeps", start, end if comma < 0 else comma)

    def other_sense(self, hit: Hit) -> bool:
        """Whether the hit lies inside a longer phrase of the ``other_senses`` list (which starts at most a
        term's length before it) or names a document. (A keyword that modifies a longer keyword of another
        code is no evidence at all: :mod:`pipeline.coding.classify`.)"""
        low = bisect_left(self.word_starts, hit.start - 2 * MAX_TERM_CHARS)
        before = self.words[low:bisect_right(self.word_starts, hit.start)]
        if any("other_senses" in word.kinds and word.start <= hit.start and hit.end <= word.end
               and word.end - word.start > hit.end - hit.start for word in before):
            return True
        return self.names_document(hit, before)

    def names_document(self, hit: Hit, before: list[Word]) -> bool:
        """Whether the hit modifies a ``documents`` noun, right before it in Indonesian ("hasil diskusi",
        "laporan pelatihan"), right after it in English ("discussion results"): it names a document."""
        if self.rules.head_first:
            return any("documents" in word.kinds and word.end <= hit.start
                       and self.stretches.fewer_words(word.end, hit.start, 1) for word in before)
        at = bisect_left(self.word_starts, hit.end)
        return at < len(self.words) and "documents" in self.words[at].kinds and self.stretches.fewer_words(
            hit.end, self.words[at].start, 1)

    def bears(self, hit: Hit, until: int | None = None) -> bool:
        """Whether an active cue bears on the hit: overlapping it, in its clause (or in a relative clause
        describing it) with fewer than ``window`` words between, or closing the sentence in a clause of
        its own that names nothing ("menggabungkan semua laporan ..., tapi belum": the clause says
        what was not done). Only cues before ``until`` count (all, without it)."""
        until = len(self.text) if until is None else until
        window = self.rules.window
        sentence = self.sentence(hit.start)
        clause = None  # the hit's clause, read only when a cue in its sentence is near enough to need it
        after, last = bisect_left(self.cue_starts, min(hit.end, until)), bisect_left(self.cue_starts, until)
        for at in range(after - 1, -1, -1):  # cues that start before the hit ends, nearest first
            cue = self.cues[at]
            if cue.start in self.attributes:  # describes the noun after it: bears on that one only
                if cue.end <= hit.start and self.stretches.fewer_words(cue.end, hit.start, 1) and self.active(cue):
                    return True
                continue
            if cue.end > hit.start:
                if self.active(cue):
                    return True
                continue
            if not self.stretches.fewer_words(cue.end, hit.start, window) or self.sentence(cue.start) != sentence:
                break
            if self.active(cue):
                clause = clause or self.clause_of(hit.start)
                if self.clause_of(cue.start).number == clause.number:
                    return True
        for at in range(after, last):  # cues after the hit, nearest first
            cue = self.cues[at]
            if self.sentence(cue.start) != sentence:
                break
            if not self.active(cue) or cue.start in self.attributes:
                continue
            other = self.clause_of(cue.start)
            clause = clause or self.clause_of(hit.start)
            if other.number != clause.number and other.follows == clause.number and not self.describes(other, hit):
                continue  # a relative clause about another word of the hit's clause
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

    def describes(self, relative: Clause, hit: Hit) -> bool:
        """Whether the relative clause describes the hit: the hit ends at most one word before it
        ("web kami yang ...", "the website, which ...")."""
        return hit.end <= relative.start and self.stretches.fewer_words(hit.end, relative.start, 2)

    def _elliptical_after(self, other: Clause, clause: Clause) -> bool:
        """Whether ``other`` is the main clause right after ``clause`` and names nothing."""
        clauses, starts = self._clauses[self.sentence(other.start)]
        at = bisect_left(starts, other.start)
        return at > 0 and clauses[at - 1].number == clause.number and not self.has_hit(other.start, other.end)
