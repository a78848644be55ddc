"""The catalogue of words: every report language has every word, with the same blanks to fill."""

from __future__ import annotations

import re
import string

import pytest

from pipeline.words import _catalogue, code_span, literal, plain, report_languages, text, words


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


PAYLOADS = ['<img src=x onerror="alert(1)">', "<script>alert(1)</script>", "[klik](javascript:alert(1))",
            '<iframe srcdoc="<script>alert(1)</script>"></iframe>', "*a* _b_ `c` # d \\ e & f", "line\n# heading"]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_site_text_in_markdown_renders_as_the_text_itself(payload):
    from nbconvert.filters.markdown import markdown2html_mistune

    for markdown in (f"Title: {literal(payload)}", f"Coder {code_span(payload)}"):
        html = markdown2html_mistune(markdown)
        assert re.fullmatch(r"<p>[^<>]*(<code>[^<>]*</code>)?</p>\s*", html), html  # one paragraph, no markup
        assert html_text(html).endswith(" ".join(payload.split()))
    assert plain(literal(payload)) == " ".join(payload.split())


def html_text(html: str) -> str:
    import html as html_module

    return html_module.unescape(re.sub(r"<[^>]+>", "", html)).strip()
