"""Words, stems and term matching (pipeline.coding: tokens, stemming, the Sastrawi adapter, matcher).

The classifier's own rules (which keyword codes which passage) are pinned in test_classify.py; here:
the tokenizer, stemming from a cache and only where a codebook stem is reachable, and the invariants
the fast paths rest on (the prefilters never hide a word Sastrawi or Snowball would match).
"""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest
import re2
from hypothesis import given, settings
from hypothesis import strategies as st
from nltk.stem.snowball import SnowballStemmer
from nltk.tokenize import RegexpTokenizer

from pipeline.coding import sastrawi as adapter
from pipeline.coding import stemming
from pipeline.coding.matcher import (
    TermMatcher, english_stem_start, in_affix_frame, root_forms, spoken_variants, term_words,
)
from pipeline.coding.sastrawi import indonesian_roots
from pipeline.coding.stemming import Stemmer, stemmer
from pipeline.coding.tokens import WORD, WORD_PATTERN, Stretches, lowercase, reduplication_base, words

ALPHABET = st.sampled_from(list("abcdeiklmnopstuy") + ["İ", "é", "-", "'", "’", ",", ".", "!", "?", " ", "  ", "\n", "\t", "(", ")", "2", "_"])


# --- words ------------------------------------------------------------------------------------------

@given(st.lists(ALPHABET, max_size=60).map("".join))
def test_words_are_nltk_regexp_tokenizer_words(sample):
    assert words(sample) == RegexpTokenizer(WORD_PATTERN).tokenize(lowercase(sample))


@given(st.lists(ALPHABET, max_size=60).map("".join))
def test_lower_casing_keeps_the_length_so_offsets_point_into_the_original(sample):
    lowered = lowercase(sample)
    assert len(lowered) == len(sample)
    assert all(a == b or a == b.lower() for a, b in zip(lowered, sample))


def test_hyphens_and_apostrophes_join_a_word_other_punctuation_splits():
    assert words("Buku-buku e-book (OPAC), pustakawan's kritik,saran.") == [
        "buku-buku", "e-book", "opac", "pustakawan's", "kritik", "saran"]


def test_full_reduplication_is_undone():
    assert [reduplication_base(word) for word in ("buku-buku", "buku2", "anak-anak", "e-book", "tukar-menukar", "mp3")] == [
        "buku", "buku", "anak", "e-book", "tukar-menukar", "mp3"]


def test_sentence_ends_and_word_counts_between_two_places():
    sample = Stretches("diskusi ini belum jalan. Belum ada kendala")
    assert sample.fewer_words(7, 18, 3) and not sample.fewer_words(7, 18, 2)  # "diskusi" to "jalan": ini, belum
    assert sample.fewer_words(10, 10, 1) and not sample.fewer_words(10, 10, 0)


@given(st.lists(ALPHABET, max_size=60).map("".join), st.data())
def test_stretches_answer_as_scanning_the_stretch_would(sample, data):
    """Stretches answers from word starts found once; scanning each stretch is the definition."""
    stretches = Stretches(sample)
    for _ in range(5):
        start, end, count = (data.draw(st.integers(0, len(sample))), data.draw(st.integers(0, len(sample))),
                             data.draw(st.integers(0, 4)))
        held = len(WORD.findall(sample, start, end)) if end > start else 0
        assert stretches.fewer_words(start, end, count) == (held < count)


# --- stems --------------------------------------------------------------------------------------------

def test_each_stemmer_is_built_once_per_process():
    assert stemmer("id") is stemmer("id") and stemmer("en") is stemmer("en")


def test_stems_are_cached_per_distinct_word():
    calls = []
    cached = Stemmer(lambda word: calls.append(word) or word[:4])
    assert [cached(word) for word in ("diskusi", "diskusi", "menulis", "diskusi")] == ["disk", "disk", "menu", "disk"]
    assert calls == ["diskusi", "menulis"]


def test_the_stem_cache_is_bounded(monkeypatch):
    monkeypatch.setattr(stemming, "CACHE_LIMIT", 3)
    cached = Stemmer(str.upper)
    for word in "abcdefg":
        cached(word)
    assert len(cached._cache) <= 3


def test_sastrawi_and_snowball_stem_as_documented():
    assert [stemmer("id")(w) for w in ("mendiskusikan", "berdiskusi", "pengalaman", "pengetahuan", "kinerja")] == [
        "diskusi", "diskus", "alam", "tahu", "kerja"]
    assert [stemmer("en")(w) for w in ("trained", "training", "sharing")] == ["train", "train", "share"]


def test_words_that_cannot_reach_a_codebook_stem_are_not_stemmed():
    matcher = TermMatcher(["diskusi", "tulis", "pengalaman"], "id")
    stemmed = []
    original = matcher._rules._stem
    matcher._rules._stem = lambda word: stemmed.append(word) or original(word)
    found = matcher.find("Kami berdiskusi dan menulis laporan tentang pengalamannya dengan pustakawan yang ramah")
    assert {matcher.terms[term] for _, _, term in found} == {"diskusi", "tulis", "pengalaman"}
    assert set(stemmed) <= {"berdiskusi", "menulis"}


def test_a_word_is_stemmed_once_however_often_it_occurs():
    matcher = TermMatcher(["tulis"], "id")
    stemmed = []
    original = matcher._rules._stem
    matcher._rules._stem = lambda word: stemmed.append(word) or original(word)
    for text in ["Dia menulis. Dia menulis lagi", "menulis"] * 3:
        matcher.find(text)
    assert stemmed == ["menulis"]


# --- the invariants behind the prefilters -----------------------------------------------------------

PREFIXES = ["", "me", "di", "ber", "ter", "pe", "ke", "se", "memper", "diper", "ke"]
SUFFIXES = ["", "kan", "an", "i", "nya", "kannya", "lah", "annya"]


def nasal(prefix: str, root: str) -> str:
    """meN-/peN- + root with assimilation, as Indonesian writes it."""
    head, first = prefix, root[0]
    if first in "aiueogh":
        return head + "ng" + root
    replaced = {"k": "ng", "t": "n", "s": "ny", "p": "m"}
    if first in replaced:
        return head + replaced[first] + root[1:]
    return head + ("m" if first in "bfv" else "n" if first in "cdjz" else "") + root


def test_every_affixed_word_sastrawi_reduces_to_a_root_holds_a_root_form_in_an_affix_frame():
    rng = random.Random(7)
    roots = rng.sample(sorted(root for root in indonesian_roots() if root.isalpha() and len(root) > 3), 40)
    checked = 0
    for root in roots:
        forms = {prefix + root + suffix for prefix in PREFIXES for suffix in SUFFIXES}
        forms |= {nasal(head, root) + suffix for head in ("me", "pe") for suffix in SUFFIXES}
        forms |= {root[0] + infix + root[1:] for infix in ("el", "em", "er", "in")}
        for word in forms:
            if stemmer("id")(word) == root:
                checked += 1
                assert any(in_affix_frame(word, form) for form in root_forms(root)), word
    assert checked > 300


def test_the_stemmer_gives_sastrawis_own_stems():
    """Its affix steps record what they removed without regular expressions; the stems must not change."""
    from Sastrawi.Stemmer.Stemmer import Stemmer as SastrawiStemmer

    sastrawi = SastrawiStemmer(adapter._RootDictionary(indonesian_roots()))
    rng = random.Random(11)
    roots = rng.sample(sorted(indonesian_roots()), 100)
    sample = {prefix + root + suffix for root in roots for prefix in PREFIXES for suffix in SUFFIXES}
    sample |= {nasal(head, root) + suffix for root in roots for head in ("me", "pe", "memper") for suffix in SUFFIXES}
    sample |= {f"{root}-{root}{suffix}" for root in roots for suffix in ("", "an", "nya")}
    sample |= {f"{root}-{nasal('me', root)}" for root in roots} | {"e-book", "tukar-menukar", "buku-ku", "3-4"}
    for transcript in sorted((Path(__file__).parents[1] / "data/raw/uin-imam-bonjol/transcripts").iterdir()):
        sample |= set(words(transcript.read_text(encoding="utf-8")))
    sample = {word for word in sample if adapter._SASTRAWI_WORD.fullmatch(word)}  # what Sastrawi is given
    ours = adapter.sastrawi_stemmer()
    assert len(sample) > 11_000
    assert [word for word in sorted(sample) if ours(word) != sastrawi.stem_word(word)] == []


def test_real_affixed_words_hold_a_root_form_in_an_affix_frame():
    for word, root in [("menulis", "tulis"), ("memukul", "pukul"), ("mengambil", "ambil"), ("menyapu", "sapu"),
                       ("kinerja", "kerja"), ("pelajaran", "ajar"), ("mempelajari", "ajar"),
                       ("pengetahuan", "tahu"), ("berdiskusi", "diskus"), ("diperbaiki", "baik")]:
        assert stemmer("id")(word) == root
        assert any(in_affix_frame(word, form) for form in root_forms(root)), word


SNOWBALL_SUFFIXES = ("", "s", "es", "ies", "ied", "ed", "ing", "ingly", "edly", "ly", "y", "ity", "ities", "ation",
                     "ational", "ator", "ness", "ful", "fully", "fulness", "ize", "ization", "izer", "ability",
                     "ibility", "ably", "ence", "ency", "ancy", "ism", "alism", "ality", "ally", "ive", "ively",
                     "iveness", "ivity", "ous", "ously", "ousness", "ment", "ement", "ently", "al", "er", "est", "ic",
                     "ical", "ically", "icate", "icity", "ative", "alize", "ogy", "lessly", "tional", "ion", "eed",
                     "eedly", "'s", "’s", "n't", "n’t", "sses", "e", "le", "able", "ible")


def test_the_english_stemmer_loads_without_scipy_or_sklearn_and_stems_as_nltk_does():
    """The stemmer's nltk is imported with scipy and scikit-learn held back (1 s of start-up); its stems
    are those of nltk imported in full (this process), and the two can still be imported afterwards."""
    sample = "organizations internalization added trained hoping happily skies dying isn't generalization".split()
    script = ("import sys; from pipeline.coding.stemming import stemmer; stem = stemmer('en'); "
              f"print(*[stem(word) for word in {sample!r}]); print('scipy' in sys.modules, 'sklearn' in sys.modules); "
              "import scipy.stats, sklearn.metrics; print('imported')")
    printed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout.splitlines()
    assert printed[0].split() == [SnowballStemmer("english").stem(word) for word in sample]
    assert printed[1:] == ["False False", "imported"]


def test_every_english_word_starts_with_its_snowball_stem_start():
    snowball = SnowballStemmer("english")
    assert [english_stem_start(stem) for stem in ("happi", "hope", "possibl", "sky", "die", "isn't", "it", "do", "a")] == [
        "happ", "hop", "possib", "sk", "d", "isn", "it", "do", "a"]
    sample = ("dying lying tying skies happily hopping hoping generalization librarians apprenticeship "
              "observed writing manuals compiled repositories trained knowledge sharing informally isn’t don’t").split()
    rng = random.Random(3)
    roots = sample + ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(1, 6)))
                      for _ in range(300)]
    generated = [root + suffix for root in roots for suffix in SNOWBALL_SUFFIXES]
    for word in sample + sorted(snowball.stemmer._EnglishStemmer__special_words) + generated:
        assert word.startswith(english_stem_start(snowball.stem(word))), word


# --- offsets: the fast matcher against a slow reference --------------------------------------------

# Roots Sastrawi does not know match only themselves. The phrases are anchored on "website" and
# "telegram" (the longest words that are not common): words before the anchor, after it, both, two away.
TERMS = ["opac", "website", "opac website", "grup telegram", "telegram ke opac", "dan yang website", "ke website opac"]
FILLER = ["yang", "dan", "OPAC", "Website", "opacx", "xopac", "e-opac", "grup", "Telegram", "telegrams", "ke",
          "éopac", "opacé", "Ünï"]
GLUE = [" ", "  ", ", ", ". ", "\n", " (", ") ", "-", "’", ",", "\u00a0"]


def reference_occurrences(sample: str) -> list[tuple[int, int, int]]:
    """Terms as consecutive whole words (NLTK spans, reduplication undone) with only white space between them."""
    spans = list(RegexpTokenizer(WORD_PATTERN).span_tokenize(sample))
    tokens = [reduplication_base(sample[start:end].lower()) for start, end in spans]
    found = []
    for index, term in enumerate(TERMS):
        parts = term.split()
        for at in range(len(tokens) - len(parts) + 1):
            if tokens[at:at + len(parts)] == parts and all(
                    not sample[spans[at + k][1]:spans[at + k + 1][0]].strip() for k in range(len(parts) - 1)):
                found.append((spans[at][0], spans[at + len(parts) - 1][1], index))
    return sorted(found)


@settings(max_examples=300)
@given(st.lists(st.tuples(st.sampled_from(FILLER + TERMS), st.sampled_from(GLUE)), max_size=12))
def test_occurrences_are_whole_words_at_the_right_offsets(parts):
    sample = "".join(word + glue for word, glue in parts)
    matcher = TermMatcher(TERMS, "id")
    assert matcher.find(sample) == reference_occurrences(sample)
    assert matcher.find(sample) == reference_occurrences(sample)  # the second time from the cache


@pytest.mark.parametrize("sample", [
    "dan yang website", "(dan yang website)", "dan ke,yang website", "dan,yang website", "dan  yang\nwebsite",
    "telegram ke opac.", "telegram ke,opac", "telegram,ke opac", "opac,telegram ke opac", "xtelegram ke opac",
    "grup grup telegram telegram ke opac website",
])
def test_phrases_need_whole_words_between_their_ends(sample):
    assert TermMatcher(TERMS, "id").find(sample) == reference_occurrences(sample)


@settings(max_examples=100)
@given(st.lists(st.lists(st.tuples(st.sampled_from(FILLER + TERMS), st.sampled_from(GLUE)), max_size=8), max_size=70))
def test_texts_searched_together_give_each_text_its_own_occurrences(texts):
    samples = ["".join(word + glue for word, glue in parts) for parts in texts]  # more than one batch
    assert TermMatcher(TERMS, "id").find_all(samples) == [reference_occurrences(sample) for sample in samples]


# --- the RE2 scan: it may find too much, never too little -------------------------------------------

def vocabulary_around(matcher: TermMatcher) -> set[str]:
    """Words a text may hold near the matcher's terms: the shipped transcripts' words, and each term
    word (and its stem) with prefixes, nasalised, with suffixes and clitics, reduplicated, hyphenated,
    and in spoken Indonesian forms (a bare nasal, -in)."""
    found = {word for path in Path("data/raw").glob("*/transcripts/*")
             if path.suffix in (".txt", ".md", ".vtt", ".srt", ".csv") for word in words(path.read_text(encoding="utf-8"))}
    for word in {word for term in matcher.terms for word, _ in term_words(term)}:
        for stem in {word, stemmer(matcher.lang)(word)}:
            for prefix, suffix in zip(PREFIXES, SUFFIXES + SUFFIXES[::-1]):
                found |= {prefix + stem + suffix, nasal("me", stem) + suffix, nasal("pe", stem) + "an",
                          f"{prefix}{stem}-{stem}{suffix}", f"{stem}-{prefix}{stem}{suffix}", f"{stem}2", f"x{stem}",
                          f"{stem}é", f"e-{stem}"}
            spoken = nasal("me", stem)[2:]  # the bare nasal of spoken Indonesian: nulis, ngajar, nyari
            found |= {spoken, spoken + "in", f"{stem}in", f"di{stem}in", f"ng{stem}", f"nge{stem}", f"ny{stem[1:]}in"}
    return found


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_scan_finds_every_word_the_rules_match_at_its_start(lang):
    from pipeline.coding.classify import compile_codebook
    from pipeline.coding.codebook import load_codebook

    matcher, _ = compile_codebook(load_codebook(None))._language(lang)
    rules = matcher._rules
    every_term_word = {word_id for values in rules._values.values() for _, _, word_id in values}
    scan = re2.compile(rules.pattern(every_term_word))
    checked = 0
    for word in vocabulary_around(matcher):
        if rules.word_ids(reduplication_base(word) if lang == "id" else word):
            checked += 1
            assert scan.match(word.encode()), word
    assert checked > 1000


def test_terms_with_letters_outside_ascii_are_found_whole():
    matcher = TermMatcher(["café", "élan*", "naïve approach", "kafé"], "en")
    sample = "Café! élanvital, a naïve approach; xcafé éclair kafé’s"
    found = [(sample[start:end], matcher.terms[term]) for start, end, term in matcher.find(sample)]
    assert found == [("Café", "café"), ("élanvital", "élan*"), ("naïve approach", "naïve approach"), ("kafé’s", "kafé")]


def test_a_text_that_is_not_valid_unicode_is_still_searched():
    assert TermMatcher(["opac"], "id").find("\ud800 opac dan \udfff") == [(2, 6, 0)]


def test_qualifiers_are_reported_in_the_whole_of_a_text_that_holds_a_term_and_only_there():
    matcher = TermMatcher(["opac"], "id", qualifiers=["belum"])
    sample = "Belum ada. Kami belum pakai OPAC, belum! Ya belum"
    found = [(sample[start:end], matcher.terms[term]) for start, end, term in matcher.find(sample)]
    assert found == [("Belum", "belum"), ("belum", "belum"), ("OPAC", "opac"), ("belum", "belum"), ("belum", "belum")]
    assert matcher.find("Belum ada OPAC-nya… belum") == [(0, 5, 1), (10, 18, 0), (20, 25, 1)]
    assert matcher.find("Belum ada. Belum juga.") == []


def test_no_phrase_reaches_from_one_text_into_the_next():
    matcher = TermMatcher(["opac", "grup telegram"], "id", qualifiers=["belum", "masih baru"])
    assert matcher.find_all(["belum grup", "telegram opac masih", "baru. opac belum"]) == [
        [], [(9, 13, 0)], [(6, 10, 0), (11, 16, 2)]]
    assert TermMatcher(TERMS, "id").find_all(["dan grup", "telegram ke", "opac", "dan yang", "website"]) == [
        reference_occurrences(sample) for sample in ["dan grup", "telegram ke", "opac", "dan yang", "website"]]


def test_phrases_that_share_a_word_are_all_found():
    # "qwerty" anchors the first phrase and stands before the anchor of the second.
    matcher = TermMatcher(["qa qwerty", "qwerty qwertyuiop"], "id")
    sample = "qa qwerty qwertyuiop"
    assert [(sample[start:end], matcher.terms[term]) for start, end, term in matcher.find(sample)] == [
        ("qa qwerty", "qa qwerty"), ("qwerty qwertyuiop", "qwerty qwertyuiop")]
    # "qa" is a term alone too: where it starts a pair, the scan must report the pair.
    matcher = TermMatcher(["qa", "qa qwerty"], "id")
    assert [matcher.terms[term] for _, _, term in matcher.find("qa qwerty")] == ["qa", "qa qwerty"]


@pytest.mark.parametrize("spoken, term", [
    ("ngajarin", "mengajari*"),      # a bare nasal, -in for -i
    ("dikumpulin", "dikumpulkan"),   # -in for -kan
    ("kumpulin", "mengumpulkan"),    # no prefix at all: meN- with the nasal k takes (ng)
    ("nyari", "mencari"),            # ny for c
    ("ngecek", "mengecek"),          # nge- before a one-syllable root
    ("bimbingin", "membimbing*"),    # meN- before b: mem-
])
def test_a_spoken_indonesian_form_matches_the_term_its_formal_form_matches(spoken, term):
    matcher = TermMatcher([term], "id")
    assert [(start, end) for start, end, _ in matcher.find(f"Dia {spoken} kami.")] == [(4, 4 + len(spoken))]


@pytest.mark.parametrize("word, term", [
    ("ingin", "mengingkan"),        # a Sastrawi root ending in -in stays itself
    ("mesin", "mengemas"),          # a root again, not mes + -in
    ("pustakawanin", "pustakawan"), # -in is a verb suffix: no bare-word reading
    ("katalogisasi", "mengatalog"), # no mark of speech: a formal word the codebook does not know
])
def test_a_word_without_a_spoken_form_of_a_term_is_not_matched(word, term):
    assert TermMatcher([term], "id").find(f"Itu {word} saja.") == []


def test_spoken_variants_put_the_likeliest_reading_first():
    assert spoken_variants("kumpulin")[:2] == ["mengumpulkan", "kumpulkan"]
    assert spoken_variants("nyari") == ["menyari", "mencari"]
    assert spoken_variants("menulis") == [] and spoken_variants("katalogisasi") == []

