"""The shipped reference codings cover every informant answer of their site, with the codebook's codes."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pipeline.analysis.reference_corpus import SPLITS
from pipeline.coding.codebook import load_codebook
from pipeline.contracts import CODING_COLUMNS, STATUSES

PROJECT = Path(__file__).parent.parent


CODINGS = sorted((path.parent.name, path.name) for path in (PROJECT / "data/reference").glob("*/*.csv")
                 if path.name == "reference_codings.csv" or (path.name.startswith("coder_") and "comments" not in path.name))


def test_every_shipped_site_with_a_coding_is_checked():
    assert {site for site, _ in CODINGS} == {
        "uin-imam-bonjol", "uin-imam-bonjol-en", "perpustakaan-politeknik-contoh", "northgate-university-library",
        "lakeside-college-library", "perpustakaan-stikes-contoh"}


@pytest.mark.parametrize("site, name", CODINGS)
def test_a_reference_coding_codes_every_answer_with_known_codes_and_statuses(site, name, tmp_path):
    from pipeline.corpus.ingest import build_site

    coding = pd.read_csv(PROJECT / "data/reference" / site / name, dtype=str, keep_default_na=False)
    assert list(coding.columns) == CODING_COLUMNS
    assert coding["coder"].nunique() == 1
    answers = build_site(PROJECT, site).segments.query("speaker == 'informant'")["segment_id"]
    assert set(coding["segment_id"]) == set(answers)
    coded = coding[coding["code_id"] != ""]
    assert set(coded["code_id"]) <= set(load_codebook().code_ids)
    assert set(coded["status"]) <= set(STATUSES)
    assert not coded.duplicated(["segment_id", "code_id"]).any()
    uncoded = coding[coding["code_id"] == ""]["segment_id"]
    assert not set(uncoded) & set(coded["segment_id"])


def test_the_seci_corpus_is_split_by_source_and_labels_only_the_four_modes():
    folder = PROJECT / "data/reference/seci_corpus"
    passages = pd.read_csv(folder / "passages.csv", dtype=str, keep_default_na=False)
    sources = pd.read_csv(folder / "sources.csv", dtype=str, keep_default_na=False)
    assert set(passages["mode"]) == {"socialization", "externalization", "combination", "internalization"}
    assert set(passages["split"]) == set(SPLITS) and set(passages["lang"]) == {"en", "id"}
    assert passages["passage_id"].is_unique and set(passages["source_id"]) <= set(sources["source_id"])
    assert passages.groupby("source_id")["split"].nunique().max() == 1
    assert not passages["text_masked"].str.contains(r"(?i)\bseci\b|sociali[sz]ation|sosialisasi").any()


@pytest.mark.parametrize("site", sorted(path.parent.name for path in (PROJECT / "data/raw").glob("*/study.yaml")
                                        if not path.parent.name.startswith("uin-imam-bonjol")))
def test_every_site_besides_the_reconstruction_says_on_every_page_that_it_is_fictional(site):
    """The study note is printed on every report page; the blind-test sites are written, not interviewed."""
    from pipeline.corpus.study_config import load_study_config

    note = load_study_config(PROJECT / "data/raw" / site).note
    assert "FICTIONAL" in note or "FIKTIF" in note

