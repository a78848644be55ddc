"""``index.html``: the front page of a site's report, linking every file of the report folder."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import __version__
from pipeline.contracts import FIGURES_DIR, INDEX_FILE, MANIFEST_FILE, QDPX_FILE, REVIEW_SHEET_FILE, TABLES_DIR
from pipeline.files import write_text
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
    words, esc, out_dir = catalogue("index", staged.lang), html.escape, staged.staging

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
