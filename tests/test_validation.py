"""The validation report's parts on the shipped study, coded by the classifier, with made-up reference and
human coders whose codings are derived from the classifier's, so every figure has a known answer."""

from __future__ import annotations

import dataclasses
import json
import random
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml
from nbconvert.filters.markdown import markdown2html_mistune
from coded_site import SITE, make_coded_site

from pipeline.analysis import agreement, findings, reference_coding, reference_corpus, validation
from pipeline.analysis.agreement import wilson_interval
from pipeline.analysis.findings import load_article_findings
from pipeline.analysis.study import load_study
from pipeline.coding.classify import classify_text, code_site, compile_codebook
from pipeline.coding.codebook import codebook_from_dict
from pipeline.contracts import CODING_COLUMNS, SECI_CORPUS_FILE, processed_site_dir, reference_codings_path
from pipeline.errors import InputError
from pipeline.files import write_csv
from pipeline.report import review
from pipeline.words import code_span, literal, text


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    root = tmp_path_factory.mktemp("project")
    make_coded_site(root)
    code_site(root, SITE)
    return root


@pytest.fixture(scope="module")
def study(root):
    return load_study(root, SITE)


@pytest.fixture(scope="module")
def humans(study):
    """ana codes the first 40 answers exactly as the classifier does (its codes, their order and status);
    budi codes 60 answers at random, every code a practice."""
    answers = list(study.answers()["segment_id"])
    ana = classifier_rows(study, "ana", keep_scores=True)
    rng = random.Random(5)
    budi = review.human_coding_rows(
        {"budi": {unit: {c: "practice" for c in study.codes() if rng.random() < 0.15} for unit in answers[20:80]}})
    return pd.concat([ana[ana.segment_id.isin(answers[:40])], budi.astype(str)], ignore_index=True)


MINIMAL_CODEBOOK = Path(__file__).parent / "fixtures" / "codebook" / "minimal.yaml"


def shown(markdown: str) -> str:
    return re.sub(r"<[^>]+>", "", markdown2html_mistune(markdown))


# --- the reference coding ------------------------------------------------------------------------------


def classifier_rows(study, coder: str, keep_scores: bool = False) -> pd.DataFrame:
    """The classifier's coding of every answer as a person's coding file holds it (uncoded: an empty code_id)."""
    rows = study.codings[CODING_COLUMNS].astype(str).assign(matched="", coder=coder)
    rows["score"] = rows["score"] if keep_scores else "1"
    uncoded = sorted(set(study.answers()["segment_id"]) - set(rows["segment_id"]))
    empty = pd.DataFrame([(s, "", "", "", "", coder) for s in uncoded], columns=CODING_COLUMNS)
    return pd.concat([rows, empty], ignore_index=True)


@pytest.fixture
def with_reference(root, tmp_path):
    """A copy of the project with a reference coding: the classifier's, one status flipped and one coding
    dropped; coder ana coded like the reference, coder budi dropped one coding more."""
    copy = tmp_path / "project"
    shutil.copytree(root, copy)
    study = load_study(copy, SITE)
    folder = reference_codings_path(copy, SITE).parent
    folder.mkdir(parents=True)
    reference = classifier_rows(study, "reference")
    flipped, dropped, dropped_by_budi = reference.index[:3]
    reference.loc[flipped, "status"] = "barrier" if reference.at[flipped, "status"] == "practice" else "practice"
    reference = reference.drop(index=dropped)
    write_csv(folder / "reference_codings.csv", reference)
    write_csv(folder / "coder_a.csv", reference.assign(coder="ana"))
    write_csv(folder / "coder_b.csv", reference.drop(index=dropped_by_budi).assign(coder="budi"))
    write_csv(folder / "coder_comments.csv", pd.DataFrame({"segment_id": ["L1-002"], "coder_a_comment": ["x"]}))
    write_csv(folder / "adjudication_notes.csv", pd.DataFrame({"segment_id": ["L1-002", "L1-004"], "note": ["a", "b"]}))
    (folder / "README.md").write_text("# Reference\n\nMade by two test coders on 2026-01-01 [blind].\n\nHow: more.\n",
                                      encoding="utf-8")
    return copy


def test_the_reference_part_sets_the_classifier_against_the_adjudicated_set_per_code_and_on_status(with_reference):
    study = load_study(with_reference, SITE)
    reference = reference_coding.read_reference_coding(study, with_reference)
    part = validation.reference_validation(study, reference, pd.DataFrame(columns=CODING_COLUMNS), "en", resamples=50, seed=0)
    tables = {t.name: t.frame for t in part.tables}
    codings = len(study.codings)
    status = tables["validation_reference_status"].set_index("code_id").loc["all"]
    assert (status.both, status.same_status) == (codings - 1, codings - 2)  # one coding dropped, one status flipped
    assert f"Of the {codings - 1} codings both give, {codings - 2} have the same status" in part.markdown
    per_code = tables["validation_reference_codes"].set_index("code_id")
    assert list(per_code.index) == study.codes()
    dropped = per_code[per_code.n_reference < per_code.n_classifier]
    assert len(dropped) == 1 and dropped.precision.iat[0] < 1 and dropped.recall.iat[0] == 1
    assert (per_code.drop(index=dropped.index).kappa.dropna() == 1).all()
    for stat in ("kappa", "alpha", "precision", "recall", "f1"):
        assert {f"{stat}_low", f"{stat}_high"} <= set(per_code.columns)


def test_the_reference_coders_are_compared_with_each_other_and_with_the_adjudicated_set(with_reference):
    study = load_study(with_reference, SITE)
    reference = reference_coding.read_reference_coding(study, with_reference)
    part = validation.reference_validation(study, reference, pd.DataFrame(columns=CODING_COLUMNS), "en", resamples=0, seed=0)
    tables = {t.name: t.frame for t in part.tables}
    summary = tables["validation_reference_summary"].set_index(["reference", "compared"])
    answers = len(study.answers())
    assert list(summary.index) == [("ana", "budi"), ("reference", "ana"), ("reference", "budi"),
                                   ("reference", study.codebook.coder)]
    assert summary.loc[("reference", "ana"), "exact_match"] == 1.0
    assert summary.loc[("ana", "budi"), "exact_match"] == pytest.approx((answers - 1) / answers)
    per_code = tables["validation_reference_coders"]
    assert {"kappa", "alpha"} <= set(per_code.columns) and len(per_code) == 4 * len(study.codes())


def test_the_reference_is_described_in_its_own_readmes_words(with_reference):
    study = load_study(with_reference, SITE)
    reference = reference_coding.read_reference_coding(study, with_reference)
    assert reference.description == "Made by two test coders on 2026-01-01 [blind]."
    part = validation.reference_validation(study, reference, pd.DataFrame(columns=CODING_COLUMNS), "en", resamples=0, seed=0)
    assert literal(reference.description) in part.markdown
    assert "2 coder(s)' own codings (ana, budi)" in shown(part.markdown)
    assert "2 adjudication decision(s)" in part.markdown  # coder_comments.csv is no coder's coding
    (reference_codings_path(with_reference, SITE).parent / "README.md").unlink()
    unexplained = validation.reference_validation(study, reference_coding.read_reference_coding(study, with_reference),
                                                  pd.DataFrame(columns=CODING_COLUMNS), "en", resamples=0, seed=0)
    assert "says who or what made this reference coding" in unexplained.markdown


def test_a_site_coded_by_one_person_is_validated_against_that_coding_and_says_so(with_reference):
    """No adjudicated set, one coder_?.csv: that coding is the reference, shown as one person's; with two coder
    files and nothing adjudicated there is no reference (which coder is the researcher's call)."""
    folder = reference_codings_path(with_reference, SITE).parent
    (folder / "reference_codings.csv").rename(folder / "coder_a.csv")
    (folder / "coder_b.csv").unlink()
    study = load_study(with_reference, SITE)
    reference = reference_coding.read_reference_coding(study, with_reference)
    assert not reference.adjudicated and reference.file == "coder_a.csv" and reference.coders.empty
    part = validation.reference_validation(study, reference, pd.DataFrame(columns=CODING_COLUMNS), "en", resamples=0, seed=0)
    text = shown(part.markdown)
    assert "no adjudicated set" in text and "coder_a.csv" in text and "adjudication decision" not in text
    codings = len(study.codings)
    assert f"Of the {codings - 1} codings both give, {codings - 2} have the same status" in part.markdown
    summary = {t.name: t.frame for t in part.tables}["validation_reference_summary"]
    assert list(zip(summary["reference"], summary["compared"])) == [("reference", study.codebook.coder)]
    write_csv(folder / "coder_b.csv", pd.read_csv(folder / "coder_a.csv", dtype=str, keep_default_na=False).assign(coder="b"))
    assert reference_coding.read_reference_coding(study, with_reference) is None


@pytest.mark.parametrize("spoil, line, problem", [
    (lambda rows: rows.assign(segment_id=["L9-001", *rows.segment_id[1:]]), 2, "segment 'L9-001' is not an answer"),
    (lambda rows: rows.assign(code_id=[*rows.code_id[:2], "sosialisasi", *rows.code_id[3:]]), 4,
     "code 'sosialisasi' is not in the codebook"),
])
def test_a_reference_that_does_not_fit_the_site_names_file_and_line(with_reference, spoil, line, problem):
    path = reference_codings_path(with_reference, SITE).parent / "coder_b.csv"
    write_csv(path, spoil(pd.read_csv(path, dtype=str, keep_default_na=False)))
    with pytest.raises(InputError, match=re.escape(f"coder_b.csv:{line}: {problem}")):
        reference_coding.read_reference_coding(load_study(with_reference, SITE), with_reference)


def test_a_reference_file_with_two_coders_is_refused(with_reference):
    path = reference_codings_path(with_reference, SITE).parent / "reference_codings.csv"
    rows = pd.read_csv(path, dtype=str, keep_default_na=False)
    write_csv(path, rows.assign(coder=["reference", "other", *rows.coder[2:]]))
    with pytest.raises(InputError, match="2 coders"):
        reference_coding.read_reference_coding(load_study(with_reference, SITE), with_reference)


def test_without_a_reference_the_part_says_what_the_site_can_check(study, humans):
    assert reference_coding.read_reference_coding(study, "/nonexistent") is None
    alone = validation.reference_validation(study, None, pd.DataFrame(columns=CODING_COLUMNS), "en", resamples=0, seed=0)
    assert not alone.tables and "seci review-sheet --site uin-imam-bonjol" in shown(alone.markdown)
    with_humans = validation.reference_validation(study, None, humans, "en", resamples=0, seed=0)
    assert not with_humans.tables and "2 coder(s), ana, budi" in shown(with_humans.markdown)


def test_status_agreement_counts_only_codings_both_give_with_a_status():
    def rows(*items):
        return pd.DataFrame([(s, c, st) for s, c, st in items], columns=["segment_id", "code_id", "status"])

    gold = rows(("s1", "a", "practice"), ("s1", "b", "barrier"), ("s2", "a", "barrier"), ("s3", "a", "practice"),
                ("s4", "", ""), ("s5", "a", ""))
    pred = rows(("s1", "a", "practice"), ("s1", "b", "practice"), ("s2", "a", "barrier"), ("s3", "b", "barrier"),
                ("s5", "a", "practice"), ("s6", "a", "barrier"))
    table = agreement.status_agreement(gold, pred, ["a", "b"], units=["s1", "s2", "s3", "s4", "s5"]).set_index("code_id")
    assert table[["both", "same_status", "barrier_reference_only", "barrier_compared_only"]].to_dict("index") == {
        "a": {"both": 2, "same_status": 2, "barrier_reference_only": 0, "barrier_compared_only": 0},
        "b": {"both": 1, "same_status": 0, "barrier_reference_only": 1, "barrier_compared_only": 0},
        "all": {"both": 3, "same_status": 2, "barrier_reference_only": 1, "barrier_compared_only": 0},
    }
    assert table.at["all", "share"] == pytest.approx(2 / 3)
    assert (table.at["all", "low"], table.at["all", "high"]) == pytest.approx(wilson_interval(2, 3))


# --- the article's quotes -------------------------------------------------------------------------------


def test_each_distinct_quote_is_coded_on_its_own_words_never_on_the_answer_around_it(root, study):
    article = load_article_findings(root)
    quotes = {quote["id"]: quote for quote in article["quotes"]}
    q2, q1 = quotes["q2"], quotes["q1"]
    answer = study.segments.set_index("segment_id").at[
        findings.article_quote_units(study, {"quotes": [q2]}).segment_id.iat[0], "text"]
    words = lambda passage: set(re.findall(r"[a-z]{6,}", passage.lower()))  # noqa: E731
    inside = min(words(q2["text_id"]) - words(q1["text_id"]))
    outside = min(words(answer) - words(q2["text_id"]) - words(q1["text_id"]))
    data = yaml.safe_load(MINIMAL_CODEBOOK.read_text(encoding="utf-8"))  # not the shipped codebook, which changes
    for code in data["codes"]:
        code["threshold"] = 1
        code["keywords"] = {"id": [{"socialization": inside, "combination": outside}.get(code["id"], "zqxunused")]}
    codebook = codebook_from_dict(data, "test codebook")
    controlled = dataclasses.replace(study, codebook=codebook)
    assert "combination" in {c.code_id for c in classify_text(answer, "id", compile_codebook(codebook))}  # the answer has it
    twice = {**q2, "id": "q2b", "informants": ["L1", "L3"], "text_id": "  " + q2["text_id"].upper().replace(" ", "\n ")}
    filed_elsewhere = {**q1, "id": "q1b", "code": "combination"}
    part = validation.quote_validation(controlled, {"quotes": [q1, q2, twice, filed_elsewhere]}, "en")
    table = part.tables[0].frame.set_index("quote_id")
    assert list(table.index) == ["q1, q1b", "q2, q2b"]  # one row per distinct passage
    assert table.loc["q2, q2b", ["cited", "answers", "codes", "primary_code", "agree"]].tolist() == [
        3, 1, "Socialization", "Socialization", True]  # the combination word around the quote does not count
    assert table.loc["q1, q1b", ["cited", "article_code", "codes", "agree"]].tolist() == [2, "none, Combination", "", True]
    assert "is the article's for 2 of the 2; 1 get no code at all" in part.markdown


def test_a_site_without_reference_findings_has_no_quotes_to_check(study):
    part = validation.quote_validation(study, None, "en")
    assert not part.tables and text("validation.no_quotes", "en") in part.markdown


# --- human coders -----------------------------------------------------------------------------------------


def test_a_coder_who_coded_like_the_classifier_agrees_perfectly_and_has_no_disagreements(study, humans):
    part = validation.classifier_vs_humans(study, humans, "en", resamples=0, seed=0)
    tables = {t.name: t.frame for t in part.tables}
    ana = tables["validation_humans_summary"].set_index("reference").loc["ana"]
    assert (ana.units, ana.exact_match, ana.macro_f1, ana.primary_kappa) == (40, 1.0, 1.0, 1.0)
    ana_codings = humans[(humans.coder == "ana") & (humans.code_id != "")]
    assert (ana.status_both, ana.status_same_status, ana.status_share) == (len(ana_codings), len(ana_codings), 1.0)
    disagreements = tables["validation_humans_disagreements"]
    assert not disagreements["assigned_by"].str.contains("ana").any()
    assert not disagreements["not_assigned_by"].str.contains("ana").any()


def test_every_disagreement_shows_the_answer_and_the_terms_that_fired(study, humans):
    part = validation.classifier_vs_humans(study, humans, "en", resamples=0, seed=0)
    table = next(t.frame for t in part.tables if t.name == "validation_humans_disagreements")
    name, classifier = validation.classifier_coding(study)
    budi = agreement.codings_by_coder(humans)["budi"]
    expected = agreement.disagreements({"budi": budi, name: classifier}, study.codes(), list(study.answers()["segment_id"]))
    assert len(table) == len(expected) > 0
    answers = study.answers().set_index("segment_id")
    for row in table.itertuples():
        assert row.text == answers.at[row.segment_id, "text"]
        for code_id in classifier[row.segment_id]:
            assert study.label(code_id, "en") + ":" in row.terms


def test_humans_among_themselves_needs_two_coders(study, humans):
    alone = validation.humans_among_themselves(study, humans[humans.coder == "ana"], "en", resamples=0, seed=0)
    assert not alone.tables and "at least two" in alone.markdown
    part = validation.humans_among_themselves(study, humans, "id", resamples=0, seed=0)
    tables = {t.name: t.frame for t in part.tables}
    assert list(tables["validation_between_alpha"]["code_id"]) == study.codes()
    assert tables["validation_between_pairs"][["reference", "compared", "units"]].to_dict("records") == [
        {"reference": "ana", "compared": "budi", "units": 80}]


def test_without_human_coding_the_report_says_how_to_add_one(study):
    part = validation.classifier_vs_humans(study, pd.DataFrame(columns=CODING_COLUMNS), "en", resamples=0, seed=0)
    assert "seci review-sheet --site uin-imam-bonjol" in shown(part.markdown) and not part.tables


def test_human_codings_are_read_with_their_status_from_the_processed_folder(root):
    assert validation.read_human_codings(root, SITE).empty
    write_csv(processed_site_dir(root, SITE) / "human_codings.csv", pd.DataFrame(
        [("L1-002", "", "0", "", "", "ana"), ("L2-004", "socialization", "1", "", "barrier", "ana")],
        columns=CODING_COLUMNS))
    rows = validation.read_human_codings(root, SITE)
    assert agreement.codings_by_coder(rows) == {"ana": {"L1-002": (), "L2-004": ("socialization",)}}
    assert rows.status.tolist() == ["", "barrier"]


# --- the development corpus -----------------------------------------------------------------------------


def test_the_development_corpus_part_shows_the_scores_it_is_given_or_says_it_has_none():
    missing = validation.development_corpus(None, [], "keyword-x", "en")
    assert not missing.tables and text("validation.corpus_not_scored", "en") in missing.markdown
    assert text("validation.corpus_test_none", "en") in missing.markdown
    scores = pd.DataFrame({"lang": ["en", "id", "all"], "n": [3, 2, 5], "kappa": [0.5, 0.25, 0.4]})
    part = validation.development_corpus(scores, [], "keyword-x", "id")
    assert [t.name for t in part.tables] == ["validation_corpus_dev"] and part.tables[0].frame.equals(scores)
    assert "in-sample" in part.markdown and text("validation.h_corpus", "id") in part.markdown


def test_each_held_out_split_is_shown_as_recorded_and_says_whether_it_is_this_reports_codebook(tmp_path):
    assert reference_corpus.recorded_held_out_scores(tmp_path) == []
    folder = (tmp_path / SECI_CORPUS_FILE).parent
    folder.mkdir(parents=True)
    for split, coder in [("test1", "keyword-x"), ("test2", "keyword-y")]:
        (folder / f"{split}_score.json").write_text(json.dumps({"scored": "2026-12-06", "codebook": coder, "passages": 5,
            "scores": {"en": {"n": 5, "accuracy": 0.8, "kappa": 0.7, "macro_f1": 0.75, "no_mode": 1}}}))
    held_out = reference_corpus.recorded_held_out_scores(tmp_path)
    assert [record["split"] for record in held_out] == ["test1", "test2"]
    assert held_out[0]["scores"].to_dict("records") == [{"part": "en", "n": 5, "accuracy": 0.8, "kappa": 0.7, "macro_f1": 0.75, "no_mode": 1}]
    part = validation.development_corpus(None, held_out, "keyword-y", "en")
    assert [t.name for t in part.tables] == ["validation_corpus_test1", "validation_corpus_test2"]
    first, second = part.markdown.split("test2 (5 passages)")
    assert code_span("keyword-y") in first and text("validation.corpus_test_same", "en") not in first
    assert text("validation.corpus_test_same", "en") in second
    (folder / "test1_score.json").write_text('{"scored": "2026-12-06"}')
    with pytest.raises(InputError, match="test1_score.json: not a recorded score"):
        reference_corpus.recorded_held_out_scores(tmp_path)
