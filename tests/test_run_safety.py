"""``seci run`` killed, run twice at once, and run under another time zone, locale and umask.

The kill and concurrency tests run the English site with one light fixture notebook; the last test
runs the whole shipped study again and compares it with ``study_run``. Every process a run starts
(workers, kernels) inherits an environment variable naming the test, which is how the tests find
the ones that outlive it (Linux: ``/proc/<pid>/environ``).
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from conftest import PROJECT, copy_project, file_hashes

pytestmark = [pytest.mark.slow, pytest.mark.skipif(sys.platform != "linux", reason="finds processes in /proc")]

SITE = "uin-imam-bonjol-en"
NOTEBOOKS = Path(__file__).parent / "fixtures" / "report" / "notebooks"
KILLS = 10  # after the good run; two more before it, on a project without a report
GRACE_SECONDS = 3.0  # how long a worker or kernel may outlive the run it belonged to


def small_project(root: Path) -> Path:
    copy_project(root, parts=(f"data/raw/{SITE}", "data/reference"))
    shutil.copytree(NOTEBOOKS, root / "notebooks")
    return root


def start_run(root: Path, marker: str, *arguments: str, **options) -> subprocess.Popen:
    """``seci run`` on the site as a user starts it, its processes marked with ``marker``; ``--force``
    among ``arguments`` makes it redo every stage of an unchanged project."""
    env = {key: value for key, value in os.environ.items() if key not in ("SOURCE_DATE_EPOCH", "PYTHONHASHSEED")}
    env.update(SECI_TEST_RUN=marker, PYTHONPATH=str(PROJECT))
    return subprocess.Popen([sys.executable, "-m", "pipeline", "run", "--site", SITE, "--no-browser", *arguments],
                            cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, **options)


def marked_processes(marker: str) -> list[int]:
    """The live processes whose environment carries ``marker`` (zombies are dead already)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if (entry.name.isdigit() and f"SECI_TEST_RUN={marker}".encode() in (entry / "environ").read_bytes().split(b"\0")
                    and (entry / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"):
                found.append(int(entry.name))
        except OSError:  # gone meanwhile, or not ours to read
            continue
    return found


def kernels(marker: str) -> list[int]:
    found = []
    for pid in marked_processes(marker):
        try:
            if b"ipykernel" in Path(f"/proc/{pid}/cmdline").read_bytes():
                found.append(pid)
        except OSError:
            continue
    return found


def survivors(marker: str) -> list[int]:
    """The marked processes still alive after the grace period."""
    deadline = time.monotonic() + GRACE_SECONDS
    while (alive := marked_processes(marker)) and time.monotonic() < deadline:
        time.sleep(0.1)
    for pid in alive:  # leave nothing running behind the test, whatever it asserts
        os.kill(pid, signal.SIGKILL)
    return alive


def report_state(root: Path) -> bytes | None:
    """The report's manifest after checking that every file it lists is there with its hash, and that every
    stage the run record claims done has its outputs there with their recorded hashes; None if absent."""
    record = root / "data/processed" / SITE / "run_record.json"
    claims = json.loads(record.read_text(encoding="utf-8"))["stages"] if record.is_file() else {}
    for stage, done in claims.items():
        for path, sha in done["outputs"].items():
            assert (root / path).is_file() and hashlib.sha256((root / path).read_bytes()).hexdigest() == sha, (stage, path)
    reports = root / "reports"
    names = sorted(p.name for p in reports.iterdir()) if reports.is_dir() else []
    assert all(name == SITE or name.startswith(".") for name in names), names  # nothing else looks like a report
    report = reports / SITE
    if not report.exists():
        return None
    manifest = (report / "manifest.json").read_bytes()
    listed = {entry["path"]: entry["sha256"] for entry in json.loads(manifest)["outputs"]}
    found = file_hashes(report)
    assert {str(report / path): sha for path, sha in listed.items()} == {
        path: sha for path, sha in found.items() if not path.endswith("manifest.json")}
    return manifest


def test_a_run_killed_at_random_moments_leaves_the_last_good_report_and_no_process(tmp_path):
    root = small_project(tmp_path / "project")
    marker = uuid.uuid4().hex
    started = time.monotonic()
    first = start_run(root, marker)
    assert first.wait(timeout=600) == 0, first.stderr.read()
    duration = time.monotonic() - started
    good = report_state(root)
    assert good is not None and not survivors(marker)

    # Half the moments anywhere in a run, half while a notebook runs (a kernel is up for a fifth of it).
    rng = random.Random(16)
    fresh = small_project(tmp_path / "fresh")  # no report yet: a killed run must leave none or a whole one
    moments = [(fresh, "start", rng.uniform(0.2, duration)), (fresh, "kernel", rng.uniform(0, 0.5))] + [
        (root, phase, rng.uniform(0.2, 1.1 * duration) if phase == "start" else rng.uniform(0, 0.5))
        for phase in ("start", "kernel") * (KILLS // 2)]
    outcomes, kernels_killed = [], 0
    for project, phase, moment in moments:
        run = start_run(project, marker, "--force")
        if phase == "kernel":
            while not kernels(marker) and run.poll() is None:
                time.sleep(0.05)
        time.sleep(moment)
        kernels_killed += bool(kernels(marker))
        run.kill()
        run.wait()
        assert not survivors(marker), f"processes outlived the run killed {moment:.1f} s after its {phase}"
        state = report_state(project)
        assert state in ((None, good) if project == fresh else (good,)), f"killed {moment:.1f} s after its {phase}"
        outcomes.append("finished" if run.returncode == 0 else "absent" if state is None else "kept")
    print(f"\n{len(moments)} kills in a run of {duration:.1f} s, {kernels_killed} while a kernel ran: {', '.join(outcomes)}")
    assert kernels_killed >= KILLS // 2, "the kills meant to catch a notebook running did"

    stale = root / "data/processed" / SITE / ".segments.csv.k1ll3d.tmp"  # as a kill mid-write leaves it
    stale.write_text("half a file", encoding="utf-8")
    after = start_run(root, marker)  # a run after all the kills: same report, no leftovers
    assert after.wait(timeout=600) == 0, after.stderr.read()
    assert report_state(root) == good  # the manifest lists no temporary file
    assert sorted(p.name for p in (root / "reports").iterdir()) == [SITE]
    assert not [p for p in root.rglob(".*.tmp")]


def test_sigterm_ends_the_run_its_workers_and_kernels_and_keeps_the_previous_report(tmp_path):
    root = small_project(tmp_path / "project")
    marker = uuid.uuid4().hex
    assert start_run(root, marker).wait(timeout=600) == 0
    good = report_state(root)
    run = start_run(root, marker, "--force")
    deadline = time.monotonic() + 120
    while not list((root / "reports" / f".{SITE}.staging").glob("*.ipynb")) and time.monotonic() < deadline:
        time.sleep(0.2)  # until a notebook is executing
    run.send_signal(signal.SIGTERM)
    assert run.wait(timeout=30) == 130
    assert "seci: interrupted; earlier outputs were left as they were" in run.stderr.read()
    assert not survivors(marker)
    assert report_state(root) == good
    assert sorted(p.name for p in (root / "reports").iterdir()) == [SITE]


def test_two_runs_at_once_take_turns_and_write_the_same_report(tmp_path):
    root = small_project(tmp_path / "project")
    marker = uuid.uuid4().hex
    runs = [start_run(root, marker) for _ in range(2)]
    assert [run.wait(timeout=600) for run in runs] == [0, 0]
    said = [run.stderr.read() for run in runs]
    assert sum("seci: waiting for the seci command already running on this project" in err for err in said) == 1
    once = report_state(root)
    single = small_project(tmp_path / "single")
    assert start_run(single, marker).wait(timeout=600) == 0
    assert report_state(single) == once
    assert not survivors(marker)


def test_outputs_are_byte_identical_under_another_time_zone_locale_and_umask(study_run, tmp_path):
    root = copy_project(tmp_path)
    env = {key: value for key, value in os.environ.items()
           if key not in ("SOURCE_DATE_EPOCH", "PYTHONHASHSEED", "LANG", "LANGUAGE") and not key.startswith("LC_")}
    env.update(TZ="Asia/Jakarta", LC_ALL="C", PYTHONPATH=str(PROJECT))
    result = subprocess.run([sys.executable, "-m", "pipeline", "run", "--no-browser"], cwd=root, env=env,
                            capture_output=True, text=True, timeout=900, preexec_fn=lambda: os.umask(0o077))
    assert result.returncode == 0, result.stderr

    def outputs(project: Path) -> dict[str, str]:
        hashes = file_hashes(project / "reports", project / "data/processed")
        return {str(Path(path).relative_to(project)): sha for path, sha in hashes.items()}

    default, other = outputs(study_run.root), outputs(root)
    assert sorted(default) == sorted(other)
    assert [path for path in default if default[path] != other[path]] == []
