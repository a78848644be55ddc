"""Findings and the comparison with the article, on the tiny synthetic site (see test_analysis.py).

The article dictionary below is made up for the tests; its answers follow from the fixture's codings:
the librarians' socialization codings are L1-002 (barrier), L1-004 and L2-004 (practice), so 1 of the 2
librarians who speak of it (L1) reports a barrier: half, not yet adequate at the default threshold; combination has one coding, a barrier; L2-004 scores internalization 2 and
socialization 1; P2-002 ties print_media and online_services at 1.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

from pipeline.analysis import findings
from pipeline.analysis.study import Study, load_study
from pipeline.contracts import ARTICLE_FINDINGS_FILE
from pipeline.errors import InputError
from pipeline.words import plain

FIXTURE = Path(__file__).parent / "fixtures" / "analysis"
PROJECT = Path(__file__).parent.parent

ARTICLE = {
    "study": {"informants": {"total": 4, "librarians": 2, "patrons": 2}},
    "seci_modes": [
        {"code": "socialization", "practice_id": "diskusi bulanan", "practice_en": "a monthly discussion",
         "status": "not_yet_adequate"},
        {"code": "combination", "practice_id": "situs web", "practice_en": "the website", "status": "not_yet_adequate"},
        {"code": "internalization", "practice_id": "seminar", "practice_en": "seminars", "status": "adequate"},
    ],
    "performance": [{"code": "motivation", "finding_id": "angka kredit", "finding_en": "credit score", "status": "adequate"}],
    "patron_findings": [
        {"code": "print_media", "finding_id": "media cetak", "finding_en": "print media", "informants": ["P1", "P2"]},
    ],
    "quotes": [
        {"id": "q1", "section": "Sosialisasi", "informants": ["L1"], "code": "socialization",
         "code_by_definition": "socialization", "text_id": "Kami mengadakan diskusi kelompok setiap bulan."},
        {"id": "q2", "section": "Kombinasi", "informants": ["L2"], "code": "combination",
         "code_by_definition": "internalization", "text_id": "Saya ikut seminar dan pelatihan"},
        {"id": "q3", "section": "Pemustaka", "informants": ["P1", "P2"], "code": "online_services",
         "code_by_definition": "online_services", "text_id": "Telegram"},
        {"id": "q4", "section": "Penutup", "informants": ["L2"], "code": None, "code_by_definition": None,
         "text_id": "Terima kasih."},
        {"id": "q5", "section": "Sosialisasi", "informants": ["L1"], "code": "socialization",
         "code_by_definition": "socialization", "text_id": "Kalimat yang tidak pernah diucapkan."},
    ],
}


@pytest.fixture(scope="module")
def study() -> Study:
    return load_study(FIXTURE, "tiny")


@pytest.fixture(scope="module")
def comparison(study):
    return findings.compare_with_article(study, ARTICLE, "en").set_index("item_id")


def test_a_code_is_not_yet_adequate_when_half_its_informants_report_a_barrier():
    assert findings.status_of(barrier_informants=1, informants=2) == findings.NOT_YET_ADEQUATE
    assert findings.status_of(barrier_informants=1, informants=3) == findings.ADEQUATE
    assert findings.status_of(barrier_informants=0, informants=0) == findings.ADEQUATE
    assert findings.status_of(barrier_informants=1, informants=3, threshold=0.3) == findings.NOT_YET_ADEQUATE
    assert findings.status_of(barrier_informants=1, informants=2, threshold=0.6) == findings.ADEQUATE


def test_one_informant_with_many_barrier_codings_is_one_voice(study):
    """Socialization in the tiny site: L1 reports a barrier, L2 does not; half the informants, not a third of the codings."""
    row = findings.code_findings(study, "seci", "librarian", "en").set_index("code_id").loc["socialization"]
    assert (row["informants"], row["barrier_informants"], row["barrier"], row["codings"]) == (2, 1, 1, 3)
    assert row["status"] == findings.NOT_YET_ADEQUATE
    higher = findings.code_findings(study, "seci", "librarian", "en", threshold=0.6).set_index("code_id")
    assert higher.loc["socialization", "status"] == findings.ADEQUATE


def test_the_informant_counts_agree_with_the_article(comparison):
    row = comparison.loc["informants"]
    assert row["agree"] and row["this_run_finds"].startswith("4 informants: 2 librarians, 2 patrons")


def test_a_mode_whose_barrier_share_is_below_the_threshold_disagrees_and_says_why(study):
    row = findings.compare_with_article(study, ARTICLE, "en", threshold=0.6).set_index("item_id").loc["socialization"]
    assert not row["agree"]
    assert row["this_run_finds"] == "2/2 librarians (L1, L2), 3 answers; 1/2 of them report a barrier: adequate"
    assert row["why"] == ("1 of the 2 informants who speak of Socialization report a barrier (50%), below the 60% at "
                          "which this run reads a code as not yet adequate; the article reports it as not yet adequate")


def test_modes_and_themes_with_matching_status_agree(comparison):
    assert comparison.loc["combination", "agree"] and comparison.loc["combination", "why"] == ""
    assert comparison.loc["internalization", "agree"]
    assert comparison.loc["motivation", "agree"]


def test_a_patron_finding_agrees_when_every_attributed_patron_has_the_code(study, comparison):
    assert comparison.loc["print_media", "agree"]
    without_p1 = dataclasses.replace(study, codings=study.codings[study.codings["segment_id"] != "P1-002"])
    row = findings.compare_with_article(without_p1, ARTICLE, "en").set_index("item_id").loc["print_media"]
    assert not row["agree"] and row["why"] == "no answer of P1 is coded Print media"


def test_a_quote_filed_under_the_mode_it_is_coded_with_agrees(comparison):
    row = comparison.loc["q1"]
    assert row["agree"] and row["this_run_finds"] == "primary code: Socialization (L1)"


def test_a_quote_filed_under_another_mode_explains_with_the_terms_that_fired(comparison):
    row = comparison.loc["q2"]
    assert not row["agree"]
    assert row["article_reports"] == "Kombinasi: Combination"
    assert row["this_run_finds"] == "primary code: Internalization (L2)"
    assert row["why"] == ("the article files this quote under Combination; by the codebook's definitions its terms "
                          "(seminar, pelatihan) are Internalization, as the article's own definitions would also have it")


def test_a_quote_whose_answer_is_coded_by_words_around_it_says_so(comparison):
    row = comparison.loc["q3"]  # P2-002 ties print_media and online_services: codebook order picks print_media
    assert not row["agree"]
    assert row["this_run_finds"] == "primary code: Online services (P1); Print media (P2)"
    assert "the answer containing it (P2) is coded Print media from words around the quote (cetak)" in row["why"]


def test_a_quote_the_article_files_under_no_mode_agrees_when_no_mode_is_primary(comparison):
    assert comparison.loc["q4", "agree"]
    assert comparison.loc["q4", "article_reports"] == "Penutup: no single mode"


def test_a_quote_missing_from_the_transcripts_disagrees(comparison):
    row = comparison.loc["q5"]
    assert not row["agree"] and row["why"] == "the quote does not occur verbatim in the answers of L1"


def test_the_comparison_speaks_the_report_language(study):
    table = findings.compare_with_article(study, ARTICLE, "id", threshold=0.6).set_index("item_id")
    assert table.loc["socialization", "article_reports"] == "diskusi bulanan (belum memadai)"
    assert "di bawah ambang 60%" in table.loc["socialization", "why"]


def test_primary_code_breaks_ties_by_codebook_order(study):
    assert findings.primary_code_of_passage(study, ["P2-002"]) == ("print_media", {"print_media": 1.0, "online_services": 1.0})
    assert findings.primary_code_of_passage(study, ["L2-006"]) == (None, {})


def test_a_quote_is_found_across_line_breaks_and_across_sentence_segments(study):
    assert findings.find_quote(study, "Kami  mengadakan\ndiskusi", "L1") == [("L1-002", 0, 23)]
    first, second = "Kami mengadakan diskusi kelompok setiap bulan.", "Diskusi itu belum berjalan maksimal."
    segments = study.segments.copy()
    segments.loc[segments["segment_id"] == "L1-002", "text"] = first
    split = segments[segments["segment_id"] == "L1-002"].assign(segment_id="L1-002b", text=second)
    sentences = dataclasses.replace(study, segments=pd.concat([segments, split], ignore_index=True))
    assert findings.find_quote(sentences, f"{first} {second}", "L1") == [("L1-002", 0, len(first)),
                                                                          ("L1-002b", 0, len(second))]


def test_findings_paragraphs_are_filled_from_counts_and_quotes(study):
    table = findings.code_findings(study, "seci", "librarian", "en")
    text = plain(findings.section_markdown(table, "librarian", "en"))  # the site's words are escaped Markdown
    assert ("**Socialization.** 2 of 2 librarians (L1, L2) speak of it in 3 answers; 1 of these 2 report a barrier (a "
            "barrier cue bears on it in at least one of their answers), so this run reads it as **not yet adequate**. "
            "Terms that carried it (informants using each): diskusi (2).") in text
    assert '> "Kami mengadakan diskusi kelompok setiap bulan. Diskusi itu belum berjalan maksimal." (L1)' in text
    assert "**Combination.**" in text and "**not yet adequate**" in text


def test_a_code_nobody_speaks_of_is_reported_as_absent(study):
    table = findings.code_findings(study, "patron", "librarian", "id")
    assert findings.section_markdown(table, "librarian", "id").startswith(
        "**Media cetak.** Tidak ada jawaban dari 2 pustakawan yang diberi kode ini.")


def test_the_conclusion_numbers_each_mode_and_theme(study):
    lines = findings.conclusion_markdown(study, "id").splitlines()
    assert len(lines) == 5  # four SECI modes, one performance theme
    assert lines[2] == ("3. Kombinasi: belum memadai (1 dari 2 pustakawan membicarakannya; 1 di antaranya menyebut "
                        "hambatan). *(Sedikit: kurang dari 3 informan atau 5 pengodean; baca sebagai petunjuk.)*")


def test_the_shipped_article_findings_load(tmp_path):
    article = findings.load_article_findings(PROJECT)
    assert [entry["code"] for entry in article["seci_modes"]] == [
        "socialization", "externalization", "combination", "internalization"]
    broken = tmp_path / ARTICLE_FINDINGS_FILE
    broken.parent.mkdir(parents=True)
    broken.write_text(yaml.safe_dump({"study": {}}))
    with pytest.raises(InputError, match=re.escape("article_findings.yaml:1: field 'seci_modes': missing; add 'seci_modes:'")):
        findings.load_article_findings(tmp_path)


def test_the_comparison_keeps_stable_ids_beside_the_labels_it_shows(study):
    table = findings.compare_with_article(study, ARTICLE, "id")
    first = table.iloc[1]
    assert (first["section_id"], first["section"], first["item_id"], first["item"]) == (
        "seci_modes", "Penerapan model SECI", "socialization", "Sosialisasi")
    assert table.iloc[-1][["section", "item"]].tolist() == ["Kutipan artikel", "q5"]
    assert findings.comparison_summary(table, "en").startswith(
        f"Finding by finding from data/reference/article_findings.yaml: {int(table['agree'].sum())} of 11 agree.")


def test_a_finding_on_a_code_the_codebook_lacks_cannot_agree(study):
    article = {**ARTICLE, "performance": [{"code": "skills", "finding_id": "pinjam antarperpustakaan",
                                           "status": "adequate"}], "quotes": []}
    row = findings.compare_with_article(study, article, "en").set_index("item_id").loc["skills"]
    assert not row["agree"] and row["why"] == "the codebook 'tiny' has no code 'skills'"


def test_findings_any_reconstruction_holds_are_marked_and_counted_apart(study):
    article = {**ARTICLE, "study": {**ARTICLE["study"], "by_construction": True},
               "patron_findings": [{**ARTICLE["patron_findings"][0], "by_construction": True}]}
    table = findings.compare_with_article(study, article, "en").set_index("item_id")
    assert table.loc["informants", "by_construction"] and table.loc["print_media", "by_construction"]
    assert not table["by_construction"].drop(["informants", "print_media"]).any()
    summary = findings.comparison_summary(table, "en")
    agree_unmarked = int((table["agree"] & ~table["by_construction"]).sum())
    assert "2 of the agreeing findings are such" in summary  # both marked findings agree in the tiny site
    assert f"The other {agree_unmarked} agreeing findings, of {len(table) - 2} not so marked" in summary


def test_a_site_without_reference_codings_is_told_so(study, tmp_path):
    part = findings.reference_status_part(study, tmp_path, "en")
    assert "This site has no reference codings" in plain(part.markdown) and not part.tables


REFERENCE = """segment_id,code_id,score,matched,status,coder
L1-002,socialization,1,,practice,reference
L1-004,socialization,1,,practice,reference
L2-002,combination,1,,barrier,reference
L2-004,internalization,1,,barrier,reference
P1-002,print_media,1,,practice,reference
P2-002,print_media,1,,practice,reference
L2-006,,,,,reference
"""


def test_the_statuses_are_set_against_the_reference_codings_at_every_threshold(study, tmp_path):
    """Both assign six codings, four with the same status. At 50% this run reads socialization (1 of 2
    librarians with a barrier) and combination as not yet adequate, the rest adequate; the reference reads
    combination and internalization as not yet adequate, socialization and print media as adequate, and
    never codes externalization, motivation or online services: of the 7 codes either reads, 2 agree."""
    path = tmp_path / "data" / "reference" / "tiny" / "reference_codings.csv"
    path.parent.mkdir(parents=True)
    path.write_text(REFERENCE, encoding="utf-8")
    part = findings.reference_status_part(study, tmp_path, "en")
    assert "of the 6 codings (an answer and a code) that both this run and the reference assign, 4 (67%)" in plain(part.markdown)
    assert "At the threshold this report uses (50%), 2 of 7 agree." in plain(part.markdown)
    [table] = part.tables
    assert list(table.frame["threshold"]) == [f"{n}0%" for n in range(1, 10)]
    at_half = table.frame.set_index("threshold").loc["50%"]
    assert (at_half["codes"], at_half["agree"]) == (7, 2)
    assert "Socialization (not yet adequate / adequate)" in at_half["differ"]
    assert "Externalization (adequate / absent)" in at_half["differ"]
