"""How a codebook term matches a text (Indonesian and English): the rules, and the RE2 engine that applies them.

This is the language half of the classifier; it knows nothing about SECI or codes. The rules,
documented for researchers in ``docs/codebook.md``:

- **Words.** A word is a run of letters and digits, joined across ``-`` and apostrophes ("buku-buku",
  "e-book", "librarian's"). Texts are lower-cased, keeping their length, so every offset points into
  the original text. A phrase matches only words separated by white space: punctuation breaks it
  ("kegiatan, seminar" is not the phrase "kegiatan seminar").
- **Globs.** ``train*`` matches the words that start with "train".
- **English words** match by NLTK's Snowball stem: "trained", "training" match "train".
- **Indonesian words written as a root** (Sastrawi leaves them unchanged: "diskusi", "tulis") match
  the words Sastrawi reduces to them ("menulis", "mendiskusikan") and the words that contain them where
  Sastrawi cut into the root ("berdiskusi" -> "diskus"). A root Sastrawi does not know ("opac",
  "wifi") matches itself with -nya, -ku, -mu, -lah, -kah, -pun ("opacnya").
- **Indonesian words written with affixes** (Sastrawi over-stems them: "pengalaman" -> "alam",
  "pengetahuan" -> "tahu") match the words built on them with the prefixes and endings Sastrawi
  strips ("pengalamannya", "berpengalaman"), never "alam" or "tahu"; and such a word is matched by
  them alone, so a root keyword "alam" does not fire on "pengalaman" either.
- **Spoken Indonesian.** A word no rule above matches may be a spoken form of an affixed word: a bare
  nasal for meN- ("nanya", "ngajar", "ngecek", "nyari" for menanya, mengajar, mengecek, mencari) and -in
  for -i or -kan ("ngajarin", "nunjukin"). It matches what the formal forms match; a Sastrawi root
  ("ingin", "mesin") is left as it is.
- **Reduplication.** Full reduplication is undone first ("buku-buku", "buku2" -> "buku"); Sastrawi
  handles the affixed kinds ("tukar-menukar" -> "tukar"). It gives a hyphenated word a root only
  when the parts share one, so such a word matches an Indonesian term word through its first part.

Speed. Sastrawi costs from ~10 µs to 0.5 ms a word (22 µs the median here, where its affix steps
record what they removed without compiling the word as a regular expression; about three times as
much with its own). Stemmers are built once per process and cached per distinct word, and a word is
stemmed only when it could reach a codebook stem: it must hold one of the forms the stem takes in
affixed words, framed by affixes Sastrawi strips. One RE2 expression (Google's automaton engine:
each byte looked at once, in C) holds these frames for the words that anchor terms, and finds in a
batch of texts the words that may be one; only those are taken apart in Python. Words that anchor
only qualifiers are looked for only in the texts that hold a term.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable
from itertools import accumulate, product
from typing import NamedTuple

import re2

from pipeline.coding.sastrawi import indonesian_roots, indonesian_stop_words
from pipeline.coding.stemming import CACHE_LIMIT, stemmer
from pipeline.coding.tokens import (
    WORD, WORD_AT, lowercase, reduplication_base, words,
)

BATCH_SIZE = 500  # texts scanned together (one call into RE2; their lower-cased copies are held meanwhile)
_NO_IDS: frozenset[int] = frozenset()


GLOB, STEM, ROOT, AFFIXED, LOANWORD = "glob", "stem", "root", "affixed", "loanword"  # kinds of term words
SPOKEN = "spoken"  # the root of an Indonesian term word written with affixes: finds its spoken forms for the scan
# meN-/peN- replace a root's first t, p, k, s by their nasal (menulis, memukul, mengambil, menyapu).
_NASAL = {"t": "n", "p": "m", "k": "ng", "s": "ny"}
_INFIXES = ("el", "em", "er", "in")  # after a root's first consonant: kinerja (kerja)
# What Sastrawi strips around a root: up to three prefixes (its plain and disambiguated ones; the
# nasal of meN-/peN- belongs to the root form), and after the root a derivational suffix, a possessive
# and a particle, in that order. A root form not framed by these cannot be what Sastrawi leaves of a
# word. Checked against Sastrawi on 160,000 generated forms: only forms with two infixes, or a nasal
# stacked on an infix ("menelos" -> "tos"), escape it, and no such word exists.
_PREFIX_LIST = (
    "di", "ke", "se", "kau", "ku", "be", "ber", "bel", "te", "ter", "me", "mem", "men", "meng", "meny", "menge",
    "menye", "mene", "meme", "pe", "pem", "pen", "peng", "peny", "penge", "penye", "pene", "peme", "per", "pel",
    "m", "n", "ne", "ng", "nge", "ny", "nye",  # spoken meN-: ngajar, ngecek, njawab, mbaca (see spoken_variants)
)
_CLITICS = r"(?:-?(?:ku|mu|nya))?(?:-?(?:lah|kah|tah|pun))?"  # a word holds no "--"
_ENDINGS = re.compile(r"(?:is|isme|isasi|i|kan|an|in)?" + _CLITICS)  # -in: spoken -i, -kan (ngajarin)
_CLITIC_ENDINGS = re.compile(_CLITICS)
_FRAME_END = re.compile(_ENDINGS.pattern + "(?:-.*)?", re.DOTALL)  # endings, then the end or a hyphen


def root_forms(root: str) -> set[str]:
    """The forms an Indonesian root takes inside its affixed words: itself, nasalised (tulis ->
    nulis, as in menulis) or with an infix (kerja -> kinerja)."""
    forms = {root}
    if root[0] in _NASAL:
        forms.add(_NASAL[root[0]] + root[1:])
    if root[0] == "c":  # spoken: nyari (mencari)
        forms.add("ny" + root[1:])
    if root[0] not in "aiueo":
        forms.update(root[0] + infix + root[1:] for infix in _INFIXES)
    return forms


def spoken_variants(word: str) -> list[str]:
    """The formal forms a spoken Indonesian word may stand for, likeliest first: -in for -kan or -i, a
    verb suffix, so never the bare word ("dikumpulin" -> dikumpulkan; "ngajarin" -> ngajarkan, ngajari),
    each with meN- before it, then without ("kumpulin" -> mengumpulkan); a bare nasal with me- ("nanya"
    -> menanya, "nyari" -> mencari). None for a word with neither mark."""
    if word.endswith("in") and len(word) > 5:
        bases = [word[:-2] + "kan", word[:-2] + "i"]
    elif word.startswith(("ng", "ny", "n", "m")) and not word.startswith("me"):  # a bare nasal: ngajar, nanya
        bases = [word]
    else:
        return []  # no mark of speech ("katalogisasi"): a formal word the codebook does not know
    forms = []
    for base in bases:
        forms += [*_with_men(base), base]
    return [form for form in forms if form != word]


def _with_men(base: str) -> list[str]:
    """``base`` with the verb prefix meN-: a spoken nasal is kept ("ngajar" -> mengajar; "nyari" -> menyari,
    mencari), else the nasal the first letter takes ("kumpul" -> mengumpul, "tulis" -> menulis, "baca" ->
    membaca, "dengar" -> mendengar, "lihat" -> melihat)."""
    if base.startswith("ny"):
        return ["me" + base, "menc" + base[2:]]
    if base.startswith(("ng", "n", "m")):
        return ["me" + base]
    if base[0] in _NASAL:
        return ["me" + _NASAL[base[0]] + base[1:]]
    if base[0] in "bfpv":
        return ["mem" + base]
    if base[0] in "cdjz" or base.startswith("sy"):
        return ["men" + base]
    if base[0] in "lrwy":
        return ["me" + base]
    return ["meng" + base]  # a vowel, g, h or kh


def in_affix_frame(word: str, form: str) -> bool:
    """Whether ``form`` occurs in ``word`` with only prefixes Sastrawi strips before it and only
    endings it strips after it, up to the word's end or a hyphen ("berbalas-balasan": Sastrawi gives
    a hyphenated word a root only when its parts share one, so the first part holds it)."""
    at = word.find(form)
    while at >= 0:
        if _PREFIXES.fullmatch(word, 0, at) and _FRAME_END.fullmatch(word, at + len(form)):
            return True
        at = word.find(form, at + 1)
    return False


def trie_pattern(strings: Iterable[str]) -> str:
    """A regular expression matching any of ``strings``, written as a trie ("ab", "ac" -> ``a(?:b|c)``)
    so that the ``re`` engine settles a position with a few character tests, however many strings."""
    trie: dict = {}
    for string in strings:
        node = trie
        for char in string:
            node = node.setdefault(char, {})
        node[""] = {}

    def branch(node: dict) -> str:
        alternatives = [(char if char.isalnum() else re.escape(char)) + branch(child)
                        for char, child in sorted(node.items()) if char]
        if not alternatives:
            return ""
        body = alternatives[0] if len(alternatives) == 1 and "" not in node else f"(?:{'|'.join(alternatives)})"
        return body + "?" if "" in node else body

    return branch(trie)


_PREFIXES = re.compile(f"(?:{trie_pattern(_PREFIX_LIST)}){{0,3}}")  # as a trie: a few tests per position


def _ascii_word_char(char: str) -> bool:
    """Whether RE2's ``\\b`` counts ``char`` as a word character (it knows only ASCII ones)."""
    return char.isascii() and (char.isalnum() or char == "_")


_SNOWBALL_EXCEPTIONS = {"die", "lie", "tie"}  # of dying, lying, tying: their words keep only the first letter
_SNOWBALL_MADE = "eily"  # the last letters Snowball writes into a stem (hope, happi, possibl, sky): the word may lack them


def english_stem_start(stem: str) -> str:
    """What every English word Snowball stems to ``stem`` starts with, cut before an apostrophe
    (Snowball reads "isn’t" as "isn't"): the stem itself, but for its last letter where that is one
    Snowball writes (hoping -> hope, happy -> happi, possibility -> possibl, skies -> sky; elsewhere
    it only removes letters). Checked on 2.9 million generated words (roots with the suffixes Snowball
    removes). Keeping the whole stem matters for short stems: "do" (of "doing") would otherwise find
    every word that starts with d."""
    if stem in _SNOWBALL_EXCEPTIONS:
        return stem[0]
    kept = stem[:-1] if stem[-1] in _SNOWBALL_MADE else stem
    return kept.split("'")[0] or stem[0]


class _WordRules:
    """How the words of one language's terms match the words of a text.

    Each term word is filed under a piece that every word it matches holds in a known place: a glob's
    prefix and an English stem's start (:func:`english_stem_start`) at the start of the word; a root Sastrawi does not
    know as the whole word (but for clitics); an Indonesian root's forms and keywords written with
    affixes, framed by the prefixes and endings Sastrawi strips. :meth:`pattern` turns these into
    one RE2 expression (tries of the pieces inside the affix patterns) that finds, in C, the words
    that may match; :meth:`word_ids` then decides in Python, stemming only such words.
    """

    def __init__(self, lang: str):
        self.lang = lang
        self._stem = stemmer(lang)
        self._values: dict[str, list[tuple[str, str, int]]] = {}  # piece -> (kind, term word, word id)
        self._places: dict[str, set[str]] = {"start": set(), "whole": set(), "framed": set()}
        self._by_head: dict[str, list[str]] = {}  # first four letters -> pieces of four or more
        self._short: list[str] = []               # pieces under four letters

    def add(self, word: str, glob: bool, word_id: int) -> None:
        stem = self._stem(word)
        if self.lang == "id" and stem != word:  # written with affixes: its spoken forms hold the root
            for form in root_forms(stem):
                self._file(form, SPOKEN, word, word_id, place="framed")
        if glob:
            self._file(word, GLOB, word, word_id, place="start")
        elif self.lang == "en":
            self._file(english_stem_start(stem), STEM, stem, word_id, place="start")
        elif stem != word:
            self._file(word, AFFIXED, word, word_id, place="framed")
        elif word in indonesian_roots():
            for form in root_forms(word):
                self._file(form, ROOT, word, word_id, place="framed")
        else:
            # Not a Sastrawi root: Sastrawi returns it only for itself, so no word is stemmed for it.
            self._file(word, LOANWORD, word, word_id, place="whole")

    def _file(self, piece: str, kind: str, term_word: str, word_id: int, *, place: str) -> None:
        """File ``piece`` as found at the ``start`` of a word, as the ``whole`` word (clitics apart),
        or ``framed`` by Sastrawi's prefixes and endings."""
        if piece not in self._values and len(piece) >= 4:
            self._by_head.setdefault(piece[:4], []).append(piece)
        elif piece not in self._values:
            self._short.append(piece)
        self._values.setdefault(piece, []).append((kind, term_word, word_id))
        self._places[place].add(piece)

    def pattern(self, word_ids: set[int]) -> str:
        """An RE2 expression matching at the start of every word that may match one of the term words
        ``word_ids`` (:meth:`word_ids` finds them there, and only there), and at few others.

        RE2's ``\\b`` knows only ASCII letters and digits, so it stands only beside a piece's ASCII
        ends: around other letters the expression matches more, never less (the words are checked
        anyway)."""
        frames = {"start": ("", ""), "whole": ("", f"{_CLITICS}2?"),
                  "framed": (_PREFIXES.pattern, f"{_ENDINGS.pattern}2?")}
        alternatives = []
        for place, (before, after) in frames.items():
            pieces = [piece for piece in sorted(self._places[place])
                      if any(word_id in word_ids for _, _, word_id in self._values[piece])]
            for head, tail in product((True, False), repeat=2):
                group = [piece for piece in pieces
                         if _ascii_word_char(piece[0]) == head and _ascii_word_char(piece[-1]) == tail]
                if group:
                    lead = r"\b" if head else ""
                    ends = after + (r"\b" if tail and place != "start" else "")
                    alternatives.append(f"{lead}{before}(?:{trie_pattern(group)}){ends}")
        return "|".join(alternatives)

    def word_ids(self, word: str) -> set[int]:
        """The ids of the term words that ``word`` (lower-cased, reduplication undone) matches; in
        Indonesian, a word that matches none as written matches what its formal forms match
        (:func:`spoken_variants`)."""
        ids = self._written_word_ids(word)
        if ids or self.lang != "id" or word in indonesian_roots():
            return ids
        # Only term words whose root the word holds in an affix frame, as the scan found it there.
        rooted = {word_id for piece, (kind, _, word_id) in self._found_in(word) if kind == SPOKEN and in_affix_frame(word, piece)}
        for variant in spoken_variants(word) if rooted else ():  # the likeliest first: one reading, not all
            ids = self._written_word_ids(variant) & rooted
            if ids:
                break
        return ids

    def _written_word_ids(self, word: str) -> set[int]:
        ids: set[int] = set()
        protected: set[int] = set()
        to_stem: list[tuple[str, int, bool]] = []  # (stem or root, word id, is an Indonesian root)
        for piece, (kind, term_word, word_id) in self._found_in(word):
            if kind == SPOKEN:  # only brings the word to word_ids, which tries its formal forms
                continue
            if kind == GLOB:
                if word.startswith(piece):
                    ids.add(word_id)
            elif kind == LOANWORD:
                if word.startswith(piece) and _CLITIC_ENDINGS.fullmatch(word, len(piece)):
                    ids.add(word_id)
            elif kind == STEM:
                if word.startswith(piece):
                    to_stem.append((term_word, word_id, False))
            elif in_affix_frame(word, piece):
                if kind == AFFIXED:
                    protected.add(word_id)
                else:
                    to_stem.append((term_word, word_id, True))
        if protected:  # a word built on a keyword written with affixes is matched by those alone
            return ids | protected
        if to_stem:
            stem = self._stem(word)
            ids.update(word_id for term_stem, word_id, is_root in to_stem
                       if stem == term_stem or (is_root and term_stem in word and stem in term_stem))
        return ids

    def _found_in(self, word: str) -> list[tuple[str, tuple[str, str, int]]]:
        """``(piece, value)`` for every filed piece that occurs in ``word``."""
        pieces = [piece for piece in self._short if piece in word]
        for at in range(len(word) - 3):
            bucket = self._by_head.get(word[at:at + 4])
            if bucket:
                pieces += [piece for piece in bucket if word.startswith(piece, at)]
        return [(piece, value) for piece in pieces for value in self._values[piece]]


# --- terms in texts -------------------------------------------------------------------------------

_Phrase = tuple[int, tuple[int, ...], tuple[int, ...]]  # (term, ids of the words before the anchor, after it)


class _Anchor(NamedTuple):
    """What a word anchors: the one-word terms it is, and the phrases built around it, filed under
    the id of the word right before the anchor (phrases with words before it) or right after it."""

    one_word_terms: tuple[int, ...]
    leads: bool  # whether one of the one-word terms is not a qualifier
    phrases: bool  # whether it anchors phrases
    by_word_before: dict[int, tuple[_Phrase, ...]]
    by_word_after: dict[int, tuple[_Phrase, ...]]
    reach: tuple[int, int]  # the most words a phrase has before the anchor, and after it


_NOT_AN_ANCHOR = _Anchor((), False, False, {}, {}, (0, 0))
_RE2_OPTIONS = re2.Options()
_RE2_OPTIONS.max_mem = 64 << 20  # room for a large codebook's automaton (past RE2's 8 MB default it searches slowly)
_RE2_OPTIONS.log_errors = False
_UNANCHORED = re2._Anchor.UNANCHORED


class _Scan(NamedTuple):
    """One RE2 scan for the words that anchor some of the terms, and what it learnt of each word."""

    match: Callable[[object, bytes, int, int], list[tuple[int, int]]]  # the compiled RE2 expression's own Match
    anchored: dict[int, list[_Phrase]]  # anchor word id -> the terms around it (no words around: one-word terms)
    anchors: dict[str, _Anchor]  # word -> what it anchors of these terms


class _Edges(NamedTuple):
    """The words at the two edges of a piece (no ids where punctuation stands at the edge)."""

    first_ids: frozenset[int]
    first_length: int
    last_ids: frozenset[int]
    last_length: int
    whole: bool  # whether the piece is one word


def term_words(term: str) -> list[tuple[str, bool]]:
    """A term's words as (word, is_glob): "berbagi pengalaman" -> [("berbagi", False), ("pengalaman", False)]."""
    parsed: list[tuple[str, bool]] = []
    for written in term.split():
        glob = written.endswith("*")
        found = words(written.rstrip("*"))
        parsed += [(word, False) for word in found[:-1]] + [(found[-1], glob)] if found else []
    if not parsed:
        raise ValueError(f"term {term!r} has no words")
    return parsed


def _common_words(lang: str) -> frozenset[str]:
    """Words too common to anchor a phrase on (Sastrawi's Indonesian stop words; none for English,
    where a phrase's longest word is a good anchor already)."""
    return indonesian_stop_words() if lang == "id" else frozenset()


def anchor_of(term_words: list[tuple[str, bool]], lang: str) -> int:
    """Which word of a phrase to look for first: its longest word that is not a common one ("di
    tempat kerja" -> "tempat"), else its last ("ke dalam kata" -> "kata"), so that frequent words
    like "di", "dalam", "yang" or "the" are not chased. Of English words as long, the last: an
    English phrase puts its function words first ("on the job" -> "job", not "the")."""
    common = _common_words(lang)
    choices = [n for n, (word, _) in enumerate(term_words) if word not in common]
    later = 1 if lang == "en" else -1
    return max(choices, key=lambda n: (len(term_words[n][0]), later * n)) if choices else len(term_words) - 1


_PIECE_REACH = 64  # characters per white-space piece looked at first around an anchor (more when needed)


def _pieces_before(text: str, start: int, count: int) -> list[str]:
    """The last ``count`` white-space pieces of ``text[:start]``, nearest first, as
    ``text[:start].rsplit(None, count)`` gives them, from a stretch just long enough: splitting the
    whole text before every anchor took a long text quadratic time."""
    reach = _PIECE_REACH * (count + 1)
    while True:
        low = max(0, start - reach)
        pieces = text[low:start].rsplit(None, count)
        if low == 0 or len(pieces) > count:  # more than ``count`` pieces: the farthest one is whole
            return pieces[::-1][:count]
        reach *= 4


def _pieces_after(text: str, end: int, count: int) -> list[str]:
    """The first ``count`` white-space pieces of ``text[end:]``, as ``text[end:].split(None, count)``
    gives them, from a stretch just long enough (see :func:`_pieces_before`)."""
    reach = _PIECE_REACH * (count + 1)
    while True:
        high = end + reach
        pieces = text[end:high].split(None, count)
        if high >= len(text) or len(pieces) > count:
            return pieces[:count]
        reach *= 4


class TermMatcher:
    """Finds where terms (words, phrases, ``prefix*`` globs) occur in texts of one language.

    Occurrences are ``(start, end, term index)``, ``text[start:end]`` being the words matched.
    ``qualifiers`` are terms that matter only next to the others (the words of a codebook's barrier
    section): they are reported only in a text where one of the others occurs, and numbered after them. The matcher remembers what it learnt about each word, so build it once and
    reuse it, and give it many texts at once (:meth:`find_all`).

    One RE2 scan (a DFA, in C) finds the words that may be a term's anchor word (:func:`anchor_of`);
    each is checked in Python as a whole word (:data:`pipeline.coding.tokens.WORD_PATTERN`), and a phrase's other words are
    then checked on the white-space pieces around it.
    """

    def __init__(self, terms: Iterable[str], lang: str, qualifiers: Iterable[str] = ()):
        if lang not in ("id", "en"):
            raise ValueError(f"unknown language {lang!r}; use id or en")
        self.lang = lang
        qualifiers = tuple(qualifiers)
        self.terms = tuple(terms) + qualifiers
        self._main_terms = len(self.terms) - len(qualifiers)
        self._rules = _WordRules(lang)
        word_ids: dict[tuple[str, bool], int] = {}
        # anchor word id -> (term, ids of the words before the anchor, ids of the words after it)
        self._anchored: dict[int, list[_Phrase]] = {}
        for index, term in enumerate(self.terms):
            parsed = [(reduplication_base(word) if lang == "id" else word, glob) for word, glob in term_words(term)]
            for word, glob in parsed:
                if (word, glob) not in word_ids:
                    word_ids[word, glob] = len(word_ids)
                    self._rules.add(word, glob, word_ids[word, glob])
            ids = [word_ids[item] for item in parsed]
            anchor = anchor_of(parsed, lang)
            self._anchored.setdefault(ids[anchor], []).append((index, tuple(ids[:anchor]), tuple(ids[anchor + 1:])))
        leading = {word_id for word_id, entries in self._anchored.items()
                   if any(term < self._main_terms for term, _, _ in entries)}
        # Words anchoring a term are looked for in every text; words anchoring only qualifiers, in the
        # texts that hold a term.
        self._terms_scan = self._scan_for(leading)
        self._qualifiers_scan = self._scan_for(set(self._anchored) - leading)
        self._word_ids: dict[str, frozenset[int]] = {}  # word -> the term words it matches
        self._piece_edges: dict[str, _Edges] = {}       # piece -> its first and last words

    def _scan_for(self, word_ids: set[int]) -> _Scan | None:
        """The scan for the anchor words ``word_ids`` (none if there are none)."""
        if not word_ids:
            return None
        expression = re2.compile(self._rules.pattern(word_ids), _RE2_OPTIONS)
        # The C++ RE2 object's Match, not google-re2's finditer: that builds a Python match object per
        # match (about 3 µs; 670,000 matches in 10 MB of the shipped answers, half the scan's time).
        return _Scan(expression._regexp.Match, {word_id: self._anchored[word_id] for word_id in word_ids}, {})

    def find(self, text: str) -> list[tuple[int, int, int]]:
        """Every occurrence of every term in ``text``, in text order."""
        return self.find_all([text])[0]

    def find_all(self, texts: list[str]) -> list[list[tuple[int, int, int]]]:
        """:meth:`find` for each of ``texts``, scanned :data:`BATCH_SIZE` at a time."""
        found = []
        for first in range(0, len(texts), BATCH_SIZE):
            found += self._find_batch(texts[first:first + BATCH_SIZE])
        return found

    def _find_batch(self, texts: list[str]) -> list[list[tuple[int, int, int]]]:
        lowered = [lowercase(text) for text in texts]
        found: list[list[tuple[int, int, int]]] = [[] for _ in texts]
        leading = self._scan_texts(self._terms_scan, lowered, found) if self._terms_scan else set()
        if self._qualifiers_scan and leading:
            numbers = sorted(leading)
            qualifiers: list[list[tuple[int, int, int]]] = [[] for _ in numbers]
            self._scan_texts(self._qualifiers_scan, [lowered[n] for n in numbers], qualifiers)
            for n, occurrences in zip(numbers, qualifiers):
                found[n] += occurrences
        return [sorted(occurrences) if n in leading else [] for n, occurrences in enumerate(found)]

    def _scan_texts(self, scan: _Scan, texts: list[str], found: list[list[tuple[int, int, int]]]) -> set[int]:
        """Add to ``found`` the occurrences of the terms ``scan`` anchors; return the numbers of the
        texts where a term other than a qualifier occurs. One scan over the texts joined: RE2 reports
        byte offsets, turned into the text's own character offsets (the same where a text is ASCII)."""
        joined = "\n".join(texts)
        ascii_only = joined.isascii()
        encoded = texts if ascii_only else [text.encode("utf-8", "surrogatepass") for text in texts]
        starts = list(accumulate((len(data) + 1 for data in encoded), initial=0))  # each text's first byte
        anchors, word_at, main_terms = scan.anchors, WORD_AT.match, self._main_terms
        leading = set()
        converted = (-1, 0, 0)  # (text, byte offset, character offset) of the last match in a non-ASCII text
        data = joined.encode() if ascii_only else b"\n".join(encoded)
        match, size, at = scan.match, len(data), 0
        while True:
            (at, after), = match(_UNANCHORED, data, at, size)  # the expression has no groups: one span
            if at < 0:
                break
            n = bisect_right(starts, at) - 1
            text, start = texts[n], at - starts[n]
            if not ascii_only and len(encoded[n]) != len(text):
                # From the last match's offsets on: decoding from the text's start each time was quadratic.
                if converted[0] != n:
                    converted = (n, 0, 0)
                start = converted[2] + len(encoded[n][converted[1]:start].decode("utf-8", "surrogatepass"))
                converted = (n, at - starts[n], start)
            at = after if after > at else at + 1  # past the match (none is empty; this is a guard)
            word = word_at(text, start)  # None inside a word
            if word is None:
                continue
            key = word.group()
            anchor = anchors.get(key) or self._anchor(scan, key)
            one_word_terms, leads, phrases = anchor.one_word_terms, anchor.leads, anchor.phrases
            end = start + len(key)
            if one_word_terms:
                found[n] += [(start, end, term) for term in one_word_terms]
                if leads:
                    leading.add(n)
            if phrases:
                matched = self._phrases(text, start, end, anchor)
                if matched:
                    found[n] += matched
                    if any(term < main_terms for _, _, term in matched):
                        leading.add(n)
        return leading

    def _phrases(self, lowered: str, start: int, end: int, anchor: _Anchor) -> list[tuple[int, int, int]]:
        """The phrases anchored on the word ``lowered[start:end]`` whose other words stand in the
        white-space pieces around it: the words next to the anchor end or start their piece (so the
        anchor must start or end its own), the words between are whole pieces."""
        most_before, most_after = anchor.reach
        before: list[str] = []
        after: list[str] = []
        candidates: list[_Phrase] = []
        if most_before and (start == 0 or lowered[start - 1].isspace()):
            before = _pieces_before(lowered, start, most_before)
            for word_id in self._edges(before[0]).last_ids if before else ():
                candidates += anchor.by_word_before.get(word_id, ())
        if most_after and (end == len(lowered) or lowered[end].isspace()):
            after = _pieces_after(lowered, end, most_after)
            for word_id in self._edges(after[0]).first_ids if after else ():
                candidates += anchor.by_word_after.get(word_id, ())
        if not candidates:  # most anchors: no phrase word beside them
            return candidates
        found = []
        for term, words_before, words_after in candidates:
            # The word beside the anchor on the side the candidate was filed under is known to fit.
            if len(words_before) > 1 and not self._words_around(before, words_before[::-1], last=True):
                continue
            if (words_after and (words_before or len(words_after) > 1)
                    and not self._words_around(after, words_after, last=False)):
                continue
            term_start, term_end = start, end
            if words_before:
                for neighbour in before[:len(words_before)]:
                    term_start = lowered.rfind(neighbour, 0, term_start)
                term_start += len(neighbour) - self._edges(neighbour).last_length
            if words_after:
                for neighbour in after[:len(words_after)]:
                    term_end = lowered.find(neighbour, term_end) + len(neighbour)
                term_end += self._edges(neighbour).first_length - len(neighbour)
            found.append((term_start, term_end, term))
        return found

    def _words_around(self, pieces: list[str], word_ids: tuple[int, ...], *, last: bool) -> bool:
        """Whether ``pieces`` (nearest first) hold the term words ``word_ids`` (nearest first), each
        as the ``last`` (else the first) word of its piece, and all but the farthest as whole pieces."""
        if len(pieces) < len(word_ids):
            return False
        farthest = len(word_ids) - 1
        for n, word_id in enumerate(word_ids):
            first_ids, _, last_ids, _, whole = self._edges(pieces[n])
            if word_id not in (last_ids if last else first_ids) or (n < farthest and not whole):
                return False
        return True

    def _edges(self, piece: str) -> _Edges:
        """``(term word ids, length)`` of the word that starts ``piece`` and of the one that ends it
        (no ids where punctuation does), and whether the piece is one word."""
        edges = self._piece_edges.get(piece)
        if edges is None:
            if len(self._piece_edges) >= CACHE_LIMIT:
                self._piece_edges.clear()
            words = WORD.findall(piece)
            first = words[0] if words and piece.startswith(words[0]) else ""
            last = words[-1] if words and piece.endswith(words[-1]) else ""
            edges = self._piece_edges[piece] = _Edges(self._ids_of(first), len(first), self._ids_of(last), len(last),
                                                      first == piece)
        return edges

    def _anchor(self, scan: _Scan, word: str) -> _Anchor:
        """What ``word`` anchors among the terms ``scan`` looks for (remembered)."""
        if len(scan.anchors) >= CACHE_LIMIT:
            scan.anchors.clear()
        entries = [entry for word_id in self._ids_of(word) for entry in scan.anchored.get(word_id, ())]
        one_word_terms = tuple(term for term, before, after in entries if not (before or after))
        by_word_before: dict[int, tuple[_Phrase, ...]] = {}
        by_word_after: dict[int, tuple[_Phrase, ...]] = {}
        for entry in entries:
            _, before, after = entry
            if before:
                by_word_before[before[-1]] = by_word_before.get(before[-1], ()) + (entry,)
            elif after:
                by_word_after[after[0]] = by_word_after.get(after[0], ()) + (entry,)
        phrases = [entry for entry in entries if entry[1] or entry[2]]
        anchor = scan.anchors[word] = _Anchor(
            one_word_terms, any(term < self._main_terms for term in one_word_terms), bool(phrases),
            by_word_before, by_word_after,
            (max((len(before) for _, before, _ in phrases), default=0),
             max((len(after) for _, _, after in phrases), default=0))) if entries else _NOT_AN_ANCHOR
        return anchor

    def _ids_of(self, word: str) -> frozenset[int]:
        ids = self._word_ids.get(word)
        if ids is None:
            if len(self._word_ids) >= CACHE_LIMIT:
                self._word_ids.clear()
            base = reduplication_base(word) if self.lang == "id" else word
            ids = self._word_ids[word] = frozenset(self._rules.word_ids(base)) if word else _NO_IDS
        return ids

