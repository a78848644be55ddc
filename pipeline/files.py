"""Reading tables at the edges, and writing outputs so that a failed run never leaves half a file.

Every output goes to a temporary file in the same folder and is renamed over the target only when
complete (``os.replace`` is atomic on one file system). CSVs are written with fixed settings (UTF-8,
``\\n`` line ends, no index) so reruns are byte-identical.

Commands that rewrite a project's ``data/processed/`` and ``reports/`` (``seci run``, ``ingest``,
``code``) hold the project's lock (:func:`project_lock`): one at a time, and whatever a killed
command left of its temporary files is removed before the next one writes.

The CSV, TSV and JSON Lines files users hand to ``seci classify``, ``agreement`` and ``import-coding``
are read here, by one set of rules, each broken rule an :class:`~pipeline.errors.InputError` naming
the file and line:

- no line, and no field, longer than :data:`~pipeline.contracts.MAX_TEXT_CHARS` characters; lines are
  read at most that long, so a 200 MB line costs no more memory than the limit;
- JSON nested deeper than Python's JSON reader goes (about 1,000 levels), or an integer of more than
  :data:`MAX_DIGITS` digits, is refused instead of crashing the reader;
- text must be Unicode that can be written as UTF-8: a lone surrogate (a JSON escape such as
  ``\\ud800`` without its pair) is refused where it is read. Strict UTF-8 decoding already refuses one
  in CSV and TSV files, so the rule is the same in every command.
"""

from __future__ import annotations

import csv
import json
import os
import re
import sys
import tempfile
from contextlib import contextmanager
from itertools import count
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator, TextIO

from pipeline.contracts import MAX_TEXT_CHARS, PROCESSED_DIR, REPORTS_DIR
from pipeline.errors import InputError

if TYPE_CHECKING:  # pandas is imported where a table is read or written: `seci classify` starts without it
    import pandas as pd

LOCK_FILE = ".seci.lock"  # in the project folder
TEMPORARY_SUFFIX = ".tmp"  # of the files atomic_path writes before renaming them: .<name>.<random>.tmp
MAX_DIGITS = 4300  # Python's own limit for turning an integer into text (sys.get_int_max_str_digits)
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")  # in decoded JSON, a surrogate left is one without its pair
_SPLIT_TEXTS = "split the text into smaller ones (one per answer or paragraph)"


@contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it replaces ``target``, on error it is removed.

    A target that cannot be written (a folder, a place under a file, a folder without write
    permission) stops with one line naming it, before anything is written.
    """
    target = Path(target)
    if target.is_dir():
        raise InputError(target, "is a folder, not a file", fix="name a file to write")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=TEMPORARY_SUFFIX)
    except OSError as error:
        blocking = next((parent for parent in target.parents if parent.exists() and not parent.is_dir()), None)
        said = f"{blocking} is a file, not a folder" if blocking else error.strerror or str(error)
        raise InputError(target, f"cannot be written ({said})", fix="choose a file in a folder you may write to") from None
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, 0o644)
        os.replace(tmp_path, target)
    finally:
        tmp_path.unlink(missing_ok=True)


def is_file(path: Path) -> bool:
    """Whether a path a user wrote names a file: one the system cannot even look up (a name too long,
    a folder that may not be read) names none, where ``Path.is_file`` would raise."""
    try:
        return path.is_file()
    except OSError:
        return False


def is_temporary(path: Path) -> bool:
    """A file :func:`atomic_path` was writing when its command was killed: never an output."""
    return path.name.startswith(".") and path.name.endswith(TEMPORARY_SUFFIX)


def remove_temporaries(folder: Path) -> None:
    """Delete what killed commands left of their writes under ``folder``."""
    for path in folder.rglob(f".*{TEMPORARY_SUFFIX}"):
        if path.is_file() and is_temporary(path):
            path.unlink(missing_ok=True)


@contextmanager
def project_lock(root: str | Path) -> Iterator[None]:
    """Hold the project's lock while rewriting its outputs; a second command waits, saying so in one line.

    The lock is the system's (``flock`` on ``<root>/.seci.lock``), so a command killed in any way
    never leaves it held. Once it is held no other command is writing, so every temporary file
    under ``data/processed/`` and ``reports/`` is a killed command's leftover, and is removed.
    """
    try:
        import fcntl
    except ImportError:  # Windows: no lock
        yield
        return
    path = Path(root) / LOCK_FILE
    try:
        handle = open(path, "a+", encoding="utf-8")
    except OSError as error:
        raise InputError(path, f"cannot be written ({error.strerror or error})",
                         fix="run seci in a project folder you may write to") from None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip()
            print(f"seci: waiting for the seci command already running on this project"
                  f"{f' (process {holder})' if holder else ''} to finish", file=sys.stderr, flush=True)
            fcntl.flock(handle, fcntl.LOCK_EX)
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        for folder in (PROCESSED_DIR, REPORTS_DIR):
            if (Path(root) / folder).is_dir():
                remove_temporaries(Path(root) / folder)
        yield
def check_writable(target: Path, *, option: str) -> None:
    """Stop before any work when ``target`` cannot be written: it is a folder, its folder does not exist,
    or no file may be made there (the only sure test, also for root on a read-only file system)."""
    fix = f"give {option} a file in a folder you may write in"
    if target.is_dir():
        raise InputError(target, "is a folder", fix=fix)
    if not target.parent.is_dir():
        raise InputError(target, f"the folder {target.parent} does not exist", fix=fix)
    try:
        tempfile.TemporaryFile(dir=target.parent).close()
    except OSError as error:
        raise InputError(target, f"cannot write in {target.parent} ({error.strerror})", fix=fix) from None


def write_text(target: str | Path, text: str) -> None:
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8", newline="\n")


def write_bytes(target: str | Path, data: bytes) -> None:
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)


def write_csv(target: str | Path, frame: pd.DataFrame) -> None:
    with atomic_path(target) as tmp:
        frame.to_csv(tmp, index=False, encoding="utf-8", lineterminator="\n")


def read_table(path: Path, columns: list[str], *, fix: str) -> pd.DataFrame:
    """A processed CSV as strings, with its contract's columns checked; ``fix`` says how to rebuild it."""
    import pandas as pd

    if not path.is_file():
        raise InputError(path, "file not found", fix=fix)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except pd.errors.EmptyDataError:
        raise InputError(path, "empty file", fix=fix) from None
    except UnicodeDecodeError:
        raise InputError(path, "not UTF-8 text", fix=fix) from None
    except pd.errors.ParserError as error:
        raise InputError(path, f"malformed CSV ({str(error).strip().splitlines()[0]})", fix=fix) from None
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise InputError(path, f"missing column(s) {', '.join(missing)}", line=1, fix=fix)
    return frame


def text_lines(path: Path, handle: TextIO) -> Iterator[str]:
    """The lines of an open text file, line ends kept, each at most :data:`MAX_TEXT_CHARS` long.

    A longer line is an error named by its number, found after reading no more than the limit of it.
    """
    for number in count(1):
        line = handle.readline(MAX_TEXT_CHARS + 2)  # room for the line end, \r\n
        if not line:
            return
        if len(line.rstrip("\r\n")) > MAX_TEXT_CHARS:
            raise InputError(path, f"a line longer than {MAX_TEXT_CHARS:,} characters", line=number, fix=_SPLIT_TEXTS)
        yield line


@contextmanager
def csv_errors(path: Path, reader) -> Iterator[None]:
    """Turn the errors of a ``csv.reader`` while it reads into an :class:`InputError` naming the line."""
    try:
        yield
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            raise InputError(path, f"a field longer than {MAX_TEXT_CHARS:,} characters", line=reader.line_num,
                             fix=_SPLIT_TEXTS) from None
        raise InputError(path, f"malformed CSV ({error})", line=reader.line_num,
                         fix="check the quoting of the texts") from None


def delimited_records(path: Path, handle: TextIO, check_header: Callable[[Path, int, list[str]], None],
                      *, delimiter: str = ",") -> Iterator[tuple[int, dict]]:
    """The rows of a CSV (or TSV) with the line each starts on; names stripped, header checked first."""
    reader = csv.DictReader(text_lines(path, handle), delimiter=delimiter)
    with csv_errors(path, reader.reader):  # the csv reader within: its line count is up to date
        check_header(path, 1, [name.strip() for name in reader.fieldnames or []])
        start = reader.line_num + 1
        for record in reader:
            yield start, {(key or "").strip(): value for key, value in record.items()}
            start = reader.line_num + 1


class _LongNumber(ValueError):
    """An integer in JSON with more than :data:`MAX_DIGITS` digits."""


def _json_integer(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_DIGITS:
        raise _LongNumber(f"a number of {len(digits.lstrip('-')):,} digits")
    return int(digits)


_JSON = json.JSONDecoder(parse_int=_json_integer)


def json_lines_records(path: Path, handle: TextIO, check_header: Callable[[Path, int, list[str]], None],
                       *, example: str) -> Iterator[tuple[int, dict]]:
    """The objects of a JSON Lines file with their line numbers; blank lines skipped, keys checked."""
    for line, raw in enumerate(text_lines(path, handle), start=1):
        if not raw.strip():
            continue
        try:
            record = _JSON.decode(raw)
        except json.JSONDecodeError as error:
            raise InputError(path, f"not valid JSON ({error.msg})", line=line, fix="write one JSON object per line") from None
        except RecursionError:
            raise InputError(path, "JSON nested too deeply", line=line, fix=f"write flat objects such as {example}") from None
        except _LongNumber as error:
            raise InputError(path, f"{error} (at most {MAX_DIGITS:,})", line=line,
                             fix='write a long id as a string ("...")') from None
        if not isinstance(record, dict):
            raise InputError(path, "not a JSON object", line=line, fix=f"write objects such as {example}")
        if "\\u" in raw and _holds_lone_surrogate(record):
            raise InputError(path, "a lone surrogate escape (\\ud800 to \\udfff without its pair) is no character",
                             line=line, fix="write the character itself, or both escapes of its pair")
        check_header(path, line, list(record))
        yield line, record


def _holds_lone_surrogate(value: object) -> bool:
    """Whether a decoded JSON value holds a lone surrogate anywhere (keys included), without recursion:
    the value may be nested almost as deep as Python's stack."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if not item.isascii() and _LONE_SURROGATE.search(item):
                return True
        elif isinstance(item, dict):
            pending += item
            pending += item.values()
        elif isinstance(item, list):
            pending += item
    return False
