"""`seci classify --engine dask`: partitions coded on a two-worker local Dask cluster give exactly
what one process gives, and bad partitions or an unreachable scheduler stop with one line."""

from __future__ import annotations

import csv
import json
import socket

import pandas as pd
import pytest

from pipeline.cli import main as seci
from pipeline.coding import scale_out

ROWS = [  # (id, text, lang): keywords, barrier cues, phrases, non-ASCII text, a row without a language
    ("a1", "Kami berbagi pengalaman dalam diskusi kelompok setiap minggu.", "id"),
    ("a2", "Belum ada pelatihan untuk pustakawan baru; mereka belajar sambil bekerja.", "id"),
    ("a3", "Senior librarians mentor the new staff, but there is no training yet.", "en"),
    ("a4", "Kami menulis panduan layanan dan SOP, lalu disimpan di repositori — “bersama-sama”.", "id"),
    ("a5", "We write the guides down and share them on the intranet.", "en"),
    ("a6", "Tidak ada yang istimewa hari ini.", ""),
    ("a7", "Pustakawan membaca jurnal dan menerapkan ilmunya dalam pekerjaan sehari-hari.", "id"),
    ("a8", "Ngobrol santai di pantry, kami saling tukar pengetahuan tentang katalogisasi.", "id"),
    ("a9", "Staff attend seminars and workshops, then apply what they learned at the desk.", "en"),
]


def _frame(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["id", "text", "lang"])


def _write(rows, path, kind: str) -> None:
    frame = _frame(rows)
    if kind == "csv":
        frame.to_csv(path, index=False)
    elif kind == "jsonl":
        path.write_text("".join(json.dumps(record, ensure_ascii=False) + "\n" for record in frame.to_dict("records")),
                        encoding="utf-8")
    else:
        frame.to_parquet(path, index=False)


def _records(path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def cluster():
    """A local Dask cluster of two worker processes, shared by the tests that need one."""
    from dask.distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as local:
        yield local.scheduler_address


@pytest.fixture(scope="module")
def single_process(tmp_path_factory) -> list[dict]:
    """The rows coded by `seci classify` in one process, from one file."""
    folder = tmp_path_factory.mktemp("single")
    _write(ROWS, folder / "all.csv", "csv")
    assert seci(["classify", str(folder / "all.csv"), "--out", str(folder / "all-out.csv")]) == 0
    records = _records(folder / "all-out.csv")
    assert {record["id"] for record in records if record["codes"]} >= {"a1", "a2", "a3", "a7"}  # the rows hold codes
    return records


@pytest.mark.parametrize("kind", ["csv", "jsonl", "parquet"])
def test_each_partition_is_coded_on_the_cluster_as_one_process_codes_it(kind, cluster, single_process, tmp_path, capsys):
    parts = tmp_path / "parts"
    parts.mkdir()
    for number, first in enumerate(range(0, len(ROWS), 4)):
        _write(ROWS[first:first + 4], parts / f"part-{number}.{kind}", kind)
    out = tmp_path / "out"
    assert seci(["classify", str(parts), "--out", str(out), "--engine", "dask", "--scheduler", cluster]) == 0
    assert f"3 partitions, {len(ROWS)} rows" in capsys.readouterr().out
    assert sorted(path.name for path in out.iterdir()) == ["part-0.csv", "part-1.csv", "part-2.csv"]
    coded = [record for number in range(3) for record in _records(out / f"part-{number}.csv")]
    assert coded == single_process


def test_without_a_scheduler_a_local_cluster_is_started_and_a_glob_picks_the_partitions(single_process, tmp_path, capsys):
    _write(ROWS[:5], tmp_path / "answers-1.jsonl", "jsonl")
    _write(ROWS[5:], tmp_path / "answers-2.jsonl", "jsonl")
    _write(ROWS, tmp_path / "other.jsonl", "jsonl")  # not matched by the glob
    out = tmp_path / "out"
    assert seci(["classify", str(tmp_path / "answers-*.jsonl"), "--out", str(out), "--engine", "dask"]) == 0
    assert f"2 partitions, {len(ROWS)} rows" in capsys.readouterr().out
    assert _records(out / "answers-1.csv") + _records(out / "answers-2.csv") == single_process


def _error(capsys, *args: str) -> str:
    assert seci(["classify", *args]) == 2
    message = capsys.readouterr().err
    assert message.count("\n") == 1, message
    return message


def test_an_empty_glob_and_mixed_formats_are_refused_before_any_cluster_starts(tmp_path, capsys):
    out = str(tmp_path / "out")
    assert "no partitions found" in _error(capsys, str(tmp_path / "*.csv"), "--out", out, "--engine", "dask")
    _write(ROWS[:2], tmp_path / "a.csv", "csv")
    _write(ROWS[2:], tmp_path / "b.parquet", "parquet")
    message = _error(capsys, str(tmp_path), "--out", out, "--engine", "dask")
    assert "mixed partition formats (.csv, .parquet); give partitions of one format" in message
    assert "is the folder of the input partitions" in _error(capsys, str(tmp_path / "*.csv"), "--out", str(tmp_path),
                                                             "--engine", "dask")
    assert "--scheduler needs --engine dask" in _error(capsys, str(tmp_path / "a.csv"), "--out", out, "--scheduler", "tcp://h:1")
    assert not (tmp_path / "out").exists()


def test_an_unreadable_partition_is_named_in_one_line(cluster, tmp_path, capsys):
    parts = tmp_path / "parts"
    parts.mkdir()
    _write(ROWS, parts / "good.parquet", "parquet")
    (parts / "broken.parquet").write_bytes(b"PAR1 this is not parquet")
    message = _error(capsys, str(parts), "--out", str(tmp_path / "out"), "--engine", "dask", "--scheduler", cluster)
    assert f"{parts / 'broken.parquet'}: not a readable Parquet file" in message
    (parts / "broken.parquet").unlink()
    _write([("x1", "teks", "id"), ("x1", "lagi", "id")], parts / "twice.parquet", "parquet")
    message = _error(capsys, str(parts), "--out", str(tmp_path / "out"), "--engine", "dask", "--scheduler", cluster)
    assert f"{parts / 'twice.parquet'}:2: duplicate id 'x1'" in message
    assert not (tmp_path / "out" / "twice.csv").exists()


def test_an_unreachable_scheduler_is_reported_after_a_short_wait(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(scale_out, "CONNECT_SECONDS", 1)
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        address = f"tcp://127.0.0.1:{probe.getsockname()[1]}"
    _write(ROWS, tmp_path / "a.csv", "csv")
    message = _error(capsys, str(tmp_path / "a.csv"), "--out", str(tmp_path / "out"), "--engine", "dask",
                     "--scheduler", address)
    assert f"cannot reach the Dask scheduler at {address} within 1 s" in message
    assert "`dask scheduler`" in message
