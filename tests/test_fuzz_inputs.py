"""Fuzzing the inputs a researcher writes: every generated input ends in success or one clean line.

Hypothesis generates transcripts in every format (text, Markdown, WebVTT, SubRip, CSV, and .docx /
.odt zips, broken ones included), ``informants.csv`` files, ``study.yaml`` files and codebooks, as
mutations of good ones and from scratch. Each goes through the command line in this process
(``seci ingest`` then ``seci code`` for a site, ``seci check-codebook`` then ``seci classify`` for a
codebook), and must exit 0, or exit 2 with one line naming a file and nothing written; any other
exception fails the test with its traceback, and an input that takes longer than ``HANG_SECONDS``
counts as a hang.

Profiles: ``fast`` (the default, part of ``make test``) and ``long`` (``SECI_FUZZ=long``, ``make
fuzz``), which also prints the examples, outcomes and time per kind. The inputs that found bugs are
kept in ``tests/fixtures/fuzz/`` and rerun by :func:`test_the_inputs_that_found_bugs_stay_fixed`.
"""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
import time
import zipfile
from collections import Counter
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.cli import main
from pipeline.contracts import MAX_LINE_CHARS, MAX_TURNS

pytestmark = pytest.mark.fuzz

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures"
REGRESSIONS = FIXTURES / "fuzz"
SITE = "site-f"
HANG_SECONDS = 10.0

settings.register_profile("fast", max_examples=25, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("long", max_examples=2_000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
PROFILE = os.environ.get("SECI_FUZZ", "fast")
FUZZ = settings.get_profile(PROFILE)

TALLY: dict[str, Counter] = {}


@pytest.fixture(scope="module", autouse=True)
def figures():
    """The long profile's figures: examples, outcomes, slowest example and time per kind."""
    started = time.monotonic()
    yield
    if PROFILE == "long":
        for kind, counts in TALLY.items():
            print(f"\nfuzz {kind}: {counts['examples']} examples, {counts['exit 0']} exit 0, {counts['exit 2']} exit 2, "
                  f"{counts['tracebacks']} tracebacks, {counts['hangs']} hangs, slowest {counts['slowest ms'] / 1000:.2f} s, "
                  f"{counts['ms'] / 1000:.0f} s")
        print(f"fuzz total: {sum(c['examples'] for c in TALLY.values())} examples in {time.monotonic() - started:.0f} s")


# --- running an input through the command line ---------------------------------------------------------

STUDY = (FIXTURES / "ingest/project/data/raw/library-x/study.yaml").read_text(encoding="utf-8").replace(
    "site: library-x", f"site: {SITE}")
INFORMANTS = "informant_id,role,transcript,language\nA1,librarian,{name},en\n"
GOOD_TRANSCRIPT = "Interviewer: How do you share what you know?\nRespondent: We discuss it every month.\n"
MINIMAL_CODEBOOK = (FIXTURES / "codebook/minimal.yaml").read_text(encoding="utf-8")
TEXTS = "id,text,lang\n1,Kami berdiskusi setiap bulan dan mentor membimbing.,id\n2,We lack training; not yet.,en\n"


def seci(*args: str) -> tuple[int, str]:
    """``seci ARGS`` in this process: its exit status and standard error."""
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        status = main(list(args))
    return status, err.getvalue()


def check(kind: str, run) -> None:
    """Run one example and tally it; a traceback propagates, a hang fails the test."""
    counts = TALLY.setdefault(kind, Counter())
    started = time.monotonic()
    try:
        status = run()
    except BaseException:
        counts["tracebacks"] += 1  # hypothesis reports it (and stops the kind) once shrunk
        raise
    elapsed = time.monotonic() - started
    counts.update({"examples": 1, f"exit {status}": 1, "ms": round(elapsed * 1000)})
    counts["slowest ms"] = max(counts["slowest ms"], round(elapsed * 1000))
    if elapsed > HANG_SECONDS:
        counts["hangs"] += 1
        pytest.fail(f"{kind}: an input took {elapsed:.1f} s")


def clean_exit(status: int, err: str, root: Path) -> None:
    assert status in (0, 2), err
    if status == 2:
        assert err.startswith("seci: error: ") and err.count("\n") == 1, err
        assert str(root) in err, err  # the message names the file


def run_site(files: dict[str, bytes]) -> int:
    """A site of one informant made of ``files`` (path in the site -> bytes): ingest, then code."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        site = root / "data/raw" / SITE
        (site / "transcripts").mkdir(parents=True)
        for name, data in files.items():
            (site / name).write_bytes(data)
        status, err = seci("ingest", "--root", folder, "--site", SITE)
        clean_exit(status, err, root)
        if status == 2:
            assert not (root / "data/processed").exists(), "nothing is written on bad input"
            return status
        status, err = seci("code", "--root", folder, "--site", SITE)
        clean_exit(status, err, root)
        return status


def site_files(transcript: bytes = GOOD_TRANSCRIPT.encode(), name: str = "A1.txt", *, study: bytes | None = None,
               informants: bytes | None = None) -> dict[str, bytes]:
    return {"study.yaml": STUDY.encode() if study is None else study,
            "informants.csv": INFORMANTS.format(name=name).encode() if informants is None else informants,
            f"transcripts/{name}": transcript}


def run_codebook(data: bytes) -> int:
    """``seci check-codebook`` and, for a valid codebook, ``seci classify`` with it."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "codebook.yaml").write_bytes(data)
        status, err = seci("check-codebook", str(root / "codebook.yaml"))
        clean_exit(status, err, root)
        if status == 0:
            (root / "texts.csv").write_text(TEXTS, encoding="utf-8")
            status, err = seci("classify", str(root / "texts.csv"), "--out", str(root / "coded.csv"),
                               "--codebook", str(root / "codebook.yaml"))
            clean_exit(status, err, root)
        return status


# --- strategies --------------------------------------------------------------------------------------------

LABELS = ("Interviewer", "Q", "Respondent", "A", "respondent", "Visitor", "Dr. Who", "**A**", "[00:01] Q")
ODD_LINES = ("", "# a comment", "[inaudible]", "(laughs (laughs (laughs)))", "WEBVTT", "NOTE a note", "1",
             "00:00:01.000 --> 00:00:02.500", "00:00:01,000 --> 00:00:02,500", "<v Respondent>We share.</v>",
             "<v  >", "<<<<", "....!!!??", "A:", ":", "Q: \x00", "\ufeffQ: hi", "Respondent: " + "ha " * 50,
             "Maria Santos said: yes", "<b>A: bold</b>")
text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60)
line = st.one_of(st.builds("{}: {}".format, st.sampled_from(LABELS), text), text, st.sampled_from(ODD_LINES))
lines = st.lists(line, max_size=25)
# A first and a last turn of the site's labels, so that about half of the generated transcripts are read.
framed_lines = lines.map(lambda ls: ["Interviewer: What do you do?", *ls, "Respondent: We share what we know."])


def mostly(good, odd):
    """``good`` three times in four."""
    return st.one_of(good, good, good, odd)


def mutated(seed: bytes):
    """``seed`` with a few byte edits: inserted, deleted, overwritten or repeated runs, or cut short."""
    edit = st.tuples(st.sampled_from(("insert", "delete", "overwrite", "repeat", "cut")),
                     st.integers(0, max(len(seed), 1)), st.binary(min_size=1, max_size=6), st.integers(1, 40))

    def apply(edits) -> bytes:
        data = bytearray(seed)
        for action, at, chunk, n in edits:
            at = min(at, len(data))
            if action == "insert":
                data[at:at] = chunk
            elif action == "delete":
                del data[at:at + n]
            elif action == "overwrite":
                data[at:at + len(chunk)] = chunk
            elif action == "repeat":
                data[at:at] = data[at:at + n] * n
            else:
                del data[at:]
        return bytes(data)

    return st.lists(edit, min_size=1, max_size=4).map(apply)


ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1")


def encoded(texts):
    return st.tuples(texts, st.sampled_from(ENCODINGS)).map(lambda pair: pair[0].encode(pair[1], "replace"))


def text_transcript(ext: str):
    """A .txt/.md/.vtt/.srt transcript: generated lines, or a mutated fixture of that format."""
    seed = (FIXTURES / "ingest/formats" / f"interview{ext}").read_bytes()
    generated = framed_lines.map(lambda ls: ("WEBVTT\n\n" if ext == ".vtt" else "") + "\n".join(ls))
    return st.one_of(encoded(generated), mutated(seed), st.binary(max_size=300))


def csv_transcript():
    seed = (FIXTURES / "ingest/formats/interview.csv").read_bytes()
    cell = st.one_of(text, st.sampled_from(LABELS), st.just('"quoted, with ""quotes"""'))
    row = mostly(st.tuples(st.sampled_from(("Interviewer", "Respondent", "A", "Q")), text.filter(lambda t: "," not in t)
                           ).map(list), st.lists(cell, max_size=4))
    rows = st.lists(row, max_size=12).map(lambda rs: [["Respondent", "We share."], *rs])
    generated = rows.map(lambda rs: "speaker,text\n" + "\n".join(",".join(r) for r in rs))
    return mostly(encoded(generated), mutated(seed))


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
ODF_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
ODF_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
XML_EDITS = (
    ("prefix", '<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'),
    ("prefix", '<!DOCTYPE d SYSTEM "file:///etc/passwd">'),
    ("wrap", 200), ("wrap", 5), ("inject", "&undefined;"), ("inject", "<unclosed>"), ("inject", "\x01"),
    ("inject", '<text:s text:c="999999999999"/>'), ("inject", '<text:s text:c="abc"/>'), ("inject", "]]>"),
    ("encoding", "ebcdic"), ("none", ""),
)


def _xml(paragraphs: list[str], ext: str, edit: tuple) -> bytes:
    from xml.sax.saxutils import escape

    if ext == ".docx":
        body = "".join(f"<w:p><w:r><w:t>{escape(p)}</w:t></w:r></w:p>" for p in paragraphs)
        root_open, root_close = f'<w:document xmlns:w="{W}"><w:body>', "</w:body></w:document>"
    else:
        body = "".join(f"<text:p>{escape(p)}</text:p>" for p in paragraphs)
        root_open = f'<office:document-content xmlns:office="{ODF_OFFICE}" xmlns:text="{ODF_TEXT}"><office:body><office:text>'
        root_close = "</office:text></office:body></office:document-content>"
    action, value = edit
    declaration, prefix = '<?xml version="1.0" encoding="UTF-8"?>', ""
    if action == "prefix":
        prefix = value
    elif action == "wrap":
        body = "<x>" * value + body + "</x>" * value
    elif action == "inject":
        body = body[:len(body) // 2] + value + body[len(body) // 2:]
    elif action == "encoding":
        declaration = f'<?xml version="1.0" encoding="{value}"?>'
    return (declaration + prefix + root_open + body + root_close).encode("utf-8")


def _zip(member: str, xml: bytes, method: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), b"application/vnd.oasis.opendocument.text")
        archive.writestr(zipfile.ZipInfo(member), xml, compress_type=method)
    return buffer.getvalue()


def _patched(data: bytes, patches: list[tuple[str, int]]) -> bytes:
    """Header fields of the last central-directory entry overwritten: flags, method, sizes."""
    data = bytearray(data)
    entry = data.rfind(b"PK\x01\x02")
    offsets = {"flags": (8, 2), "method": (10, 2), "packed": (20, 4), "unpacked": (24, 4)}
    for field, value in patches:
        if entry >= 0:
            at, width = offsets[field]
            data[entry + at:entry + at + width] = (value % 256 ** width).to_bytes(width, "little")
    return bytes(data)


@st.composite
def document(draw, ext: str) -> bytes:
    """A .docx or .odt: its XML generated and perhaps broken, zipped, the zip perhaps broken too."""
    xml = _xml(draw(framed_lines), ext, draw(mostly(st.just(("none", "")), st.sampled_from(XML_EDITS))))
    right = "word/document.xml" if ext == ".docx" else "content.xml"
    member = draw(mostly(st.just(right), st.sampled_from(("other.xml", right.upper()))))
    data = _zip(member, xml, draw(st.sampled_from((zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED))))
    field = st.sampled_from(("flags", "method", "packed", "unpacked"))
    data = _patched(data, draw(mostly(st.just([]), st.lists(st.tuples(field, st.integers(0, 2 ** 32)), max_size=2))))
    return draw(mostly(st.just(data), mutated(data)))


TRANSCRIPT_FORMATS = (".txt", ".md", ".vtt", ".srt", ".csv", ".docx", ".odt")


def transcript_of(ext: str):
    if ext == ".csv":
        return csv_transcript()
    if ext in (".docx", ".odt"):
        return document(ext)
    return text_transcript(ext)


YAML_ODDITIES = (
    "&a [*a]", "!!int abc", "!!float x", "!!timestamp x", "2024-13-45", "1.0e+999", ".nan", "-.inf", "9" * 5000,
    "[" * 40 + "]" * 40, "{? [a] : b}", "!!python/object/apply:os.system [ls]", "*nowhere", "!!binary AAA",
    "!!set {a, b}", "|\n  text", "0x7fffffffffffffffffff", "~", "''", "'a: b'", "[a, [b, [c]]]", "{a: {b: {c: d}}}",
    "!!omap [a: 1]", "rot13", "base64", "undefined", "idna", "utf-16", "cp1252", "latin-1", "utf\\0", "'\\x00'",
)
LEAF = st.one_of(st.none(), st.booleans(), st.integers(), st.integers(10 ** 20, 10 ** 40), st.floats(), text,
                 st.sampled_from(("id", "en", "answer", "sentence", "remove", "keep", "seci", "patron", "TODO",
                                  "interviewer", "informant", "names", "term", "weight", "x" * 200, "x" * 300)))
VALUE = st.recursive(LEAF, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                   st.dictionaries(st.one_of(text, LEAF), inner, max_size=4)),
                     max_leaves=12)
HOLE = "@@fuzz@@"


def _paths(value, path=()):
    yield path
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, path + (key,))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _paths(child, path + (index,))


def _replaced(data, path, new):
    if not path:
        return new
    data = dict(data) if isinstance(data, dict) else list(data)
    head, rest = path[0], path[1:]
    if rest:
        data[head] = _replaced(data[head], rest, new)
    elif new is _DELETE:
        del data[head]
    else:
        data[head] = new
    return data


_DELETE = object()


def yaml_mutation(seed: str):
    """``seed`` (YAML) with one value replaced (by generated data or by raw YAML such as an alias loop),
    one key removed or an unknown one added, or its text edited byte by byte."""
    data = yaml.safe_load(seed)
    paths = list(_paths(data))

    @st.composite
    def structured(draw) -> bytes:
        path = draw(st.sampled_from(paths))
        how = draw(st.sampled_from(("value", "raw", "delete", "add")))
        if how == "delete" and path:
            changed = _replaced(data, path, _DELETE)
        elif how == "add":
            changed = _replaced(data, path + (draw(st.one_of(text, st.sampled_from(("extra", "names", "keywords")))),),
                                draw(VALUE)) if isinstance(_at(data, path), dict) else data
        else:
            changed = _replaced(data, path, HOLE if how == "raw" else draw(VALUE))
        dumped = yaml.safe_dump(changed, allow_unicode=True, sort_keys=False, width=1000)
        return dumped.replace(HOLE, draw(st.sampled_from(YAML_ODDITIES))).encode("utf-8")

    return st.one_of(structured(), mutated(seed.encode("utf-8")))


def _at(data, path):
    for part in path:
        data = data[part]
    return data


def informants_csv():
    """Rows of mostly good cells (each column's good values, or anything), under a good or odd header."""
    seed = INFORMANTS.format(name="A1.txt").encode()
    odd = st.one_of(text, st.sampled_from(("", "../A1.txt", "A1.txt\x00", '"a, b"', "x" * 300, "1e3", "A 1")))
    column = [mostly(st.sampled_from(good), odd) for good in
              (("A1", "A2", "L-1_b"), ("librarian", "patron"), ("A1.txt",), ("en", "id", ""))]
    row = st.tuples(*column, st.lists(odd, max_size=2)).map(lambda r: [*r[:4], *r[4]])
    header = st.sampled_from(("informant_id,role,transcript,language", "informant_id,role,transcript,language,unit",
                              "informant_id,role,transcript", "informant_id,role,transcript,language,role", "id,text"))
    generated = st.tuples(header, st.lists(row, max_size=4)).map(
        lambda hr: hr[0] + "\n" + "\n".join(",".join(r) for r in hr[1]))
    return mostly(encoded(generated), mutated(seed))


# --- the fuzz tests -------------------------------------------------------------------------------------

def sites(transcripts=None, *, study=None, informants=None):
    """Site files with one generated part; the site's segment unit and mark handling vary too."""
    def files(parts) -> dict[str, bytes]:
        (ext, transcript), study_text, informants_text, unit, marks = parts
        study_text = study_text or STUDY.replace("segment_unit: answer", f"segment_unit: {unit}").replace(
            "transcription_marks: remove", f"transcription_marks: {marks}").encode()
        return site_files(transcript, f"A1{ext}", study=study_text, informants=informants_text)

    def given_or(strategy, default):
        return default if strategy is None else strategy

    return st.tuples(given_or(transcripts, st.just((".txt", GOOD_TRANSCRIPT.encode()))), given_or(study, st.none()),
                     given_or(informants, st.none()), st.sampled_from(("answer", "sentence")),
                     st.sampled_from(("remove", "keep"))).map(files)


def with_ext(exts, strategy_of):
    return st.sampled_from(exts).flatmap(lambda ext: strategy_of(ext).map(lambda data: (ext, data)))


KINDS = {
    "text transcripts": (sites(with_ext((".txt", ".md", ".vtt", ".srt"), text_transcript)), run_site),
    "csv transcripts": (sites(with_ext((".csv",), lambda _: csv_transcript())), run_site),
    "docx/odt transcripts": (sites(with_ext((".docx", ".odt"), document)), run_site),
    "informants.csv": (sites(informants=informants_csv()), run_site),
    "study.yaml": (sites(study=yaml_mutation(STUDY)), run_site),
    "codebooks": (yaml_mutation(MINIMAL_CODEBOOK), run_codebook),
}


@pytest.mark.parametrize("kind", KINDS)
def test_fuzz(kind):
    strategy, run = KINDS[kind]

    @FUZZ
    @given(example=strategy)
    def examples(example):
        check(kind, lambda: run(example))

    examples()


# --- the inputs that found bugs, and the limits ----------------------------------------------------------

def regression_case(path: Path) -> int:
    """Run a kept input as what its folder says it is: a transcript, informants.csv, study.yaml or codebook."""
    kind, data = path.parent.name, path.read_bytes()
    if kind == "transcripts":
        return run_site(site_files(data, f"A1{path.suffix}"))
    if kind == "informants":
        return run_site(site_files(informants=data))
    if kind == "study":
        return run_site(site_files(study=data))
    assert kind == "codebooks", path
    return run_codebook(data)


@pytest.mark.parametrize("path", sorted(p for p in REGRESSIONS.rglob("*") if p.is_file() and p.name != "README.md"),
                         ids=lambda p: f"{p.parent.name}/{p.name}")
def test_the_inputs_that_found_bugs_stay_fixed(path):
    assert regression_case(path) == 2, "each kept input is bad input"


@pytest.mark.parametrize("name, transcript, limit", [
    ("one line of 10 MB", b"Respondent: " + b"word " * 1_999_990, f"line of 9,999,962 characters, more than the limit of {MAX_LINE_CHARS:,}"),
    ("100,000 turns", b"Interviewer: Q?\nRespondent: A.\n" * 50_000, f"more than {MAX_TURNS:,} turns"),
    ("more than 10 MB", b"Respondent: word.\n" * 600_000, "more than the limit of 10,000,000 for one file"),
])
def test_a_transcript_over_a_limit_stops_at_once_with_the_limit_named(name, transcript, limit):
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as folder:
        site = Path(folder) / "data/raw" / SITE
        (site / "transcripts").mkdir(parents=True)
        for relative, data in site_files(transcript).items():
            (site / relative).write_bytes(data)
        status, err = seci("ingest", "--root", folder, "--site", SITE)
    assert status == 2 and limit in err, err
    # A guard against a hang or a quadratic read, not a speed target: it stops within a second or two on an
    # idle machine, and a bound this loose does not flake when the machine is busy.
    assert time.monotonic() - started < 30
