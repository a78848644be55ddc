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
kernel runs in a working folder as deep as the report folder and both paths are relative to it, so no
machine's path is recorded and the executed notebooks still run when opened from ``reports/<site>/``.

A rerun redoes only what changed (:mod:`pipeline.report.run_record`): ingest and coding when what they
read or wrote changed; a notebook when the site's data, the notebook or its parameters changed, or its
outputs were lost; the site's report pages when any of that happened. The files of the notebooks not
redone are carried from the old report into the new one. ``--force`` redoes everything.
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
from pipeline.report.notebooks import NotebookJob, end_kernels, execute_notebook, executed_notebook, find_notebooks
from pipeline.report.run_record import (
    REPORT_STAGE, RunRecord, SiteInputs, code_outputs, folder_hashes, ingest_outputs, notebook_inputs,
    report_inputs, site_record,
)

if TYPE_CHECKING:
    from pipeline.analysis.study import Study
    from pipeline.corpus.ingest import IngestedSite
    from pipeline.report.viewer import TranscriptPage

WORKERS = os.cpu_count() or 2  # notebooks at once, each in its own kernel (two on the project's machines)
# 1980-01-01, the earliest date a zip file can hold: the date tools embed in PDFs and zips.
SOURCE_DATE_EPOCH = "315532800"
NOTHING_REDONE = "nothing changed since the last run, nothing redone"  # what a run says of a site it skipped


def run_sites(root: str | Path, sites: list[str], *, report_lang: str | None = None,
              progress: bool = True, force: bool = False) -> tuple[list[Path], dict[str, SeciError]]:
    """Ingest, code and report each site on its own; returns the ``index.html`` of every site reported
    (in the order of ``sites``) and the error of every site that was not.

    Under one project lock, every site is read and checked before any is written; a site that fails
    its check, or one of its notebooks (:class:`StageError` naming the notebook and cell), keeps its
    previous outputs and stops no other site. Stages whose inputs and outputs are as the site's run
    record has them are skipped (:mod:`pipeline.report.run_record`), unless ``force``; a site with
    nothing to redo is not even read again. One line per site says what was redone.
    """
    root = Path(root)
    reported: dict[str, Path] = {}
    failed: dict[str, SeciError] = {}
    with project_lock(root), _terminated_as_interrupt():
        notebooks = find_notebooks(root)
        valid = []
        for site in sites:
            try:
                tidy_leftovers(root, site, notebooks)
                if not force and site_up_to_date(root, site, report_lang, notebooks):
                    say(site, NOTHING_REDONE)
                    reported[site] = reports_site_dir(root, site) / INDEX_FILE
                else:
                    valid += validate_sites(root, [site])
            except SeciError as error:
                failed[site] = error
        for ingested in valid:
            try:
                reported[ingested.site] = _run_site(root, ingested, report_lang, progress, force)
            except SeciError as error:
                failed[ingested.site] = error
    return [reported[site] for site in sites if site in reported], failed


def say(site: str, what: str) -> None:
    print(f"seci: {site}: {what}", file=sys.stderr, flush=True)


def site_up_to_date(root: Path, site: str, report_lang: str | None, notebooks: list[Path]) -> bool:
    """Whether every stage of the site would be skipped: its inputs and outputs are as recorded."""
    inputs, record = SiteInputs.read(root, site), site_record(root, site)
    if not (record.fresh("ingest", inputs.ingest()) and record.fresh("code", inputs.code())):
        return False
    keys = report_keys(root, site, inputs, report_lang or site_language(root, site), notebooks)
    return all(record.fresh(stage, key) for stage, key in keys.items())


def report_keys(root: Path, site: str, inputs: SiteInputs, lang: str, notebooks: list[Path]) -> dict[str, str]:
    """The input hash of each notebook of the site and of its ``report`` (pages, exports, index, manifest)."""
    study = inputs.study()
    parameters = notebook_parameters(root, site, lang, reports_site_dir(root, site))
    keys = {notebook.stem: notebook_inputs(study, notebook, parameters) for notebook in notebooks}
    return {**keys, REPORT_STAGE: report_inputs(study, lang, keys)}


def _run_site(root: Path, ingested: IngestedSite, report_lang: str | None, progress: bool, force: bool) -> Path:
    """Redo what changed of a checked site: ingest and code, then its stale notebooks in parallel and its
    report; returns its ``index.html``."""
    from tqdm import tqdm

    os.environ["SOURCE_DATE_EPOCH"] = SOURCE_DATE_EPOCH  # the user's is ignored; inherited by every kernel
    os.environ.setdefault("PYTHONHASHSEED", "0")
    plan = plan_site(root, ingested, report_lang, find_notebooks(root), force)
    index = reports_site_dir(root, plan.site) / INDEX_FILE
    if plan.report_stale:
        with _notebook_pool(len(plan.stale_notebooks)) as pool, \
                tqdm(total=len(plan.stale_notebooks), unit="notebook", disable=not progress or not pool,
                     desc=f"{plan.site}: notebooks", bar_format="{desc} {n_fmt}/{total_fmt} {bar} {elapsed}") as bar:
            staged = None
            try:
                staged = stage_site(root, plan, pool)
                for future in staged.futures.values():
                    future.add_done_callback(lambda done: done.cancelled() or bar.update())
                futures = list(staged.futures.values())
                wait(futures, return_when=FIRST_EXCEPTION)
                for future in futures:  # report the first failure in notebook order
                    if future.done() and future.exception() is not None:
                        raise future.exception()
            except BaseException:
                if pool is not None:
                    _end_workers(pool)
                    pool.shutdown(wait=True, cancel_futures=True)
                for notebook in plan.stale_notebooks:
                    shutil.rmtree(notebook_workdir(root, plan.site, notebook.stem), ignore_errors=True)
                if staged is None or not staged.failed():  # the failed notebook stays in its staging folder
                    shutil.rmtree(staging_folder(root, plan.site), ignore_errors=True)
                raise
        index = finish_site(root, staged)
    else:
        plan.record.save()  # ingest and code outputs are in place; the report is as recorded
    say(plan.site, f"redone: {', '.join(plan.redone)}; unchanged: {', '.join(plan.unchanged) or 'nothing'}"
        if plan.redone else NOTHING_REDONE)
    return index


@contextmanager
def _notebook_pool(notebooks: int) -> Iterator[ProcessPoolExecutor | None]:
    """Worker processes for the notebooks, started only when there are notebooks to execute."""
    if not notebooks:
        yield None
        return
    _import_notebook_tools()  # once here, so the forked workers start with them
    with ProcessPoolExecutor(max_workers=WORKERS, mp_context=_worker_context(), initializer=_start_worker,
                             initargs=(os.getpid(),)) as pool:
        pool.submit(int).result()  # start the workers now, while this process runs no other thread
        yield pool


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
class SitePlan:
    """A site after its ingest and coding: what of its report is to be redone."""

    site: str
    lang: str
    notebooks: list[Path]
    keys: dict[str, str]  # the input hash of each notebook and of the report
    record: RunRecord
    redone: list[str]  # the stages redone or to redo, in order
    unchanged: list[str]

    @property
    def stale_notebooks(self) -> list[Path]:
        return [notebook for notebook in self.notebooks if notebook.stem in self.redone]

    @property
    def report_stale(self) -> bool:
        return REPORT_STAGE in self.redone


def plan_site(root: Path, ingested: IngestedSite, report_lang: str | None, notebooks: list[Path],
              force: bool) -> SitePlan:
    """Write the site's ingest and coding where their inputs or outputs changed, then find which notebooks
    to execute; the report is redone when any notebook is, or when its own inputs or outputs changed."""
    from pipeline.coding.classify import code_site
    from pipeline.corpus.ingest import write_site

    site = ingested.site
    inputs, record = SiteInputs.read(root, site), site_record(root, site)
    redone, unchanged = [], []

    def unless_fresh(name: str, key: str, work, outputs) -> None:
        if force or not record.fresh(name, key):
            record.withdraw([name])
            work()
            record.done(name, key, outputs(root, site))
            redone.append(name)
        else:
            unchanged.append(name)

    unless_fresh("ingest", inputs.ingest(), lambda: write_site(root, ingested), ingest_outputs)
    unless_fresh("code", inputs.code(), lambda: code_site(root, site), code_outputs)  # hashes segments.csv as now
    lang = report_lang or site_language(root, site)
    keys = report_keys(root, site, inputs, lang, notebooks)
    stale = [stage for stage, key in keys.items() if force or not record.fresh(stage, key)]
    if stale and REPORT_STAGE not in stale:
        stale.append(REPORT_STAGE)  # a notebook's outputs were lost: the report folder is put together again
    redone += stale
    unchanged += [stage for stage in keys if stage not in stale]
    return SitePlan(site, lang, notebooks, keys, record, redone, unchanged)


@dataclass
class StagedSite:
    """A site whose report is being put together in its staging folder."""

    site: str
    lang: str
    staging: Path
    futures: dict[str, Future]  # the notebooks executing, by name
    study: Study  # the coded site: its title and codebook
    pages: list[TranscriptPage]  # the coded-transcript viewer
    plan: SitePlan

    def failed(self) -> bool:
        """Whether one of its notebooks failed (not merely abandoned when the run ended)."""
        return any(f.done() and not f.cancelled() and isinstance(f.exception(), StageError)
                   for f in self.futures.values())


def stage_site(root: Path, plan: SitePlan, pool: ProcessPoolExecutor | None) -> StagedSite:
    """Start the site's stale notebooks, each in a working folder of its own, and write the viewer and
    exports into the staging folder while they run."""
    from pipeline.analysis.study import load_study

    site = plan.site
    staging = fresh_staging(root, site)
    parameters = notebook_parameters(root, site, plan.lang, staging)
    futures = {}
    for notebook in plan.stale_notebooks:
        workdir = notebook_workdir(root, site, notebook.stem)
        workdir.mkdir(parents=True)
        futures[notebook.stem] = pool.submit(execute_notebook, NotebookJob(notebook, staging, parameters, workdir))
    study = load_study(root, site)
    pages = write_site_extras(root, study, plan.lang, staging)
    return StagedSite(site, plan.lang, staging, futures, study, pages, plan)


def finish_site(root: Path, staged: StagedSite) -> Path:
    """Each notebook's files into the staging folder (moved from its working folder, or copied from the
    report when it was not redone), index and manifest, then the staging folder becomes
    ``reports/<site>/`` and the run record is saved; returns its index.html."""
    final = reports_site_dir(root, staged.site)
    owned: dict[str, list[str]] = {}
    executed = []
    for notebook in staged.plan.notebooks:
        name = notebook.stem
        if name in staged.futures:
            executed.append(staged.futures[name].result())
            saved = _move_files(notebook_workdir(root, staged.site, name), staged.staging)
            owned[name] = [f"{name}.ipynb", f"{name}.html", *saved]
        else:
            owned[name] = [path.removeprefix(_in_report(staged.site, "")) for path in staged.plan.record.outputs(name)]
            _carry_over(final, staged.staging, owned[name])
            executed.append(executed_notebook(staged.staging / f"{name}.ipynb"))
    write_index(staged, executed)
    write_manifest(root, staged)
    written = folder_hashes(staged.staging, staged.staging)
    theirs = {file for files in owned.values() for file in files}
    owned[REPORT_STAGE] = [file for file in written if file not in theirs]
    record = staged.plan.record
    removed = [stage for stage in record.stages if stage not in ("ingest", "code", *staged.plan.keys)]  # notebooks gone
    record.withdraw([*staged.futures, REPORT_STAGE, *removed])
    swap_into_place(staged.staging, final)
    for stage, files in owned.items():
        record.done(stage, staged.plan.keys[stage], {_in_report(staged.site, file): written[file] for file in files})
    record.save()
    return final / INDEX_FILE


def _in_report(site: str, file: str) -> str:
    """A file of a site's report as the run record names it: its path in the project."""
    return f"{REPORTS_DIR.as_posix()}/{site}/{file}"


def _move_files(source: Path, target: Path) -> list[str]:
    """Move every file under ``source`` to the same place under ``target``; returns their relative paths.
    A file already there (another notebook's) is an error: outputs must not depend on which ran last."""
    moved = sorted(path.relative_to(source).as_posix() for path in source.rglob("*") if path.is_file())
    for file in moved:
        if (target / file).exists():
            raise StageError(f"two stages of the report write {file}; give each output its own name")
        (target / file).parent.mkdir(parents=True, exist_ok=True)
        (source / file).rename(target / file)
    shutil.rmtree(source)
    return moved


def _carry_over(source: Path, target: Path, files: list[str]) -> None:
    """Files of the report a run did not redo, into its staging folder: hard links (the same file, not
    written again; every write replaces a file, so none is changed through its link), else copies."""
    for file in files:
        (target / file).parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source / file, target / file)
        except OSError:
            shutil.copy2(source / file, target / file)


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
    """An empty ``reports/.<site>.staging/``, what a killed run left removed first (:func:`tidy_leftovers`)."""
    tidy_leftovers(root, site, [])
    staging = staging_folder(root, site)
    staging.mkdir(parents=True)
    return staging


def staging_folder(root: Path, site: str) -> Path:
    return Path(root) / REPORTS_DIR / f".{site}.staging"


def tidy_leftovers(root: Path, site: str, notebooks: list[Path]) -> None:
    """Mend what a killed run left of a site's report: a report a killed two-rename swap left as
    ``.<site>.previous`` is put back, and the staging folder and the notebooks' working folders are removed."""
    staging = staging_folder(root, site)
    final, backup = reports_site_dir(root, site), _backup_of(reports_site_dir(root, site))
    if backup.exists() and not final.exists():
        backup.rename(final)
    for stale in (staging, backup, *(notebook_workdir(root, site, notebook.stem) for notebook in notebooks)):
        if stale.exists():
            shutil.rmtree(stale)


def notebook_workdir(root: Path, site: str, notebook: str) -> Path:
    """Where a notebook's kernel runs and saves its files: ``reports/.<site>.<notebook>.staging/``, as deep
    below the project as the report, so the notebook's relative paths hold."""
    return Path(root) / REPORTS_DIR / f".{site}.{notebook}.staging"


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
