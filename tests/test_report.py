"""``seci run``: notebooks executed with papermill, the report folder, failure reporting, determinism.

The fast tests run light fixture notebooks (``tests/fixtures/report/``) on the shipped English site; the
slow ones share one run of the whole shipped study (``study_run`` in conftest.py).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import sys
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from conftest import copy_project, file_hashes, seci

from pipeline.report.notebooks import find_notebooks
from pipeline.report.run import swap_into_place

FIXTURES = Path(__file__).parent / "fixtures" / "report"
SITE = "uin-imam-bonjol-en"
ISO_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")
TIMING_KEYS = {"start_time", "end_time", "duration", "execution"}


@pytest.fixture(scope="module")
def small_project(tmp_path_factory) -> Path:
    """The English site with one light notebook, run once: the report every fast test starts from."""
    root = copy_project(tmp_path_factory.mktemp("small"), parts=(f"data/raw/{SITE}", "data/reference"))
    shutil.copytree(FIXTURES / "notebooks", root / "notebooks")
    result = seci(root, "run", "--site", SITE, "--no-browser")
    assert result.returncode == 0, result.stderr
    return root


def keys_anywhere(node) -> set[str]:
    if isinstance(node, dict):
        return set(node) | {key for value in node.values() for key in keys_anywhere(value)}
    if isinstance(node, list):
        return {key for value in node for key in keys_anywhere(value)}
    return set()


def links_of(page: Path) -> set[str]:
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    return {tag.get("href") or tag.get("src") for tag in soup.find_all(["a", "img"]) if tag.get("href") or tag.get("src")}


# --- fast: fixture notebooks --------------------------------------------------------------------------

def test_notebook_writes_its_table_from_the_processed_segments(small_project):
    segments = pd.read_csv(small_project / "data/processed" / SITE / "segments.csv", dtype=str, keep_default_na=False)
    expected = segments[segments["speaker"] == "informant"].groupby("informant_id").size()
    written = pd.read_csv(small_project / "reports" / SITE / "tables/segments_per_informant.csv", index_col=0)
    assert written["segments"].to_dict() == expected.to_dict()
    assert len(written) == 11


def test_executed_notebook_keeps_parameters_and_outputs_but_no_times(small_project):
    executed = json.loads((small_project / "reports" / SITE / "01_segments.ipynb").read_text(encoding="utf-8"))
    injected = next(c for c in executed["cells"] if "injected-parameters" in c["metadata"].get("tags", []))
    assert "".join(injected["source"]).splitlines()[1:] == [
        f'site = "{SITE}"', 'root = "../.."', 'report_lang = "en"', 'out_dir = "."']
    assert injected["id"] == "seci-2"  # papermill's random id replaced by a positional one
    printed = ["".join(o["text"]) for c in executed["cells"] for o in c.get("outputs", []) if o.get("name") == "stdout"]
    assert printed == ["182 segments of 11 informants (en)\n"]
    assert executed["metadata"]["papermill"]["input_path"] == "notebooks/01_segments.ipynb"
    assert not keys_anywhere(executed) & TIMING_KEYS
    assert not ISO_TIME.search(json.dumps(executed))


def test_run_prints_the_index_page_of_each_site(small_project):
    index = small_project / "reports" / SITE / "index.html"
    assert index.is_file()
    assert links_of(index) >= {"01_segments.html", "01_segments.ipynb", "tables/segments_per_informant.csv",
                               "transcripts/L1.html", "review_sheet.csv", "project.qdpx", "manifest.json"}


def test_failing_cell_names_notebook_cell_and_error_and_keeps_the_previous_report(small_project, tmp_path):
    root = tmp_path / "project"
    shutil.copytree(small_project, root)
    report = root / "reports" / SITE
    before = file_hashes(report)
    shutil.copy(FIXTURES / "failing" / "02_fails.ipynb", root / "notebooks")

    result = seci(root, "run", "--site", SITE, "--no-browser")

    assert result.returncode == 2
    [line] = [line for line in result.stderr.splitlines() if line.startswith("seci: error:")]
    assert line == (f"seci: error: {SITE} skipped: notebooks/02_fails.ipynb: cell 4 (# look up an informant the data does not have) "
                    f"failed: ValueError: no segments for informant Z9; the executed notebook is "
                    f"reports/.{SITE}.staging/02_fails.ipynb")
    assert "Traceback" not in result.stderr
    assert file_hashes(report) == before
    assert (root / "reports" / f".{SITE}.staging" / "02_fails.ipynb").is_file()
    assert sorted(p.name for p in (root / "reports").iterdir()) == [f".{SITE}.staging", SITE]


def test_a_kernel_that_cannot_start_is_reported_in_one_line_with_its_last_words(small_project, tmp_path,
                                                                                monkeypatch):
    # A "python3" kernel found first on JUPYTER_PATH, which dies at once writing to its standard error.
    spec = tmp_path / "jupyter" / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-c", "import sys; sys.exit('ipykernel is missing here')"],
        "display_name": "Python 3", "language": "python"}), encoding="utf-8")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    root = tmp_path / "project"
    shutil.copytree(small_project, root)
    before = file_hashes(root / "reports" / SITE)

    result = seci(root, "run", "--site", SITE, "--no-browser", "--force")  # nothing changed: only --force runs it

    assert result.returncode == 2
    [line] = [line for line in result.stderr.splitlines() if line.startswith("seci: error:")]
    assert line.startswith(f"seci: error: {SITE} skipped: notebooks/01_segments.ipynb: could not be executed: ")
    assert line.endswith("; the kernel's last words: ipykernel is missing here")
    assert result.stderr.count("ipykernel is missing here") == 1  # the kernel's own output stays off the terminal
    assert file_hashes(root / "reports" / SITE) == before


def test_report_language_option_overrides_the_site_language(small_project, tmp_path):
    root = tmp_path / "project"
    shutil.copytree(small_project, root)
    result = seci(root, "run", "--site", SITE, "--report-lang", "id", "--no-browser")
    assert result.returncode == 0, result.stderr
    report = root / "reports" / SITE
    index = BeautifulSoup((report / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert index.html["lang"] == "id"
    assert index.find("h2").get_text() == "Laporan"
    assert BeautifulSoup((report / "01_segments.html").read_text(encoding="utf-8"), "html.parser").html["lang"] == "id"
    assert "182 segments of 11 informants (id)" in (report / "01_segments.ipynb").read_text(encoding="utf-8")


def test_no_notebooks_is_a_one_line_error(tmp_path):
    root = copy_project(tmp_path, parts=(f"data/raw/{SITE}",))
    result = seci(root, "run", "--no-browser")
    assert result.returncode == 2
    assert result.stderr.strip() == ("seci: error: notebooks: no notebook named NN_name.ipynb (e.g. 01_corpus.ipynb); "
                                     "run seci from the project folder or pass --root")
    assert not (root / "reports").exists()


def test_a_run_checks_every_site_before_writing_and_writes_only_the_valid_ones(small_project, tmp_path):
    """Every site is read and checked before any is written; a site that fails is one line and writes nothing."""
    root = tmp_path / "project"
    shutil.copytree(small_project, root)
    bad = root / "data/raw/bad-site"
    shutil.copytree(root / "data/raw" / SITE, bad)
    (bad / "study.yaml").write_text((bad / "study.yaml").read_text(encoding="utf-8").replace(
        f"site: {SITE}", "site: bad-site"), encoding="utf-8")
    (bad / "informants.csv").write_text((bad / "informants.csv").read_text(encoding="utf-8").replace(
        ",patron,", ",visitor,", 1), encoding="utf-8")

    result = seci(root, "run", "--site", "bad-site", "--site", SITE, "--no-browser")

    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("seci: error:")]
    assert len(errors) == 1 and re.fullmatch(
        r"seci: error: bad-site skipped: \S*data/raw/bad-site/informants\.csv:\d+: role 'visitor' is not one of .*",
        errors[0])
    assert not (root / "data/processed/bad-site").exists() and not (root / "reports/bad-site").exists()
    assert (root / "reports" / SITE / "index.html").is_file()


def test_swap_replaces_the_old_report_whole_and_leaves_no_backup(tmp_path):
    final, staging = tmp_path / "site", tmp_path / ".site.staging"
    final.mkdir()
    (final / "old.html").write_text("old")
    staging.mkdir()
    (staging / "new.html").write_text("new")
    swap_into_place(staging, final)
    assert [p.name for p in tmp_path.iterdir()] == ["site"]
    assert [p.name for p in final.iterdir()] == ["new.html"]


# --- slow: the shipped study ----------------------------------------------------------------------------

@pytest.mark.slow
def test_every_notebook_is_executed_without_error_and_exported_to_html(study_run):
    notebooks = find_notebooks(study_run.root)  # a site's notebooks: the cross-site one has its own report
    assert len(notebooks) >= 5
    for site in study_run.sites:
        report = study_run.root / "reports" / site
        for notebook in notebooks:
            executed = json.loads((report / notebook.name).read_text(encoding="utf-8"))
            outputs = [o for c in executed["cells"] for o in c.get("outputs", [])]
            assert not [o for o in outputs if o["output_type"] == "error"], (site, notebook.name)
            assert all(c["execution_count"] for c in executed["cells"] if c["cell_type"] == "code"), notebook.name
            assert executed["metadata"]["papermill"]["parameters"]["site"] == site
            assert not keys_anywhere(executed) & TIMING_KEYS
            page = (report / notebook.with_suffix(".html").name).read_text(encoding="utf-8")
            soup = BeautifulSoup(page, "html.parser")
            assert soup.select("div.jp-CodeCell") and not soup.select("div.jp-CodeCell div.jp-InputArea"), \
                "code is hidden in the HTML (only Markdown cells show their source)"
            assert "notebook_setup" not in page
            assert "<script src=" not in page and "cdnjs" not in page, "the HTML fetches nothing"


@pytest.mark.slow
@pytest.mark.parametrize("epoch", ["1700000000", "not-a-number"])
def test_outputs_do_not_depend_on_the_users_source_date_epoch(study_run, tmp_path, epoch):
    root = copy_project(tmp_path, parts=(f"data/raw/{SITE}", "data/reference", "notebooks"))
    result = seci(root, "run", "--site", SITE, "--no-browser", environment={"SOURCE_DATE_EPOCH": epoch})
    assert result.returncode == 0, result.stderr

    def hashes(project: Path) -> dict[str, str]:
        manifest = json.loads((project / "reports" / SITE / "manifest.json").read_text(encoding="utf-8"))
        return {entry["path"]: entry["sha256"] for part in ("processed", "outputs") for entry in manifest[part]}

    assert hashes(root) == hashes(study_run.root)


@pytest.mark.slow
def test_report_language_follows_each_site(study_run):
    for site, lang in (("uin-imam-bonjol", "id"), ("uin-imam-bonjol-en", "en")):
        report = study_run.root / "reports" / site
        for page in [report / "index.html", *report.glob("*.html"), *(report / "transcripts").glob("*.html")]:
            assert BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").html["lang"] == lang, page


@pytest.mark.slow
def test_notebooks_write_figures_in_three_formats_and_tables_in_two(study_run):
    for site in study_run.sites:
        report = study_run.root / "reports" / site
        figures = {p.stem for p in (report / "figures").iterdir()}
        tables = {p.stem for p in (report / "tables").iterdir()}
        assert figures and tables
        for stem in figures:
            for suffix in (".pdf", ".svg", ".png"):
                assert (report / "figures" / (stem + suffix)).stat().st_size > 0, (site, stem, suffix)
        for stem in tables:
            assert (report / "tables" / f"{stem}.csv").is_file(), (site, stem)
            assert "\\toprule" in (report / "tables" / f"{stem}.tex").read_text(encoding="utf-8"), (site, stem)


@pytest.mark.slow
def test_index_links_every_file_of_the_report(study_run):
    for site in study_run.sites:
        report = study_run.root / "reports" / site
        files = {p.relative_to(report).as_posix() for p in report.rglob("*") if p.is_file()}
        linked = links_of(report / "index.html")
        assert files - {"index.html"} <= linked, files - linked
        assert linked <= files, linked - files


@pytest.mark.slow
def test_viewer_shows_every_informant_with_each_coded_answer_highlighted(study_run):
    for site in study_run.sites:
        informants = pd.read_csv(study_run.root / "data/raw" / site / "informants.csv", dtype=str)
        codings = pd.read_csv(study_run.root / "data/processed" / site / "codings.csv", dtype=str)
        for informant_id in informants["informant_id"]:
            page = study_run.root / "reports" / site / "transcripts" / f"{informant_id}.html"
            soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
            coded = {div["id"] for div in soup.select("div.coded")}
            expected = {s for s in codings["segment_id"] if s.startswith(f"{informant_id}-")}
            assert coded == expected, (site, informant_id)
            assert soup.select("div.interviewer"), "interviewer turns are shown as context"


@pytest.mark.slow
def test_manifest_records_every_output_and_input_by_hash(study_run):
    for site in study_run.sites:
        root, report = study_run.root, study_run.root / "reports" / site
        text = (report / "manifest.json").read_text(encoding="utf-8")
        manifest = json.loads(text)
        outputs = {entry["path"]: entry for entry in manifest["outputs"]}
        assert set(outputs) == {p.relative_to(report).as_posix() for p in report.rglob("*")
                                if p.is_file() and p.name != "manifest.json"}
        for path, entry in outputs.items():
            data = (report / path).read_bytes()
            assert (entry["sha256"], entry["bytes"]) == (hashlib.sha256(data).hexdigest(), len(data)), path
        inputs = {entry["path"]: entry["sha256"] for entry in manifest["inputs"]}
        raw = {p.relative_to(root).as_posix() for p in (root / "data/raw" / site).rglob("*") if p.is_file()}
        assert raw <= set(inputs)
        assert {p.relative_to(root).as_posix() for p in find_notebooks(root)} <= set(inputs)
        assert inputs[f"data/raw/{site}/informants.csv"] == hashlib.sha256(
            (root / "data/raw" / site / "informants.csv").read_bytes()).hexdigest()
        assert manifest["codebook"]["version"] and manifest["codebook"]["path"].endswith(".yaml")
        assert manifest["packages"]["papermill"] and manifest["packages"]["pandas"]
        assert not ISO_TIME.search(text)


@pytest.mark.slow
def test_two_runs_give_byte_identical_reports_and_processed_data(study_run):
    root = study_run.root
    folders = [root / folder / site for site in study_run.sites for folder in ("reports", "data/processed")]
    folders += [root / "reports" / "cross-site"]
    index = root / "reports" / "index.html"
    first, first_index = file_hashes(*folders), index.read_bytes()
    result = seci(root, "run", "--no-browser", "--force")  # without it, nothing is redone
    assert result.returncode == 0, result.stderr
    second = file_hashes(*folders)
    assert index.read_bytes() == first_index
    assert sorted(first) == sorted(second)
    assert [path for path in first if first[path] != second[path]] == []
    assert len(first) > 50
