"""Agreement statistics: published worked examples, the libraries they wrap, edge cases, `seci agreement`."""

from __future__ import annotations

import json
import math
import tracemalloc

import krippendorff
import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score, precision_recall_fscore_support

from pipeline.analysis import agreement
from pipeline.cli import main

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", example C: 4 observers x 12 units,
# nominal data with missing values (NaN); the paper gives alpha = 0.743.
KRIPPENDORFF_2011 = np.array([
    [1, 2, 3, 3, 2, 1, 4, 1, 2, np.nan, np.nan, np.nan],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, np.nan, 3],
    [np.nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, np.nan],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, np.nan],
])


def two_by_two(yes_yes: int, yes_no: int, no_yes: int, no_no: int) -> tuple[list[int], list[int]]:
    """Two raters' yes (1) / no (0) ratings from the cells of their 2x2 table (rater A first)."""
    a = [1] * yes_yes + [1] * yes_no + [0] * no_yes + [0] * no_no
    b = [1] * yes_yes + [0] * yes_no + [1] * no_yes + [0] * no_no
    return a, b


def run(capsys, *args: str) -> tuple[int, str, str]:
    status = main(["agreement", *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def write_long(path, rows: list[tuple[str, str]]) -> None:
    if path.suffix == ".jsonl":
        path.write_text("".join(json.dumps({"id": unit, "code": code}) + "\n" for unit, code in rows), encoding="utf-8")
    else:
        path.write_text("id,code\n" + "".join(f"{unit},{code}\n" for unit, code in rows), encoding="utf-8")


# --- published worked examples ---------------------------------------------------------------------------


def test_krippendorff_2011_example_with_missing_values_gives_alpha_0_743():
    assert round(agreement.krippendorff_alpha(KRIPPENDORFF_2011), 3) == 0.743


def test_masi_alpha_on_single_codes_reduces_to_nominal_alpha():
    codings = {
        f"observer{i}": {f"unit{j}": (str(int(value)),) for j, value in enumerate(row) if not math.isnan(value)}
        for i, row in enumerate(KRIPPENDORFF_2011)
    }
    assert round(agreement.set_alpha(codings), 3) == 0.743
    assert round(agreement.alpha_by_code(codings, ["3"])["3"], 3) == round(
        krippendorff.alpha(np.where(np.isnan(KRIPPENDORFF_2011), np.nan, KRIPPENDORFF_2011 == 3), level_of_measurement="nominal"), 3)


@pytest.mark.parametrize(
    "cells, published",
    [
        ((20, 5, 10, 15), 0.4),      # Wikipedia, "Cohen's kappa", worked example: p_o = 0.7, p_e = 0.5
        ((45, 15, 25, 15), 0.1304),  # Wikipedia, same observed agreement, unbalanced marginals
        ((25, 35, 5, 35), 0.2593),   # ... and the symmetric case
    ],
)
def test_cohen_kappa_matches_the_textbook_examples(cells, published):
    a, b = two_by_two(*cells)
    assert agreement.cohen_kappa(a, b) == pytest.approx(published, abs=5e-5)


# --- conventions and edge cases --------------------------------------------------------------------------


def test_code_nobody_used_has_undefined_kappa_alpha_and_f1_with_a_note():
    gold = {"u1": ("a",), "u2": ()}
    pred = {"u1": ("a",), "u2": ()}
    row = agreement.compare_codings(gold, pred, codes=["a", "unused"], resamples=0).per_code.loc["unused"]
    assert math.isnan(row.kappa) and math.isnan(row.alpha) and math.isnan(row.f1)
    assert row.percent_agreement == 1.0
    assert "neither" in row.note


def test_perfect_agreement_with_variation_gives_one_everywhere():
    coding = {"u1": ("a", "b"), "u2": ("b",), "u3": (), "u4": ("a",)}
    result = agreement.compare_codings(coding, dict(coding), resamples=0)
    assert list(result.per_code.kappa) == [1.0, 1.0]
    assert list(result.per_code.alpha) == [1.0, 1.0]
    assert list(result.per_code.f1) == [1.0, 1.0]
    assert result.macro_f1 == result.micro_f1 == result.primary["kappa"] == result.set_alpha == 1.0


def test_a_code_every_unit_got_from_both_is_a_single_category_and_undefined():
    gold = {"u1": ("a",), "u2": ("a", "b"), "u3": ("a",)}
    pred = {"u1": ("a",), "u2": ("a",), "u3": ("a", "b")}
    row = agreement.compare_codings(gold, pred, resamples=0).per_code.loc["a"]
    assert math.isnan(row.kappa) and math.isnan(row.alpha)
    assert row.f1 == 1.0 and "every unit" in row.note


def test_unit_only_one_coder_saw_is_missing_for_alpha_but_not_assigned_for_kappa():
    gold = {"u1": ("a",), "u2": (), "u3": ("a",), "u4": (), "u5": ("a",)}
    pred = {"u1": ("a",), "u2": (), "u3": ("a",), "u4": ("a",)}  # never saw u5
    row = agreement.compare_codings(gold, pred, resamples=0).per_code.loc["a"]
    assert row.kappa == pytest.approx(cohen_kappa_score([1, 0, 1, 0, 1], [1, 0, 1, 1, 0]))
    assert row.alpha == pytest.approx(krippendorff.alpha([[1, 0, 1, 0], [1, 0, 1, 1]], level_of_measurement="nominal"))


def test_precision_recall_f1_and_their_averages_by_hand():
    gold = {"u1": ("a",), "u2": ("a", "b"), "u3": ()}
    pred = {"u1": (), "u2": ("b",), "u3": ("b",)}
    result = agreement.compare_codings(gold, pred, resamples=0)
    a, b = result.per_code.loc["a"], result.per_code.loc["b"]
    assert math.isnan(a.precision) and a.recall == 0.0 and a.f1 == 0.0 and a.support == 2
    assert (b.precision, b.recall, b.f1, b.support) == (0.5, 1.0, pytest.approx(2 / 3), 1)
    assert result.macro_f1 == pytest.approx(1 / 3)
    assert result.micro_f1 == pytest.approx(2 * 1 / (2 * 1 + 1 + 2))  # TP 1, FP 1, FN 2


def test_a_single_code_is_scored_on_its_presence():
    a, b = two_by_two(20, 5, 10, 15)
    gold = {f"u{i}": ("yes",) if v else () for i, v in enumerate(a)}
    pred = {f"u{i}": ("yes",) if v else () for i, v in enumerate(b)}
    row = agreement.compare_codings(gold, pred, resamples=0).per_code.loc["yes"]
    assert (row.support, row.predicted) == (25, 30)
    assert (row.precision, row.recall) == (pytest.approx(20 / 30), pytest.approx(20 / 25))
    assert row.kappa == pytest.approx(0.4) and row.percent_agreement == pytest.approx(0.7)


def test_primary_codes_are_the_first_listed_and_fill_the_confusion_matrix():
    gold = {"u1": ("a", "b"), "u2": ("b",), "u3": ()}
    pred = {"u1": ("b", "a"), "u2": ("b",), "u3": ("a",)}
    result = agreement.compare_codings(gold, pred, resamples=0)
    confusion = result.confusion
    assert confusion.at["a", "b"] == 1 and confusion.at["b", "b"] == 1 and confusion.at[agreement.NO_CODE, "a"] == 1
    assert confusion.to_numpy().sum() == 3
    assert result.primary["percent_agreement"] == pytest.approx(1 / 3)


def test_bootstrap_is_seeded_and_brackets_the_estimate():
    rng = np.random.default_rng(7)
    gold = {f"u{i}": tuple(c for c in "ab" if rng.random() < 0.5) for i in range(80)}
    pred = {u: codes if rng.random() < 0.8 else () for u, codes in gold.items()}
    first = agreement.compare_codings(gold, pred, resamples=300, seed=3)
    again = agreement.compare_codings(gold, pred, resamples=300, seed=3)
    other = agreement.compare_codings(gold, pred, resamples=300, seed=4)
    assert first.intervals.equals(again.intervals) and not first.intervals.equals(other.intervals)
    for code in "ab":
        low, high = first.intervals.loc[f"kappa:{code}"]
        assert low < first.per_code.at[code, "kappa"] < high


@pytest.mark.parametrize("units, codes, primaries, resamples", [
    (2, 1, 1, 20_000), (300, 10, 10, 2_000), (5_000, 1, 1, 1_000), (40, 30, 30, 1_000), (60, 60, 2, 500),
])
def test_bootstrap_memory_stays_under_its_bound(units, codes, primaries, resamples):
    """The bound --resamples is checked against (1 GiB in all) holds the measured peak of the arrays."""
    rng = np.random.default_rng(units)
    names = [f"c{n:02}" for n in range(codes)]
    gold = {f"u{n}": (names[n % primaries], *(c for c in names if rng.random() < 0.3)) for n in range(units)}
    pred = {f"u{n}": (names[(n + 1) % primaries], *(c for c in names if rng.random() < 0.3)) for n in range(units)}
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        agreement.bootstrap_intervals(gold, pred, sorted(gold), names, resamples=resamples, seed=0)
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    per_resample, once = agreement.bootstrap_bytes(units, codes)
    assert peak <= resamples * per_resample + once


def test_resample_counts_reproduce_sklearn_on_the_full_sample():
    rng = np.random.default_rng(11)
    codes, units = ["a", "b", "c"], [f"u{i}" for i in range(50)]
    gold = {u: tuple(c for c in codes if rng.random() < 0.4) for u in units}
    pred = {u: tuple(c for c in codes if rng.random() < 0.4) for u in units}
    result = agreement.compare_codings(gold, pred, codes=codes, resamples=0)
    stats = agreement.resample_statistics(
        agreement.presence_matrix(gold, units, codes), agreement.presence_matrix(pred, units, codes),
        agreement.primary_codes(gold, units), agreement.primary_codes(pred, units), np.ones((1, len(units))))
    np.testing.assert_allclose(stats["kappa"][0], result.per_code.kappa, atol=1e-12)
    np.testing.assert_allclose(stats["f1"][0], result.per_code.f1, atol=1e-12)
    assert stats["macro_f1"][0] == pytest.approx(result.macro_f1, abs=1e-12)
    assert stats["micro_f1"][0] == pytest.approx(result.micro_f1, abs=1e-12)
    assert stats["primary_kappa"][0] == pytest.approx(result.primary["kappa"], abs=1e-12)


def test_codings_csv_units_without_rows_count_as_coded_with_no_code():
    import pandas as pd

    frame = pd.DataFrame({
        "segment_id": ["L1-001", "L1-001", "L1-003"], "code_id": ["combination", "socialization", "combination"],
        "score": [1.0, 2.5, 1.0], "matched": "", "status": "practice", "coder": "keyword-v1",
    })
    coding = agreement.codings_by_coder(frame, units=["L1-001", "L1-002", "L1-003"])["keyword-v1"]
    assert coding == {"L1-001": ("socialization", "combination"), "L1-002": (), "L1-003": ("combination",)}


# --- `seci agreement` -------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_cli_matches_sklearn_kappa_and_krippendorff_alpha_on_random_codings(tmp_path, capsys, seed):
    rng = np.random.default_rng(seed)
    codes = ["socialization", "externalization", "combination", "internalization"]
    units = [f"S-{i:03d}" for i in range(120)]
    gold_units, pred_units = units[:110], units[10:]  # each file misses some units the other has
    gold = {u: [c for c in codes if rng.random() < 0.35] for u in gold_units}
    pred = {u: [c for c in codes if rng.random() < (0.7 if c in gold.get(u, []) else 0.2)] for u in pred_units}
    for path, coding in ((tmp_path / "gold.csv", gold), (tmp_path / "pred.jsonl", pred)):
        write_long(path, [(u, c) for u, cs in coding.items() for c in (cs or [""])])

    status, out, _ = run(capsys, str(tmp_path / "gold.csv"), str(tmp_path / "pred.jsonl"), "--json", "--resamples", "0")
    assert status == 0
    result = json.loads(out)
    assert result["n_units"] == 120
    for code in codes:
        g = [int(code in gold.get(u, [])) for u in units]
        p = [int(code in pred.get(u, [])) for u in units]
        reliability = [[float(code in coding[u]) if u in coding else np.nan for u in units] for coding in (gold, pred)]
        precision, recall, f1, _ = precision_recall_fscore_support(g, p, average="binary")
        got = result["codes"][code]
        assert got["kappa"] == pytest.approx(cohen_kappa_score(g, p), abs=1e-9)
        assert got["alpha"] == pytest.approx(krippendorff.alpha(reliability, level_of_measurement="nominal"), abs=1e-9)
        assert (got["precision"], got["recall"], got["f1"]) == pytest.approx((precision, recall, f1), abs=1e-9)
        assert got["support"] == sum(g)


def test_cli_json_has_the_documented_shape(tmp_path, capsys):
    write_long(tmp_path / "gold.csv", [("a1", "socialization"), ("a2", ""), ("a3", "combination")])
    write_long(tmp_path / "pred.csv", [("a1", "socialization"), ("a2", "combination"), ("a3", "combination")])
    status, out, _ = run(capsys, str(tmp_path / "gold.csv"), str(tmp_path / "pred.csv"), "--json", "--resamples", "50")
    assert status == 0
    result = json.loads(out)
    assert result["n_units"] == 3
    assert set(result["codes"]) == {"socialization", "combination"}
    for values in result["codes"].values():
        assert {"kappa", "alpha", "precision", "recall", "f1", "support"} <= set(values)
        assert isinstance(values["support"], int)
    assert isinstance(result["macro_f1"], float) and isinstance(result["micro_f1"], float)
    assert result["codes"]["socialization"]["kappa"] == 1.0
    assert result["codes"]["combination"]["precision"] == 0.5
    assert result["bootstrap"] == {"resamples": 50, "seed": 0, "level": 0.95}


def test_cli_prints_a_readable_table_by_default(tmp_path, capsys):
    write_long(tmp_path / "gold.csv", [("a1", "socialization"), ("a2", "")])
    write_long(tmp_path / "pred.csv", [("a1", "socialization"), ("a2", "combination")])
    status, out, _ = run(capsys, str(tmp_path / "gold.csv"), str(tmp_path / "pred.csv"), "--resamples", "0")
    assert status == 0
    assert "units: 2 (2 in both files" in out
    assert any(line.split()[0] == "combination" and "n/a" in line for line in out.splitlines() if line.strip())
    assert "combination: GOLD never used it" in out


def test_cli_reads_the_wide_file_seci_classify_writes(tmp_path, capsys):
    write_long(tmp_path / "gold.csv", [("a1", "combination"), ("a2", "socialization")])
    (tmp_path / "pred.csv").write_text(
        "id,codes,primary_code\na1,socialization;combination,combination\na2,,\n", encoding="utf-8")
    status, out, _ = run(capsys, str(tmp_path / "gold.csv"), str(tmp_path / "pred.csv"), "--json", "--resamples", "0")
    assert status == 0
    result = json.loads(out)
    assert result["primary"]["confusion"]["matrix"][0][0] == 1  # a1: combination on both sides
    assert result["codes"]["socialization"]["predicted"] == 1


@pytest.mark.parametrize(
    "gold_name, gold_text, message",
    [
        ("gold.csv", "", "gold.csv: empty file; give one row per assigned code"),
        ("gold.csv", "id,code\n", "gold.csv: no rows under the header"),
        ("gold.csv", "segment,code\nx1,a\n", "gold.csv:1: missing column id (found: segment, code)"),
        ("gold.csv", "id,label\nx1,a\n", "gold.csv:1: missing column code (found: id, label)"),
        ("gold.xlsx", "id,code\nx1,a\n", "gold.xlsx: unknown file type '.xlsx'; save the coding as .csv"),
        ("gold.jsonl", '{"id": "x1", "code": "a"}\n{"id": "x2", "code": \n', "gold.jsonl:2: not valid JSON"),
        ("gold.csv", "id,code\nx1,a\n,a\n", "gold.csv:3: empty id"),
        ("gold.csv", "id,code\nz9,a\n", "pred.csv: no id in common with"),
    ],
)
def test_cli_bad_input_is_one_line_naming_file_and_fix(tmp_path, capsys, gold_name, gold_text, message):
    (tmp_path / gold_name).write_text(gold_text, encoding="utf-8")
    write_long(tmp_path / "pred.csv", [("x1", "a"), ("x2", "")])
    status, out, err = run(capsys, str(tmp_path / gold_name), str(tmp_path / "pred.csv"))
    assert status == 2 and out == ""
    assert message in err and err.count("\n") == 1


def test_cli_with_no_code_on_either_side_says_there_is_nothing_to_compare(tmp_path, capsys):
    write_long(tmp_path / "gold.csv", [("x1", ""), ("x2", "")])
    write_long(tmp_path / "pred.jsonl", [("x1", ""), ("x2", "")])
    status, _, err = run(capsys, str(tmp_path / "gold.csv"), str(tmp_path / "pred.jsonl"))
    assert status == 2 and "gold.csv: neither this file nor" in err and "--codebook" in err


def test_cli_rejects_codes_not_in_the_codebook(tmp_path, capsys):
    from pipeline.coding.codebook import load_codebook

    known = list(load_codebook().code_ids)
    write_long(tmp_path / "gold.csv", [("x1", known[0]), ("x2", "sosialisasi")])
    write_long(tmp_path / "pred.csv", [("x1", known[0]), ("x2", "")])
    from pipeline.contracts import DEFAULT_CODEBOOK

    status, _, err = run(capsys, str(tmp_path / "gold.csv"), str(tmp_path / "pred.csv"), "--codebook", str(DEFAULT_CODEBOOK))
    assert status == 2
    assert "gold.csv:3: code 'sosialisasi' is not in the codebook" in err and known[0] in err


def test_cli_with_a_codebook_lists_its_unused_codes(tmp_path, capsys):
    from pipeline.coding.codebook import load_codebook
    from pipeline.contracts import DEFAULT_CODEBOOK

    known = list(load_codebook().code_ids)
    write_long(tmp_path / "gold.csv", [("x1", known[0]), ("x2", "")])
    write_long(tmp_path / "pred.csv", [("x1", known[0]), ("x2", "")])
    status, out, _ = run(capsys, str(tmp_path / "gold.csv"), str(tmp_path / "pred.csv"), "--json",
                         "--codebook", str(DEFAULT_CODEBOOK), "--resamples", "0")
    codes = json.loads(out)["codes"]
    assert status == 0 and list(codes) == known
    assert codes[known[-1]]["kappa"] is None and codes[known[-1]]["note"].startswith("used by neither")


def test_comparing_on_some_codes_ignores_the_others_also_for_primary_codes():
    gold = {"u1": ("socialization",), "u2": ("combination",)}
    pred = {"u1": ("motivation", "socialization"), "u2": ("motivation",)}
    result = agreement.compare_codings(gold, pred, codes=["socialization", "combination"], resamples=0)
    assert list(result.per_code.index) == ["socialization", "combination"]
    assert result.confusion.at["socialization", "socialization"] == 1
    assert result.confusion.at["combination", agreement.NO_CODE] == 1


def test_disagreements_list_each_unit_and_code_the_coders_differ_on():
    codings = {
        "ana": {"u1": ("a", "b"), "u2": (), "u3": ("a",)},
        "budi": {"u1": ("a",), "u2": ("b",)},  # did not code u3
        "classifier": {"u1": ("a",), "u2": (), "u3": ()},
    }
    table = agreement.disagreements(codings, ["a", "b"])
    assert table.to_dict("records") == [
        {"unit": "u1", "code": "b", "assigned_by": "ana", "not_assigned_by": "budi, classifier"},
        {"unit": "u2", "code": "b", "assigned_by": "budi", "not_assigned_by": "ana, classifier"},
        {"unit": "u3", "code": "a", "assigned_by": "ana", "not_assigned_by": "classifier"},
    ]


def test_every_command_prints_its_help(capsys):
    """argparse formats help with %: a literal % in a help text must not break `seci X --help`."""
    from pipeline.cli import build_parser

    commands = build_parser()._subparsers._group_actions[0].choices
    for name in commands:
        with pytest.raises(SystemExit) as stop:
            main([name, "--help"])
        assert stop.value.code == 0, name
    assert "95% intervals" in capsys.readouterr().out


def test_resample_counts_give_alpha_precision_and_recall_of_the_full_sample_also_with_missing_units():
    rng = np.random.default_rng(13)
    codes, units = ["a", "b", "c"], [f"u{i}" for i in range(60)]
    gold = {u: tuple(c for c in codes if rng.random() < 0.4) for u in units[:50]}
    pred = {u: tuple(c for c in codes if rng.random() < 0.4) for u in units[10:]}
    result = agreement.compare_codings(gold, pred, codes=codes, units=units, resamples=0)
    stats = agreement.resample_statistics(
        agreement.presence_matrix(gold, units, codes), agreement.presence_matrix(pred, units, codes),
        agreement.primary_codes(gold, units), agreement.primary_codes(pred, units), np.ones((1, len(units))),
        paired=np.array([u in gold and u in pred for u in units]))
    np.testing.assert_allclose(stats["alpha"][0], result.per_code.alpha, atol=1e-12)
    np.testing.assert_allclose(stats["precision"][0], result.per_code.precision, atol=1e-12)
    np.testing.assert_allclose(stats["recall"][0], result.per_code.recall, atol=1e-12)


def test_alpha_from_counts_matches_a_hand_computed_table():
    # 10 units: both present 3, both absent 5, one each way 1 -> n = 20, absent 12, present 8
    assert agreement.alpha_from_counts(3.0, 1.0, 1.0, 5.0) == pytest.approx(1 - 19 * 2 / (12 * 8))
    assert math.isnan(agreement.alpha_from_counts(0.0, 0.0, 0.0, 4.0))


def test_agreement_reports_the_status_of_the_codings_both_files_assign(tmp_path, capsys):
    header = "segment_id,code_id,score,matched,status,coder\n"
    gold = tmp_path / "reference_codings.csv"
    gold.write_text(header + "s1,a,,,practice,ref\ns2,a,,,barrier,ref\ns3,b,,,barrier,ref\ns4,b,,,practice,ref\n")
    pred = tmp_path / "codings.csv"
    pred.write_text(header + "s1,a,1,,practice,kw\ns2,a,1,,practice,kw\ns3,b,1,,barrier,kw\ns4,a,1,,barrier,kw\n")
    code, out, _ = run(capsys, str(gold), str(pred), "--json", "--resamples", "0")
    status = json.loads(out)["status"]
    # s4 is coded b by one and a by the other: not a coding both assign
    assert (code, status["both"], status["same"], status["barrier_gold_only"], status["barrier_pred_only"]) == (0, 3, 2, 1, 0)
    assert status["share"] == pytest.approx(2 / 3) and status["share_ci"] == pytest.approx(list(agreement.wilson_interval(2, 3)))
    assert {c: (v["both"], v["same"]) for c, v in status["codes"].items()} == {"a": (2, 1), "b": (1, 1)}
    _, text_out, _ = run(capsys, str(gold), str(pred), "--resamples", "0")
    assert "status (practice / barrier) of the 3 codings both assign: 2 the same (0.667" in text_out
    plain = tmp_path / "plain.csv"
    plain.write_text("id,code\ns1,a\ns2,a\n")
    _, out, _ = run(capsys, str(plain), str(pred), "--json", "--resamples", "0")
    assert json.loads(out)["status"] is None
