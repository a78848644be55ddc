"""``seci run``: the whole study, from raw transcripts to ``reports/<site>/``.

For each site: ingest, code, then execute every notebook in ``notebooks/`` (``NN_*.ipynb``, in name
order) with papermill, two at a time, into a staging folder ``reports/.<site>.staging/``. Only when
every notebook succeeded is the staging folder swapped in for ``reports/<site>/``, so a failed run
leaves the previous report as it was. The report holds the executed notebooks and their HTML (code
hidden), the notebooks' ``figures/`` and ``tables/``, the coded-transcript viewer, the review sheet,
the REFI-QDA project, ``index.html`` linking all of it and ``manifest.json`` with the hash of every
input and output.

Two runs from the same inputs write the same bytes: timestamps are stripped from the executed
notebooks, ``SOURCE_DATE_EPOCH`` fixes the dates tools embed, nothing written holds a time.

Notebooks run in separate kernels and may run in any order, so each must read only
``data/processed/`` and ``data/raw/`` (never another notebook's output). Each gets four parameters:
``site``, ``report_lang``, ``root`` (the project folder) and ``out_dir`` (the report folder); the
kernel runs in the report folder and both paths are relative to it, so no machine's path is recorded
and the executed notebooks still run when opened from ``reports/<site>/``.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import html
import json
import os
import platform
import re
import shutil
import sys
import tempfile
import webbrowser
from concurrent.futures import FIRST_EXCEPTION, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import __version__
from pipeline.contracts import (
    ARTICLE_FINDINGS_FILE, LANGUAGES, NOTEBOOKS_DIR, PROCESSED_DIR, REPORTS_DIR, REVIEW_SHEET_FILE, processed_site_dir,
    raw_site_dir, reports_site_dir,
)
from pipeline.errors import InputError, StageError
from pipeline.files import write_text

if TYPE_CHECKING:
    from pipeline.analysis import Study
    from pipeline.codebook import Codebook
    from pipeline.viewer import TranscriptPage

NOTEBOOK_NAME = re.compile(r"^\d\d_[\w-]+\.ipynb$")
KERNEL = "python3"
WORKERS = os.cpu_count() or 2  # notebooks at once, each in its own kernel (two on the project's machines)
# 1980-01-01, the earliest date a zip file can hold: the date tools embed in PDFs and zips.
SOURCE_DATE_EPOCH = "315532800"
MANIFEST_FILE = "manifest.json"
FIGURES_DIR = "figures"  # where the notebooks save figures and tables, inside out_dir
TABLES_DIR = "tables"
INDEX_FILE = "index.html"
LATEX_CAPTION = re.compile(r"\\caption\{((?:[^{}]|\{[^{}]*\})*)\}")
QDPX_FILE = "project.qdpx"
# What manifest.json records the versions of: everything that shapes an output.
RECORDED_PACKAGES = (
    "seci-kit", "pandas", "numpy", "matplotlib", "nltk", "PySastrawi", "PyYAML", "papermill", "nbconvert",
    "nbclient", "nbformat", "ipykernel", "krippendorff", "scikit-learn", "lxml",
)
# Per-cell and per-notebook keys that hold times; everything else papermill records is kept.
TIMING_KEYS = ("start_time", "end_time", "duration")

# nbconvert's "lab" template, without the scripts it would fetch from the web (MathJax, Mermaid,
# require.js, widgets): the report opens offline and shows nothing that needs them. Each page
# links back to the report's index.
OFFLINE_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block body_header -%}{{ super() }}
<nav style="padding: 1em 0 0 var(--jp-notebook-padding, 1em)"><a href="index.html">&larr; {{
  'Laporan' if resources.language_code == 'id' else 'Report' }}</a></nav>
{%- endblock body_header -%}
"""

WORDS = {
    "en": {
        "report": "Study report", "site": "Site", "language": "Report language", "codebook": "Codebook",
        "notebooks": "Report", "figures": "Figures", "tables": "Tables", "transcripts": "Coded transcripts",
        "data": "Data and provenance", "notebook_file": "notebook (.ipynb)",
        "review_sheet": "Review sheet: every segment with the classifier's codes, for human checking (CSV)",
        "qdpx": "REFI-QDA project for ATLAS.ti, MAXQDA, NVivo, QDA Miner (.qdpx)",
        "manifest": "Manifest: SHA-256 of every input and output, package versions (JSON)",
        "transcripts_note": "Each transcript with its coded passages highlighted; hover a passage for the code, "
                            "its status and the terms that fired.",
        "made_by": "Made by seci-kit",
    },
    "id": {
        "report": "Laporan studi", "site": "Lokasi", "language": "Bahasa laporan", "codebook": "Buku kode",
        "notebooks": "Laporan", "figures": "Gambar", "tables": "Tabel", "transcripts": "Transkrip berkode",
        "data": "Data dan asal-usul", "notebook_file": "notebook (.ipynb)",
        "review_sheet": "Lembar tinjauan: setiap segmen dengan kode dari pengklasifikasi, untuk diperiksa manusia (CSV)",
        "qdpx": "Proyek REFI-QDA untuk ATLAS.ti, MAXQDA, NVivo, QDA Miner (.qdpx)",
        "manifest": "Manifes: SHA-256 setiap masukan dan keluaran, versi paket (JSON)",
        "transcripts_note": "Setiap transkrip dengan bagian berkode disorot; arahkan kursor ke bagian itu untuk "
                            "melihat kode, statusnya, dan kata yang memicunya.",
        "made_by": "Dibuat dengan seci-kit",
    },
}


@dataclass(frozen=True)
class NotebookJob:
    """One notebook to execute for one site; plain data, so it can be sent to a worker process."""

    notebook: Path
    staging: Path
    parameters: dict


@dataclass(frozen=True)
class ExecutedNotebook:
    name: str   # file stem, e.g. 01_corpus
    title: str  # the notebook's first heading


# --- the command ------------------------------------------------------------------------------------

def register(subparsers: argparse._SubParsersAction) -> None:
    from pipeline.cli import add_site_arguments

    parser = subparsers.add_parser(
        "run", help="the whole study: ingest, code, execute the notebooks, write reports/<site>/",
        description="Ingest and code every site (or those named), execute the notebooks with papermill and "
        "write reports/<site>/. A failed run leaves the previous report in place.",
    )
    add_site_arguments(parser)
    parser.add_argument("--report-lang", choices=LANGUAGES,
                        help="language of the report's headings and prose (default: the site's language)")
    parser.add_argument("--no-browser", action="store_true", help="do not open the report in a web browser")
    parser.set_defaults(handler=run_command)


def run_command(args: argparse.Namespace) -> int:
    from pipeline.cli import selected_sites

    indexes = run_study(Path(args.root), selected_sites(args), report_lang=args.report_lang)
    for index in indexes:
        print(index)
    if not args.no_browser and _can_open_browser():
        webbrowser.open(indexes[0].resolve().as_uri())
    return 0


def _can_open_browser() -> bool:
    """Only in a terminal on a desktop: never from CI, make test or a headless server."""
    desktop = sys.platform in ("darwin", "win32") or os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    return sys.stdout.isatty() and bool(desktop)


# --- the run ------------------------------------------------------------------------------------------

def run_study(root: str | Path, sites: list[str], *, report_lang: str | None = None,
              progress: bool = True) -> list[Path]:
    """Ingest, code and report every site; returns each site's ``index.html``.

    Raises :class:`StageError` naming the notebook and cell when a notebook fails, and the stages'
    own errors on bad input; either way no report folder is changed.
    """
    from tqdm import tqdm

    _import_notebook_tools()  # once here, so the forked workers start with them

    root = Path(root)
    os.environ.setdefault("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)  # inherited by every kernel
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
    from pipeline.analysis import load_study

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


def find_notebooks(root: Path) -> list[Path]:
    """The study's notebooks, ``NN_name.ipynb``, in name order (the order of the report)."""
    folder = Path(root) / NOTEBOOKS_DIR
    notebooks = sorted(p for p in folder.glob("*.ipynb") if NOTEBOOK_NAME.match(p.name)) if folder.is_dir() else []
    if not notebooks:
        raise InputError(folder, "no notebook named NN_name.ipynb (e.g. 01_corpus.ipynb)",
                         fix="run seci from the project folder or pass --root")
    return notebooks


def prepare_site_data(root: Path, site: str) -> None:
    """Ingest and code a site: ``data/processed/<site>/`` as the notebooks read it."""
    from pipeline.classify import code_site
    from pipeline.ingest import ingest_site

    ingest_site(root, site)
    code_site(root, site)


def site_language(root: Path, site: str) -> str:
    """The language the site's ``study.yaml`` declares: the report speaks the interviews' language."""
    from pipeline.config import load_study

    return load_study(raw_site_dir(root, site)).language


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


# --- one notebook (runs in a worker process) -----------------------------------------------------------

def execute_notebook(job: NotebookJob) -> ExecutedNotebook:
    """Execute one notebook into the staging folder: ``NN_name.ipynb`` (timestamps stripped) and ``.html``.

    A failing cell raises :class:`StageError` naming the notebook, the cell (its place in the notebook
    as committed, counting from 1, and its first line) and the error; the executed notebook, error
    included, stays in the staging folder for inspection. A kernel that could not run is reported
    with the last line it wrote to its standard error, which otherwise never reaches the terminal.
    """
    import nbformat
    import papermill
    from papermill.exceptions import PapermillException, PapermillExecutionError

    target = job.staging / job.notebook.name
    with tempfile.TemporaryFile() as kernel_stderr:
        try:
            executed = papermill.execute_notebook(
                str(job.notebook), str(target), parameters=job.parameters, kernel_name=KERNEL, cwd=str(job.staging),
                progress_bar=False, request_save_on_cell_execute=False,
                # The kernel's own log says nothing a reader can act on (a TCP warning at start, the interrupt
                # jupyter_client sends before shutdown); failing cells are reported from their outputs.
                extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
                kernel_manager_class=_kernel_manager_writing_stderr_to(kernel_stderr),
            )
        except PapermillExecutionError as error:
            raise StageError(_failed_cell_message(job, error)) from None
        except (PapermillException, RuntimeError, TimeoutError) as error:
            said = _last_line(kernel_stderr)
            raise StageError(f"{_shown(job.notebook)}: could not be executed: {str(error).splitlines()[0]}"
                             + (f"; the kernel's last words: {said}" if said else "")) from None
    committed_ids = {cell.get("id") for cell in json.loads(job.notebook.read_text(encoding="utf-8"))["cells"]}
    executed = without_timestamps(executed, job.notebook.name, job.parameters["site"], committed_ids)
    write_text(target, nbformat.writes(executed) + "\n")
    title = notebook_title(executed, job.notebook.stem)
    write_text(target.with_suffix(".html"), notebook_html(executed, title, job.parameters["report_lang"]))
    return ExecutedNotebook(job.notebook.stem, title)


def _kernel_manager_writing_stderr_to(log):
    """A kernel manager whose kernels write their standard error to ``log``, not to the terminal.

    A kernel shut down after a failing cell may print a traceback of its own (tornado's "Uncaught
    exception in ZMQStream callback", now and then, as it races the shutdown): noise between the
    progress bar and the one-line error. What a kernel that could not start said is kept for the
    error message."""
    from jupyter_client.manager import AsyncKernelManager

    class KernelManager(AsyncKernelManager):
        async def _async_launch_kernel(self, kernel_cmd, **kw):  # jupyter_client's hook for launching differently
            return await super()._async_launch_kernel(kernel_cmd, **{**kw, "stderr": log})

    return KernelManager


def _last_line(log) -> str:
    log.seek(0)
    lines = log.read().decode("utf-8", "replace").strip().splitlines()
    return lines[-1].strip() if lines else ""


def _failed_cell_message(job: NotebookJob, error) -> str:
    """One line: notebook, cell as numbered in the committed notebook, its first line, the error."""
    import nbformat

    committed = nbformat.read(job.notebook, as_version=4)
    tagged = [i for i, cell in enumerate(committed.cells) if "parameters" in cell.metadata.get("tags", [])]
    injected_at = tagged[0] + 1 if tagged else 0  # papermill inserts its parameters cell here
    number = error.cell_index if error.cell_index > injected_at else error.cell_index + 1
    first_line = next((line.strip() for line in error.source.splitlines() if line.strip()), "")
    evalue = " ".join(str(error.evalue).split())
    return (f"{_shown(job.notebook)}: cell {number} ({first_line}) failed: {error.ename}: {evalue}; "
            f"the executed notebook is {_shown(job.staging / job.notebook.name)}")


def _shown(path: Path) -> str:
    """A path as the user would type it: relative to the current folder when inside it."""
    try:
        return Path(os.path.relpath(path)).as_posix() if not os.path.relpath(path).startswith("..") else str(path)
    except ValueError:  # another drive on Windows
        return str(path)


def without_timestamps(nb, name: str, site: str, committed_ids: set[str]):
    """The executed notebook with every time papermill and nbclient recorded removed, paths made relative.

    Cells the committed notebook did not carry (papermill's parameters cell, cells of a notebook saved
    without ids) get ids from their position instead of random ones.
    """
    record = nb.metadata.get("papermill", {})
    for key in TIMING_KEYS:
        record.pop(key, None)
    record["input_path"] = (NOTEBOOKS_DIR / name).as_posix()
    record["output_path"] = (REPORTS_DIR / site / name).as_posix()
    for position, cell in enumerate(nb.cells):
        if cell.get("id") not in committed_ids:
            cell["id"] = f"seci-{position}"
        cell.metadata.pop("execution", None)
        for key in TIMING_KEYS:
            cell.metadata.get("papermill", {}).pop(key, None)
    return nb


def notebook_title(nb, fallback: str) -> str:
    """The first Markdown heading the notebook shows (a Markdown cell or a Markdown output)."""
    for cell in nb.cells:
        texts = [cell.source] if cell.cell_type == "markdown" else [
            "".join(output.get("data", {}).get("text/markdown", "")) for output in cell.get("outputs", [])]
        for line in (line for text in texts for line in text.splitlines()):
            if line.startswith("#"):
                return line.lstrip("#").strip()
    return fallback


def notebook_html(nb, title: str, lang: str) -> str:
    """The notebook as a self-contained HTML page for readers: outputs only, images embedded, no web fetches."""
    import copy

    titled = copy.deepcopy(nb)
    titled.metadata["title"] = title
    body, _ = _html_exporter(lang).from_notebook_node(titled, resources={"metadata": {"name": title}})
    return body


@functools.cache
def _html_exporter(lang: str):
    """One exporter per language and process: its templates are compiled once."""
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    return HTMLExporter(
        extra_loaders=[DictLoader({"seci_offline.html.j2": OFFLINE_TEMPLATE})],
        template_file="seci_offline.html.j2", exclude_input=True, exclude_input_prompt=True,
        exclude_output_prompt=True, embed_images=True, language_code=lang,
    )


# --- what is written beside the notebooks ---------------------------------------------------------------

def write_site_extras(root: Path, study: Study, lang: str, out_dir: Path) -> list[TranscriptPage]:
    """The coded-transcript viewer, the review sheet and the REFI-QDA project; returns the viewer's pages."""
    from pipeline.qdpx import export_qdpx
    from pipeline.review import write_review_sheet
    from pipeline.viewer import write_transcript_pages

    pages = write_transcript_pages(study, out_dir, lang)
    write_review_sheet(root, study.site, out_dir / REVIEW_SHEET_FILE, with_classifier_codes=True)
    export_qdpx(root, study.site, out_dir / QDPX_FILE, lang=lang)
    return pages


def write_index(staged: StagedSite, executed: list[ExecutedNotebook]) -> None:
    write_text(staged.staging / INDEX_FILE, index_page(staged, executed))


def index_page(staged: StagedSite, executed: list[ExecutedNotebook]) -> str:
    """``index.html``: the report's front page, linking every file of the report folder."""
    from pipeline.viewer import role_word

    words, esc, out_dir = WORDS[staged.lang], html.escape, staged.staging

    def links(paths: list[Path]) -> str:
        return " · ".join(f'<a href="{esc(_rel(p, out_dir))}">{esc(p.suffix[1:].upper())}</a>' for p in paths)

    study_title = staged.study.title or staged.site
    items = "".join(
        f'<li><a href="{esc(nb.name)}.html">{esc(nb.title.removesuffix(f": {study_title}"))}</a> '
        f'<span class="aside">(<a href="{esc(nb.name)}.ipynb">{esc(words["notebook_file"])}</a>)</span></li>'
        for nb in executed
    )
    sections = [f'<h2>{esc(words["notebooks"])}</h2>\n<ol class="notebooks">{items}</ol>']

    figures = _grouped_files(out_dir / FIGURES_DIR)
    if figures:
        cards = []
        for stem, paths in figures.items():
            preview = next((p for p in paths if p.suffix == ".png"), None)
            image = (f'<a href="{esc(_rel(preview, out_dir))}"><img src="{esc(_rel(preview, out_dir))}" '
                     f'alt="{esc(stem)}"></a>' if preview else "")
            cards.append(f'<figure>{image}<figcaption><code>{esc(stem)}</code><br>{links(paths)}</figcaption></figure>')
        sections.append(f'<h2>{esc(words["figures"])}</h2>\n<div class="figures">{"".join(cards)}</div>')

    tables = _grouped_files(out_dir / TABLES_DIR)
    if tables:
        rows = "".join(f"<li>{esc(_table_caption(paths))} <code>{esc(stem)}</code>: {links(paths)}</li>"
                       for stem, paths in tables.items())
        sections.append(f'<h2>{esc(words["tables"])}</h2>\n<ul class="tables">{rows}</ul>')

    rows = "".join(
        f'<li><a href="{esc(_rel(page.path, out_dir))}">{esc(page.informant_id)}</a> '
        f'<span class="aside">{esc(role_word(page.role, staged.lang))}</span></li>'
        for page in staged.pages
    )
    sections.append(f'<h2>{esc(words["transcripts"])}</h2>\n<p>{esc(words["transcripts_note"])}</p>\n'
                    f'<ul class="transcripts">{rows}</ul>')

    rows = "".join(f'<li><a href="{esc(name)}">{esc(name)}</a>: {esc(words[key])}</li>'
                   for name, key in ((REVIEW_SHEET_FILE, "review_sheet"), (QDPX_FILE, "qdpx"), (MANIFEST_FILE, "manifest")))
    sections.append(f'<h2>{esc(words["data"])}</h2>\n<ul>{rows}</ul>')

    codebook = staged.study.codebook
    title = f'{words["report"]}: {study_title}'
    facts = (f'{esc(words["site"])}: <code>{esc(staged.site)}</code> · {esc(words["language"])}: {esc(staged.lang)} · '
             f'{esc(words["codebook"])}: {esc(codebook.name)} {esc(codebook.version)}')
    body = "\n".join(sections)
    return f"""<!DOCTYPE html>
<html lang="{esc(staged.lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
<style>
body {{ font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 62rem; margin: 2rem auto;
       padding: 0 1rem; line-height: 1.5; color: #1a1a1a; }}
h1 {{ font-size: 1.6rem; margin-bottom: .2rem; }}
h2 {{ font-size: 1.2rem; border-bottom: 1px solid #ccc; padding-bottom: .2rem; margin-top: 2rem; }}
.facts, .aside, footer {{ color: #555; font-size: .9rem; }}
.figures {{ display: grid; grid-template-columns: repeat(auto-fill, minmax(14rem, 1fr)); gap: 1rem; }}
figure {{ margin: 0; border: 1px solid #ddd; padding: .5rem; background: #fff; }}
figure img {{ width: 100%; height: 10rem; object-fit: contain; }}
figcaption {{ font-size: .85rem; }}
ul.transcripts {{ columns: 4 8rem; }}
a {{ color: #0a4f8a; }}
</style>
</head>
<body>
<h1>{esc(title)}</h1>
<p class="facts">{facts}</p>
{body}
<footer><p>{esc(words["made_by"])} {esc(__version__)}</p></footer>
</body>
</html>
"""


def _grouped_files(folder: Path) -> dict[str, list[Path]]:
    """The files of a folder by stem, formats in name order (a figure's PDF, PNG and SVG together)."""
    groups: dict[str, list[Path]] = {}
    if folder.is_dir():
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".")):
            groups.setdefault(path.relative_to(folder).with_suffix("").as_posix(), []).append(path)
    return groups


def _table_caption(paths: list[Path]) -> str:
    """The caption a table's LaTeX version carries (LaTeX escapes undone), or nothing."""
    tex = next((p for p in paths if p.suffix == ".tex"), None)
    found = LATEX_CAPTION.search(tex.read_text(encoding="utf-8")) if tex else None
    return re.sub(r"\\([%&_#$])", r"\1", found[1]) if found else ""


def _rel(path: Path, base: Path) -> str:
    return path.relative_to(base).as_posix()


# --- the manifest -------------------------------------------------------------------------------------------

def write_manifest(root: Path, staged: StagedSite) -> None:
    record = manifest(root, staged.site, staged.lang, staged.study.codebook, staged.staging)
    write_text(staged.staging / MANIFEST_FILE, json.dumps(record, indent=1, ensure_ascii=False) + "\n")


def manifest(root: Path, site: str, lang: str, codebook: Codebook, out_dir: Path) -> dict:
    """What this report was made from and what it holds, by SHA-256; no times, so reruns match."""
    root = Path(root)
    inputs = sorted(p for p in raw_site_dir(root, site).rglob("*") if p.is_file())
    inputs += find_notebooks(root)
    inputs += [root / ARTICLE_FINDINGS_FILE] if (root / ARTICLE_FINDINGS_FILE).is_file() else []
    codebook_path = Path(codebook.source)
    processed = sorted(p for p in processed_site_dir(root, site).rglob("*") if p.is_file())
    outputs = sorted(p for p in out_dir.rglob("*") if p.is_file() and p.name != MANIFEST_FILE)
    return {
        "site": site,
        "report_lang": lang,
        "seci_kit": __version__,
        "python": platform.python_version(),
        "codebook": {"name": codebook.name, "version": codebook.version,
                     **_file_record(codebook_path, _project_relative(codebook_path, root))},
        "packages": {name: _version(name) for name in RECORDED_PACKAGES},
        "inputs": [_file_record(p, _project_relative(p, root)) for p in inputs],
        "processed": [_file_record(p, p.relative_to(root / PROCESSED_DIR / site).as_posix()) for p in processed],
        "outputs": [_file_record(p, p.relative_to(out_dir).as_posix()) for p in outputs],
    }


def _file_record(path: Path, shown: str) -> dict:
    data = path.read_bytes()
    return {"path": shown, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}


def _project_relative(path: Path, root: Path) -> str:
    """Inputs by their path in the project; the packaged codebook by its path in the package."""
    path = path.resolve()
    for base in (root.resolve(), Path(__file__).resolve().parent.parent):
        if path.is_relative_to(base):
            return path.relative_to(base).as_posix()
    return path.name


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"
