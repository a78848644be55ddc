"""``seci run`` redoes only what changed: each case of what is skipped and what is redone.

A small project (the English Padang site and the fictional pilot, light fixture notebooks) is run
once; each test works on a copy of it, changes one thing and runs again. "Not redone" is checked
on the files themselves: outputs are written atomically (a new file renamed into place), so a file
that keeps its inode and modification time was not written again. "Byte-identical" compares every
file under ``data/processed/`` and ``reports/`` with a run from nothing on the same inputs.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from conftest import copy_project, file_hashes, seci

from pipeline.report import run as run_module
from pipeline.report.run_record import RunRecord, sha256_of

SITES = ("northfield-pilot", "uin-imam-bonjol-en")
CHANGED_SITE, OTHER_SITE = SITES
FIXTURES = Path(__file__).parent / "fixtures"
NOTEBOOKS = (FIXTURES / "report" / "notebooks" / "01_segments.ipynb",
             FIXTURES / "incremental" / "notebooks" / "02_codings.ipynb",
             FIXTURES / "incremental" / "notebooks" / "07_cross_site.ipynb")
OUTPUTS = ("data/processed", "reports")
EVERY_STAGE = "ingest, code, 01_segments, 02_codings, report"


def inputs_of_small_project(root: Path) -> Path:
    copy_project(root, parts=(*(f"data/raw/{site}" for site in SITES), "data/reference"))
    (root / "notebooks").mkdir()
    for notebook in NOTEBOOKS:
        shutil.copy(notebook, root / "notebooks")
    return root


def run(root: Path, *options: str):
    result = seci(root, "run", "--no-browser", *options)
    assert result.returncode == 0, result.stderr
    return result


def said(result) -> dict[str, str]:
    """What the run said it did, per site (and for the cross-site report)."""
    lines = [line.removeprefix("seci: ") for line in result.stderr.splitlines() if line.startswith("seci: ")]
    return dict(line.split(": ", 1) for line in lines)


def file_identities(root: Path) -> dict[str, tuple[int, int]]:
    """Inode and modification time of every output file: both change when a file is written again."""
    return {str(path.relative_to(root)): (path.stat().st_ino, path.stat().st_mtime_ns)
            for folder in OUTPUTS for path in sorted((root / folder).rglob("*")) if path.is_file()}


def rewritten(before: dict, after: dict, under: str) -> list[str]:
    return sorted(path for path in after if path.startswith(under) and before.get(path) != after[path])


def output_hashes(root: Path) -> dict[str, str]:
    return {str(Path(path).relative_to(root)): sha for path, sha in file_hashes(*(root / f for f in OUTPUTS)).items()}


def records(root: Path) -> list[RunRecord]:
    paths = [root / "data/processed" / site / "run_record.json" for site in SITES] + [root / "reports/run_record.json"]
    return [RunRecord.load(root, path) for path in paths]


def false_claims(root: Path) -> list[str]:
    """Stages a record claims done whose outputs are not there with the recorded hashes."""
    return [f"{record.path.name}: {stage}: {path}" for record in records(root)
            for stage, done in record.stages.items() for path, sha in done["outputs"].items()
            if not (root / path).is_file() or sha256_of(root / path) != sha]


@pytest.fixture(scope="module")
def done_once(tmp_path_factory) -> Path:
    root = inputs_of_small_project(tmp_path_factory.mktemp("incremental") / "project")
    result = run(root)
    assert said(result) == {CHANGED_SITE: f"redone: {EVERY_STAGE}; unchanged: nothing",
                            OTHER_SITE: f"redone: {EVERY_STAGE}; unchanged: nothing",
                            "cross-site": "redone: 07_cross_site, index"}
    return root


@pytest.fixture
def project(done_once, tmp_path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(done_once, root, symlinks=True)
    return root


def test_a_run_records_every_stage_and_every_claim_holds(done_once):
    site, cross = records(done_once)[0], records(done_once)[2]
    assert list(site.stages) == ["01_segments", "02_codings", "code", "ingest", "report"]
    assert sorted(cross.stages) == ["07_cross_site", "index"]
    assert site.outputs("02_codings") == [f"reports/{CHANGED_SITE}/{name}" for name in
                                          ("02_codings.html", "02_codings.ipynb", "tables/codings_per_code.csv")]
    assert f"reports/{CHANGED_SITE}/manifest.json" in site.outputs("report")
    assert false_claims(done_once) == []
    manifest = json.loads((done_once / "reports" / CHANGED_SITE / "manifest.json").read_text(encoding="utf-8"))
    assert "run_record.json" not in {entry["path"] for entry in manifest["processed"]}


def test_nothing_changed_redoes_nothing_and_says_so_per_site(project):
    before = file_identities(project)
    result = run(project)
    assert said(result) == {site: "nothing changed since the last run, nothing redone" for site in (*SITES, "cross-site")}
    assert file_identities(project) == before
    assert result.stdout.splitlines() == [f"reports/{site}/index.html" for site in SITES] + ["reports/index.html"]


def test_touched_but_unchanged_files_redo_nothing(project):
    for path in (project / "data/raw").rglob("*"):
        os.utime(path, (1_000_000_000, 1_000_000_000))
    for path in (project / "notebooks").iterdir():
        os.utime(path)
    before = file_identities(project)
    result = run(project)
    assert set(said(result).values()) == {"nothing changed since the last run, nothing redone"}
    assert file_identities(project) == before


@pytest.mark.slow
def test_one_changed_transcript_redoes_only_its_site_and_matches_a_run_from_nothing(project, tmp_path):
    transcript = project / "data/raw" / CHANGED_SITE / "transcripts" / "L3.txt"
    transcript.write_text(transcript.read_text(encoding="utf-8").replace("online catalogue", "online catalog"),
                          encoding="utf-8")
    before = file_identities(project)
    result = run(project)
    assert said(result) == {CHANGED_SITE: f"redone: {EVERY_STAGE}; unchanged: nothing",
                            OTHER_SITE: "nothing changed since the last run, nothing redone",
                            "cross-site": "redone: 07_cross_site, index"}
    after = file_identities(project)
    assert rewritten(before, after, f"reports/{OTHER_SITE}") == []
    assert rewritten(before, after, f"data/processed/{OTHER_SITE}") == []
    assert f"data/processed/{CHANGED_SITE}/segments.csv" in rewritten(before, after, "data/processed")

    fresh = inputs_of_small_project(tmp_path / "fresh")
    shutil.copy(transcript, fresh / "data/raw" / CHANGED_SITE / "transcripts" / "L3.txt")
    run(fresh)
    assert output_hashes(project) == output_hashes(fresh)


def test_a_changed_notebook_redoes_that_notebook_and_the_report_of_each_site(project):
    notebook = project / "notebooks" / "02_codings.ipynb"
    notebook.write_text(notebook.read_text(encoding="utf-8").replace("Codings per code", "Codings of each code"),
                        encoding="utf-8")
    before = file_identities(project)
    result = run(project)
    assert said(result) == {**{site: "redone: 02_codings, report; unchanged: ingest, code, 01_segments" for site in SITES},
                            "cross-site": "nothing changed since the last run, nothing redone"}
    after = file_identities(project)
    for site in SITES:
        assert rewritten(before, after, f"reports/{site}/01_segments") == []
        assert rewritten(before, after, f"data/processed/{site}") == [f"data/processed/{site}/run_record.json"]
        assert f"reports/{site}/02_codings.html" in rewritten(before, after, f"reports/{site}")
        assert "Codings of each code" in (project / "reports" / site / "index.html").read_text(encoding="utf-8")
    assert false_claims(project) == []


@pytest.mark.slow
def test_force_redoes_everything_and_writes_the_same_bytes(project):
    before, hashes = file_identities(project), output_hashes(project)
    result = run(project, "--force")
    assert said(result) == {**{site: f"redone: {EVERY_STAGE}; unchanged: nothing" for site in SITES},
                            "cross-site": "redone: 07_cross_site, index"}
    after = file_identities(project)
    assert [path for path in after if path.startswith("reports/") and after[path] == before[path]] == []
    assert output_hashes(project) == hashes


def test_a_deleted_output_redoes_its_stage_and_comes_back_the_same(project):
    hashes = output_hashes(project)
    (project / "reports" / OTHER_SITE / "tables" / "segments_per_informant.csv").unlink()
    (project / "reports" / "index.html").unlink()
    result = run(project)
    assert said(result) == {CHANGED_SITE: "nothing changed since the last run, nothing redone",
                            OTHER_SITE: "redone: 01_segments, report; unchanged: ingest, code, 02_codings",
                            "cross-site": "redone: index"}
    assert output_hashes(project) == hashes


@pytest.mark.slow
def test_a_failing_notebook_leaves_every_record_as_it_was(project):
    records_before = [record.path.read_bytes() for record in records(project)]
    notebook = project / "notebooks" / "02_codings.ipynb"
    content = json.loads(notebook.read_text(encoding="utf-8"))
    content["cells"][-1]["source"] = "raise ValueError('stage fails')"
    notebook.write_text(json.dumps(content), encoding="utf-8")
    result = seci(project, "run", "--no-browser")
    assert result.returncode == 2
    assert [record.path.read_bytes() for record in records(project)] == records_before
    assert false_claims(project) == []


@pytest.mark.slow
@pytest.mark.parametrize("crash_at", ["swap_into_place", "save"])
def test_a_run_that_crashes_before_or_after_the_swap_is_redone_by_the_next(project, monkeypatch, crash_at):
    """A crash before the report is swapped in, or after it but before the record is saved: every claim
    of the record left behind holds, and the next run redoes what the crashed one did not finish."""
    def crash(*_args, **_kwargs):
        raise RuntimeError("simulated crash")

    if crash_at == "save":
        monkeypatch.setattr(RunRecord, "save", crash)
    else:
        monkeypatch.setattr(run_module, "swap_into_place", crash)
    monkeypatch.chdir(project)
    for variable in ("SOURCE_DATE_EPOCH", "PYTHONHASHSEED"):  # run_sites sets them for its kernels
        monkeypatch.setenv(variable, os.environ.get(variable, ""))
    transcript = project / "data/raw" / CHANGED_SITE / "transcripts" / "L3.txt"
    transcript.write_text(transcript.read_text(encoding="utf-8").replace("website", "web site"), encoding="utf-8")
    with pytest.raises(RuntimeError, match="simulated crash"):
        run_module.run_sites(project, [CHANGED_SITE], progress=False)
    monkeypatch.undo()
    assert false_claims(project) == []

    result = run(project, "--site", CHANGED_SITE)
    redone = said(result)[CHANGED_SITE]
    assert redone.startswith("redone: ") and "01_segments" in redone and "02_codings" in redone, redone
    assert false_claims(project) == []
