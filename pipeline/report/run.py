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

Every site (its transcripts, ``study.yaml``, codebook) and the reference findings are read and
validated before anything is written, so bad input in one site leaves every site as it was. One run
at a time: a second ``seci run`` on the project waits for the first (:func:`pipeline.files.project_lock`).
A run killed at any moment (SIGKILL included) leaves each ``reports/<site>/`` whole, old or new: the
swap is one atomic exchange of folders where the system has one. Its workers and their kernels end
with it: each worker gets SIGTERM when the run's process dies (Linux's parent-death signal) or ends
its work on failure or interruption, and then kills its kernels and itself.

Notebooks run in separate kernels and may run in any order, so each must read only
``data/processed/``, ``data/raw/`` and ``data/reference/`` (never another notebook's output). Each gets four parameters:
``site``, ``report_lang``, ``root`` (the project folder) and ``out_dir`` (the report folder); the
kernel runs in the report folder and both paths are relative to it, so no machine's path is recorded
and the executed notebooks still run when opened from ``reports/<site>/``.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import sys
from concurrent.futures import FIRST_EXCEPTION, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from pipeline.contracts import (
    ARTICLE_FINDINGS_FILE, INDEX_FILE, QDPX_FILE, REPORTS_DIR, REVIEW_SHEET_FILE, raw_site_dir, reports_site_dir,
)
from pipeline.errors import SeciError, StageError
from pipeline.files import project_lock
from pipeline.report.index import write_index
from pipeline.report.manifest import write_manifest
from pipeline.report.notebooks import NotebookJob, end_kernels, execute_notebook, find_notebooks

if TYPE_CHECKING:
    from pipeline.analysis.study import Study
    from pipeline.corpus.ingest import IngestedSite
    from pipeline.report.viewer import TranscriptPage

WORKERS = os.cpu_count() or 2  # notebooks at once, each in its own kernel (two on the project's machines)
# 1980-01-01, the earliest date a zip file can hold: the date tools embed in PDFs and zips.
SOURCE_DATE_EPOCH = "315532800"


def run_sites(root: str | Path, sites: list[str], *, report_lang: str | None = None,
              progress: bool = True) -> tuple[list[Path], dict[str, SeciError]]:
    """Ingest, code and report each site on its own; returns the ``index.html`` of every site reported
    and the error of every site that was not.

    Under one project lock, every site is read and checked before any is written; a site that fails
    its check, or one of its notebooks (:class:`StageError` naming the notebook and cell), keeps its
    previous outputs and stops no other site.
    """
    root = Path(root)
    indexes: list[Path] = []
    failed: dict[str, SeciError] = {}
    with project_lock(root), _terminated_as_interrupt():
        valid = []
        for site in sites:
            try:
                valid += validate_sites(root, [site])
            except SeciError as error:
                failed[site] = error
        for ingested in valid:
            try:
                indexes += _run_validated(root, [ingested], report_lang, progress)
            except SeciError as error:
                failed[ingested.site] = error
    return indexes, failed


def _run_validated(root: Path, ingested: list[IngestedSite], report_lang: str | None, progress: bool) -> list[Path]:
    from tqdm import tqdm

    _import_notebook_tools()  # once here, so the forked workers start with them

    root = Path(root)
    os.environ["SOURCE_DATE_EPOCH"] = SOURCE_DATE_EPOCH  # the user's is ignored; inherited by every kernel
    os.environ.setdefault("PYTHONHASHSEED", "0")
    notebooks = find_notebooks(root)
    staged: list[StagedSite] = []
    with ProcessPoolExecutor(max_workers=WORKERS, mp_context=_worker_context(), initializer=_start_worker,
                             initargs=(os.getpid(),)) as pool:
        pool.submit(int).result()  # start the workers now, while this process runs no other thread
        with tqdm(total=len(ingested) * (1 + len(notebooks)), unit="step", disable=not progress,
                  bar_format="{desc}{n_fmt}/{total_fmt} {bar} {elapsed}") as bar:
            try:
                for site in ingested:
                    bar.set_description(f"{site.site}: ingest and code")
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
                _end_workers(pool)
                pool.shutdown(wait=True, cancel_futures=True)
                for site in staged:
                    if not site.failed():  # the failed notebook stays in its staging folder
                        shutil.rmtree(site.staging, ignore_errors=True)
                raise
    return [finish_site(root, site) for site in staged]


def validate_sites(root: Path, sites: list[str]) -> list[IngestedSite]:
    """Every site ingested in memory and its codebook read, and the reference findings checked, before
    anything is written: one bad site stops the run with every site's outputs as they were."""
    from pipeline.analysis.findings import load_article_findings
    from pipeline.coding.classify import site_codebook
    from pipeline.corpus.ingest import build_site

    ingested = [build_site(root, site) for site in sites]
    for site in sites:
        site_codebook(root, site)
    if (root / ARTICLE_FINDINGS_FILE).is_file():  # read by the findings and validation notebooks
        load_article_findings(root)
    return ingested


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
        """Whether one of its notebooks failed (not merely abandoned when the run ended)."""
        return any(f.done() and not f.cancelled() and isinstance(f.exception(), StageError) for f in self.futures)


def stage_site(root: Path, ingested: IngestedSite, report_lang: str | None, notebooks: list[Path],
               pool: ProcessPoolExecutor) -> StagedSite:
    """Write the site's ingest and coding, start its notebooks, and write the viewer and exports while they run."""
    from pipeline.analysis.study import load_study
    from pipeline.coding.classify import code_site
    from pipeline.corpus.ingest import write_site

    site = ingested.site
    write_site(root, ingested)
    code_site(root, site)
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


PR_SET_PDEATHSIG = 1  # prctl(2): the signal a process gets when its parent dies


def _start_worker(parent: int) -> None:
    """A worker ends with the run: on SIGTERM it kills its kernels and itself, and on Linux it gets
    SIGTERM when the run's process dies, however it died (SIGKILL included). The parent-death
    signal is tied to the thread that forked the worker: the main thread, which lives as long as
    the run (the workers are all started by the first ``submit``)."""
    signal.signal(signal.SIGTERM, _end_worker)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the run's to handle: it ends the workers
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:  # the run died before the signal was set up
        _end_worker()


def _end_worker(*_) -> None:
    end_kernels()
    os._exit(1)


def _end_workers(pool: ProcessPoolExecutor) -> None:
    """SIGTERM to every worker: each kills its kernels and exits (running notebooks are abandoned)."""
    for process in list(pool._processes.values()):  # no public way before Python 3.14's terminate_workers
        process.terminate()


@contextmanager
def _terminated_as_interrupt() -> Iterator[None]:
    """SIGTERM ends the run as Ctrl-C does: workers and kernels ended, staging folders removed."""
    def interrupt(*_):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _import_notebook_tools() -> None:
    """Import papermill and nbconvert, without the seconds jsonschema spends on ``rfc3987_syntax``.

    nbformat validates notebooks with jsonschema, which imports ``rfc3987_syntax`` when it is installed
    (jupyter-events installs it) only to check the "iri" string formats, which no notebook schema uses;
    that import builds a parser grammar and costs 2-4 s of every run. Marking it absent skips it.
    """
    sys.modules.setdefault("rfc3987_syntax", None)
    import nbconvert  # noqa: F401
    import papermill  # noqa: F401


def site_language(root: Path, site: str) -> str:
    """The language the site's ``study.yaml`` declares: the report speaks the interviews' language."""
    from pipeline.corpus.study_config import load_study_config

    return load_study_config(raw_site_dir(root, site)).language


def fresh_staging(root: Path, site: str) -> Path:
    """An empty ``reports/.<site>.staging/``; what a killed run left of it is removed, and a report a
    killed two-rename swap left as ``.<site>.previous`` is put back first."""
    staging = Path(root) / REPORTS_DIR / f".{site}.staging"
    final, backup = reports_site_dir(root, site), _backup_of(reports_site_dir(root, site))
    if backup.exists() and not final.exists():
        backup.rename(final)
    for stale in (staging, backup):
        if stale.exists():
            shutil.rmtree(stale)
    staging.mkdir(parents=True)
    return staging


def notebook_parameters(root: Path, site: str, lang: str, staging: Path) -> dict:
    """Paths relative to the report folder (the kernel's working folder), so no machine's path is recorded."""
    return {"site": site, "root": Path(os.path.relpath(root.resolve(), staging.resolve())).as_posix(),
            "report_lang": lang, "out_dir": "."}


def swap_into_place(staging: Path, final: Path) -> None:
    """Replace ``final`` by ``staging`` with renames only: the old report stays until the new one is whole.

    Where the system can exchange two folders in one step (Linux's ``renameat2``), there is no moment
    without a whole report; elsewhere the old one is renamed aside first, and a kill between the two
    renames is mended by the next run (:func:`fresh_staging`).
    """
    if not final.exists():
        staging.rename(final)
    elif _exchange(staging, final):
        shutil.rmtree(staging)  # it now holds the old report
    else:
        backup = _backup_of(final)
        final.rename(backup)
        staging.rename(final)
        shutil.rmtree(backup)


def _backup_of(final: Path) -> Path:
    return final.with_name(f".{final.name}.previous")


RENAME_EXCHANGE = 2  # renameat2(2) flag
AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically; False where the system or the file system cannot."""
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None) if sys.platform == "linux" else None
    if renameat2 is None:
        return False
    return renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0


def write_site_extras(root: Path, study: Study, lang: str, out_dir: Path) -> list[TranscriptPage]:
    """The coded-transcript viewer, the review sheet and the REFI-QDA project; returns the viewer's pages."""
    from pipeline.report.qdpx import export_qdpx
    from pipeline.report.review import write_review_sheet
    from pipeline.report.viewer import write_transcript_pages

    pages = write_transcript_pages(study, out_dir, lang)
    write_review_sheet(root, study.site, out_dir / REVIEW_SHEET_FILE, with_classifier_codes=True)
    export_qdpx(root, study.site, out_dir / QDPX_FILE, lang=lang)
    return pages
