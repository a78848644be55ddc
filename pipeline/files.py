"""Reading tables at the edges, and writing outputs so that a failed run never leaves half a file.

Every output goes to a temporary file in the same folder and is renamed over the target only when
complete (``os.replace`` is atomic on one file system). CSVs are written with fixed settings (UTF-8,
``\\n`` line ends, no index) so reruns are byte-identical.
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterable, Iterator

import pandas as pd

from pipeline.errors import InputError


@contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it replaces ``target``, on error it is removed."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, 0o644)
        os.replace(tmp_path, target)
    finally:
        tmp_path.unlink(missing_ok=True)


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
