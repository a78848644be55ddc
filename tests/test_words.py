"""The catalogue of words: every report language has every word, with the same blanks to fill."""

from __future__ import annotations

import string

import pytest

from pipeline.words import _catalogue, report_languages, text, words


def blanks(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_both_languages_have_every_template_with_the_same_blanks():
    english = _catalogue("en")
    for lang in report_languages():
        catalogue = _catalogue(lang)
        assert catalogue.keys() == english.keys(), lang
        for section, entries in english.items():
            assert catalogue[section].keys() == entries.keys(), (lang, section)
            for key, template in entries.items():
                assert blanks(catalogue[section][key]) == blanks(template), (lang, section, key)


def test_the_shipped_report_languages_are_indonesian_and_english():
    assert report_languages() == ("en", "id")


def test_words_are_filled_in():
    assert text("report.h_findings", "en", title="Padang") == "Findings: Padang"
    assert text("report.h_findings", "id", title="Padang") == "Temuan: Padang"
    assert words("columns", "id")["code"] == "Kode"


def test_an_unknown_report_language_is_refused():
    with pytest.raises(ValueError, match="'fr'"):
        text("report.h_findings", "fr", title="x")
