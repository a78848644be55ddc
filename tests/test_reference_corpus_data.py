"""The SECI reference corpus (data/reference/seci_corpus) keeps the promises its README makes.

These checks read the whole file, every split, but only to count rows and compare columns mechanically:
nothing here scores, prints or tunes on a passage.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

FOLDER = Path(__file__).parent.parent / "data/reference/seci_corpus"
MODES = ["socialization", "externalization", "combination", "internalization"]

# The masking rule of the README ("Masking (`text_masked`)"): mode names and their derivatives in English
# and Indonesian become [MODE], the word SECI becomes [MODEL].
MODE_WORD = re.compile(
    r"\w*(?:sociali[sz]|externali[sz]|internali[sz]|sosiali[as]|eksternalis|internalis|kombinasi)\w*"
    r"|\bcombinations?\b",
    re.IGNORECASE,
)
MODEL_WORD = re.compile(r"\bSECI\b")


def masked(text: str) -> str:
    """``text`` with the mode names and the model name hidden, as the README's rule says."""
    return MODEL_WORD.sub("[MODEL]", MODE_WORD.sub("[MODE]", text))


@pytest.fixture(scope="module")
def passages() -> pd.DataFrame:
    return pd.read_csv(FOLDER / "passages.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def sources() -> pd.DataFrame:
    return pd.read_csv(FOLDER / "sources.csv", dtype=str, keep_default_na=False)


def test_the_masking_rule_hides_mode_names_in_both_languages_but_not_ordinary_verbs():
    text = "Socialisation, dieksternalisasi, mengkombinasikan, Internalization; combinations of SECI; we combine."
    assert masked(text) == "[MODE], [MODE], [MODE], [MODE]; [MODE] of [MODEL]; we combine."


def test_ids_are_unique_and_every_passage_cites_a_recorded_source(passages, sources):
    assert passages["passage_id"].is_unique
    assert sources["source_id"].is_unique
    assert set(passages["source_id"]) <= set(sources["source_id"])
    assert set(sources["source_id"]) <= set(passages["source_id"]), "a source without any passage"


def test_no_source_has_passages_in_both_splits(passages):
    splits_per_source = passages.groupby("source_id")["split"].nunique()
    assert (splits_per_source == 1).all(), list(splits_per_source[splits_per_source > 1].index)


def test_text_masked_is_the_masking_rule_applied_to_text(passages):
    wrong = passages[passages["text"].map(masked) != passages["text_masked"]]
    assert wrong.empty, list(wrong["passage_id"])


def test_every_row_is_filled_and_whitespace_normalised(passages):
    assert set(passages["mode"]) == set(MODES)
    assert set(passages["kind"]) == {"definition", "practice"}
    assert set(passages["lang"]) == {"en", "id"} and set(passages["split"]) == {"dev", "test1", "test2"}
    for column in ["text", "locator", "mode_evidence"]:
        assert (passages[column].str.strip() != "").all(), column
    assert not passages["text"].str.contains(r"\s{2,}|\n").any()
    assert passages["text"].is_unique, "exact duplicates are dropped"


def test_the_held_out_test2_split_uses_only_sources_new_to_the_corpus(passages, sources):
    """test2 (README "Additions", third pass) was collected after dev and test were in use: none of its sources'
    addresses or titles occurs among the dev/test sources, and no test2 source gives more than six passages."""
    split_of = passages.groupby("source_id")["split"].first()
    held_out = sources[sources["source_id"].map(split_of) == "test2"]
    earlier = sources[sources["source_id"].map(split_of).isin(["dev", "test"])]
    assert len(held_out) > 0
    assert not set(held_out["url"]) & set(earlier["url"])
    assert not set(held_out["title"].str.lower()) & set(earlier["title"].str.lower())
    assert passages[passages["split"] == "test2"]["source_id"].value_counts().max() <= 6


def test_the_corpus_meets_its_size_targets(passages):
    assert len(passages) >= 300
    per_mode = passages["mode"].value_counts()
    assert all(per_mode[mode] >= 50 for mode in MODES), per_mode.to_dict()
    per_mode_and_split = passages.groupby(["mode", "split"]).size()
    assert all(per_mode_and_split[(mode, "test1")] >= 20 for mode in MODES)
