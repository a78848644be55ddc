"""Human coding: the blank review sheet, reading filled sheets back with practice and barrier marks, and
finding the article's quotes in the answers."""

from __future__ import annotations

import csv
import io
import random

import pandas as pd
import pytest
from coded_site import SITE, make_coded_site

from pipeline.analysis import agreement, findings
from pipeline.analysis.findings import load_article_findings
from pipeline.analysis.study import load_study
from pipeline.cli import main
from pipeline.coding.codebook import load_codebook
from pipeline.contracts import HUMAN_CODINGS_FILE, REVIEW_SHEET_FILE, processed_site_dir
from pipeline.report import review


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    root = tmp_path_factory.mktemp("project")
    make_coded_site(root)
    return root


@pytest.fixture
def sheet(root):
    """A fresh blank sheet, read as a coder's spreadsheet would: a list of row dicts."""
    assert main(["review-sheet", "--root", str(root), "--site", SITE]) == 0
    data = (processed_site_dir(root, SITE) / REVIEW_SHEET_FILE).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark, for Excel
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def answers(root) -> pd.DataFrame:
    segments = pd.read_csv(processed_site_dir(root, SITE) / "segments.csv", dtype=str, keep_default_na=False)
    return segments[segments["speaker"] == "informant"]


def save_sheet(path, rows: list[dict], delimiter: str = ",") -> None:
    """Save rows as Excel's "CSV UTF-8" does: with a byte-order mark, separator per locale."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), delimiter=delimiter, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode("utf-8-sig"))


def fill(rows: list[dict], coding: agreement.Coding, codes, mark: str = "x") -> list[dict]:
    """Mark each coded segment's codes; a segment coded with none gets 0s; others stay blank."""
    filled = []
    for row in rows:
        row = dict(row)
        if row["segment_id"] in coding:
            for code in codes:
                row[code] = mark if code in coding[row["segment_id"]] else "0"
        filled.append(row)
    return filled


def random_coding(segment_ids, codes, seed: int) -> agreement.Coding:
    """Codes a random four in five of the segments; some of them with no code at all."""
    rng = random.Random(seed)
    return {s: tuple(c for c in codes if rng.random() < 0.2) for s in segment_ids if rng.random() < 0.8}


def imported(root) -> pd.DataFrame:
    return pd.read_csv(processed_site_dir(root, SITE) / HUMAN_CODINGS_FILE, dtype=str, keep_default_na=False)


# --- the sheet --------------------------------------------------------------------------------------


def test_sheet_has_one_row_per_answer_and_an_empty_column_per_code(root, sheet):
    codes = list(load_codebook().code_ids)
    assert list(sheet[0]) == ["segment_id", "informant_id", "role", "question", "text", *codes, "comment"]
    expected = answers(root)
    assert [row["segment_id"] for row in sheet] == list(expected["segment_id"])
    assert [row["text"] for row in sheet] == list(expected["text"])  # Indonesian text, unchanged
    assert all(row[code] == "" for row in sheet for code in codes)


def test_classifier_codes_come_only_on_request_in_a_last_separate_column(root):
    path = review.write_review_sheet(root, SITE, root / "adjudication.csv", with_classifier_codes=True)
    sheet = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert sheet.columns[-1] == review.CLASSIFIER_CODES
    codings = pd.read_csv(processed_site_dir(root, SITE) / "codings.csv", dtype=str)
    first = codings.iloc[0]
    shown = sheet.set_index("segment_id").at[first.segment_id, review.CLASSIFIER_CODES]
    assert shown.split(";") == list(codings[codings.segment_id == first.segment_id].code_id)


# --- filled sheets back in --------------------------------------------------------------------------


@pytest.mark.parametrize("delimiter, mark", [(",", "x"), (";", "1"), ("\t", "X")])
def test_filled_sheet_round_trip_agrees_perfectly_with_what_was_marked(root, sheet, tmp_path, delimiter, mark):
    codes = list(load_codebook().code_ids)
    source = random_coding([row["segment_id"] for row in sheet], codes, seed=len(delimiter + mark))
    path = tmp_path / "ana.csv"
    save_sheet(path, fill(sheet, source, codes, mark), delimiter)

    assert main(["import-coding", str(path), "--coder", "ana", "--root", str(root), "--site", SITE]) == 0
    back = agreement.codings_by_coder(imported(root))["ana"]
    assert back == {segment: codes_ for segment, codes_ in source.items()}  # blank rows stay uncoded
    result = agreement.compare_codings(source, back, codes=codes, resamples=0)
    assert result.exact_match == 1.0 and result.n_units == len(source)
    used = result.per_code[result.per_code.support > 0]
    assert (used.kappa == 1.0).all() and (used.f1 == 1.0).all()


def test_coders_from_file_names_are_kept_apart_and_reimport_replaces_only_that_coder(root, sheet, tmp_path):
    codes = list(load_codebook().code_ids)
    segment_ids = [row["segment_id"] for row in sheet]
    for name, seed in (("ana", 1), ("review_sheet_budi", 2)):
        save_sheet(tmp_path / f"{name}.csv", fill(sheet, random_coding(segment_ids, codes, seed), codes))
    sheets = [str(tmp_path / "ana.csv"), str(tmp_path / "review_sheet_budi.csv")]
    assert main(["import-coding", *sheets, "--coder-from-filename", "--root", str(root), "--site", SITE]) == 0
    first = (processed_site_dir(root, SITE) / HUMAN_CODINGS_FILE).read_bytes()
    assert set(imported(root)["coder"]) >= {"ana", "budi"}

    save_sheet(tmp_path / "ana.csv", fill(sheet, random_coding(segment_ids, codes, 3), codes))
    assert main(["import-coding", sheets[0], "--coder-from-filename", "--root", str(root), "--site", SITE]) == 0
    codings = agreement.codings_by_coder(imported(root))
    assert codings["ana"] == random_coding(segment_ids, codes, 3)
    assert codings["budi"] == random_coding(segment_ids, codes, 2)

    save_sheet(tmp_path / "ana.csv", fill(sheet, random_coding(segment_ids, codes, 1), codes))
    assert main(["import-coding", sheets[0], "--coder-from-filename", "--root", str(root), "--site", SITE]) == 0
    assert (processed_site_dir(root, SITE) / HUMAN_CODINGS_FILE).read_bytes() == first  # byte-identical rerun


def test_b_marks_a_code_as_barrier_and_1_or_x_as_practice_in_human_codings(root, sheet, tmp_path):
    rows = [dict(row) for row in sheet]
    rows[0].update(socialization="x", combination="B", knowledge="1")  # any case
    rows[1].update(internalization="b")
    rows[2].update(socialization="0")  # coded: no code applies
    save_sheet(tmp_path / "ana.csv", rows)
    assert main(["import-coding", str(tmp_path / "ana.csv"), "--coder", "ana", "--root", str(root), "--site", SITE]) == 0
    ana = imported(root).query("coder == 'ana'")
    assert ana[["segment_id", "code_id", "score", "status"]].values.tolist() == [
        [rows[0]["segment_id"], "socialization", "1", "practice"],
        [rows[0]["segment_id"], "combination", "1", "barrier"],
        [rows[0]["segment_id"], "knowledge", "1", "practice"],
        [rows[1]["segment_id"], "internalization", "1", "barrier"],
        [rows[2]["segment_id"], "", "0", ""],
    ]


def test_a_bad_mark_says_in_one_line_what_to_write(root, sheet, tmp_path, capsys):
    rows = [{**row, "socialization": "1"} for row in sheet]
    rows[3]["skills"] = "hambatan"
    save_sheet(tmp_path / "ana.csv", rows)
    status = main(["import-coding", str(tmp_path / "ana.csv"), "--coder", "ana", "--root", str(root), "--site", SITE])
    err = capsys.readouterr().err
    assert status == 2 and err.count("\n") == 1 and "ana.csv:5: mark 'hambatan' for L1-008" in err
    assert err.rstrip().endswith("write 1 or x where the code applies as a practice, b where it applies as a barrier, "
                                 "0 or nothing where it does not")


def test_the_review_sheet_command_says_how_to_mark_practice_and_barrier(root, capsys):
    assert main(["review-sheet", "--root", str(root), "--site", SITE]) == 0
    assert "b where it applies as a barrier" in capsys.readouterr().out


def bad_mark(rows):
    rows[2]["socialization"] = "yes"
    return rows, 4, "mark 'yes' for"


def unknown_segment(rows):
    rows[0]["segment_id"] = "L9-001"
    return rows, 2, "unknown segment id 'L9-001'"


def unknown_code_column(rows):
    return [{**row, "sosialisasi": ""} for row in rows], 1, "column 'sosialisasi' is not a code of the codebook"


def missing_code_column(rows):
    return [{k: v for k, v in row.items() if k != "combination"} for row in rows], 1, "missing code column(s) combination"


def changed_text(rows):
    rows[1]["text"] = "Teks yang lain."
    return rows, 3, "the text of L1-004 differs from segments.csv"


def barrier_word(rows):
    rows[4]["combination"] = "barrier"
    return rows, 6, "mark 'barrier' for L1-010"


@pytest.mark.parametrize("spoil", [bad_mark, barrier_word, unknown_segment, unknown_code_column, missing_code_column,
                                   changed_text])
def test_bad_sheet_stops_with_file_line_and_fix(root, sheet, tmp_path, capsys, spoil):
    rows = [{**row, "socialization": "1"} for row in sheet]
    rows, line, problem = spoil(rows)
    save_sheet(tmp_path / "ana.csv", rows)
    status = main(["import-coding", str(tmp_path / "ana.csv"), "--coder", "ana", "--root", str(root), "--site", SITE])
    err = capsys.readouterr().err
    assert status == 2 and err.count("\n") == 1
    assert f"ana.csv:{line}: {problem}" in err and ";" in err.split(problem, 1)[1]


@pytest.mark.parametrize("name, data, problem", [
    ("ana.xlsx", b"PK\x03\x04", "cannot read a .xlsx sheet; save it as CSV UTF-8"),
    ("ana.csv", "segment_id,text\nL1-002,caf\u00e9\n".encode("cp1252"), "not UTF-8 text; save it as CSV UTF-8"),
])
def test_unreadable_sheet_says_how_to_save_it(root, tmp_path, capsys, name, data, problem):
    (tmp_path / name).write_bytes(data)
    status = main(["import-coding", str(tmp_path / name), "--coder", "ana", "--root", str(root), "--site", SITE])
    assert status == 2 and problem in capsys.readouterr().err


def test_the_classifier_coder_name_is_reserved(root, sheet, tmp_path, capsys):
    save_sheet(tmp_path / "ana.csv", [{**row, "socialization": "1"} for row in sheet])
    status = main(["import-coding", str(tmp_path / "ana.csv"), "--coder", "keyword-v1", "--root", str(root), "--site", SITE])
    assert status == 2 and "reserved for the classifier" in capsys.readouterr().err


# --- the article as gold -----------------------------------------------------------------------------


def test_every_quote_is_found_in_each_informant_it_is_attributed_to(root):
    study, article = load_study(root, SITE), load_article_findings(root)
    units = findings.article_quote_units(study, article)
    assert (units["segment_id"] != "").all()
    expected = {(quote["id"], informant) for quote in article["quotes"] for informant in quote["informants"]}
    assert set(zip(units["quote_id"], units["informant_id"])) == expected
    assert sorted(units.loc[units.quote_id == "q7", "informant_id"]) == [f"P{i}" for i in range(1, 9)]
    texts = study.segments.set_index("segment_id")["text"]
    for row in units.itertuples():
        assert row.segment_id.startswith(row.informant_id + "-")
        quote = next(q for q in article["quotes"] if q["id"] == row.quote_id)
        assert " ".join(quote["text_id"].split()).casefold() in " ".join(texts[row.segment_id].split()).casefold()


def test_english_transcripts_find_the_quotes_by_their_fixed_translation(tmp_path):
    make_coded_site(tmp_path, "uin-imam-bonjol-en")
    study, article = load_study(tmp_path, "uin-imam-bonjol-en"), load_article_findings(tmp_path)
    units = findings.article_quote_units(study, article)
    assert (units["segment_id"] != "").all() and len(units) == sum(len(q["informants"]) for q in article["quotes"])
    q5 = units.set_index("quote_id").loc["q5"]
    assert q5.segment_id.startswith("L2-") and q5.code == "internalization"


# --- formulas ---------------------------------------------------------------------------------------

FORMULA_ANSWERS = ('=HYPERLINK("http://example.invalid","klik")', "+62 751 123", "-ya, begitu", "@admin bilang",
                   "'kutip' kata beliau")


def test_answers_that_a_spreadsheet_would_run_are_written_as_text_and_read_back_unchanged(tmp_path):
    def answers_like_formulas(site_dir):
        transcript = site_dir / "transcripts" / "L1.txt"
        lines = transcript.read_text(encoding="utf-8").split("\n")
        answer_lines = [i for i, line in enumerate(lines) if line.startswith("Informan: ")]
        for i, answer in zip(answer_lines, FORMULA_ANSWERS):
            lines[i] = "Informan: " + answer
        transcript.write_text("\n".join(lines), encoding="utf-8")

    make_coded_site(tmp_path, edit=answers_like_formulas)
    assert main(["review-sheet", "--root", str(tmp_path), "--site", SITE]) == 0
    path = processed_site_dir(tmp_path, SITE) / REVIEW_SHEET_FILE
    rows = list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))
    texts = [row["text"] for row in rows if row["informant_id"] == "L1"][:len(FORMULA_ANSWERS)]
    assert texts == ["'" + answer for answer in FORMULA_ANSWERS]
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row.values())

    codes = list(load_codebook().code_ids)
    marked = {row["segment_id"]: (codes[0],) for row in rows if row["informant_id"] == "L1"}
    save_sheet(path, fill(rows, marked, codes))
    assert main(["import-coding", str(path), "--coder", "ana", "--root", str(tmp_path), "--site", SITE]) == 0
    assert agreement.codings_by_coder(imported(tmp_path))["ana"] == marked
