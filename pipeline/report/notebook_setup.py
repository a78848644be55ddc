"""What every report notebook does before its first table, in one call: :func:`start`.

The notebooks in ``notebooks/`` are meant to be read: Markdown that explains, code cells that each
make one pipeline call. So the setup they share (load the site's study, find the report's
``figures/`` and ``tables/``, set pandas to show whole tables) lives here rather than in a dozen
lines repeated at the top of each, and the :class:`Notebook` that :func:`start` returns saves a
table or figure, or shows a heading, in the report language with one short call.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
from IPython.display import Markdown, display
from matplotlib.figure import Figure

from pipeline.analysis.study import Study, load_study
from pipeline.contracts import RAW_DIR, reports_site_dir
from pipeline.errors import InputError
from pipeline.report import figures, tables
from pipeline.words import text

if TYPE_CHECKING:
    from pipeline.analysis.parts import Part


@dataclass(frozen=True)
class Notebook:
    """One notebook's study, where its outputs go, and the language it speaks."""

    study: Study | None  # None in the cross-site notebook, which reads several
    root: Path  # the project folder (the one holding data/raw/)
    figure_dir: Path
    table_dir: Path
    lang: str
    figure_formats: tuple[str, ...] = figures.FORMATS
    studies: tuple[Study, ...] = ()  # the cross-site notebook's sites

    def text(self, key: str, **values) -> str:
        """The catalogue's words for ``key`` ("section.name") in the report language."""
        return text(key, self.lang, **values)

    def heading(self, key: str, *paragraphs: str) -> Markdown:
        """A section heading (Markdown level 2) from the catalogue, followed by the given paragraphs."""
        return Markdown("\n\n".join(["## " + self.text(key), *paragraphs]))

    def table(self, frame: pd.DataFrame, name: str, caption_key: str) -> pd.DataFrame:
        """Save ``tables/<name>.csv`` and ``.tex`` captioned with the catalogue's ``caption_key``; return it as shown."""
        return tables.save_table(frame, name, self.table_dir, caption=self.text(caption_key), lang=self.lang)

    def figure(self, fig: Figure, name: str) -> Figure:
        """Save ``figures/<name>.<format>`` in every figure format; return the figure to show."""
        figures.save_figure(fig, name, self.figure_dir, self.figure_formats)
        return fig

    def show(self, part: Part) -> None:
        """A part of a page: its Markdown (when not empty), then each of its tables (saved as CSV and LaTeX)."""
        if part.markdown:
            display(Markdown(part.markdown))
        for table in part.tables:
            display(tables.save_table(table.frame, table.name, self.table_dir, caption=table.caption, lang=self.lang))


def start(*, site: str, root: str | Path | None, out_dir: str | Path | None, lang: str | None,
          figure_formats: Sequence[str] = figures.FORMATS) -> Notebook:
    """Load the site's study, set pandas to show whole tables, and point outputs at ``out_dir``
    (``<root>/reports/<site>`` when None).

    ``root`` None: the project folder is found from the working folder (:func:`find_root`), so a
    notebook runs the same from the repository, from ``notebooks/`` or in JupyterLab. ``lang`` None:
    the report speaks the site's language (``study.yaml``).
    """
    root = _prepared(root)
    study = load_study(root, site)
    out = Path(out_dir) if out_dir else reports_site_dir(root, site)
    return Notebook(study, root, out / "figures", out / "tables", lang or study.language, tuple(figure_formats))


def start_cross_site(*, sites: Sequence[str] | None, root: str | Path | None, out_dir: str | Path | None,
                     lang: str | None, figure_formats: Sequence[str] = figures.FORMATS) -> Notebook:
    """:func:`start` for ``07_cross_site``: the given sites (None: every site with a report), outputs in
    ``out_dir`` (``<root>/reports/cross-site`` when None), the sites' shared language unless ``lang``."""
    from pipeline.analysis import cross_site

    root = _prepared(root)
    studies = cross_site.load_studies(root, cross_site.reported_sites(root, list(sites or [])))
    out = Path(out_dir) if out_dir else reports_site_dir(root, cross_site.CROSS_SITE)
    return Notebook(None, root, out / "figures", out / "tables", lang or cross_site.report_language(studies),
                    tuple(figure_formats), tuple(studies))


def _prepared(root: str | Path | None) -> Path:
    """Whole tables shown; the project folder given, or found from the working folder."""
    pd.set_option("display.max_colwidth", None)
    pd.set_option("display.max_rows", None)
    return Path(root) if root is not None else find_root(Path.cwd())


def find_root(start: Path) -> Path:
    """The nearest folder, from ``start`` upwards, that holds ``data/raw/``: the project folder."""
    for folder in (start, *start.parents):
        if (folder / RAW_DIR).is_dir():
            return folder
    raise InputError(start, "no project folder (one holding data/raw/) here or above",
                     fix="run from inside the seci-kit folder, or pass -p root PATH")
