"""Human coding: a blank review sheet, filled sheets read back, and the article's own coding as gold.

``seci review-sheet [--site S]`` writes ``data/processed/<site>/review_sheet.csv``: one row per
informant answer (segment id, informant, role, the question it answers, the text), one empty column
per code of the site's codebook, and a ``comment`` column for the coder's own notes. A coder marks
``1`` or ``x`` where a code applies as a practice (described as happening or working), ``b`` where it
applies as a barrier (reported as lacking, not yet adequate, hindered or not done), and ``0`` or nothing
where it does not (:data:`MARKS`; ``seci review-sheet`` prints the same).

The classifier's codes are left out of the sheet on purpose: a coder who sees them anchors on them,
and the agreement then measures how often people accept a suggestion, not how far two independent
readings coincide. ``--with-classifier-codes`` adds them as a last, separate column for a second,
adjudicating pass (or for checking codings, as in the report folder), never for the independent round.

The sheet is UTF-8 with a byte-order mark, so Excel shows Indonesian text (and any accented name)
correctly; lines end with ``\\n``. Where Excel's list separator is ``;`` (an Indonesian locale),
open the sheet through Data > From Text/CSV; sheets saved back with ``;`` or tabs are read as well.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return
before one) as a formula, so an answer such as ``=HYPERLINK(...)`` would become a live link in the
coder's sheet. Every cell that starts with one of these, or with ``'``, is written with a ``'`` in
front (:func:`spreadsheet_cell`); reading a sheet back removes that one ``'`` (:func:`from_spreadsheet`),
so the text check against ``segments.csv`` sees the answer as it was.

``seci import-coding SHEET [SHEET ...] (--coder NAME | --coder-from-filename) --site S`` reads
filled sheets into ``data/processed/<site>/human_codings.csv`` in the ``codings.csv`` contract with
``coder`` = the coder's name (score 1, no evidence, status ``practice`` for 1 or x, ``barrier`` for b).
A row with at least one mark (1, x, b or 0) counts as coded; a row left wholly blank counts as not yet coded, so to record "no code
applies" put a 0 in any code column. Such a segment is written as one row with an empty
``code_id``, as ``seci agreement`` reads a unit that got no code. Importing a coder again replaces
that coder's rows and keeps the other coders'.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Sequence

import pandas as pd

from pipeline.coding.classify import site_codebook
from pipeline.contracts import (
    CLASSIFIER_CODER_PREFIX, CODING_COLUMNS, CODINGS_FILE, HUMAN_CODINGS_FILE, REVIEW_SHEET_FILE, SEGMENT_COLUMNS,
    SEGMENTS_FILE, STATUSES,
    processed_site_dir,
)
from pipeline.errors import InputError
from pipeline.files import csv_errors, read_table, text_lines, write_bytes, write_csv

SEGMENT_INFO = ["segment_id", "informant_id", "role", "question", "text"]
COMMENT = "comment"
CLASSIFIER_CODES = "classifier_codes"
PRACTICE, BARRIER = STATUSES
ASSIGNED = {"1": PRACTICE, "x": PRACTICE, "b": BARRIER}  # a mark (any case) -> the status it records
NOT_ASSIGNED = ("0", "")
MARKS = ("mark 1 or x where a code applies as a practice, b where it applies as a barrier (lacking, not yet "
         "adequate, hindered), 0 or nothing where it does not; a 0 in a row where no code applies")
# A human coding read from sheets: segment id -> {code id: status}, codes in codebook order.
SheetCoding = dict[str, dict[str, str]]
SHEET_SUFFIXES = (".csv", ".tsv")
# A cell starting with one of these is a formula to a spreadsheet; "'" too, so that the "'" added in
# front of a formula can be told from one the text began with.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")


def spreadsheet_cell(value: str) -> str:
    """A cell as the sheet holds it: text a spreadsheet would run as a formula gets a leading ``'``."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def from_spreadsheet(cell: str) -> str:
    """A sheet's cell as the text it stands for: the ``'`` :func:`spreadsheet_cell` added removed."""
    return cell[1:] if cell.startswith("'") else cell


# --- the sheet ------------------------------------------------------------------------------------


def review_sheet(segments: pd.DataFrame, code_ids: Sequence[str], codings: pd.DataFrame | None = None) -> pd.DataFrame:
    """The blank sheet: one row per informant answer, an empty column per code, then ``comment``.

    With ``codings`` (the classifier's), a last column lists each segment's codes, for adjudication.
    """
    answers = segments[segments["speaker"] == "informant"]
    sheet = answers[SEGMENT_INFO].reset_index(drop=True)
    for code in [*code_ids, COMMENT]:
        sheet[code] = ""
    if codings is not None:
        order = {code: i for i, code in enumerate(code_ids)}
        by_segment = codings.assign(_order=codings["code_id"].map(order)).sort_values("_order", kind="stable")
        joined = by_segment.groupby("segment_id")["code_id"].agg(";".join)
        sheet[CLASSIFIER_CODES] = sheet["segment_id"].map(joined).fillna("")
    return sheet


def write_review_sheet(root: str | Path, site: str, out_path: str | Path | None = None, *,
                       with_classifier_codes: bool = False) -> Path:
    """Write a site's review sheet (default ``data/processed/<site>/review_sheet.csv``); returns its path."""
    out_path = Path(out_path) if out_path else processed_site_dir(Path(root), site) / REVIEW_SHEET_FILE
    codings = _read_processed(root, site, CODINGS_FILE, CODING_COLUMNS) if with_classifier_codes else None
    sheet = review_sheet(_read_processed(root, site, SEGMENTS_FILE, SEGMENT_COLUMNS), site_codebook(root, site).code_ids,
                         codings)
    safe = sheet.map(spreadsheet_cell)
    write_bytes(out_path, safe.to_csv(index=False, lineterminator="\n").encode("utf-8-sig"))
    return out_path


def _read_processed(root: str | Path, site: str, name: str, columns: list[str]) -> pd.DataFrame:
    return read_table(processed_site_dir(Path(root), site) / name, columns,
                      fix=f"run `seci ingest --site {site}` and `seci code --site {site}` first")


# --- reading filled sheets ------------------------------------------------------------------------------


def read_review_sheet(path: str | Path, segments: pd.DataFrame, code_ids: Sequence[str]) -> SheetCoding:
    """A filled sheet -> coding (segment id -> {code: status}, codebook order) of the rows the coder marked.

    Raises :class:`InputError` naming the file, line and fix for: a file that is not a CSV sheet or
    not UTF-8, missing ``segment_id`` or code columns, a column that is no code, an unknown or
    repeated segment id, a segment whose text changed since the sheet was made, a mark other
    than 1, x, b, 0 or blank (any case).
    """
    path = Path(path)
    if path.suffix.lower() not in SHEET_SUFFIXES:
        raise InputError(path, f"cannot read a {path.suffix or 'file without extension'} sheet",
                         fix="save it as CSV UTF-8 (in Excel: File > Save As > CSV UTF-8)")
    if not path.is_file():
        raise InputError(path, "no such file", fix="check the path")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(path, "not UTF-8 text", fix="save it as CSV UTF-8 (in Excel: File > Save As > CSV UTF-8)") from None
    header_line = text.split("\n", 1)[0]
    delimiter = "\t" if path.suffix.lower() == ".tsv" else max(",;\t", key=header_line.count)
    reader = csv.reader(text_lines(path, io.StringIO(text, newline="")), delimiter=delimiter)
    with csv_errors(path, reader):
        return _sheet_coding(path, reader, segments, code_ids)


def _sheet_coding(path: Path, reader, segments: pd.DataFrame, code_ids: Sequence[str]) -> SheetCoding:
    header = [name.strip() for name in next(reader, [])]
    columns = _sheet_columns(path, header, code_ids)
    texts = dict(zip(segments["segment_id"], segments["text"]))
    coding: SheetCoding = {}
    first_line: dict[str, int] = {}
    for cells in reader:
        line = reader.line_num
        row = dict(zip(header, (from_spreadsheet(cell.strip()) for cell in cells)))
        marks = {code: row.get(code, "").casefold() for code in code_ids}
        segment_id = row.get("segment_id", "")
        if not segment_id:
            if any(marks.values()):
                raise InputError(path, "a row with marks but no segment_id", line=line,
                                 fix="restore the segment_id of that row from the sheet seci review-sheet wrote")
            continue
        _check_row(path, line, segment_id, row, texts, first_line, columns)
        first_line[segment_id] = line
        for code, mark in marks.items():
            if mark not in ASSIGNED and mark not in NOT_ASSIGNED:
                raise InputError(path, f"mark {row[code]!r} for {segment_id} in column {code}", line=line,
                                 fix="write 1 or x where the code applies as a practice, b where it applies as a "
                                 "barrier, 0 or nothing where it does not")
        if any(marks.values()):
            coding[segment_id] = {code: ASSIGNED[marks[code]] for code in code_ids if marks[code] in ASSIGNED}
    if not coding:
        raise InputError(path, "no row is marked", fix=MARKS)
    return coding


def _sheet_columns(path: Path, header: list[str], code_ids: Sequence[str]) -> list[str]:
    if "segment_id" not in header:
        raise InputError(path, f"missing column segment_id (found: {', '.join(filter(None, header)) or 'none'})", line=1,
                         fix="keep the header row of the sheet `seci review-sheet` wrote")
    known = {*SEGMENT_INFO, COMMENT, CLASSIFIER_CODES, *code_ids}
    unknown = [name for name in header if name and name not in known]
    if unknown:
        raise InputError(path, f"column {unknown[0]!r} is not a code of the codebook", line=1,
                         fix=f"name code columns by code id ({', '.join(code_ids)}) or delete the column")
    missing = [code for code in code_ids if code not in header]
    if missing:
        raise InputError(path, f"missing code column(s) {', '.join(missing)}", line=1,
                         fix="keep every code column; leave a cell blank where the code does not apply")
    return header


def _check_row(path: Path, line: int, segment_id: str, row: dict, texts: dict, first_line: dict, columns) -> None:
    if segment_id not in texts:
        raise InputError(path, f"unknown segment id {segment_id!r}", line=line,
                         fix="use the segment ids of segments.csv; make a fresh sheet with `seci review-sheet`")
    if segment_id in first_line:
        raise InputError(path, f"segment {segment_id} appears twice (first on line {first_line[segment_id]})", line=line,
                         fix="keep one row per segment")
    if "text" in columns and " ".join(row.get("text", "").split()) != " ".join(texts[segment_id].split()):
        raise InputError(path, f"the text of {segment_id} differs from segments.csv (the transcripts were ingested "
                         "again since the sheet was made)", line=line,
                         fix="make a fresh sheet with `seci review-sheet` and copy the marks over")


def coder_from_filename(path: str | Path) -> str:
    """The coder a sheet belongs to, from its name: ``ana.csv`` or ``review_sheet_ana.csv`` -> ``ana``."""
    stem, prefix = Path(path).stem, Path(REVIEW_SHEET_FILE).stem
    name = stem[len(prefix):].lstrip("_- ") if stem.startswith(prefix) else stem
    if not name:
        raise InputError(path, "cannot tell the coder from the file name",
                         fix="name the sheet after its coder (e.g. ana.csv) or give --coder NAME")
    return name


def human_coding_rows(codings: dict[str, SheetCoding]) -> pd.DataFrame:
    """Codings per coder -> rows of the codings.csv contract (score 1, the status marked), an empty
    ``code_id`` (score 0, no status) for a segment coded with no code."""
    rows = []
    for coder, coding in codings.items():
        for segment_id, statuses in coding.items():
            rows += ([(segment_id, code, 1, "", status, coder) for code, status in statuses.items()]
                     or [(segment_id, "", 0, "", "", coder)])
    return pd.DataFrame(rows, columns=CODING_COLUMNS)


def import_coding(root: str | Path, site: str, sheets: Sequence[str | Path], coder: str | None = None) -> pd.DataFrame:
    """Read filled sheets (all ``coder``'s, or each its file name's) into ``human_codings.csv``; returns it.

    Rows of other coders already in the file are kept; a coder imported again is replaced.
    """
    segments = _read_processed(root, site, SEGMENTS_FILE, SEGMENT_COLUMNS)
    segments = segments[segments["speaker"] == "informant"]
    code_ids = list(site_codebook(root, site).code_ids)
    codings: dict[str, SheetCoding] = {}
    source: dict[tuple[str, str], Path] = {}
    for sheet in map(Path, sheets):
        name = _checked_coder(sheet, coder or coder_from_filename(sheet))
        for segment_id, statuses in read_review_sheet(sheet, segments, code_ids).items():
            if (name, segment_id) in source:
                raise InputError(sheet, f"segment {segment_id} was coded by {name} in {source[name, segment_id]} too",
                                 fix="give each segment to one sheet per coder")
            source[name, segment_id] = sheet
            codings.setdefault(name, {})[segment_id] = statuses
    out_path = processed_site_dir(Path(root), site) / HUMAN_CODINGS_FILE
    return merge_human_codings(out_path, human_coding_rows(codings), list(segments["segment_id"]), code_ids)


def merge_human_codings(out_path: Path, new: pd.DataFrame, segment_order: list[str], code_ids: list[str]) -> pd.DataFrame:
    """Write ``new`` into ``out_path``: the coders of ``new`` replace their rows there, other coders' are kept."""
    if out_path.is_file():
        kept = read_table(out_path, CODING_COLUMNS,
                          fix="restore it from a copy, or delete it and import every coder's sheets again")
        new = pd.concat([kept[~kept["coder"].isin(set(new["coder"]))], new.astype(str)], ignore_index=True)
    new = _sorted_codings(new.astype(str), segment_order, code_ids)
    write_csv(out_path, new)
    return new


def _checked_coder(sheet: Path, name: str) -> str:
    name = name.strip()
    if not name or name.startswith(CLASSIFIER_CODER_PREFIX):
        raise InputError(sheet, f"coder name {name!r} is empty or reserved for the classifier",
                         fix="give the coder's name, e.g. --coder ana")
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # a byte of the command line that is no character in this locale
        raise InputError(sheet, f"coder name {name!r} is not valid text (it cannot be written as UTF-8)",
                         fix="give the coder's name in letters, e.g. --coder ana") from None
    return name


def _sorted_codings(frame: pd.DataFrame, segment_order: list[str], code_ids: list[str]) -> pd.DataFrame:
    """Coders by name, their segments in segments.csv order, codes in codebook order (stable on reruns)."""
    segment_position = {segment: i for i, segment in enumerate(segment_order)}
    code_position = {code: i for i, code in enumerate(["", *code_ids])}
    keys = frame.assign(
        _segment=frame["segment_id"].map(segment_position).fillna(len(segment_order)),
        _code=frame["code_id"].map(code_position).fillna(len(code_position)),
    )
    return keys.sort_values(["coder", "_segment", "segment_id", "_code", "code_id"], kind="stable")[CODING_COLUMNS].reset_index(drop=True)
