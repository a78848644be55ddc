"""Scoring a codebook on the SECI reference corpus (pipeline/analysis/reference_corpus.py).

The regression test codes the development part (splits dev, test1, test2 and test3) with the shipped codebook:
it fails when a change to the codebook or the matcher lowers the score below what the codebook reached
(minus a margin). The held-out split test4 is never read here: the other tests use a small corpus
written in a temporary folder.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from pipeline.analysis.reference_corpus import (
    NO_MODE,
    mode_scores,
    read_passages,
    recorded_held_out_scores,
    score_corpus,
    score_table,
)
from pipeline.cli import main
from pipeline.coding.codebook import load_codebook
from pipeline.contracts import SECI_CORPUS_FILE
from pipeline.errors import InputError

PROJECT = Path(__file__).resolve().parents[1]
MARGIN = 0.02
# Codebook 2.4 on the development part, dev + test1 + test2 + test3 (`seci score-corpus`, 2026-12-06: id 131
# passages, en 314), in-sample: dev and test1 were tuned on since 2.0 and 2.1, test2 (scored once with 2.1) since
# 2.2, test3 (scored once with 2.2) since 2.4. The score this test holds it to (2.3: id 0.724 / 0.835, en 0.737 / 0.828).
REACHED = {"id": {"kappa": 0.734, "macro_f1": 0.841}, "en": {"kappa": 0.753, "macro_f1": 0.843}}


@pytest.fixture(scope="module")
def dev_scores():
    return score_corpus(load_codebook(), PROJECT / SECI_CORPUS_FILE)


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("measure", ["kappa", "macro_f1"])
def test_the_shipped_codebook_holds_its_development_score(dev_scores, lang, measure):
    assert dev_scores[lang][measure] >= REACHED[lang][measure] - MARGIN


def test_dev_scores_cover_both_languages_and_all(dev_scores):
    assert set(dev_scores) == {"id", "en", "all", "definition", "practice"}
    assert dev_scores["all"]["n"] == dev_scores["id"]["n"] + dev_scores["en"]["n"] == 445


# --- a small corpus of known answers ------------------------------------------------------------------

ROWS = [
    ("d1", "en", "socialization", "Apprentices learn the craft by watching the master.", "dev"),
    ("d2", "en", "externalization", "She writes down her experience as a manual.", "dev"),
    ("d3", "en", "combination", "Reports are merged into one database.", "dev"),
    ("d4", "id", "internalization", "Nothing a codebook knows.", "dev"),
    ("e1", "en", "socialization", "Earlier test passage: development data now.", "test1"),
    ("e2", "en", "externalization", "Second earlier test passage, now development data too.", "test2"),
    ("e3", "en", "combination", "Third earlier test passage, development data as well.", "test3"),
    ("t4", "en", "combination", "Held-out passage: never to be read when the development part is scored.", "test4"),
]


def write_corpus(root: Path, rows=ROWS, kinds: dict[str, str] | None = None) -> Path:
    """The rows as the corpus file under ``root``; every passage a practice unless ``kinds`` says otherwise."""
    path = root / SECI_CORPUS_FILE
    path.parent.mkdir(parents=True)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["passage_id", "lang", "mode", "kind", "text", "text_masked", "source_id", "locator",
                         "mode_evidence", "split"])
        for passage_id, lang, mode, text, split in rows:
            writer.writerow([passage_id, lang, mode, (kinds or {}).get(passage_id, "practice"), text, text, "s1", "", "", split])
    return path


def test_reading_one_split_leaves_the_others_out(tmp_path):
    path = write_corpus(tmp_path)
    assert [p.passage_id for p in read_passages(path, "dev")] == ["d1", "d2", "d3", "d4"]
    assert [p.passage_id for p in read_passages(path, "test1")] == ["e1"]
    assert [p.passage_id for p in read_passages(path, "test2")] == ["e2"]
    assert [p.passage_id for p in read_passages(path, "test3")] == ["e3"]
    assert [p.passage_id for p in read_passages(path, "test4")] == ["t4"]


def test_the_development_part_is_every_split_but_the_held_out_one(tmp_path):
    path = write_corpus(tmp_path)
    assert [p.passage_id for p in read_passages(path)] == ["d1", "d2", "d3", "d4", "e1", "e2", "e3"]


def test_mode_scores_on_known_labels():
    gold = ["socialization", "externalization", "combination", "internalization"]
    scores = mode_scores(gold, ["socialization", "externalization", "combination", NO_MODE])
    assert scores["n"] == 4 and scores["no_mode"] == 1
    assert scores["accuracy"] == pytest.approx(0.75)
    assert scores["macro_f1"] == pytest.approx(0.75)  # three modes F1 1, internalization F1 0
    chance = 3 * (1 / 4) * (1 / 4)  # three labels used by both, a quarter of the units each
    assert scores["kappa"] == pytest.approx((0.75 - chance) / (1 - chance))


def test_a_passage_without_a_seci_code_counts_as_no_mode(tmp_path):
    scores = score_corpus(load_codebook(), write_corpus(tmp_path), "dev")
    assert scores["id"]["no_mode"] == 1 and scores["id"]["accuracy"] == 0
    assert scores["en"]["accuracy"] == 1.0
    assert list(score_table(scores)["part"]) == ["id", "en", "all", "practice"]


def test_definitions_and_practices_are_scored_apart(tmp_path):
    """The issue's finding: definitions are coded well, practices less so; the scores keep them apart."""
    scores = score_corpus(load_codebook(), write_corpus(tmp_path, kinds={"d1": "definition", "d4": "definition"}), "dev")
    assert (scores["definition"]["n"], scores["practice"]["n"]) == (2, 2)
    assert scores["definition"]["accuracy"] == 0.5 and scores["practice"]["accuracy"] == 1.0  # d4 gets no mode
    assert list(score_table(scores)["part"]) == ["id", "en", "all", "definition", "practice"]


def test_a_corpus_without_the_split_column_is_refused_with_its_name(tmp_path):
    path = tmp_path / "passages.csv"
    path.write_text("passage_id,lang,mode,kind,text_masked\np1,en,socialization,practice,text\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"passages\.csv:1: missing column\(s\) split"):
        read_passages(path, "dev")


def test_seci_score_corpus_scores_the_development_part_by_default(tmp_path, capsys):
    write_corpus(tmp_path)
    assert main(["score-corpus", "--root", str(tmp_path), "--json"]) == 0
    out, err = capsys.readouterr()
    result = json.loads(out)
    assert result["split"] == "development" and result["scores"]["all"]["n"] == 7
    assert err == ""


def test_seci_score_corpus_says_the_held_out_split_is_scored_once(tmp_path, capsys):
    write_corpus(tmp_path)
    assert main(["score-corpus", "--root", str(tmp_path), "--split", "test4"]) == 0
    out, err = capsys.readouterr()
    assert "split test4" in out
    assert "scored once" in err
    assert main(["score-corpus", "--root", str(tmp_path), "--split", "test1"]) == 0
    assert capsys.readouterr().err == ""


def test_seci_score_corpus_lists_the_development_passages_it_misses(tmp_path, capsys):
    write_corpus(tmp_path)
    assert main(["score-corpus", "--root", str(tmp_path), "--misses"]) == 0
    out = capsys.readouterr().out
    assert "d4" in out and "internalization" in out
    assert "d1" not in out and "t4" not in out


def test_seci_score_corpus_never_lists_held_out_passages(tmp_path, capsys):
    write_corpus(tmp_path)
    assert main(["score-corpus", "--root", str(tmp_path), "--split", "test4", "--misses"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "development passages only" in err and "Held-out passage" not in err


def test_seci_score_corpus_records_the_held_out_split_once_and_refuses_a_second_scoring(tmp_path, capsys):
    write_corpus(tmp_path)
    assert main(["score-corpus", "--root", str(tmp_path), "--split", "test4", "--record"]) == 0
    record_path = tmp_path / SECI_CORPUS_FILE.with_name("test4_score.json")
    record = json.loads(record_path.read_text(encoding="utf-8"))
    expected = score_corpus(load_codebook(), tmp_path / SECI_CORPUS_FILE, "test4")
    assert record["split"] == "test4" and record["scores"] == expected and record["passages"] == expected["all"]["n"]
    assert record["codebook"] == load_codebook().coder
    recorded = recorded_held_out_scores(tmp_path)
    assert [r["split"] for r in recorded] == ["test4"] and recorded[0]["scores"].equals(score_table(expected))
    capsys.readouterr()
    kept = record_path.read_bytes()
    assert main(["score-corpus", "--root", str(tmp_path), "--split", "test4", "--record"]) == 2
    err = capsys.readouterr().err
    assert "test4_score.json" in err and "already scored once" in err
    assert record_path.read_bytes() == kept


def test_seci_score_corpus_records_only_the_held_out_split(tmp_path, capsys):
    write_corpus(tmp_path)
    assert main(["score-corpus", "--root", str(tmp_path), "--split", "test1", "--record"]) == 2
    assert "--split test4" in capsys.readouterr().err
    assert not list(tmp_path.rglob("*_score.json"))


def test_an_undefined_kappa_is_recorded_as_null_not_a_traceback(tmp_path, capsys):
    """Every held-out passage of a language with one mode, all coded so: chance agreement is 1 and kappa is
    undefined. The record and --json say null; the recorded table shows it as missing."""
    rows = [*ROWS[:4], ("u1", "en", "socialization", "Apprentices learn the craft by watching the master.", "test4"),
            ("u2", "en", "socialization", "Newcomers learn by watching the master at work.", "test4")]
    write_corpus(tmp_path, rows)
    assert main(["score-corpus", "--root", str(tmp_path), "--split", "test4", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["scores"]["en"]["kappa"] is None
    assert main(["score-corpus", "--root", str(tmp_path), "--split", "test4", "--record"]) == 0
    record = json.loads((tmp_path / SECI_CORPUS_FILE.with_name("test4_score.json")).read_text(encoding="utf-8"))
    assert record["scores"]["en"]["kappa"] is None and record["scores"]["en"]["accuracy"] == 1.0
    table = recorded_held_out_scores(tmp_path)[0]["scores"]
    assert table["kappa"].isna().all() and list(table["accuracy"]) == [1.0, 1.0, 1.0]  # en, all, practice

