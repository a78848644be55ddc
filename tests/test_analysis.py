"""The analysis tables on a tiny synthetic site whose answers are known by hand.

tests/fixtures/analysis/ is a small project: site ``tiny`` with two librarians (L1, L2) and two
patrons (P1, P2), three or two answers each, and twelve codings (see codings.csv there):
socialization on L1-002 (score 2, barrier), L1-004, L2-004 and P2-004 (score 1 each).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from pipeline.analysis import counts, cross_site
from pipeline.analysis.study import Study, evidence, load_study
from pipeline.errors import InputError
from pipeline.report import tables

FIXTURE = Path(__file__).parent / "fixtures" / "analysis"


@pytest.fixture(scope="module")
def study() -> Study:
    return load_study(FIXTURE, "tiny")


def test_load_study_reads_the_site_once_with_its_codebook_and_note(study):
    assert study.site == "tiny"
    assert study.informant_ids() == ["L1", "L2", "P1", "P2"]
    assert study.codebook.name == "tiny"
    assert study.note == "Synthetic test data, not interviews."
    assert len(study.answers()) == 10 and len(study.segments) == 20  # interviewer turns are kept, not counted
    assert study.codings["score"].dtype == float


def test_missing_codings_names_the_file_and_the_command_to_run(tmp_path):
    shutil.copytree(FIXTURE, tmp_path, dirs_exist_ok=True)
    (tmp_path / "data/processed/tiny/codings.csv").unlink()
    with pytest.raises(InputError, match=r"codings\.csv: file not found; run `seci run --site tiny`"):
        load_study(tmp_path, "tiny")


def test_a_code_the_codebook_does_not_know_names_its_line(tmp_path):
    shutil.copytree(FIXTURE, tmp_path, dirs_exist_ok=True)
    codings = tmp_path / "data/processed/tiny/codings.csv"
    codings.write_text(codings.read_text().replace("L2-002,combination", "L2-002,kombinasi"))
    with pytest.raises(InputError, match=r"codings\.csv:6: code 'kombinasi' is not in the codebook"):
        load_study(tmp_path, "tiny")


def test_informants_are_counted_by_role_and_unit(study):
    table = counts.informants_by_role_and_unit(study)
    assert table.to_dict("records") == [
        {"role": "librarian", "unit": "technical services", "informants": 1, "informant_ids": "L1"},
        {"role": "librarian", "unit": "user services", "informants": 1, "informant_ids": "L2"},
        {"role": "patron", "unit": counts.NO_UNIT, "informants": 2, "informant_ids": "P1, P2"},
    ]


def test_words_and_turns_count_only_the_informants_answers(study):
    table = counts.words_and_turns(study).set_index("informant_id")
    # L1: "Kami mengadakan ... maksimal." (12) + "Saya menulis ... bersama." (9) + "Motivasi ... kredit." (5)
    assert table.loc["L1", "turns"] == 3 and table.loc["L1", "words"] == 25
    assert table.loc["L1", "interviewer_turns"] == 3
    assert table.loc["P1", "words"] == 12  # "e-book" is one word
    assert table.loc["L1", "words_per_turn"] == pytest.approx(8.3)
    assert counts.corpus_totals(study) == {"informants": 4, "librarians": 2, "patrons": 2, "turns": 10, "words": 71}


def test_code_frequencies_count_segments_and_informants_in_codebook_order(study):
    table = counts.code_frequencies(study, "seci", lang="id")
    assert table["code"].tolist() == ["Sosialisasi", "Eksternalisasi", "Kombinasi", "Internalisasi"]
    assert table["segments"].tolist() == [4, 1, 1, 1]
    assert table["informants"].tolist() == [3, 1, 1, 1]
    assert table["share_of_segments"].tolist() == [40.0, 10.0, 10.0, 10.0]  # of the 10 informant answers
    assert table["few"].tolist() == [True] * 4  # socialization: 3 informants, but 4 codings


def with_a_fifth_socialization_coding(study: Study) -> Study:
    """The tiny study plus socialization on L2-006: then 5 codings from 3 informants (L1, L2, P2)."""
    extra = pd.DataFrame([{"segment_id": "L2-006", "code_id": "socialization", "score": 1.0, "matched": "diskusi@0-7",
                           "status": "practice", "coder": "keyword-v0.1"}])
    return Study(site="tiny", informants=study.informants, segments=study.segments,
                 codings=pd.concat([study.codings, extra], ignore_index=True), codebook=study.codebook)


def test_02_tables_flag_counts_resting_on_fewer_than_3_informants_or_5_codings(study):
    more = with_a_fifth_socialization_coding(study)
    assert counts.code_frequencies(more, "seci")["few"].tolist() == [False, True, True, True]
    assert counts.status_by_code(more, "seci").set_index("code_id").loc["socialization", ["informants", "few"]].tolist() == [3, False]
    assert counts.status_by_code(study, "seci").set_index("code_id").loc["socialization", ["informants", "few"]].tolist() == [3, True]
    by_role = counts.code_by_role(more, "seci")
    assert by_role.loc["Socialization"].tolist() == [4, 1, True, True]  # 4 from 2 librarians, 1 from 1 patron
    matrix = counts.code_by_informant(more)
    assert matrix.loc["Socialization", "few"] == False and matrix["few"].sum() == len(matrix) - 1  # noqa: E712


def test_cross_site_tables_flag_shares_and_statuses_resting_on_few_informants_or_codings(study):
    more = with_a_fifth_socialization_coding(study)
    modes = cross_site.modes_by_role([more], "en").set_index(["role", "code_id"])
    assert modes.loc[("librarian", "socialization"), ["informants", "of", "codings", "few"]].tolist() == [2, 2, 4, True]
    assert (modes["few"] == ((modes["informants"] < 3) | (modes["codings"] < 5))).all()
    status = cross_site.status_per_code([more], "en")["tiny"]
    assert status["Socialization"] == "adequate (1/3)"  # 1 of its 3 informants reports a barrier; 5 codings: no mark
    assert status["Externalization"] == "adequate (0/1), few"
    assert cross_site.status_per_code([more], "id")["tiny"]["Eksternalisasi"] == "memadai (0/1), sedikit"


def test_code_by_role_and_by_informant_include_zero_cells(study):
    by_role = counts.code_by_role(study, "seci")
    assert by_role.loc["Socialization", ["librarian", "patron"]].tolist() == [3, 1]
    assert by_role.loc["Combination", ["librarian", "patron"]].tolist() == [1, 0]
    matrix = counts.code_by_informant(study)
    assert matrix.columns.tolist() == ["L1", "L2", "P1", "P2", "few"]
    assert matrix.loc["Socialization"].tolist() == [2, 1, 0, 1, True]
    assert matrix.loc["Online services"].tolist() == [0, 0, 1, 1, True]
    assert len(matrix) == 7  # every code, even where only one informant has it


def test_cooccurrence_counts_segments_coded_with_both(study):
    matrix = counts.cooccurrence(study, "seci")
    assert matrix.loc["Socialization", "Socialization"] == 4
    assert matrix.loc["Socialization", "Externalization"] == 1  # L1-004
    assert matrix.loc["Internalization", "Socialization"] == 1  # L2-004
    assert matrix.loc["Externalization", "Internalization"] == 0
    assert (matrix.to_numpy() == matrix.to_numpy().T).all()


def test_status_by_code_splits_practice_and_barrier_within_a_role(study):
    everyone = counts.status_by_code(study, "seci").set_index("code_id")
    assert everyone.loc["socialization", ["practice", "barrier"]].tolist() == [3, 1]
    assert everyone.loc["socialization", "barrier_share"] == 0.25
    librarians = counts.status_by_code(study, "seci", role="librarian").set_index("code_id")
    assert librarians.loc["socialization", ["practice", "barrier"]].tolist() == [2, 1]
    assert librarians.loc["combination", "barrier_share"] == 1.0


def test_exemplars_take_the_strongest_quote_of_each_informant_before_a_second_one(study):
    quotes = counts.exemplar_quotes(study, ["socialization"], n=3)
    # L1-004 (score 1) is left out although it ties with L2-004 and sorts before it: L1 already has L1-002.
    assert quotes["segment_id"].tolist() == ["L1-002", "L2-004", "P2-004"]
    assert quotes["rank"].tolist() == [1, 2, 3]
    more = counts.exemplar_quotes(study, ["socialization"], n=10)
    assert more["segment_id"].tolist() == ["L1-002", "L2-004", "P2-004", "L1-004"]


def test_exemplar_passage_is_the_sentences_that_hold_the_terms(study):
    quote = counts.exemplar_quotes(study, ["combination"], n=1).iloc[0]
    assert quote["passage"] == "Situs web perpustakaan masih baru dan belum memadai."
    assert quote["terms"] == "web"
    text = "Kami ke kantor. Di sana kami berdiskusi. Lalu pulang. Diskusi lagi besok."
    spans = [("berdiskusi", text.index("berdiskusi"), text.index("berdiskusi") + 10),
             ("Diskusi", text.index("Diskusi"), text.index("Diskusi") + 7)]
    assert counts.quote_passage(text, spans) == "Di sana kami berdiskusi. … Diskusi lagi besok."


def test_exemplars_can_be_limited_to_one_role(study):
    quotes = counts.exemplar_quotes(study, ["socialization"], n=5, role="patron")
    assert quotes["segment_id"].tolist() == ["P2-004"]


def test_keyword_in_context_shows_exactly_the_text_that_fired(study):
    kwic = counts.keyword_in_context(study, ["socialization"], width=20)
    first = kwic.iloc[0]
    assert (first["segment_id"], first["left"], first["term"]) == ("L1-002", "Kami mengadakan", "diskusi")
    assert first["right"] == "kelompok setiap…"
    assert kwic["term"].tolist() == ["diskusi", "Diskusi", "diskusi", "diskusi", "diskusi"]  # as spoken
    assert set(kwic["keyword"]) == {"diskusi"}  # as the codebook writes it


def test_carrying_terms_rank_terms_by_informants_then_occurrences(study):
    terms = counts.carrying_terms(study, ["socialization", "online_services"])
    assert terms[["code_id", "keyword", "occurrences", "segments", "informants"]].values.tolist() == [
        ["socialization", "diskusi", 5, 4, 3],
        ["online_services", "telegram", 2, 2, 2],
        ["online_services", "e-book", 1, 1, 1],
    ]


def test_theme_summary_says_who_of_the_role_gave_evidence(study):
    summary = counts.theme_summary(study, "patron", "patron").set_index("code_id")
    assert summary.loc["online_services", ["informants", "role_informants", "informant_ids"]].tolist() == [2, 2, "P1, P2"]
    assert summary.loc["online_services", "terms"] == "telegram (2), e-book (1)"
    performance = counts.theme_summary(study, "performance", "librarian").set_index("code_id")
    assert performance.loc["motivation", ["informants", "role_informants", "segments"]].tolist() == [1, 2, 1]


def test_coverage_counts_answers_with_any_code_of_the_group(study):
    assert counts.coverage(study, "seci") == {"coded": 5, "answers": 10, "share": 50}
    assert counts.coverage(study)["coded"] == 9  # every answer but L2's "Terima kasih."


def test_evidence_reads_the_matched_column():
    assert evidence("diskusi@16-23; angka kredit@0-12") == [("diskusi", 16, 23), ("angka kredit", 0, 12)]
    assert evidence("") == []


def test_a_study_with_no_codings_gives_empty_tables_not_errors(study):
    empty = Study(site="tiny", informants=study.informants, segments=study.segments,
                           codings=study.codings.iloc[0:0], codebook=study.codebook)
    assert counts.code_frequencies(empty, "seci")["segments"].tolist() == [0, 0, 0, 0]
    assert counts.code_by_informant(empty).select_dtypes("number").to_numpy().sum() == 0
    assert counts.code_by_informant(empty)["few"].all()
    assert counts.cooccurrence(empty, "seci").to_numpy().sum() == 0
    assert counts.exemplar_quotes(empty, ["socialization"]).empty
    assert counts.keyword_in_context(empty).empty
    assert isinstance(counts.carrying_terms(empty), pd.DataFrame)


# --- tables: CSV and LaTeX booktabs ----------------------------------------------------------------

def test_a_table_is_saved_as_csv_and_booktabs_latex_with_headings_in_the_report_language(study, tmp_path):
    shown = tables.save_table(counts.status_by_code(study, "seci", lang="id"), "status", tmp_path,
                              caption="Praktik dan hambatan 100% (uji)", lang="id")
    latex = (tmp_path / "status.tex").read_text()
    for rule in (r"\toprule", r"\midrule", r"\bottomrule"):
        assert latex.count(rule) == 1
    assert r"\caption{Praktik dan hambatan 100\% (uji)}" in latex and r"\label{tab:status}" in latex
    assert "Porsi hambatan" in latex and "Sosialisasi" in latex
    assert "Porsi hambatan" in shown.columns
    csv = pd.read_csv(tmp_path / "status.csv")
    assert csv.columns.tolist() == ["code_id", "code", "practice", "barrier", "barrier_share", "informants", "few"]
    assert csv["barrier"].tolist() == [1, 0, 1, 0]


def test_latex_escapes_special_characters_in_cells_and_headings(tmp_path):
    frame = pd.DataFrame({"code_id": ["a_b"], "term": ["50% & #1"]})
    tables.save_table(frame, "odd", tmp_path)
    latex = (tmp_path / "odd.tex").read_text()
    assert r"a\_b" in latex and r"50\% \& \#1" in latex and r"Code id" in latex


def test_a_matrix_keeps_its_row_labels_in_both_files(study, tmp_path):
    tables.save_table(counts.code_by_role(study, "seci"), "by_role", tmp_path, lang="en")
    assert (tmp_path / "by_role.csv").read_text().splitlines()[:2] == [
        "code,librarian,patron,few_librarian,few_patron", "Socialization,3,1,True,True"]
    assert "Librarians & Patrons & Few (librarians) & Few (patrons)" in (tmp_path / "by_role.tex").read_text()


def test_roles_statuses_and_yes_no_are_shown_in_the_report_language():
    frame = pd.DataFrame({"role": ["librarian"], "status": ["barrier"], "agree": [True]})
    shown = tables.for_display(frame, "id")
    assert shown.iloc[0].tolist() == ["pustakawan", "hambatan", "ya"]


def test_saving_a_table_twice_gives_the_same_bytes(study, tmp_path):
    quotes = counts.exemplar_quotes(study, n=2)
    for run in ("first", "second"):
        tables.save_table(quotes, "quotes", tmp_path / run, caption="Quotes", lang="en")
    for name in ("quotes.csv", "quotes.tex"):
        assert (tmp_path / "first" / name).read_bytes() == (tmp_path / "second" / name).read_bytes()
    assert r"p{0.6\linewidth}" in (tmp_path / "first" / "quotes.tex").read_text()  # long quotes wrap


def test_words_are_counted_as_the_classifier_reads_them():
    from pipeline.coding.tokens import words

    sample = "Buku-buku e-book (OPAC), pustakawan's 21 staf."
    assert counts.word_count(sample) == len(words(sample)) == 6


def test_latex_numbers_keep_one_number_of_decimals_per_column(tmp_path):
    frame = pd.DataFrame({"code": ["a", "b", "c"], "share_of_segments": [12.1, 11.0, 8.25], "segments": [3, 2, 1],
                          "barrier_share": [1.0, 0.0, 0.5]})
    tables.save_table(frame, "numbers", tmp_path)
    rows = [line for line in (tmp_path / "numbers.tex").read_text().splitlines() if line.startswith(("a &", "b &"))]
    assert rows == [r"a & 12.10 & 3 & 1.0 \\", r"b & 11.00 & 2 & 0.0 \\"]


def test_a_long_table_becomes_a_longtable_that_breaks_across_pages(tmp_path):
    frame = pd.DataFrame({"term": [f"t{n}" for n in range(tables.LONG_TABLE + 1)]})
    tables.save_table(frame, "long", tmp_path, caption="Long")
    latex = (tmp_path / "long.tex").read_text()
    assert latex.startswith(r"\begin{longtable}") and r"\label{tab:long}" in latex and r"\bottomrule" in latex
    tables.save_table(frame.head(tables.LONG_TABLE), "short", tmp_path)
    assert (tmp_path / "short.tex").read_text().startswith(r"\begin{table}[htbp]")
