"""The tabular inputs and the options of `seci classify`, `agreement` and `import-coding` (issue 17).

Each case the issue measured as a traceback, a hang or argparse's usage block ends as one line
``seci: error: path[:line]: problem; fix`` with exit status 2, and nothing written. The hypothesis
fuzzing of the same commands is in test_fuzz_tabular.py.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
from coded_site import SITE, make_coded_site

from pipeline.cli import main
from pipeline.contracts import HUMAN_CODINGS_FILE, MAX_TEXT_CHARS, processed_site_dir

PROJECT = Path(__file__).resolve().parents[1]
LONG_FIELD = ("a" * 1_000_000 + "\n") * 11  # lines under the limit; the field passes it on its 10th line


def run(capsys, *args) -> tuple[int, str, str]:
    status = main([str(arg) for arg in args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def one_line_error(status: int, err: str, *expected: str) -> None:
    assert status == 2, err
    assert err.startswith("seci: error: ") and err.count("\n") == 1 and err.endswith("\n"), err
    for text in expected:
        assert text in err, err


def folder_listing(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


# --- seci classify: the input file ------------------------------------------------------------------

def test_csv_field_over_the_field_limit_of_pythons_csv_module_is_coded(tmp_path, capsys):
    source = tmp_path / "in.csv"
    source.write_text('id,text\n1,"' + "diskusi " * 20_000 + '"\n', encoding="utf-8")  # 160,000 characters
    status, out, err = run(capsys, "classify", source, "--out", tmp_path / "out.csv")
    assert status == 0, err
    assert "1 rows, 1 with at least one code" in out


def test_csv_field_over_the_limit_names_file_and_row(tmp_path, capsys):
    source = tmp_path / "in.csv"
    source.write_text('id,text\n1,diskusi\n2,"' + LONG_FIELD + '"\n', encoding="utf-8")
    status, _, err = run(capsys, "classify", source, "--out", tmp_path / "out.csv")
    one_line_error(status, err, f"in.csv:12: a field longer than {MAX_TEXT_CHARS:,} characters", "split")
    assert folder_listing(tmp_path) == ["in.csv"]


@pytest.mark.parametrize("name, content", [
    ("in.csv", "id,text\n2," + "a" * (MAX_TEXT_CHARS + 1) + "\n"),
    ("in.jsonl", '{"id": 1, "text": "diskusi"}\n{"id": 2, "text": "' + "a" * MAX_TEXT_CHARS + '"}\n'),
])
def test_line_over_the_limit_names_file_and_line(tmp_path, capsys, name, content):
    (tmp_path / name).write_text(content, encoding="utf-8")
    status, _, err = run(capsys, "classify", tmp_path / name, "--out", tmp_path / "out.csv")
    one_line_error(status, err, f"{name}:2: a line longer than {MAX_TEXT_CHARS:,} characters")
    assert folder_listing(tmp_path) == [name]


@pytest.mark.skipif(not Path("/proc/self/status").is_file(), reason="reads the peak memory from /proc")
def test_a_200_mb_text_stops_at_the_limit_at_once_in_bounded_memory(tmp_path):
    """The issue's case: a single 200 MB text. Only the first 10 million characters are ever read.

    The peak is VmHWM, this program's own: ru_maxrss would count the copy of pytest's memory the child
    held between fork and exec."""
    source = tmp_path / "big.jsonl"
    with open(source, "w", encoding="utf-8") as out:
        out.write('{"id": "a", "text": "')
        chunk = "Kami berdiskusi tiap minggu, tapi web belum ada. " * 20_000  # 1 MB
        for _ in range(200):
            out.write(chunk)
        out.write('"}\n')
    probe = ("import re, sys; from pipeline.cli import main; status = main(sys.argv[1:]); "
             "print(re.search(r'VmHWM:\\s*(\\d+)', open('/proc/self/status').read())[1], file=sys.stderr); "
             "sys.exit(status)")
    result = subprocess.run([sys.executable, "-c", probe, "classify", str(source), "--out", str(tmp_path / "out.csv")],
                            capture_output=True, text=True, timeout=60, cwd=PROJECT)
    error, peak_kb = result.stderr.splitlines()
    assert result.returncode == 2 and f"big.jsonl:1: a line longer than {MAX_TEXT_CHARS:,} characters" in error
    assert int(peak_kb) < 400_000  # KB: the 200 MB are never held
    assert folder_listing(tmp_path) == ["big.jsonl"]


@pytest.mark.parametrize("line, problem", [
    ('{"id": 1, "text": ' + "[" * 100_000 + "]" * 100_000 + "}", "in.jsonl:2: JSON nested too deeply"),
    ('{"id": ' + "9" * 5000 + ', "text": "x"}', "in.jsonl:2: a number of 5,000 digits"),
    ('{"id": "\\ud800", "text": "diskusi"}', "in.jsonl:2: a lone surrogate"),
    ('{"id": "b", "text": "diskusi \\udfff web"}', "in.jsonl:2: a lone surrogate"),
    ('{"id": "b", "text": "diskusi", "note": ["\\ud83d"]}', "in.jsonl:2: a lone surrogate"),
])
def test_json_lines_that_python_cannot_read_or_write_name_file_and_line(tmp_path, capsys, line, problem):
    (tmp_path / "in.jsonl").write_text('{"id": "a", "text": "diskusi"}\n' + line + "\n", encoding="utf-8")
    status, _, err = run(capsys, "classify", tmp_path / "in.jsonl", "--out", tmp_path / "out.jsonl")
    one_line_error(status, err, problem)
    assert folder_listing(tmp_path) == ["in.jsonl"]


def test_a_surrogate_pair_is_one_character_and_is_coded(tmp_path, capsys):
    (tmp_path / "in.jsonl").write_text('{"id": "\\ud83d\\ude00", "text": "diskusi"}\n', encoding="utf-8")
    status, _, err = run(capsys, "classify", tmp_path / "in.jsonl", "--out", tmp_path / "out.jsonl")
    assert status == 0, err
    assert json.loads((tmp_path / "out.jsonl").read_text(encoding="utf-8"))["id"] == "\U0001F600"


# --- seci classify: --out and --workers ----------------------------------------------------------------

@pytest.mark.parametrize("out, problem", [
    ("folder.csv", "folder.csv: is a folder"),
    ("missing/out.csv", "missing/out.csv: the folder missing does not exist"),
    ("in.csv/out.csv", "in.csv/out.csv: the folder in.csv does not exist"),
])
def test_out_that_cannot_be_written_stops_before_reading_the_input(tmp_path, capsys, monkeypatch, out, problem):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "folder.csv").mkdir()
    (tmp_path / "in.csv").write_text("id,text\n1,diskusi\n1,dup\n", encoding="utf-8")  # bad, but never read
    status, _, err = run(capsys, "classify", "in.csv", "--out", out)
    one_line_error(status, err, problem, "--out")
    assert folder_listing(tmp_path) == ["folder.csv", "in.csv"] and folder_listing(tmp_path / "folder.csv") == []


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs /proc, where nobody may create a file")
def test_out_in_a_folder_nobody_may_write_in_stops_before_any_work(tmp_path, capsys):
    (tmp_path / "in.csv").write_text("id,text\n1,diskusi\n", encoding="utf-8")
    status, _, err = run(capsys, "classify", tmp_path / "in.csv", "--out", "/proc/out.csv")
    one_line_error(status, err, "/proc/out.csv: cannot write in /proc")


@pytest.mark.parametrize("workers", ["0", "-1", "33", "two", "9" * 5000])
def test_workers_out_of_range_is_one_line_without_the_usage_block(tmp_path, capsys, workers):
    (tmp_path / "in.csv").write_text("id,text\n1,diskusi\n", encoding="utf-8")
    status, _, err = run(capsys, "classify", tmp_path / "in.csv", "--out", tmp_path / "out.csv", "--workers", workers)
    one_line_error(status, err, "argument --workers:", "a whole number from 1 to 32", "seci classify --help")
    assert folder_listing(tmp_path) == ["in.csv"]


# --- seci agreement ---------------------------------------------------------------------------------

@pytest.fixture
def codings(tmp_path) -> tuple[Path, Path]:
    (tmp_path / "gold.csv").write_text("id,code\nx1,a\nx2,b\nx3,a\n", encoding="utf-8")
    (tmp_path / "pred.csv").write_text("id,code\nx1,a\nx2,a\nx3,a\n", encoding="utf-8")
    return tmp_path / "gold.csv", tmp_path / "pred.csv"


@pytest.mark.parametrize("option, value, problem", [
    ("--seed", "-1", "argument --seed: '-1' is not a whole number from 0 to 4,294,967,295"),
    ("--seed", str(2**32), "argument --seed: '4294967296' is not a whole number from 0 to 4,294,967,295"),
    ("--resamples", "-1", "argument --resamples: '-1' is not a whole number from 0 to 1,000,000"),
    ("--resamples", "100000000", "argument --resamples: '100000000' is not a whole number from 0 to 1,000,000"),
    ("--resamples", "1e3", "argument --resamples: '1e3' is not a whole number"),
])
def test_agreement_options_out_of_range_are_one_line_before_any_work(codings, capsys, option, value, problem):
    status, out, err = run(capsys, "agreement", *codings, option, value)
    one_line_error(status, err, problem, "see `seci agreement --help`")
    assert out == ""


def test_seed_at_the_top_of_its_range_works(codings, capsys):
    status, out, err = run(capsys, "agreement", *codings, "--seed", str(2**32 - 1), "--resamples", "50", "--json")
    assert status == 0, err
    assert json.loads(out)["bootstrap"]["seed"] == 2**32 - 1


def test_resamples_beyond_the_memory_ceiling_name_the_most_that_fit(tmp_path, capsys):
    """1,000,000 resamples of 3,000 units would take about 67 GiB: the message says how many fit in 1 GiB."""
    (tmp_path / "gold.csv").write_text("id,code\n" + "".join(f"u{n},{'ab'[n % 2]}\n" for n in range(3000)), encoding="utf-8")
    (tmp_path / "pred.csv").write_text("id,code\n" + "".join(f"u{n},a\n" for n in range(3000)), encoding="utf-8")
    status, out, err = run(capsys, "agreement", tmp_path / "gold.csv", tmp_path / "pred.csv", "--resamples", "1000000")
    one_line_error(status, err, "1,000,000 bootstrap resamples of 3,000 units and 2 codes would need about",
                   "GiB, more than the 1 GiB allowed; use at most 14,814 resamples")
    assert out == ""


@pytest.mark.parametrize("name, content, problem", [
    ("gold.csv", 'id,code\nx1,"' + "a" * (MAX_TEXT_CHARS + 1) + '"\n', f"gold.csv:2: a line longer than {MAX_TEXT_CHARS:,}"),
    ("gold.tsv", 'id\tcode\nx1\t"' + LONG_FIELD + '"\n', f"gold.tsv:11: a field longer than {MAX_TEXT_CHARS:,} characters"),
    ("gold.jsonl", '{"id": "x1", "code": ' + "[" * 100_000 + "]" * 100_000 + "}\n", "gold.jsonl:1: JSON nested too deeply"),
    ("gold.jsonl", '{"id": ' + "1" * 5000 + ', "code": "a"}\n', "gold.jsonl:1: a number of 5,000 digits"),
    ("gold.jsonl", '{"id": "x1", "code": "\\ud800"}\n', "gold.jsonl:1: a lone surrogate"),
])
def test_agreement_inputs_python_cannot_read_name_file_and_line(codings, capsys, name, content, problem):
    gold = codings[0].with_name(name)
    gold.write_text(content, encoding="utf-8")
    status, out, err = run(capsys, "agreement", gold, codings[1])
    one_line_error(status, err, problem)
    assert out == ""


# --- seci import-coding --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def site_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("project")
    make_coded_site(root)
    assert main(["review-sheet", "--root", str(root), "--site", SITE]) == 0
    return root


def filled_sheet(root: Path, folder: Path) -> Path:
    """The site's review sheet with a 1 in the first code column of its first row."""
    text = (processed_site_dir(root, SITE) / "review_sheet.csv").read_text(encoding="utf-8-sig")
    header, cells = list(csv.reader(text.splitlines()))[:2]
    cells[header.index("text") + 1] = "1"
    sheet = folder / "ana.csv"
    with open(sheet, "w", encoding="utf-8", newline="") as out:
        csv.writer(out, lineterminator="\n").writerows([header, cells])
    return sheet


@pytest.mark.parametrize("content, problem", [
    (b"", "human_codings.csv: empty file"),
    (b"segment_id,code_id,score,matched,status\nL1-002,socialization,1,,\n", "human_codings.csv:1: missing column(s) coder"),
    (bytes(range(256)) * 4, "human_codings.csv: "),  # not UTF-8, or malformed CSV: whichever pandas meets first
])
def test_an_existing_human_codings_file_that_cannot_be_read_is_named_and_left_alone(site_root, tmp_path, capsys,
                                                                                    content, problem):
    existing = processed_site_dir(site_root, SITE) / HUMAN_CODINGS_FILE
    existing.write_bytes(content)
    before = folder_listing(existing.parent)
    try:
        status, out, err = run(capsys, "import-coding", filled_sheet(site_root, tmp_path), "--coder", "ana",
                               "--root", site_root, "--site", SITE)
        one_line_error(status, err, problem, "delete it and import every coder's sheets again")
        assert existing.read_bytes() == content and folder_listing(existing.parent) == before
    finally:
        existing.unlink()


def test_a_sheet_field_over_the_limit_names_the_sheet_and_row(site_root, tmp_path, capsys):
    sheet = filled_sheet(site_root, tmp_path)
    with open(sheet, "a", encoding="utf-8") as out:
        out.write('L1-999,"' + LONG_FIELD + '"\n')
    status, _, err = run(capsys, "import-coding", sheet, "--coder", "ana", "--root", site_root, "--site", SITE)
    one_line_error(status, err, f"ana.csv:12: a field longer than {MAX_TEXT_CHARS:,} characters")
    assert not (processed_site_dir(site_root, SITE) / HUMAN_CODINGS_FILE).exists()


def test_a_coder_name_that_is_not_text_is_refused(site_root, tmp_path, capsys):
    status, _, err = run(capsys, "import-coding", filled_sheet(site_root, tmp_path), "--coder", "ana\udcff",
                         "--root", site_root, "--site", SITE)
    one_line_error(status, err, "ana.csv: coder name", "is not valid text")
    assert not (processed_site_dir(site_root, SITE) / HUMAN_CODINGS_FILE).exists()


# --- found by the fuzzing (test_fuzz_tabular.py) ---------------------------------------------------------

@pytest.mark.parametrize("content, shown", [
    (b'"0\n0"\n', r"(found: 0\n0)"),  # a header cell with a line break
    (b'"id\x1b[31m",text\n1,x\n', r"(found: id\x1b[31m, text)"),  # a terminal escape
])
def test_data_quoted_in_a_message_cannot_break_its_line(tmp_path, capsys, content, shown):
    (tmp_path / "in.csv").write_bytes(content)
    status, _, err = run(capsys, "classify", tmp_path / "in.csv", "--out", tmp_path / "out.csv")
    one_line_error(status, err, "in.csv:1: missing column", shown)


@pytest.mark.parametrize("command", ["classify", "agreement", "import-coding"])
def test_help_of_each_hardened_command_shows(command, capsys):
    """argparse expands % in help texts: "95% intervals" once broke `seci agreement --help`."""
    with pytest.raises(SystemExit) as stopped:
        main([command, "--help"])
    assert stopped.value.code == 0 and "usage: seci " + command in capsys.readouterr().out
