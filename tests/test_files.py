"""Writing outputs: a path that cannot be written is one line, and the project's lock and leftovers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.errors import InputError
from pipeline.files import LOCK_FILE, is_temporary, project_lock, write_text

DICTIONARY = Path(__file__).parent / "fixtures" / "codebook" / "seci_small.dic"


@pytest.mark.parametrize("target, problem", [
    ("folder", "is a folder, not a file; name a file to write"),
    ("a-file/out.yaml", "cannot be written ({}/a-file is a file, not a folder); choose a file in a folder you may write to"),
    ("a-file/deeper/out.yaml", "cannot be written ({}/a-file is a file, not a folder); choose a file"),
])
def test_an_output_path_that_cannot_be_written_is_one_line_and_nothing_is_written(tmp_path, capsys, target, problem):
    (tmp_path / "folder").mkdir()
    (tmp_path / "a-file").write_text("keep me", encoding="utf-8")
    before = sorted(p.name for p in tmp_path.rglob("*"))
    status = main(["import-codebook", str(DICTIONARY), "--lang", "en", "--out", str(tmp_path / target), "--force"])
    err = capsys.readouterr().err
    assert status == 2 and err.startswith(f"seci: error: {tmp_path / target}: {problem.format(tmp_path)}")
    assert err.count("\n") == 1
    assert sorted(p.name for p in tmp_path.rglob("*")) == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_a_folder_without_write_permission_is_one_line(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    with pytest.raises(InputError, match=r"locked/out\.txt: cannot be written \(Permission denied\)"):
        write_text(locked / "out.txt", "text")


def test_a_missing_parent_folder_is_created(tmp_path):
    write_text(tmp_path / "new" / "folder" / "out.txt", "text")
    assert (tmp_path / "new" / "folder" / "out.txt").read_text(encoding="utf-8") == "text"


def test_the_lock_removes_what_killed_commands_left_and_the_manifest_never_lists_it(tmp_path):
    stale = [tmp_path / "data/processed/site/.segments.csv.x1y2.tmp", tmp_path / "reports/site/.index.html.ab.tmp"]
    kept = [tmp_path / "data/processed/site/segments.csv", tmp_path / "reports/site/.hidden-but-mine"]
    for path in stale + kept:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x", encoding="utf-8")
    assert all(map(is_temporary, stale)) and not any(map(is_temporary, kept))
    with project_lock(tmp_path):
        assert not any(path.exists() for path in stale)
        assert all(path.exists() for path in kept)


def test_a_second_command_waits_for_the_lock_and_says_so_in_one_line(tmp_path):
    def hold_the_lock() -> subprocess.Popen:
        """A process that takes the lock, says 'held', and keeps it until its standard input closes."""
        return subprocess.Popen(
            [sys.executable, "-c", "import sys; from pipeline.files import project_lock\n"
             "with project_lock(sys.argv[1]):\n    print('held', flush=True); sys.stdin.read()", str(tmp_path)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])})

    first = hold_the_lock()
    assert first.stdout.readline() == "held\n"
    second = hold_the_lock()
    assert second.stderr.readline() == (f"seci: waiting for the seci command already running on this project "
                                        f"(process {first.pid}) to finish\n")
    first.stdin.close()
    assert second.stdout.readline() == "held\n"
    second.stdin.close()
    assert first.wait(timeout=60) == 0 and second.wait(timeout=60) == 0
    assert (tmp_path / LOCK_FILE).read_text(encoding="utf-8") == f"{second.pid}\n"
