"""The validation report's parts on the shipped study, coded by the classifier, with two made-up human coders."""

from __future__ import annotations

import random
import re

import pandas as pd
import pytest
from nbconvert.filters.markdown import markdown2html_mistune
from coded_site import SITE, make_coded_site

from pipeline.analysis import agreement, findings, validation
from pipeline.analysis.findings import load_article_findings
from pipeline.analysis.study import load_study
from pipeline.coding.classify import code_site
from pipeline.contracts import processed_site_dir
from pipeline.files import write_csv


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
    """ana codes the first 40 answers exactly as the classifier does; budi codes 60 answers at random."""
    _, classifier = validation.classifier_coding(study)
    answers = list(study.answers()["segment_id"])
    rng = random.Random(5)
    return {
        "ana": {unit: classifier[unit] for unit in answers[:40]},
        "budi": {unit: tuple(c for c in study.codes() if rng.random() < 0.15) for unit in answers[20:80]},
    }


def test_the_article_part_lists_every_quoted_answer_against_the_classifiers_primary_code(root, study):
    article = load_article_findings(root)
    part = validation.article_validation(study, article, "en", resamples=0, seed=0)
    quotes = next(t.frame for t in part.tables if t.name == "validation_article_quotes")
    assert len(quotes) == sum(len(quote["informants"]) for quote in article["quotes"])
    _, classifier = validation.classifier_coding(study)
    units = findings.article_quote_units(study, article).set_index(["quote_id", "informant_id"])
    for row in quotes.itertuples():
        segment = units.at[(row.quote_id, row.informant_id), "segment_id"]
        assert row.segment_id == segment and row.passage in " ".join(study.answers().set_index("segment_id").at[segment, "text"].split())
        assert row.agree == (row.primary_code == row.article_code)
    assert f"in {int(quotes['agree'].sum())} of them" in part.markdown


def test_a_coder_who_coded_like_the_classifier_agrees_perfectly_and_has_no_disagreements(study, humans):
    part = validation.classifier_vs_humans(study, humans, "en", resamples=0, seed=0)
    tables = {t.name: t.frame for t in part.tables}
    ana = tables["validation_humans_summary"].set_index("reference").loc["ana"]
    assert (ana.units, ana.exact_match, ana.macro_f1, ana.primary_kappa) == (40, 1.0, 1.0, 1.0)
    disagreements = tables["validation_humans_disagreements"]
    assert not disagreements["assigned_by"].str.contains("ana").any()
    assert not disagreements["not_assigned_by"].str.contains("ana").any()


def test_every_disagreement_shows_the_answer_and_the_terms_that_fired(study, humans):
    part = validation.classifier_vs_humans(study, humans, "en", resamples=0, seed=0)
    table = next(t.frame for t in part.tables if t.name == "validation_humans_disagreements")
    name, classifier = validation.classifier_coding(study)
    expected = agreement.disagreements({"budi": humans["budi"], name: classifier}, study.codes(), list(study.answers()["segment_id"]))
    assert len(table) == len(expected) > 0
    answers = study.answers().set_index("segment_id")
    for row in table.itertuples():
        assert row.text == answers.at[row.segment_id, "text"]
        for code_id in classifier[row.segment_id]:
            assert study.label(code_id, "en") + ":" in row.terms


def test_humans_among_themselves_needs_two_coders(study, humans):
    alone = validation.humans_among_themselves(study, {"ana": humans["ana"]}, "en", resamples=0, seed=0)
    assert not alone.tables and "at least two" in alone.markdown
    part = validation.humans_among_themselves(study, humans, "id", resamples=0, seed=0)
    tables = {t.name: t.frame for t in part.tables}
    assert list(tables["validation_between_alpha"]["code_id"]) == study.codes()
    assert tables["validation_between_pairs"][["reference", "compared", "units"]].to_dict("records") == [
        {"reference": "ana", "compared": "budi", "units": 80}]


def test_without_human_coding_the_report_says_how_to_add_one(study):
    part = validation.classifier_vs_humans(study, {}, "en", resamples=0, seed=0)
    shown = re.sub(r"<[^>]+>", "", markdown2html_mistune(part.markdown))
    assert "seci review-sheet --site uin-imam-bonjol" in shown and not part.tables


def test_human_codings_are_read_per_coder_from_the_processed_folder(root):
    assert validation.human_codings(root, SITE) == {}
    write_csv(processed_site_dir(root, SITE) / "human_codings.csv", pd.DataFrame(
        [("L1-002", "", "0", "", "", "ana"), ("L2-004", "socialization", "1", "", "", "ana")],
        columns=["segment_id", "code_id", "score", "matched", "status", "coder"]))
    assert validation.human_codings(root, SITE) == {"ana": {"L1-002": (), "L2-004": ("socialization",)}}
