"""``index.html``: the front page of a site's report, linking every file of the report folder."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import __version__
from pipeline.contracts import FIGURES_DIR, INDEX_FILE, MANIFEST_FILE, QDPX_FILE, REVIEW_SHEET_FILE, TABLES_DIR
from pipeline.files import write_text
from pipeline.report.pages import render
from pipeline.report.viewer import role_word
from pipeline.words import words as catalogue

if TYPE_CHECKING:
    from pipeline.report.notebooks import ExecutedNotebook
    from pipeline.report.run import StagedSite

LATEX_CAPTION = re.compile(r"\\caption\{((?:[^{}]|\{[^{}]*\})*)\}")


def write_index(staged: StagedSite, executed: list[ExecutedNotebook]) -> None:
    write_text(staged.staging / INDEX_FILE, index_page(staged, executed))


def index_page(staged: StagedSite, executed: list[ExecutedNotebook]) -> str:
    """``index.html``: the report's front page, linking every file of the report folder."""
    out_dir, words = staged.staging, catalogue("index", staged.lang)
    study_title = staged.study.title or staged.site

    def files(paths: list[Path]) -> list[dict]:
        return [{"href": _rel(path, out_dir), "format": path.suffix[1:].upper()} for path in paths]

    figures = [
        {"stem": stem, "files": files(paths),
         "preview": next((_rel(path, out_dir) for path in paths if path.suffix == ".png"), None)}
        for stem, paths in _grouped_files(out_dir / FIGURES_DIR).items()
    ]
    tables = [{"stem": stem, "files": files(paths), "caption": _table_caption(paths)}
              for stem, paths in _grouped_files(out_dir / TABLES_DIR).items()]
    return render(
        "index.html.j2", lang=staged.lang, site=staged.site, title=f'{words["report"]}: {study_title}',
        words=words, note=staged.study.note, codebook=staged.study.codebook, version=__version__, figures=figures, tables=tables,
        notebooks=[{"name": nb.name, "title": nb.title.removesuffix(f": {study_title}")} for nb in executed],
        transcripts=[{"href": _rel(page.path, out_dir), "informant_id": page.informant_id,
                      "role": role_word(page.role, staged.lang)} for page in staged.pages],
        data_files=[{"name": name, "description": words[key]} for name, key in (
            (REVIEW_SHEET_FILE, "review_sheet"), (QDPX_FILE, "qdpx"), (MANIFEST_FILE, "manifest"))],
    )


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
