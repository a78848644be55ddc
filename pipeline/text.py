"""Words, stems, and the rules by which a codebook term matches a text (Indonesian and English).

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
  Sastrawi cut into the root ("berdiskusi" -> "diskus"). A root Sastrawi does not know ("telegram",
  "opac") matches itself with -nya, -ku, -mu, -lah, -kah, -pun ("telegramnya").
- **Indonesian words written with affixes** (Sastrawi over-stems them: "pengalaman" -> "alam",
  "pengetahuan" -> "tahu") match the words built on them with the prefixes and endings Sastrawi
  strips ("pengalamannya", "berpengalaman"), never "alam" or "tahu"; and such a word is matched by
  them alone, so a root keyword "alam" does not fire on "pengalaman" either.
- **Reduplication.** Full reduplication is undone first ("buku-buku", "buku2" -> "buku"); Sastrawi
  handles the affixed kinds ("tukar-menukar" -> "tukar").

Speed. Sastrawi costs from ~30 µs to over 1 ms a word. Stemmers are built once per process and
cached per distinct word, and a word is stemmed only when it could reach a codebook stem: it must
contain one of the forms the stem takes in affixed words, framed by affixes Sastrawi strips (checked
with one regular expression over all the new words). Texts are taken in batches: set operations in C
settle which of a batch's white-space pieces are new and which may hold a term, and only those pieces
are located in the texts; a phrase's other words are checked on the pieces around its anchor.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from itertools import chain
from typing import NamedTuple

WORD_PATTERN = r"\w+(?:[-'’]\w+)*"
CACHE_LIMIT = 500_000  # distinct words or pieces a cache remembers before it is emptied (about 50 MB at most)
# Texts searched together: enough to learn their new words in one go, few enough that their words
# stay in the processor's cache (measured: 16 to 64 are alike, 200 is a third slower).
BATCH_SIZE = 50

# NLTK's RegexpTokenizer(WORD_PATTERN) gives the same words (a test pins it), but through the
# third-party `regex` module, about six times slower than `re` on this pattern.
_WORD = re.compile(WORD_PATTERN)
_WORD_START = r"(?<!\w)(?<!\w[-'’])"                          # where a word begins
_SENTENCE_END = re.compile(r"[.!?…]")
_NO_IDS: frozenset[int] = frozenset()
_REDUPLICATED = re.compile(r"([^\W\d_]+)(?:-\1|2)")           # buku-buku, buku2
_SASTRAWI_WORD = re.compile(r"[a-z0-9-]+")                     # what Sastrawi's stemmer accepts


# --- words ----------------------------------------------------------------------------------------

def lowercase(text: str) -> str:
    """The text lower-cased, with the same length (a character whose lower case is longer, such as
    "İ", is kept), so offsets into it are offsets into ``text``."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def words(text: str) -> list[str]:
    """The lower-cased words of a text, in order."""
    return _WORD.findall(lowercase(text))


def reduplication_base(word: str) -> str:
    """A fully reduplicated word's base ("buku-buku", "buku2" -> "buku"); other words unchanged."""
    match = _REDUPLICATED.fullmatch(word) if "-" in word or word.endswith("2") else None
    return match.group(1) if match else word


def same_sentence(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` holds no sentence end (. ! ? …), i.e. its two sides share a sentence."""
    return _SENTENCE_END.search(text, start, max(start, end)) is None


def count_words(text: str, start: int, end: int) -> int:
    """How many words ``text[start:end]`` holds."""
    return len(_WORD.findall(text, start, end)) if end > start else 0


# --- stems ----------------------------------------------------------------------------------------

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
        return Stemmer(_sastrawi())
    if lang == "en":
        from nltk.stem.snowball import SnowballStemmer  # importing nltk takes ~1.5 s and 130 MB: only when needed

        return Stemmer(SnowballStemmer("english").stem)
    raise ValueError(f"unknown language {lang!r}; use id or en")


@functools.cache
def indonesian_roots() -> frozenset[str]:
    """Sastrawi's dictionary of root words: its stem of a word is one of these, or the word itself."""
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    return frozenset(word for word in StemmerFactory().get_words() if word)


class _RootDictionary:
    """Sastrawi's dictionary interface (``contains``) on the frozen set of roots, built without a loop."""

    def __init__(self, roots: frozenset[str]):
        self.contains = roots.__contains__


def _sastrawi() -> Callable[[str], str]:
    from Sastrawi.Stemmer.Stemmer import Stemmer as SastrawiStemmer

    # The plain stemmer, not the factory's CachedStemmer, whose cache never empties.
    sastrawi = SastrawiStemmer(_RootDictionary(indonesian_roots()))

    def stem(word: str) -> str:
        return sastrawi.stem_word(word) if _SASTRAWI_WORD.fullmatch(word) else word

    return stem


# --- how one word of a term matches one word of a text ----------------------------------------------

GLOB, STEM, ROOT, AFFIXED, LOANWORD = "glob", "stem", "root", "affixed", "loanword"  # kinds of term words
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
)
_CLITICS = r"(?:-*(?:ku|mu|nya))?(?:-*(?:lah|kah|tah|pun))?"
_ENDINGS = re.compile(r"(?:is|isme|isasi|i|kan|an)?" + _CLITICS)
_CLITIC_ENDINGS = re.compile(_CLITICS)


def root_forms(root: str) -> set[str]:
    """The forms an Indonesian root takes inside its affixed words: itself, nasalised (tulis ->
    nulis, as in menulis) or with an infix (kerja -> kinerja)."""
    forms = {root}
    if root[0] in _NASAL:
        forms.add(_NASAL[root[0]] + root[1:])
    if root[0] not in "aiueo":
        forms.update(root[0] + infix + root[1:] for infix in _INFIXES)
    return forms


def in_affix_frame(word: str, form: str) -> bool:
    """Whether ``form`` occurs in ``word`` with only prefixes Sastrawi strips before it and only
    endings it strips after it (a hyphenated word always passes: Sastrawi stems its parts)."""
    if "-" in word:
        return True
    at = word.find(form)
    while at >= 0:
        if _PREFIXES.fullmatch(word, 0, at) and _ENDINGS.fullmatch(word, at + len(form)):
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
        alternatives = [re.escape(char) + branch(child) for char, child in sorted(node.items()) if char]
        if not alternatives:
            return ""
        body = alternatives[0] if len(alternatives) == 1 and "" not in node else f"(?:{'|'.join(alternatives)})"
        return body + "?" if "" in node else body

    return branch(trie)


_PREFIXES = re.compile(f"(?:{trie_pattern(_PREFIX_LIST)}){{0,3}}")  # as a trie: a few tests per position


class _WordRules:
    """How the words of one language's terms match the words of a text.

    Each term word is filed under a piece that every word it matches holds in a known place: a glob's
    prefix and an English stem minus two letters at the start of the word; a root Sastrawi does not
    know as the whole word (but for clitics); an Indonesian root's forms and keywords written with
    affixes, framed by the prefixes and endings Sastrawi strips. One regular expression built from these (tries of the pieces inside the affix
    patterns) tells in C whether a piece of text can hold a match at all; only those that can are taken
    apart in Python, and only their words that could reach a codebook stem are stemmed.
    """

    def __init__(self, lang: str):
        self.lang = lang
        self._stem = stemmer(lang)
        self._values: dict[str, list[tuple[str, str, int]]] = {}  # piece -> (kind, term word, word id)
        self._places: dict[str, set[str]] = {"start": set(), "whole": set(), "framed": set()}
        self._by_head: dict[str, list[str]] = {}  # first three letters -> pieces
        self._short: list[str] = []               # pieces under three letters
        self._filter: re.Pattern | None = None

    def add(self, word: str, glob: bool, word_id: int) -> None:
        if glob:
            self._file(word, GLOB, word, word_id, place="start")
        elif self.lang == "en":
            # Snowball rewrites at most a stem's last letter (happy -> happi, hoping -> hope), except
            # dying/lying/tying -> die/lie/tie: a word not starting with the stem minus two letters
            # cannot reach it.
            stem = self._stem(word)
            self._file(stem[:max(1, len(stem) - 2)], STEM, stem, word_id, place="start")
        elif self._stem(word) != word:
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
        if piece not in self._values and len(piece) >= 3:
            self._by_head.setdefault(piece[:3], []).append(piece)
        elif piece not in self._values:
            self._short.append(piece)
        self._values.setdefault(piece, []).append((kind, term_word, word_id))
        self._places[place].add(piece)
        self._filter = None

    def candidates(self, pieces: Iterable[str]) -> list[str]:
        """The pieces of text that may hold a word matching a term word; the others certainly do not."""
        if self._filter is None:
            start, whole, framed = (f"(?:{trie_pattern(self._places[place])})" if self._places[place] else ""
                                    for place in ("start", "whole", "framed"))
            alternatives = [start] if start else []
            if whole:  # "2?": buku2
                alternatives.append(rf"{whole}{_CLITICS}2?(?!\w)")
            if framed:
                alternatives.append(rf"{_PREFIXES.pattern}{framed}{_ENDINGS.pattern}2?(?!\w)")
            self._filter = re.compile(rf"{_WORD_START}(?:{'|'.join(alternatives) or '(?!)'})")
        joined = "\n".join(pieces) + "\n"  # one scan in C for the whole batch; few pieces are found
        found = {joined.rfind("\n", 0, match.start()) + 1 for match in self._filter.finditer(joined)}
        return [joined[start:joined.find("\n", start)] for start in sorted(found)]

    def word_ids(self, word: str) -> set[int]:
        """The ids of the term words that ``word`` (lower-cased, reduplication undone) matches."""
        ids: set[int] = set()
        protected: set[int] = set()
        to_stem: list[tuple[str, int, bool]] = []  # (stem or root, word id, is an Indonesian root)
        for piece, (kind, term_word, word_id) in self._found_in(word):
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
        for at in range(len(word) - 2):
            bucket = self._by_head.get(word[at:at + 3])
            if bucket:
                pieces += [piece for piece in bucket if word.startswith(piece, at)]
        return [(piece, value) for piece in pieces for value in self._values[piece]]


# --- terms in texts -------------------------------------------------------------------------------

class _AnchorWord(NamedTuple):
    """A word of a piece that anchors terms: where it is in the piece and which terms it anchors."""

    offset: int
    length: int
    one_word_terms: tuple[int, ...]
    phrases: tuple[tuple[int, tuple[int, ...], tuple[int, ...]], ...]  # (term, words before, words after)
    leads: bool  # whether one of the one-word terms is not a qualifier


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


@functools.cache
def _common_words(lang: str) -> frozenset[str]:
    """Words too common to anchor a phrase on (Sastrawi's Indonesian stop words; none for English,
    where a phrase's longest word is a good anchor already)."""
    if lang == "id":
        from Sastrawi.StopWordRemover.StopWordRemoverFactory import StopWordRemoverFactory

        return frozenset(StopWordRemoverFactory().get_stop_words())
    return frozenset()


def anchor_of(term_words: list[tuple[str, bool]], lang: str) -> int:
    """Which word of a phrase to look for first: its longest word that is not a common one ("di
    tempat kerja" -> "tempat"), else its last ("ke dalam kata" -> "kata"), so that frequent words
    like "di", "dalam", "yang" or "the" are not chased."""
    common = _common_words(lang)
    choices = [n for n, (word, _) in enumerate(term_words) if word not in common]
    return max(choices, key=lambda n: (len(term_words[n][0]), -n)) if choices else len(term_words) - 1


class TermMatcher:
    """Finds where terms (words, phrases, ``prefix*`` globs) occur in texts of one language.

    Occurrences are ``(start, end, term index)``, ``text[start:end]`` being the words matched.
    ``qualifiers`` are terms that matter only next to the others (a codebook's barrier cues): they are
    reported only in texts where one of the terms occurs, and numbered after them. The matcher
    remembers what it learnt about each word, so build it once and reuse it, and give it many texts
    at once (:meth:`find_all`).

    Texts are cut at white space (``str.split``, several times faster than a regular expression);
    a piece not met before is cut into words (:data:`WORD_PATTERN`), so the words are the tokenizer's
    words. Only the pieces holding a term's anchor word (:func:`anchor_of`) are located in the texts,
    and a phrase's other words are then checked around it.
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
        self._anchored: dict[int, list[tuple[int, tuple[int, ...], tuple[int, ...]]]] = {}
        for index, term in enumerate(self.terms):
            parsed = [(reduplication_base(word) if lang == "id" else word, glob) for word, glob in term_words(term)]
            for word, glob in parsed:
                if (word, glob) not in word_ids:
                    word_ids[word, glob] = len(word_ids)
                    self._rules.add(word, glob, word_ids[word, glob])
            ids = [word_ids[item] for item in parsed]
            anchor = anchor_of(parsed, lang)
            self._anchored.setdefault(ids[anchor], []).append((index, tuple(ids[:anchor]), tuple(ids[anchor + 1:])))
        self._plain: set[str] = set()                   # pieces looked at that anchor no term (bounded)
        self._word_ids: dict[str, frozenset[int]] = {}  # word -> the term words it matches
        # piece -> (whether it anchors a phrase, its words that anchor terms)
        self._starts: dict[str, tuple[bool, tuple[_AnchorWord, ...]]] = {}
        self._leading: set[str] = set()                 # pieces that may anchor a term (not a qualifier)
        self._piece_edges: dict[str, _Edges] = {}       # piece -> its first and last words

    def find(self, text: str) -> list[tuple[int, int, int]]:
        """Every occurrence of every term in ``text``, in text order."""
        return self.find_all([text])[0]

    def find_all(self, texts: list[str]) -> list[list[tuple[int, int, int]]]:
        """:meth:`find` for each of ``texts``, searched :data:`BATCH_SIZE` at a time.

        The pieces of a batch are hashed once, into one set: a few set operations settle which
        pieces are new and which may hold a term; only the texts holding such a piece are searched,
        and only for those pieces. Qualifiers are reported only in texts where a term occurs.
        """
        found = []
        for first in range(0, len(texts), BATCH_SIZE):
            found += self._find_batch(texts[first:first + BATCH_SIZE])
        return found

    def _find_batch(self, texts: list[str]) -> list[list[tuple[int, int, int]]]:
        lowered = [lowercase(text) for text in texts]
        pieces = [text.split() for text in lowered]
        present = set(chain.from_iterable(pieces))
        maybe = present - self._plain  # one look-up per distinct piece: new pieces and those anchoring terms
        unknown = maybe.difference(self._starts)
        if unknown:
            self._learn(unknown)
        hits = self._starts.keys() & maybe
        if not hits or self._leading.isdisjoint(hits):
            return [[] for _ in texts]
        found = []
        for text, text_pieces in zip(lowered, pieces):
            text_hits = hits.intersection(text_pieces)  # the pieces' hashes are cached: cheap
            found.append(self._occurrences(text, text_pieces, text_hits)
                         if not self._leading.isdisjoint(text_hits) else [])
        return found

    def _occurrences(self, lowered: str, pieces: list[str], hits: set[str]) -> list[tuple[int, int, int]]:
        """Where the terms anchored in ``hits``, some of the text's ``pieces``, occur in ``lowered``,
        in text order; empty unless one of them is not a qualifier."""
        found: list[tuple[int, int, int]] = []
        leads = False
        size = len(lowered)
        find = lowered.find
        for piece in hits:
            anchors_phrases, starts = self._starts[piece]
            width = len(piece)
            index = -1  # the piece's place among the pieces, needed to check a phrase
            at = find(piece)
            while at >= 0:
                end = at + width
                if (at == 0 or lowered[at - 1].isspace()) and (end == size or lowered[end].isspace()):
                    if anchors_phrases:
                        index = pieces.index(piece, index + 1)
                    for offset, length, single_terms, phrases, single_leads in starts:
                        start = at + offset
                        if single_terms:
                            found += [(start, start + length, term) for term in single_terms]
                            leads = leads or single_leads
                        if phrases:
                            matched = self._phrases(lowered, pieces, index, at, offset, length, phrases)
                            if matched:
                                found += matched
                                leads = leads or any(term < self._main_terms for _, _, term in matched)
                at = find(piece, end)
        if not leads:
            return []
        found.sort()
        return found

    def _phrases(self, lowered: str, pieces: list[str], index: int, at: int, offset: int, length: int,
                 phrases: tuple) -> list[tuple[int, int, int]]:
        """The phrases anchored on the word ``lowered[at + offset:at + offset + length]`` of the piece
        ``pieces[index]`` (which starts at ``at``) whose other words stand in the pieces around it:
        the words next to the anchor end or start their piece, the words between are whole pieces."""
        start, end = at + offset, at + offset + length
        # the term word ids of the words right before and after the anchor, looked up once
        previous = self._edges(pieces[index - 1]).last_ids if offset == 0 and index > 0 else _NO_IDS
        following = (self._edges(pieces[index + 1]).first_ids if end - at == len(pieces[index]) and index + 1 < len(pieces)
                     else _NO_IDS)
        found = []
        for term, before, after in phrases:
            if (before and before[-1] not in previous) or (after and after[0] not in following):
                continue
            term_start, term_end = start, end
            if len(before) > 1 and not self._words_around(pieces, index, before[::-1], -1):
                continue
            if len(after) > 1 and not self._words_around(pieces, index, after, 1):
                continue
            if before:
                for neighbour in pieces[index - 1:index - len(before) - 1 if index > len(before) else None:-1]:
                    term_start = lowered.rfind(neighbour, 0, term_start)
                term_start += len(neighbour) - self._edges(neighbour).last_length
            if after:
                for neighbour in pieces[index + 1:index + len(after) + 1]:
                    term_end = lowered.find(neighbour, term_end) + len(neighbour)
                term_end += self._edges(neighbour).first_length - len(neighbour)
            found.append((term_start, term_end, term))
        return found

    def _words_around(self, pieces: list[str], index: int, word_ids: tuple[int, ...], step: int) -> bool:
        """Whether the pieces before (``step`` -1) or after (1) ``pieces[index]`` hold the term words
        ``word_ids``, nearest first: the farthest at the edge of its piece, the others whole pieces."""
        last = len(word_ids) - 1
        for n, word_id in enumerate(word_ids):
            place = index + step * (n + 1)
            if not 0 <= place < len(pieces):
                return False
            first_ids, _, last_ids, _, whole = self._edges(pieces[place])
            if word_id not in (last_ids if step < 0 else first_ids) or (n < last and not whole):
                return False
        return True

    def _edges(self, piece: str) -> _Edges:
        """``(term word ids, length)`` of the word that starts ``piece`` and of the one that ends it
        (no ids where punctuation does), and whether the piece is one word."""
        edges = self._piece_edges.get(piece)
        if edges is None:
            if len(self._piece_edges) >= CACHE_LIMIT:
                self._piece_edges.clear()
            words = _WORD.findall(piece)
            first = words[0] if words and piece.startswith(words[0]) else ""
            last = words[-1] if words and piece.endswith(words[-1]) else ""
            edges = self._piece_edges[piece] = _Edges(self._word_ids.get(first, _NO_IDS), len(first),
                                                      self._word_ids.get(last, _NO_IDS), len(last), first == piece)
        return edges

    def _learn(self, unknown: set[str]) -> None:
        if len(self._plain) + len(unknown) > CACHE_LIMIT:
            self._plain.clear()
        self._plain |= unknown
        for piece in self._rules.candidates(unknown):
            starts = []
            for word in _WORD.finditer(piece):
                entries = [entry for i in self._ids_of(word.group()) for entry in self._anchored.get(i, ())]
                if entries:
                    single_terms = tuple(term for term, before, after in entries if not (before or after))
                    phrases = tuple(entry for entry in entries if entry[1] or entry[2])
                    single_leads = any(term < self._main_terms for term in single_terms)
                    starts.append(_AnchorWord(word.start(), word.end() - word.start(), single_terms, phrases, single_leads))
                    if any(term < self._main_terms for term, _, _ in entries):
                        self._leading.add(piece)
            if starts:
                self._starts[piece] = (any(word.phrases for word in starts), tuple(starts))
                self._plain.discard(piece)

    def _ids_of(self, word: str) -> frozenset[int]:
        ids = self._word_ids.get(word)
        if ids is None:
            base = reduplication_base(word) if self.lang == "id" else word
            ids = self._word_ids[word] = frozenset(self._rules.word_ids(base))
        return ids
