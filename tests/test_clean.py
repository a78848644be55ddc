"""Cleaning gives one spelling of each character and removes transcription marks (unless kept)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.corpus.clean import clean_text


def test_curly_quotes_dashes_and_ellipsis_become_plain_ascii():
    assert clean_text("\u201cBuku\u201d itu \u2018baru\u2019 \u2013 kata Bu\u2014Ibu\u2026") == "\"Buku\" itu 'baru' - kata Bu-Ibu..."


def test_whitespace_runs_non_breaking_spaces_and_line_breaks_become_single_spaces():
    assert clean_text("  satu\u00a0\u00a0dua\tтри\n\nempat\u2028lima  ") == "satu dua три empat lima"


def test_decomposed_characters_are_composed_to_nfc():
    decomposed = "Cafe\u0301 di perpustakaan"
    assert clean_text(decomposed) == "Caf\u00e9 di perpustakaan"
    assert unicodedata.is_normalized("NFC", clean_text(decomposed))


def test_invisible_characters_are_dropped():
    assert clean_text("perpus\u00adtakaan\u200b baru\ufeff") == "perpustakaan baru"


@pytest.mark.parametrize("raw, cleaned", [
    ("Iya [tertawa], betul.", "Iya, betul."),
    ("Iya (tertawa) betul.", "Iya betul."),
    ("[laughs] Yes, of course.", "Yes, of course."),
    ("The website [inaudible] is new.", "The website is new."),
    ("It is new [inaudible 00:12:03].", "It is new."),
    ("Kami [TIDAK JELAS] berdiskusi.", "Kami berdiskusi."),
    ("[00:12:03] Sebulan sekali (12:05) kami #00:12:07-5# berdiskusi.", "Sebulan sekali kami berdiskusi."),
    ("Yes (laughs (laughs)).", "Yes."),
])
def test_transcription_marks_and_bracketed_timestamps_are_removed(raw, cleaned):
    assert clean_text(raw) == cleaned


def test_marks_stay_when_the_site_keeps_them():
    assert clean_text("Iya  [tertawa], betul (00:12).", marks="keep") == "Iya [tertawa], betul (00:12)."


def test_ordinary_brackets_are_speech_and_stay():
    text = "Kami pakai katalog online (OPAC) dan [perpustakaan] lain, (diam-diam) juga."
    assert clean_text(text) == text


def test_an_article_quote_with_its_typos_passes_unchanged():
    quote = ("penerapannya dalam bentuk pustakawan secara bergiliran mempresentasikan laporannya lalu pustakawan "
             "lain memberikan tanggapan baik berupa kritik,saran ataupun memberikan pertanyaan")
    assert clean_text(quote) == quote


# Texts built from the pieces marks are made of, so that the property meets marks often.
mark_pieces = st.lists(st.sampled_from([
    "[", "]", "(", ")", "#", "laughs", "tertawa", "tidak jelas", "00:12", "-5", " ", "\u00a0", "\u00ad", ",", ".",
    "e", "\u0301", "\u201c", "\u2014",
])).map("".join)


@given(st.one_of(st.text(), mark_pieces))
def test_cleaning_a_cleaned_text_changes_nothing(text):
    once = clean_text(text)
    assert clean_text(once) == once
    assert "\n" not in once and once == once.strip()
