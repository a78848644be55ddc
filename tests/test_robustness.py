"""Leave-one-keyword-out on a small study whose answers, keywords and findings are known by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline.analysis import robustness
from pipeline.analysis.study import Study
from pipeline.coding import classify
from pipeline.coding.codebook import codebook_from_dict
from pipeline.contracts import SEGMENT_COLUMNS
from pipeline.errors import StageError


def code(code_id: str, keywords: list[str]) -> dict:
    words = {"id": code_id, "en": code_id}
    return {"id": code_id, "group": "seci", "label": words, "definition": words, "include": words, "exclude": words,
            "keywords": {"id": keywords, "en": [code_id]}}


CODEBOOK = codebook_from_dict({
    "name": "test", "version": "1", "description": {"id": "uji", "en": "test"},
    "barrier": {"window": 8, "cues": {"id": ["belum"], "en": ["not yet"]}},
    "groups": {"seci": {"label": {"id": "Mode SECI", "en": "SECI modes"}}},
    "codes": [code("socialization", ["diskusi"]), code("externalization", ["artikel"]),
              code("combination", ["web"]), code("internalization", ["pelatihan", "kursus"])],
}, "test codebook")

# Socialization rests on "diskusi" in one answer. Internalization: L1 trains ("pelatihan" and "kursus",
# a practice), L2 does not yet ("belum", a barrier): 1 barrier of 2 codings, "not yet adequate" as the
# article says. "kursus" only ever appears beside "pelatihan".
ANSWERS = {
    "L1": ["Kami diskusi setiap bulan.", "Saya ikut pelatihan dan kursus di Jakarta.", "Selamat pagi."],
    "L2": ["Pelatihan belum ada tahun ini.", "Artikel kami simpan di web."],
}
ARTICLE = {
    "study": {"informants": {"total": 2, "librarians": 2, "patrons": 0}},
    "seci_modes": [
        {"code": "socialization", "practice_en": "monthly discussion", "status": "adequate"},
        {"code": "internalization", "practice_en": "training", "status": "not_yet_adequate"},
    ],
    "performance": [], "patron_findings": [], "quotes": [],
}


@pytest.fixture(scope="module")
def study() -> Study:
    rows = []
    for informant, answers in ANSWERS.items():
        for turn, answer in enumerate(answers, start=1):
            rows.append({"segment_id": f"{informant}-{turn:03d}", "site": "test", "informant_id": informant,
                         "role": "librarian", "speaker": "informant", "turn": turn, "question": "?", "lang": "id",
                         "text": answer, "start": 0, "end": len(answer)})
    segments = pd.DataFrame(rows, columns=SEGMENT_COLUMNS)
    informants = pd.DataFrame({"informant_id": list(ANSWERS), "role": "librarian", "transcript": "", "language": "id"})
    return Study("test", informants, segments, classify.code_segments(segments, CODEBOOK), CODEBOOK)


@pytest.fixture(scope="module")
def table(study) -> pd.DataFrame:
    return robustness.leave_one_keyword_out(study, ARTICLE).set_index("keyword")


def test_every_keyword_of_the_transcripts_language_gets_a_row_in_codebook_order(table):
    assert list(table.index) == ["diskusi", "artikel", "web", "pelatihan", "kursus"]
    assert set(table["lang"]) == {"id"}


def test_the_only_keyword_behind_a_finding_is_a_hinge(table):
    diskusi = table.loc["diskusi"]
    assert (diskusi.segments, diskusi.codings_lost, diskusi.codings_changed) == (1, 1, 1)
    assert diskusi.findings_changed == "seci_modes:socialization"


def test_a_keyword_whose_loss_turns_a_status_changes_that_finding(table):
    # Without "pelatihan", L2's barrier coding goes and L1 keeps internalization through "kursus":
    # 0 barriers of 1 coding is "adequate", against the article's "not yet adequate".
    pelatihan = table.loc["pelatihan"]
    assert (pelatihan.segments, pelatihan.codings_lost, pelatihan.codings_changed) == (2, 1, 1)
    assert pelatihan.findings_changed == "seci_modes:internalization"


def test_a_keyword_beside_another_changes_scores_only_and_no_finding(table):
    kursus = table.loc["kursus"]
    assert (kursus.segments, kursus.codings_changed) == (1, 0)
    assert not kursus.findings_rechecked and kursus.findings_changed == ""


def test_codings_of_a_code_the_article_reports_nothing_on_change_no_finding(table):
    artikel = table.loc["artikel"]
    assert (artikel.codings_lost, artikel.findings_rechecked, artikel.findings_changed) == (1, False, "")


def test_hinge_keywords_are_those_a_finding_changes_with(table):
    hinge = robustness.hinge_keywords(table.reset_index())
    assert list(hinge["keyword"]) == ["pelatihan", "diskusi"]


def test_ignoring_a_keyword_codes_like_a_codebook_compiled_without_it(study):
    matcher = classify.compile_codebook(CODEBOOK)
    for code in CODEBOOK.codes:
        for keyword in code.keywords:
            ignoring = robustness.MatcherWithout(matcher, code.id, keyword)
            recompiled = classify.compile_codebook(robustness.without_keyword(CODEBOOK, code.id, keyword))
            for text in study.answers()["text"]:
                assert classify.classify_text(text, "id", ignoring) == classify.classify_text(text, "id", recompiled)


def test_stale_codings_are_refused(study):
    stale = Study("test", study.informants, study.segments, study.codings.iloc[1:], CODEBOOK)
    with pytest.raises(StageError, match="codings.csv does not match the codebook"):
        robustness.leave_one_keyword_out(stale, ARTICLE)


def test_recomputing_every_finding_for_every_keyword_gives_the_same_table(study, table):
    from pipeline.analysis import findings

    baseline = findings.compare_with_article(study, ARTICLE).set_index(robustness.FINDING_KEY)["agree"]
    for code in CODEBOOK.codes:
        for keyword in code.keywords_for("id"):
            reduced = robustness.without_keyword(CODEBOOK, code.id, keyword)
            recoded = Study("test", study.informants, study.segments,
                                     classify.code_segments(study.segments, reduced), reduced)
            again = findings.compare_with_article(recoded, ARTICLE).set_index(robustness.FINDING_KEY)["agree"]
            flipped = [f"{section}:{item}" for section, item in again[again != baseline].index]
            assert "; ".join(flipped) == table.at[keyword.term, "findings_changed"], keyword.term
