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
    assert set(passages["lang"]) == {"en", "id"}
    assert set(passages["split"]) == {"dev", "test1", "test2", "test3", "test4"}
    for column in ["text", "locator", "mode_evidence"]:
        assert (passages[column].str.strip() != "").all(), column
    assert not passages["text"].str.contains(r"\s{2,}|\n").any()
    assert passages["text"].is_unique, "exact duplicates are dropped"


def address(url: str) -> str:
    """A source's address without scheme, "www." or trailing slash, so that one page under two spellings matches."""
    return re.sub(r"^https?://(www\.)?", "", url.strip().lower()).rstrip("/")


@pytest.mark.parametrize(
    "held_out, earlier",
    [("test2", ["dev", "test1"]), ("test3", ["dev", "test1", "test2"]), ("test4", ["dev", "test1", "test2", "test3"])],
)
def test_a_held_out_split_uses_only_sources_new_to_the_corpus(passages, sources, held_out, earlier):
    """Each held-out split (README "Additions": test2 third pass, test3 fourth pass, test4 sixth pass) was collected
    after the earlier splits were in use: none of its sources' addresses or titles occurs among theirs, no source gives
    more than six passages, and no passage text repeats an earlier one. Only ids, addresses and counts are compared."""
    split_of = passages.groupby("source_id")["split"].first()
    held = sources[sources["source_id"].map(split_of) == held_out]
    before = sources[sources["source_id"].map(split_of).isin(earlier)]
    assert len(held) > 0 and len(before) > 0
    assert not set(held["url"].map(address)) & set(before["url"].map(address))
    assert not set(held["title"].str.lower()) & set(before["title"].str.lower())
    rows = passages[passages["split"] == held_out]
    assert rows["source_id"].value_counts().max() <= 6
    assert not set(rows["text"]) & set(passages[passages["split"].isin(earlier)]["text"])


@pytest.mark.parametrize(
    "held_out, earlier", [("test3", ["dev", "test1", "test2"]), ("test4", ["dev", "test1", "test2", "test3"])]
)
def test_no_held_out_passage_restates_an_earlier_one(passages, held_out, earlier):
    """The fourth and sixth passes dropped passages that restate earlier wording: no test3 or test4 passage has more
    than 60 % of its word types in any single passage of the splits collected before it (README "Additions (fourth
    pass)", "Additions (sixth pass)"). Only shares are compared."""
    words = lambda text: set(re.findall(r"\w+", text.lower()))
    earlier = [words(text) for text in passages[passages["split"].isin(earlier)]["text"]]
    for text in passages[passages["split"] == held_out]["text"]:
        own = words(text)
        assert max(len(own & other) / len(own) for other in earlier) <= 0.6


@pytest.mark.parametrize("held_out, last_earlier_id", [("test3", 404), ("test4", 445)])
def test_held_out_rows_follow_the_corpus_conventions(passages, held_out, last_earlier_id):
    """The fourth pass appended test3 after p0404, the sixth pass test4 after p0445, with the same columns, filled
    fields and masking as every other row."""
    rows = passages[passages["split"] == held_out]
    assert len(rows) > 0
    numbers = passages["passage_id"].str[1:].astype(int)
    assert (numbers[rows.index] > last_earlier_id).all() and numbers.is_monotonic_increasing
    assert set(rows["lang"]) <= {"en", "id"} and set(rows["mode"]) <= set(MODES)
    assert (rows["text"].map(masked) == rows["text_masked"]).all()
    for column in passages.columns:
        assert (rows[column].str.strip() != "").all(), column


def test_the_corpus_meets_its_size_targets(passages):
    assert len(passages) >= 300
    per_mode = passages["mode"].value_counts()
    assert all(per_mode[mode] >= 50 for mode in MODES), per_mode.to_dict()
    per_mode_and_split = passages.groupby(["mode", "split"]).size()
    assert all(per_mode_and_split[(mode, "test1")] >= 20 for mode in MODES)
