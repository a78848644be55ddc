"""Executing one notebook with papermill, and turning it into the report's HTML page.

Each notebook runs in its own kernel, in the report's staging folder, with the parameters
:func:`pipeline.report.run.notebook_parameters` gives it. The executed copy is made reproducible
(timestamps stripped, cell ids from their position) and exported as a self-contained page with the
code hidden and no scripts fetched from the web.
"""

from __future__ import annotations

import functools
import json
import os
import re
import signal
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pipeline.contracts import CROSS_SITE_NOTEBOOK, NOTEBOOKS_DIR, REPORTS_DIR
from pipeline.errors import InputError, StageError
from pipeline.files import write_text
from pipeline.words import plain, text

NOTEBOOK_NAME = re.compile(r"^\d\d_[\w-]+\.ipynb$")
KERNEL = "python3"
# Per-cell and per-notebook keys that hold times; everything else papermill records is kept.
TIMING_KEYS = ("start_time", "end_time", "duration")
NBCONVERT_TEMPLATES = Path(__file__).parent / "templates" / "nbconvert"  # the report page of a notebook
# The kernels this process has started and not yet seen shut down: each leads its own process group.
_KERNELS: set[int] = set()


@dataclass(frozen=True)
class NotebookJob:
    """One notebook to execute for one site; plain data, so it can be sent to a worker process.

    The executed notebook and its page go to ``staging``; the kernel runs in ``workdir`` (default:
    ``staging``), where the notebook saves its figures and tables, so that a run can tell which files
    each notebook wrote. Both lie equally deep below the project, so the relative ``root`` parameter
    holds in either.
    """

    notebook: Path
    staging: Path
    parameters: dict
    workdir: Path | None = None


@dataclass(frozen=True)
class ExecutedNotebook:
    name: str   # file stem, e.g. 01_corpus
    title: str  # the notebook's first heading


def find_notebooks(root: Path) -> list[Path]:
    """A site's notebooks, ``NN_name.ipynb``, in name order (the order of the report); the cross-site
    notebook is not one of them (:mod:`pipeline.report.cross_site` runs it once for all sites)."""
    folder = Path(root) / NOTEBOOKS_DIR
    notebooks = sorted(p for p in folder.glob("*.ipynb")
                       if NOTEBOOK_NAME.match(p.name) and p.name != CROSS_SITE_NOTEBOOK) if folder.is_dir() else []
    if not notebooks:
        raise InputError(folder, "no notebook named NN_name.ipynb (e.g. 01_corpus.ipynb)",
                         fix="run seci from the project folder or pass --root")
    return notebooks


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
                str(job.notebook), str(target), parameters=job.parameters, kernel_name=KERNEL,
                cwd=str(job.workdir or job.staging), progress_bar=False, request_save_on_cell_execute=False,
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
        finally:
            _KERNELS.clear()  # papermill has shut its kernel down
    committed_ids = {cell.get("id") for cell in json.loads(job.notebook.read_text(encoding="utf-8"))["cells"]}
    executed = without_timestamps(executed, job.notebook.name, job.parameters["site"], committed_ids)
    write_text(target, nbformat.writes(executed) + "\n")
    title = notebook_title(executed, job.notebook.stem)
    write_text(target.with_suffix(".html"), notebook_html(executed, title, job.parameters["report_lang"]))
    return ExecutedNotebook(job.notebook.stem, title)


def executed_notebook(path: Path) -> ExecutedNotebook:
    """An executed notebook a previous run left, as :func:`execute_notebook` returned it."""
    import nbformat

    return ExecutedNotebook(path.stem, notebook_title(nbformat.read(path, as_version=4), path.stem))


def _kernel_manager_writing_stderr_to(log):
    """A kernel manager whose kernels write their standard error to ``log``, not to the terminal.

    A kernel shut down after a failing cell may print a traceback of its own (tornado's "Uncaught
    exception in ZMQStream callback", now and then, as it races the shutdown): noise between the
    progress bar and the one-line error. What a kernel that could not start said is kept for the
    error message."""
    from jupyter_client.manager import AsyncKernelManager

    class KernelManager(AsyncKernelManager):
        async def _async_launch_kernel(self, kernel_cmd, **kw):  # jupyter_client's hook for launching differently
            launched = await super()._async_launch_kernel(kernel_cmd, **{**kw, "stderr": log})
            _KERNELS.add(self.provisioner.process.pid)
            return launched

    return KernelManager


def end_kernels() -> None:
    """Kill the kernels this process started, with whatever they started (a worker's last act).

    jupyter_client starts each kernel in a session of its own, so it does not die with the worker's
    process group; killing its group by the recorded id does not wait for ipykernel to notice, a
    second later, that its parent is gone.
    """
    for pid in _KERNELS:
        try:
            os.killpg(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


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
    """The first Markdown heading the notebook shows (a Markdown cell or a Markdown output), as plain text
    (the site's title in it is escaped Markdown, :func:`pipeline.words.literal`)."""
    for cell in nb.cells:
        texts = [cell.source] if cell.cell_type == "markdown" else [
            "".join(output.get("data", {}).get("text/markdown", "")) for output in cell.get("outputs", [])]
        for line in (line for source in texts for line in source.splitlines()):
            if line.startswith("#"):
                return plain(line.lstrip("#").strip())
    return fallback


def notebook_html(nb, title: str, lang: str) -> str:
    """The notebook as a self-contained HTML page for readers: outputs only, images embedded, no web fetches."""
    import copy

    titled = copy.deepcopy(nb)
    titled.metadata["title"] = title
    resources = {"metadata": {"name": title}, "back_to_report": text("viewer.back", lang)}
    body, _ = _html_exporter(lang).from_notebook_node(titled, resources=resources)
    return body


@functools.cache
def _html_exporter(lang: str):
    """One exporter per language and process: its templates are compiled once."""
    from jinja2 import FileSystemLoader
    from nbconvert import HTMLExporter

    return HTMLExporter(
        extra_loaders=[FileSystemLoader(NBCONVERT_TEMPLATES)], template_file="seci_notebook.html.j2",
        exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True, embed_images=True, language_code=lang,
    )
