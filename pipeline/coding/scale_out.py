"""``seci classify --engine dask``: a corpus in partitions, each coded on a Dask cluster's workers.

Corpora that outgrow one machine (open-ended answers of national surveys, years of chat-group text)
come as many files of one format: CSV, JSON Lines or Parquet, each with the columns ``id``, ``text``
and optionally ``lang``. Each partition is one task: a worker reads it, codes it exactly as
``seci classify PARTITION`` does (the same reader checks and :func:`write_codings`), and writes one
output partition, ``OUT/<partition name>.csv``, atomically. The client sends the codebook (a small
object) and file paths, never the text, so every worker must see the files at the same paths (a
shared file system) and have seci-kit installed. Each partition is checked on its own, as a file is:
an id repeated in two partitions is not caught.

Without a scheduler address a local cluster of worker processes is started and stopped again. Dask
(``dask.distributed``) and pyarrow are imported only here, so the rest of ``seci`` starts without them.
"""

from __future__ import annotations

import glob
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline.coding.classify import check_input_columns, input_rows, read_input, write_codings
from pipeline.coding.codebook import Codebook
from pipeline.errors import InputError, SeciError

PARTITION_TYPES = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet"}
LOCAL_WORKERS = 2
CONNECT_SECONDS = 10  # how long to wait for a scheduler before saying it cannot be reached


def partitions(source: str | Path) -> list[Path]:
    """The partition files of ``source`` (a folder, or a glob pattern such as ``answers/part-*.parquet``),
    sorted by name, all of one format."""
    folder = Path(source)
    if folder.is_dir():
        found = sorted(path for path in folder.iterdir() if path.suffix.lower() in PARTITION_TYPES and path.is_file())
    else:
        found = sorted(Path(path) for path in glob.glob(str(source)) if Path(path).is_file())
    if not found:
        raise InputError(source, "no partitions found (no .csv, .jsonl or .parquet file)",
                         fix="give a folder of partitions or a glob pattern such as 'parts/*.csv' (quoted)")
    kinds = {path.suffix.lower(): path for path in found}
    unknown = [suffix for suffix in kinds if suffix not in PARTITION_TYPES]
    if unknown:
        raise InputError(kinds[unknown[0]], f"unknown partition type '{unknown[0] or '(none)'}'",
                         fix="partitions are .csv, .jsonl or .parquet files")
    if len({PARTITION_TYPES[suffix] for suffix in kinds}) > 1:
        raise InputError(source, f"mixed partition formats ({', '.join(sorted(kinds))})",
                         fix="give partitions of one format")
    return found


def output_partition(partition: Path, out_dir: Path) -> Path:
    """Where a partition's codings go: ``OUT/<its name>.csv``."""
    return out_dir / f"{partition.stem}.csv"


def classify_partitions(source: str | Path, out_dir: str | Path, codebook: Codebook, *, default_lang: str = "id",
                        scheduler: str | None = None, local_workers: int = LOCAL_WORKERS) -> tuple[int, int, int]:
    """Code every partition of ``source`` into ``out_dir`` on a Dask cluster (the one at ``scheduler``,
    else a local one with ``local_workers`` processes). Returns (partitions, rows, rows with a code).
    A bad partition stops the run with its one-line error; partitions already written are kept."""
    found = partitions(source)
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(out_dir, "is a file", fix="give --out a folder for the output partitions")
    if any(partition.parent.resolve() == out_dir.resolve() for partition in found):
        raise InputError(out_dir, "is the folder of the input partitions", fix="give --out another folder")
    out_dir.mkdir(parents=True, exist_ok=True)
    targets = [str(output_partition(partition, out_dir)) for partition in found]
    with _client(scheduler, local_workers) as client:
        futures = client.map(code_partition, [str(partition) for partition in found], targets, codebook=codebook,
                             default_lang=default_lang, pure=False)
        results = client.gather(futures)
    failed = next((result for result in results if isinstance(result, str)), None)
    if failed is not None:
        raise SeciError(failed)
    return len(found), sum(rows for rows, _ in results), sum(coded for _, coded in results)


def code_partition(source: str, target: str, codebook: Codebook, default_lang: str) -> tuple[int, int] | str:
    """One task, on a worker: (rows, rows with a code), or the one-line error message (sent back as
    text: the client shows it as it is)."""
    try:
        return write_codings(((row.id, row.text, row.lang) for row in _rows(Path(source), default_lang)), target, codebook)
    except SeciError as error:
        return str(error)


def _rows(path: Path, default_lang: str):
    if PARTITION_TYPES[path.suffix.lower()] != "parquet":
        return read_input(path, default_lang)
    return input_rows(path, _parquet_records(path), default_lang)


def _parquet_records(path: Path) -> Iterator[tuple[int, dict]]:
    """``(row number, record)`` of a Parquet file, read a row group at a time (the row number counts
    from 1, as lines do in the other formats' messages)."""
    import pyarrow
    import pyarrow.parquet as parquet

    try:
        table = parquet.ParquetFile(path)
        check_input_columns(path, 0, table.schema_arrow.names)
        row = 0
        for batch in table.iter_batches(columns=[name for name in ("id", "text", "lang") if name in table.schema_arrow.names]):
            for record in batch.to_pylist():
                row += 1
                yield row, record
    except (pyarrow.ArrowException, OSError) as error:
        raise InputError(path, f"not a readable Parquet file ({str(error).splitlines()[0]})",
                         fix="write it again with pandas.DataFrame.to_parquet or pyarrow") from None


@contextmanager
def _client(scheduler: str | None, local_workers: int):
    """A Dask client of the cluster at ``scheduler``, or of a local cluster started (and stopped) here."""
    from dask.distributed import Client, LocalCluster

    if scheduler is None:
        with LocalCluster(n_workers=local_workers, threads_per_worker=1, processes=True, dashboard_address=None,
                          silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
            yield client
        return
    try:
        client = Client(scheduler, timeout=CONNECT_SECONDS)
    except (OSError, TimeoutError, ValueError) as error:
        reason = (str(error).splitlines() or [type(error).__name__])[0][:120]
        raise SeciError(f"cannot reach the Dask scheduler at {scheduler} within {CONNECT_SECONDS} s ({reason}); start it with `dask scheduler` and its workers with "
                        f"`dask worker {scheduler}`, or leave out --scheduler for a local cluster") from None
    with client:
        yield client
