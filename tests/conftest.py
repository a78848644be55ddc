"""Fixtures shared by several test files.

``study_run``: the shipped study, run once by ``seci run`` (a real subprocess, as a user runs it) into
a copy of the project, shared by the slow tests of the report, its determinism and the browser check.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]
# What a fresh clone holds that `seci run` reads: everything else it writes itself.
PROJECT_INPUTS = ("data/raw", "data/reference", "notebooks")


@dataclass(frozen=True)
class StudyRun:
    root: Path
    sites: list[str]
    result: subprocess.CompletedProcess


def copy_project(root: Path, parts=PROJECT_INPUTS) -> Path:
    """The parts of this project that ``seci run`` reads, copied under ``root``."""
    for part in parts:
        shutil.copytree(PROJECT / part, root / part)
    return root


def seci(root: Path, *args: str, environment: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run the ``seci`` command line in ``root`` as a user would, capturing its output; ``environment``
    adds variables to the user's."""
    env = {key: value for key, value in os.environ.items() if key not in ("SOURCE_DATE_EPOCH", "PYTHONHASHSEED")}
    env.update(environment or {})
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=root, env=env, capture_output=True,
                          text=True, timeout=600)


def file_hashes(*folders: Path) -> dict[str, str]:
    """SHA-256 of every file under the folders, by path."""
    return {
        str(path): hashlib.sha256(path.read_bytes()).hexdigest()
        for folder in folders for path in sorted(folder.rglob("*")) if path.is_file()
    }


@pytest.fixture(scope="session")
def study_run(tmp_path_factory) -> StudyRun:
    root = copy_project(tmp_path_factory.mktemp("study"))
    result = seci(root, "run", "--no-browser")
    assert result.returncode == 0, result.stderr
    sites = sorted(p.name for p in (root / "data" / "raw").iterdir() if (p / "informants.csv").is_file())
    return StudyRun(root, sites, result)
