"""Status v2: when a barrier cue bears on a coding's evidence (pipeline/coding/status.py).

Each rule is pinned with general passages in both languages, written for these tests (not taken from
the shipped transcripts), coded with the default codebook's barrier section and a small set of codes.
"""

from __future__ import annotations

import pytest

from pipeline.coding.classify import classify_text, compile_codebook
from pipeline.coding.codebook import codebook_from_dict, load_codebook
from pipeline.errors import CodebookError

TEXTS = {"id": "x", "en": "x"}
KEYWORDS = {
    "socialization": {"id": ["diskusi", "bersama"], "en": ["discussion*", "together"]},
    "combination": {"id": ["web", "katalog", "penyimpanan bersama"], "en": ["website*", "catalogue*", "shared storage"]},
    "internalization": {"id": ["pelatihan"], "en": ["training"]},
    "facilities": {"id": ["wifi", "rak"], "en": ["wifi", "shelves"]},
}


@pytest.fixture(scope="module")
def matcher():
    default = load_codebook()
    data = {
        "name": "status-test", "version": "1", "groups": {"g": {"label": TEXTS}},
        "barrier": {"window": default.barrier_window, "cues": {lang: list(cues) for lang, cues in default.barrier_cues.items()},
                    **{name: {lang: list(terms) for lang, terms in by_lang.items()}
                       for name, by_lang in default.status_words.items()}},
        "codes": [{"id": code, "group": "g", "label": TEXTS, "definition": TEXTS, "include": TEXTS, "exclude": TEXTS,
                   "keywords": keywords} for code, keywords in KEYWORDS.items()],
    }
    return compile_codebook(codebook_from_dict(data, "test"))


def statuses(matcher, text: str, lang: str) -> dict[str, str]:
    return {coding.code_id: coding.status for coding in classify_text(text, lang, matcher)}


@pytest.mark.parametrize("lang, text, expected", [
    ("id", "Diskusi bulanan belum berjalan rutin.", "barrier"),
    ("en", "The monthly discussion is not yet held regularly.", "barrier"),
    ("id", "Diskusi kami jalan terus, karena web kami belum siap.", "practice"),
    ("en", "The discussion goes on every month, because the website is not ready yet.", "practice"),
    ("id", "Diskusi itu bagus, tapi pelatihan belum ada.", None),
    ("en", "The discussion is good, but there is no training yet.", None),
])
def test_a_cue_counts_only_in_the_clause_of_the_evidence(matcher, lang, text, expected):
    found = statuses(matcher, text, lang)
    if expected:
        assert found["socialization"] == expected
    else:  # the cue after "tapi"/"but" bears on the training, not on the discussion
        assert found == {"socialization": "practice", "internalization": "barrier"}


@pytest.mark.parametrize("lang, text", [
    ("id", "Kalau bukunya tidak ada di rak, kami carikan lewat katalog."),
    ("id", "Jika wifi tidak tersambung, petugas membantu di meja layanan."),
    ("en", "If the book is not on the shelves, we look it up in the catalogue."),
    ("en", "When the wifi does not connect, the desk staff help straight away."),
])
def test_a_cue_inside_a_condition_is_no_barrier(matcher, lang, text):
    assert set(statuses(matcher, text, lang).values()) == {"practice"}


@pytest.mark.parametrize("lang, text", [
    ("id", "Kalau ditanya apakah web sudah lengkap, belum."),
    ("en", "If you ask whether the website is complete, not yet."),
])
def test_the_main_clause_after_a_condition_still_counts(matcher, lang, text):
    assert statuses(matcher, text, lang) == {"combination": "barrier"}


@pytest.mark.parametrize("lang, text", [
    ("id", "Mencari di katalog tidak sulit."),
    ("id", "Petugas rak tidak pernah marah kalau ditanya."),
    ("id", "Di pelatihan itu tidak ada yang bingung."),
    ("en", "Searching the catalogue is not difficult."),
    ("en", "The training never fails to help new staff."),
    ("en", "The wifi works, not without the odd hiccup, and nobody gets angry at the shelves."),
])
def test_a_negated_negative_is_a_positive(matcher, lang, text):
    assert set(statuses(matcher, text, lang).values()) == {"practice"}


@pytest.mark.parametrize("lang, text", [
    ("id", "Katalog kami sulit dipakai."),
    ("en", "The catalogue is difficult to use."),
])
def test_a_negative_word_without_a_negation_stays_a_barrier(matcher, lang, text):
    assert statuses(matcher, text, lang) == {"combination": "barrier"}


@pytest.mark.parametrize("lang, text", [
    ("id", "Kami belum punya penyimpanan bersama yang tertata."),
    ("en", "We do not have a shared storage for files yet."),
])
def test_a_term_inside_a_longer_term_of_another_code_takes_no_status(matcher, lang, text):
    found = statuses(matcher, text, lang)
    assert found["combination"] == "barrier"  # the barrier is the storage's ...
    assert found.get("socialization", "practice") == "practice"  # ... not the "together" inside it


@pytest.mark.parametrize("lang, text", [
    ("id", "Web kami yang belum memadai itu sedang diperbaiki."),
    ("en", "The website, which is not yet adequate, is being rebuilt."),
])
def test_a_relative_clause_describes_the_words_before_it(matcher, lang, text):
    assert statuses(matcher, text, lang) == {"combination": "barrier"}


@pytest.mark.parametrize("lang, text", [
    ("id", "Untuk pegawai yang tidak bisa datang, web sangat berguna."),
    ("en", "For staff who cannot come in, the website is very useful."),
])
def test_a_relative_clause_says_nothing_of_the_words_after_it(matcher, lang, text):
    assert statuses(matcher, text, lang) == {"combination": "practice"}


@pytest.mark.parametrize("lang, text", [
    ("id", "Diskusi kami cukup baik, tapi masih belum maksimal."),
    ("en", "The discussion is fairly good, but it is still not at its best."),
])
def test_a_clause_that_names_nothing_states_the_barrier_of_the_clause_before(matcher, lang, text):
    assert statuses(matcher, text, lang)["socialization"] == "barrier"


@pytest.mark.parametrize("lang, text", [
    ("id", "Diskusi diadakan tiap bulan dan semua diundang. Jadi belum semua terlibat."),
    ("en", "The discussion is held every month and everyone is invited. So not everyone takes part yet."),
])
def test_a_barrier_stated_on_its_own_speaks_of_the_answer(matcher, lang, text):
    assert statuses(matcher, text, lang) == {"socialization": "barrier"}


@pytest.mark.parametrize("lang, text", [
    ("id", "Diskusi diadakan tiap bulan. Kalau ada yang tidak hadir, dicatat saja."),
    ("en", "The discussion is held every month. If someone is not there, it is noted."),
])
def test_a_condition_on_its_own_states_no_barrier(matcher, lang, text):
    assert statuses(matcher, text, lang) == {"socialization": "practice"}


@pytest.mark.parametrize("lang, text", [
    ("id", "Saya cukup puas. Saran saya, wifi diperkuat dan rak ditambah."),
    ("en", "I am fairly satisfied. My suggestion is to strengthen the wifi and add shelves."),
])
def test_a_suggestion_names_what_is_lacking(matcher, lang, text):
    assert statuses(matcher, text, lang) == {"facilities": "barrier"}


@pytest.mark.parametrize("lang, text", [
    ("id", "Soal rak itu saya kurang tahu."),
    ("en", "About the shelves I don't know."),
    ("id", "Dengan wifi kampus saya tidak perlu datang ke rak."),
    ("en", "With the campus wifi I don't need to go to the shelves."),
])
def test_the_speakers_own_uncertainty_or_a_need_removed_is_no_barrier(matcher, lang, text):
    assert statuses(matcher, text, lang)["facilities"] == "practice"


def test_a_clause_ends_at_a_semicolon_and_a_sentence_end(matcher):
    assert statuses(matcher, "Diskusi jalan terus; pelatihan belum ada.", "id") == {
        "socialization": "practice", "internalization": "barrier"}


@pytest.mark.parametrize("name", ["negations", "negatives", "conditionals", "clause_openers", "relativisers",
                                  "suggestions", "hedges"])
def test_every_list_of_the_barrier_section_is_in_the_default_codebook_in_both_languages(name):
    codebook = load_codebook()
    assert codebook.status_terms(name, "id") and codebook.status_terms(name, "en")


def test_a_barrier_list_entry_with_a_weight_is_refused():
    data = {"name": "t", "version": "1", "groups": {"g": {"label": TEXTS}},
            "barrier": {"conditionals": {"id": [{"term": "kalau", "weight": 2}]}},
            "codes": [{"id": "a", "group": "g", "label": TEXTS, "definition": TEXTS, "include": TEXTS, "exclude": TEXTS,
                       "keywords": {"id": ["x"]}}]}
    with pytest.raises(CodebookError, match="entries of 'conditionals' are plain terms"):
        codebook_from_dict(data, "t.yaml")


def test_an_unknown_list_in_the_barrier_section_is_refused():
    data = {"name": "t", "version": "1", "groups": {"g": {"label": TEXTS}},
            "barrier": {"conjunctions": {"id": ["tapi"]}},
            "codes": [{"id": "a", "group": "g", "label": TEXTS, "definition": TEXTS, "include": TEXTS, "exclude": TEXTS,
                       "keywords": {"id": ["x"]}}]}
    with pytest.raises(CodebookError, match="conjunctions"):
        codebook_from_dict(data, "t.yaml")
