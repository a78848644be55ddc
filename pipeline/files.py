"""Reading tables at the edges, and writing outputs so that a failed run never leaves half a file.

Every output goes to a temporary file in the same folder and is renamed over the target only when
complete (``os.replace`` is atomic on one file system). CSVs are written with fixed settings (UTF-8,
``\\n`` line ends, no index) so reruns are byte-identical.

Commands that rewrite a project's ``data/processed/`` and ``reports/`` (``seci run``, ``ingest``,
``code``) hold the project's lock (:func:`project_lock`): one at a time, and whatever a killed
command left of its temporary files is removed before the next one writes.
"""

from __future__ import annotations

import csv
import json
import os
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterable, Iterator

import pandas as pd

from pipeline.contracts import PROCESSED_DIR, REPORTS_DIR
from pipeline.errors import InputError

LOCK_FILE = ".seci.lock"  # in the project folder


TEMPORARY_SUFFIX = ".tmp"  # of the files atomic_path writes before renaming them: .<name>.<random>.tmp


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
    if not path.is_file():
        raise InputError(path, "file not found", fix=fix)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise InputError(path, f"missing column(s) {', '.join(missing)}", line=1, fix=fix)
    return frame


def delimited_records(path: Path, lines: Iterable[str], check_header: Callable[[Path, int, list[str]], None],
                      *, delimiter: str = ",") -> Iterator[tuple[int, dict]]:
    """The rows of a CSV (or TSV) with the line each starts on; names stripped, header checked first."""
    reader = csv.DictReader(lines, delimiter=delimiter)
    check_header(path, 1, [name.strip() for name in reader.fieldnames or []])
    start = reader.line_num + 1
    for record in reader:
        yield start, {(key or "").strip(): value for key, value in record.items()}
        start = reader.line_num + 1


def json_lines_records(path: Path, lines: Iterable[str], check_header: Callable[[Path, int, list[str]], None],
                       *, example: str) -> Iterator[tuple[int, dict]]:
    """The objects of a JSON Lines file with their line numbers; blank lines skipped, keys checked."""
    for line, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            record = json.loads(raw)
        except json.JSONDecodeError as error:
            raise InputError(path, f"not valid JSON ({error.msg})", line=line, fix="write one JSON object per line") from None
        if not isinstance(record, dict):
            raise InputError(path, "not a JSON object", line=line, fix=f"write objects such as {example}")
        check_header(path, line, list(record))
        yield line, record
