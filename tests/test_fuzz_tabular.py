"""Fuzzing `seci classify`, `agreement` and `import-coding` with generated files and option values (issue 17).

Every generated case runs through the command line in this process (:func:`pipeline.cli.main`) and
must end in success (exit 0) or a clean :class:`~pipeline.errors.SeciError` (exit 2, one line on
stderr starting ``seci: error:`` and naming the file or the option at fault). Anything else fails:
another exception, a warning (a second line on a user's terminal), a run longer than
:data:`HANG_SECONDS`, a temporary file left behind, or an output written or changed on error.

Half the cases are clean: CSV / TSV / JSON Lines files with the columns each command reads, texts
that fire keywords, options in range, so that they reach the work past the checks. In the other
half, one piece is hostile (see :class:`Case`): stray columns and short or long rows, quotes, delimiters, line ends,
NUL, escapes and a byte-order mark in cells, other encodings, flipped bytes, lone surrogates, deep
nesting, huge numbers, marks no coder should write, options past their ranges, outputs that cannot
be written. ``--hypothesis-show-statistics`` lists how each kind of case ended.

Two profiles: FAST (the normal test run, :data:`FAST_EXAMPLES` cases a target) and LONG, chosen with
``SECI_FUZZ=long`` (``make fuzz``: :data:`LONG_EXAMPLES` a target, or ``SECI_FUZZ_EXAMPLES``).
Examples that found a bug are kept as explicit tests in test_hardening_tabular.py.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import signal
import tempfile
import warnings
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest
from coded_site import SITE, make_coded_site
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from pipeline.cli import main
from pipeline.contracts import HUMAN_CODINGS_FILE, MAX_SEED, MAX_WORKERS, REVIEW_SHEET_FILE, processed_site_dir

pytestmark = pytest.mark.fuzz

FAST_EXAMPLES, LONG_EXAMPLES = 30, int(os.environ.get("SECI_FUZZ_EXAMPLES", "800"))
HANG_SECONDS = 60  # the measure of a hang
PROFILE = os.environ.get("SECI_FUZZ", "fast")
fuzz_settings = settings(
    max_examples=LONG_EXAMPLES if PROFILE == "long" else FAST_EXAMPLES, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)


# --- running a command and judging the outcome ----------------------------------------------------------

class Hang(BaseException):
    """A run took longer than HANG_SECONDS (a BaseException, so no ``except Exception`` swallows it)."""


@contextmanager
def time_limit(seconds: float):
    """Raise :class:`Hang` in the code running after ``seconds`` (SIGALRM: Unix, in the main thread)."""
    def alarm(signum, frame):
        raise Hang(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@dataclass
class Outcome:
    status: int
    out: str
    err: str


def seci(args: list[str], *, named: list[str], watched: list[Path]) -> Outcome:
    """Run ``seci ARGS``; check the promise; ``named`` are the words one of which an error must name (the
    files and options given), ``watched`` the outputs that must be as they were when it fails."""
    before = {path: path.read_bytes() if path.is_file() else None for path in watched}
    out, err = io.StringIO(), io.StringIO()
    with time_limit(HANG_SECONDS), redirect_stdout(out), redirect_stderr(err), \
            warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        status = main(args)
    outcome = Outcome(status, out.getvalue(), err.getvalue())
    assert not caught, [f"{w.category.__name__}: {w.message}" for w in caught]
    assert status in (0, 2), outcome
    event(f"exit {status}" + (f": {problem_kind(outcome.err)}" if status else ""))
    if status == 2:
        assert outcome.err.startswith("seci: error: ") and outcome.err.count("\n") == 1, outcome.err
        assert any(name in outcome.err for name in named), (outcome.err, named)
        assert {path: path.read_bytes() if path.is_file() else None for path in watched} == before, outcome.err
    else:
        assert outcome.err == "", outcome.err
    for folder in {path.parent for path in watched if path.parent.is_dir()}:
        assert not [p.name for p in folder.iterdir() if p.name.endswith(".tmp")], "temporary file left behind"
    return outcome


def problem_kind(err: str) -> str:
    """The kind of problem an error names, for the statistics of ``--hypothesis-show-statistics``:
    its words without the file, the line and the values."""
    where, _, problem = err.removeprefix("seci: error: ").partition(": ")
    if where.startswith("argument "):
        return where
    return re.sub(r"'[^']*'|\"[^\"]*\"|\([^)]*\)|\S*/\S*|[\d,.]+", "_", problem.split("; ")[0])[:60]


# --- pieces of files -----------------------------------------------------------------------------------

class Case:
    """Draws a case's pieces. Half the cases are clean (every piece as a user would give it), so that they
    reach the work past the checks. The other half holds one fault, at one of the first ``places`` places
    where a fault can go (chosen at random): as the only fault, it is the one the command meets, so every
    kind of fault is tried about as often, not just the kinds a command checks first."""

    def __init__(self, data, places: int):
        self.draw = data.draw
        faulty = self.draw(st.booleans(), label="faulty")
        self.fault_at = self.draw(st.integers(0, places - 1), label="fault at") if faulty else -1
        self.places = 0

    def fault(self) -> bool:
        """Whether to put the fault here (for a whole file's cells, say: then each cell may be odd)."""
        self.places += 1
        return self.places - 1 == self.fault_at

    def __call__(self, usual: st.SearchStrategy, unusual: st.SearchStrategy):
        return self.draw(unusual if self.fault() else usual)


ANY_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=24)  # what UTF-8 can hold
TRICKY = st.sampled_from([
    "", " ", '"', '""', 'a"b', "\n", "\r\n", "\r", ",", ";", "\t", "\x00", "\ufeff", "\u2028", "\x1b[2J", "İ",
    "\U0001F600", "NaN", "null", "-0", "1e999", "a;b", " a ", "=1+1",
])
CELL = st.one_of(ANY_TEXT, TRICKY, st.integers(-10**6, 10**6).map(str))


def any_cell(number: int) -> st.SearchStrategy:
    """The cells of a column no command reads, whatever the row."""
    return CELL


TEXTS = st.sampled_from([
    "Kami berdiskusi tiap minggu. Web belum ada.", "Belum ada pelatihan IT untuk pustakawan.", "Tidak ada.",
    "We discuss new services at lunch; the website is not yet ready.", "", "diskusi diskusi web", "İstanbul \U0001F600",
    'Dia bilang "belum", lalu\nkami menulis SOP.',
])


def mutated(case: Case, data: bytes) -> bytes:
    """``data``, or in a faulty case perhaps with bytes flipped, cut out, put in, or the end cut off."""
    for _ in range(case(st.just(0), st.sampled_from([1, 1, 3]))):
        at = case.draw(st.integers(0, len(data)))
        edit = case.draw(st.sampled_from(["flip", "cut", "insert", "truncate"]))
        byte = bytes([case.draw(st.integers(0, 255))])
        data = {"flip": data[:at] + byte + data[at + 1:], "cut": data[:at] + data[at + 1:],
                "insert": data[:at] + byte + data[at:], "truncate": data[:at]}[edit]
    return data


def encoded(case: Case, text: str, usual: list[str], unusual: list[str]) -> bytes:
    encoding = case(st.sampled_from(usual), st.sampled_from(unusual))
    return mutated(case, text.encode(encoding, "surrogatepass" if encoding.startswith("utf-8") else "replace"))


def delimited_file(case: Case, headers: list[list[str]], cells: dict, *, delimiters: str, max_rows: int = 8) -> bytes:
    """A CSV-like file: one of ``headers`` in any order (or stray names), rows of each column's cells
    (``cells[name](row number)``), in a faulty case perhaps any cells or rows a cell short or long; quoted and ended
    as spreadsheets do, UTF-8 with or without a byte-order mark (or other encodings)."""
    header = case(st.sampled_from(headers).flatmap(st.permutations),
                  st.lists(st.one_of(st.sampled_from(sorted(cells)), ANY_TEXT), max_size=4))
    odd_cells, odd_rows, rows = case.fault(), case.fault(), []
    for number in range(case(st.integers(1, max_rows), st.just(0))):
        usual = [cells.get(name, any_cell)(number) for name in header]
        row = [case.draw(st.one_of(cell, CELL) if odd_cells else cell) for cell in usual]
        rows.append(case.draw(st.sampled_from([row, row[:-1], row + ["extra"]]) if odd_rows else st.just(row)))
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=case(st.sampled_from(delimiters[0]), st.sampled_from(delimiters[1:] or delimiters)),
               lineterminator=case.draw(st.sampled_from(["\n", "\r\n", "\r"])),
               quoting=case.draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))).writerows([header, *rows])
    return encoded(case, buffer.getvalue(), ["utf-8", "utf-8-sig"], ["utf-16", "cp1252"])


def json_containers(inner: st.SearchStrategy) -> st.SearchStrategy:
    return st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)


JSON_VALUE = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=12), TRICKY),
                          json_containers, max_leaves=6)
HOSTILE_JSON_LINES = st.sampled_from([
    "[" * 999 + "]" * 999, "[" * 5000 + "]" * 5000, '{"id": 1, "text": ' + "[" * 100_000 + "]" * 100_000 + "}",
    '{"id": ' + "9" * 4300 + ', "text": "x"}', '{"id": ' + "9" * 4301 + ', "text": "x"}', '{"id": -' + "1" * 9000 + "}",
    '{"id": "\\ud800", "text": "x"}', '{"id": "a", "text": "\\udfff\\ud800"}', '{"id": "a", "text": "\\ud83d\\ude00"}',
    '{"id": "a", "text": "x"', "not json", "[1, 2]", "42", '"text"', "{}", '{"id": null, "text": null}',
    '{"id": {"a": 1}, "text": ["diskusi"]}', '{"id": 1.5e308, "text": 1e999}', '{"id": NaN, "text": Infinity}',
    '{"id": "\\u0000", "text": "\\u001b[2J"}',
])


def json_lines_file(case: Case, keys: dict, *, optional: tuple[str, ...] = (), max_lines: int = 8) -> bytes:
    """A JSON Lines file: objects with ``keys`` (values ``keys[key](line number)``); in a faulty case
    perhaps any JSON values, lines of stray keys, other values or blanks, a line no reader should choke on."""
    odd_lines, odd_values, lines = case.fault(), case.fault(), []
    for number in range(case(st.integers(1, max_lines), st.just(0))):
        kind = case.draw(st.sampled_from(["object", "stray keys", "value", "blank"]) if odd_lines else st.just("object"))
        if kind == "object":
            chosen = [key for key in keys if key not in optional or case.draw(st.booleans())]
            record = {key: case.draw(st.one_of(keys[key](number), JSON_VALUE) if odd_values else keys[key](number))
                      for key in chosen}
            lines.append(json.dumps(record, ensure_ascii=case.draw(st.booleans())))
        elif kind == "stray keys":
            lines.append(json.dumps(case.draw(st.dictionaries(st.text(max_size=6), JSON_VALUE, max_size=3))))
        elif kind == "value":
            lines.append(json.dumps(case.draw(JSON_VALUE)))
        else:
            lines.append(case.draw(st.sampled_from(["", " ", "\t"])))
    if case.fault():
        lines.insert(case.draw(st.integers(0, len(lines))), case.draw(HOSTILE_JSON_LINES))
    text = case.draw(st.sampled_from(["\n", "\r\n"])).join(lines) + case.draw(st.sampled_from(["", "\n"]))
    return encoded(case, text, ["utf-8", "utf-8-sig"], ["utf-16"])


def option(case: Case, name: str, usual: st.SearchStrategy, unusual: st.SearchStrategy) -> list[str]:
    """``[]`` (the default) or ``[name, value]``, the value in range unless the case is faulty."""
    return case.draw(st.sampled_from([[], [name]])) and [name, case(usual, unusual)]


JUNK_NUMBERS = st.sampled_from(["", "abc", "1.5", "1e3", "-1", "-0", "+1", " 1", "0x10", "\u0663", "9" * 50, "9" * 5000])
SECI_CODEBOOK = str(Path(__file__).parents[1] / "pipeline" / "codebooks" / "seci.yaml")

# --- seci classify ---------------------------------------------------------------------------------------

CLASSIFY_CELLS = {"id": lambda number: st.sampled_from([f"r{number}", f"R-{number:03}", str(number)]),
                  "text": lambda number: TEXTS, "lang": lambda number: st.sampled_from(["id", "en", "", "EN"])}


def classify_case(case: Case, name: str, data: bytes) -> None:
    options = [*option(case, "--lang", st.sampled_from(["id", "en"]), st.sampled_from(["fr", "", "ID"])),
               *option(case, "--workers", st.integers(1, MAX_WORKERS).map(str),
                       st.one_of(st.integers(-3, 0).map(str), st.just(str(MAX_WORKERS + 1)), JUNK_NUMBERS)),
               *option(case, "--codebook", st.just(SECI_CODEBOOK), st.sampled_from(["missing.yaml", name]))]
    out = case(st.sampled_from(["out.csv", "out.jsonl", "folder/out.csv", "out.ndjson"]),
               st.sampled_from(["out.CSV", "out.txt", "folder", "missing/out.csv", f"{name}/out.csv", name]))
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        (folder / "folder").mkdir()
        source, target = folder / name, folder / out
        source.write_bytes(data)
        if case.draw(st.booleans()) and target != source and target.parent.is_dir() and not target.is_dir():
            target.write_bytes(b"previous output\n")
        outcome = seci(["classify", str(source), "--out", str(target), *options],
                       named=[name, out, "missing.yaml", "argument --"], watched=[target, source])
        if outcome.status == 0:
            assert outcome.out.startswith(f"{source}: ") and target.stat().st_size > 0


@fuzz_settings
@given(data=st.data())
def test_fuzz_classify_csv(data):
    case = Case(data, places=12)
    classify_case(case, case(st.just("in.csv"), st.just("in.CSV")),
                  delimited_file(case, [["id", "text"], ["id", "text", "lang"]], CLASSIFY_CELLS, delimiters=",;\t"))


@fuzz_settings
@given(data=st.data())
def test_fuzz_classify_json_lines(data):
    case = Case(data, places=12)
    classify_case(case, case(st.just("in.jsonl"), st.sampled_from(["in.ndjson", "in.JSONL"])),
                  json_lines_file(case, CLASSIFY_CELLS, optional=("lang",)))


# --- seci agreement -------------------------------------------------------------------------------------

MODES = st.sampled_from(["socialization", "externalization", "combination", "internalization"])
CODING_CELLS = {"id": lambda number: st.sampled_from(["x1", "x2", "x3", "x4", "x5"]),
                "code": lambda number: st.one_of(MODES, st.just("")),
                "primary_code": lambda number: st.one_of(MODES, st.just("")),
                "codes": lambda number: st.lists(MODES, max_size=3).map(";".join)}
CODING_HEADERS = [["id", "code"], ["id", "code"], ["id", "codes", "primary_code"], ["id", "codes"]]


def coding_file(case: Case, folder: Path, name: str) -> Path:
    """A coding as CSV, TSV or JSON Lines: mostly long (id, code), sometimes wide (id, codes, primary_code)."""
    suffix = case(st.sampled_from([".csv", ".tsv", ".jsonl"]), st.sampled_from([".ndjson", ".TSV", ".txt"]))
    if suffix in (".jsonl", ".ndjson"):
        keys = case.draw(st.sampled_from(CODING_HEADERS))
        data = json_lines_file(case, {key: CODING_CELLS[key] for key in keys}, max_lines=10)
    else:
        data = delimited_file(case, CODING_HEADERS, CODING_CELLS, max_rows=10,
                              delimiters="\t," if suffix.lower() == ".tsv" else ",;\t")
    path = folder / f"{name}{suffix}"
    path.write_bytes(data)
    return path


@fuzz_settings
@given(data=st.data())
def test_fuzz_agreement(data):
    case = Case(data, places=18)
    options = [*case.draw(st.sampled_from([[], ["--json"]])),
               *option(case, "--seed", st.one_of(st.integers(0, MAX_SEED).map(str), st.just(str(MAX_SEED))),
                       st.one_of(st.integers(-5, -1).map(str), st.just(str(MAX_SEED + 1)), JUNK_NUMBERS)),
               # In range, at most 50,000 resamples, so that an example takes seconds: the memory ceiling
               # (a million resamples of thousands of units) has its own test.
               *option(case, "--resamples", st.one_of(st.integers(0, 3000).map(str), st.just("50000")),
                       st.one_of(st.integers(-5, -1).map(str), st.sampled_from(["1000001", "10" * 20]), JUNK_NUMBERS)),
               *option(case, "--codebook", st.just(SECI_CODEBOOK), st.just("missing.yaml"))]
    with tempfile.TemporaryDirectory() as temporary:
        paths = [coding_file(case, Path(temporary), "gold"), coding_file(case, Path(temporary), "pred")]
        outcome = seci(["agreement", *map(str, paths), *options],
                       named=["gold", "pred", "missing.yaml", "seci.yaml", "argument --", "--resamples"], watched=paths)
        if outcome.status == 0 and "--json" in options:
            json.loads(outcome.out)


# --- seci import-coding ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def site(tmp_path_factory) -> tuple[Path, list[str], list[list[str]]]:
    """A coded site with its blank review sheet: (root, the sheet's header, its rows)."""
    root = tmp_path_factory.mktemp("fuzz-site")
    make_coded_site(root)
    assert main(["review-sheet", "--root", str(root), "--site", SITE]) == 0
    text = (processed_site_dir(root, SITE) / REVIEW_SHEET_FILE).read_text(encoding="utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(text, newline="")))
    return root, header, rows


def filled_sheet(case: Case, name: str, header: list[str], rows: list[list[str]]) -> bytes:
    """A review sheet as a coder might save it: some rows marked, now and then a column renamed, dropped
    or added, an id or a text edited, another separator or encoding, bytes damaged."""
    header = list(header)
    first_code = header.index("text") + 1
    marks = st.sampled_from(["", "", "1", "x", "X", "0", " 1 "])
    if case.fault():
        marks = st.one_of(marks, st.sampled_from(["yes", "2", "\u2713", "1.0", "-", "\n"]))
    body = []
    for number in case.draw(st.lists(st.integers(0, len(rows) - 1), min_size=1, max_size=6, unique=True)):
        row = list(rows[number])
        for column in range(first_code, len(header) - 1):
            row[column] = case.draw(marks)
        body.append(row)
    edited = case.draw(st.sampled_from(body))
    edited[0] = case(st.just(edited[0]), st.sampled_from(["L1-999", "", rows[0][0]]))
    edited[header.index("text")] = case(st.just(edited[header.index("text")]), CELL)
    edit = case(st.just("none"), st.sampled_from(["rename", "drop", "add", "junk header"]))
    column = case.draw(st.integers(0, len(header) - 1))
    if edit == "rename":
        header[column] = case.draw(st.one_of(st.sampled_from(header), ANY_TEXT))
    elif edit == "drop":
        header.pop(column)
        body = [row[:column] + row[column + 1:] for row in body]
    elif edit == "add":
        header.append(case.draw(ANY_TEXT))
    elif edit == "junk header":
        header = case.draw(st.lists(ANY_TEXT, max_size=4))
    buffer = io.StringIO()
    usual = ["\t"] if name.endswith(".tsv") else [",", ";", "\t"]  # as Excel saves in English or Indonesian
    csv.writer(buffer, delimiter=case(st.sampled_from(usual), st.sampled_from([",", "|"])),
               lineterminator=case.draw(st.sampled_from(["\r\n", "\n"]))).writerows([header, *body])
    return encoded(case, buffer.getvalue(), ["utf-8-sig", "utf-8"], ["utf-16", "cp1252"])


HUMAN_HEADER = b"segment_id,code_id,score,matched,status,coder\n"
SHEET_NAMES = (["ana.csv", "review_sheet_budi.csv", "cici.tsv"],
               ["review_sheet.csv", "ana.CSV", "dedi.xlsx", "keyword-v1.csv", "noextension"])


@fuzz_settings
@given(data=st.data())
def test_fuzz_import_coding(site, data):
    case = Case(data, places=16)
    root, header, rows = site
    human_codings = processed_site_dir(root, SITE) / HUMAN_CODINGS_FILE
    human_codings.unlink(missing_ok=True)
    existing = case(st.sampled_from([None, HUMAN_HEADER + b"L1-002,socialization,1,,,budi\nL1-003,,0,,,budi\n"]),
                    st.one_of(st.sampled_from([b"", b"\n", HUMAN_HEADER, HUMAN_HEADER + b"L1-002,a,1,,,budi,extra\n",
                                               b"segment_id,code_id,score,matched,status\nL1-002,socialization,1,,\n",
                                               HUMAN_HEADER + b'"L1-002,a\n']), st.binary(max_size=300)))
    if existing is not None:
        human_codings.write_bytes(mutated(case, existing))
    names = case(st.lists(st.sampled_from(SHEET_NAMES[0]), min_size=1, max_size=2, unique=True),
                 st.lists(st.sampled_from(SHEET_NAMES[0] + SHEET_NAMES[1]), min_size=1, max_size=2, unique=True))
    who = case(st.one_of(st.just(["--coder-from-filename"]), st.sampled_from(["ana", " budi ", "ça"]).map(lambda name: ["--coder", name])),
               st.sampled_from(["", "keyword-v9", "ana\udcff", "x" * 300]).map(lambda name: ["--coder", name]))
    site_option = case(st.sampled_from([["--site", SITE], []]), st.just(["--site", "nowhere"]))
    with tempfile.TemporaryDirectory() as temporary:
        sheets = [Path(temporary) / name for name in names]
        for sheet in sheets:
            sheet.write_bytes(filled_sheet(case, sheet.name, header, rows))
        seci(["import-coding", *map(str, sheets), *who, "--root", str(root), *site_option],
             named=[*names, HUMAN_CODINGS_FILE, "argument --", "nowhere"], watched=[human_codings])
