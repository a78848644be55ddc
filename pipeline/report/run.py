"""``seci run``: the whole study, from raw transcripts to ``reports/<site>/``.

For each site: ingest, code, then execute every notebook in ``notebooks/`` (``NN_*.ipynb``, in name
order) with papermill, two at a time, into a staging folder ``reports/.<site>.staging/``. Only when
every notebook succeeded is the staging folder swapped in for ``reports/<site>/``, so a failed run
leaves the previous report as it was. The report holds the executed notebooks and their HTML (code
hidden), the notebooks' ``figures/`` and ``tables/``, the coded-transcript viewer, the review sheet,
the REFI-QDA project, ``index.html`` linking all of it and ``manifest.json`` with the hash of every
input and output.

Two runs from the same inputs write the same bytes: timestamps are stripped from the executed
notebooks, ``SOURCE_DATE_EPOCH`` fixes the dates tools embed, nothing written holds a time. The
user's own ``SOURCE_DATE_EPOCH`` is ignored (replaced by :data:`SOURCE_DATE_EPOCH`): outputs are a
function of the inputs alone, and no value, however malformed, can change or stop a run.

Notebooks run in separate kernels and may run in any order, so each must read only
``data/processed/``, ``data/raw/`` and ``data/reference/`` (never another notebook's output). Each gets four parameters:
``site``, ``report_lang``, ``root`` (the project folder) and ``out_dir`` (the report folder); the
kernel runs in the report folder and both paths are relative to it, so no machine's path is recorded
and the executed notebooks still run when opened from ``reports/<site>/``.
"""

from __future__ import annotations

import os
import shutil
import sys
from concurrent.futures import FIRST_EXCEPTION, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.contracts import INDEX_FILE, QDPX_FILE, REPORTS_DIR, REVIEW_SHEET_FILE, raw_site_dir, reports_site_dir
from pipeline.report.index import write_index
from pipeline.report.manifest import write_manifest
from pipeline.report.notebooks import NotebookJob, execute_notebook, find_notebooks

if TYPE_CHECKING:
    from pipeline.analysis.study import Study
    from pipeline.report.viewer import TranscriptPage

WORKERS = os.cpu_count() or 2  # notebooks at once, each in its own kernel (two on the project's machines)
# 1980-01-01, the earliest date a zip file can hold: the date tools embed in PDFs and zips.
SOURCE_DATE_EPOCH = "315532800"


def run_study(root: str | Path, sites: list[str], *, report_lang: str | None = None,
              progress: bool = True) -> list[Path]:
    """Ingest, code and report every site; returns each site's ``index.html``.

    Raises :class:`StageError` naming the notebook and cell when a notebook fails, and the stages'
    own errors on bad input; either way no report folder is changed.
    """
    from tqdm import tqdm

    _import_notebook_tools()  # once here, so the forked workers start with them

    root = Path(root)
    os.environ["SOURCE_DATE_EPOCH"] = SOURCE_DATE_EPOCH  # the user's is ignored; inherited by every kernel
    os.environ.setdefault("PYTHONHASHSEED", "0")
    notebooks = find_notebooks(root)
    staged: list[StagedSite] = []
    with ProcessPoolExecutor(max_workers=WORKERS, mp_context=_worker_context()) as pool:
        pool.submit(int).result()  # start the workers now, while this process runs no other thread
        with tqdm(total=len(sites) * (1 + len(notebooks)), unit="step", disable=not progress,
                  bar_format="{desc}{n_fmt}/{total_fmt} {bar} {elapsed}") as bar:
            try:
                for site in sites:
                    bar.set_description(f"{site}: ingest and code")
                    staged.append(stage_site(root, site, report_lang, notebooks, pool))
                    for future in staged[-1].futures:
                        future.add_done_callback(lambda done: done.cancelled() or bar.update())
                    bar.update()
                bar.set_description("notebooks")
                futures = [future for site in staged for future in site.futures]
                wait(futures, return_when=FIRST_EXCEPTION)
                for future in futures:  # report the first failure in notebook order
                    if future.done() and future.exception() is not None:
                        raise future.exception()
            except BaseException:
                pool.shutdown(wait=True, cancel_futures=True)
                for site in staged:
                    if not site.failed():  # the failed notebook stays in its staging folder
                        shutil.rmtree(site.staging, ignore_errors=True)
                raise
    return [finish_site(root, site) for site in staged]


@dataclass
class StagedSite:
    """A site whose notebooks are executing into its staging folder."""

    site: str
    lang: str
    staging: Path
    futures: list[Future]
    study: Study  # the coded site: its title and codebook
    pages: list[TranscriptPage]  # the coded-transcript viewer

    def failed(self) -> bool:
        return any(f.done() and not f.cancelled() and f.exception() is not None for f in self.futures)


def stage_site(root: Path, site: str, report_lang: str | None, notebooks: list[Path],
               pool: ProcessPoolExecutor) -> StagedSite:
    """Ingest and code the site, start its notebooks, and write the viewer and exports while they run."""
    from pipeline.analysis.study import load_study

    prepare_site_data(root, site)
    lang = report_lang or site_language(root, site)
    staging = fresh_staging(root, site)
    parameters = notebook_parameters(root, site, lang, staging)
    futures = [pool.submit(execute_notebook, NotebookJob(notebook, staging, parameters)) for notebook in notebooks]
    study = load_study(root, site)
    pages = write_site_extras(root, study, lang, staging)
    return StagedSite(site, lang, staging, futures, study, pages)


def finish_site(root: Path, staged: StagedSite) -> Path:
    """Index and manifest, then the staging folder becomes ``reports/<site>/``; returns its index.html."""
    executed = [future.result() for future in staged.futures]
    write_index(staged, executed)
    write_manifest(root, staged)
    final = reports_site_dir(root, staged.site)
    swap_into_place(staged.staging, final)
    return final / INDEX_FILE


def _worker_context():
    """Fork on Linux: the workers then start with papermill and nbconvert already imported."""
    import multiprocessing

    return multiprocessing.get_context("fork" if sys.platform == "linux" else None)


def _import_notebook_tools() -> None:
    """Import papermill and nbconvert, without the seconds jsonschema spends on ``rfc3987_syntax``.

    nbformat validates notebooks with jsonschema, which imports ``rfc3987_syntax`` when it is installed
    (jupyter-events installs it) only to check the "iri" string formats, which no notebook schema uses;
    that import builds a parser grammar and costs 2-4 s of every run. Marking it absent skips it.
    """
    sys.modules.setdefault("rfc3987_syntax", None)
    import nbconvert  # noqa: F401
    import papermill  # noqa: F401


def prepare_site_data(root: Path, site: str) -> None:
    """Ingest and code a site: ``data/processed/<site>/`` as the notebooks read it."""
    from pipeline.coding.classify import code_site
    from pipeline.corpus.ingest import ingest_site

    ingest_site(root, site)
    code_site(root, site)


def site_language(root: Path, site: str) -> str:
    """The language the site's ``study.yaml`` declares: the report speaks the interviews' language."""
    from pipeline.corpus.study_config import load_study_config

    return load_study_config(raw_site_dir(root, site)).language


def fresh_staging(root: Path, site: str) -> Path:
    staging = Path(root) / REPORTS_DIR / f".{site}.staging"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    return staging


def notebook_parameters(root: Path, site: str, lang: str, staging: Path) -> dict:
    """Paths relative to the report folder (the kernel's working folder), so no machine's path is recorded."""
    return {"site": site, "root": Path(os.path.relpath(root.resolve(), staging.resolve())).as_posix(),
            "report_lang": lang, "out_dir": "."}


def swap_into_place(staging: Path, final: Path) -> None:
    """Replace ``final`` by ``staging`` with renames only: the old report stays until the new one is whole."""
    backup = final.with_name(f".{final.name}.previous")
    if backup.exists():
        shutil.rmtree(backup)
    if final.exists():
        final.rename(backup)
    staging.rename(final)
    if backup.exists():
        shutil.rmtree(backup)


def write_site_extras(root: Path, study: Study, lang: str, out_dir: Path) -> list[TranscriptPage]:
    """The coded-transcript viewer, the review sheet and the REFI-QDA project; returns the viewer's pages."""
    from pipeline.report.qdpx import export_qdpx
    from pipeline.report.review import write_review_sheet
    from pipeline.report.viewer import write_transcript_pages

    pages = write_transcript_pages(study, out_dir, lang)
    write_review_sheet(root, study.site, out_dir / REVIEW_SHEET_FILE, with_classifier_codes=True)
    export_qdpx(root, study.site, out_dir / QDPX_FILE, lang=lang)
    return pages
