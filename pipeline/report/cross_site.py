"""``reports/cross-site/`` and ``reports/index.html``: every reported site side by side.

``seci run`` calls :func:`write_cross_site` once two or more sites have been reported. The notebook
``notebooks/07_cross_site.ipynb`` (computations in :mod:`pipeline.analysis.cross_site`) is executed
like a site's notebooks: into a staging folder, swapped in only when it succeeded, byte-identical on
a rerun. ``reports/index.html`` then lists every site that has a report, and the cross-site report.
"""

from __future__ import annotations

import os
from pathlib import Path

from pipeline.analysis.cross_site import (
    CROSS_SITE,
    load_studies,
    report_language,
    reported_sites,
)
from pipeline.contracts import (
    CROSS_SITE_NOTEBOOK,
    INDEX_FILE,
    NOTEBOOKS_DIR,
    REPORTS_DIR,
    reports_site_dir,
)
from pipeline.files import write_text
from pipeline.report.notebooks import NotebookJob, execute_notebook
from pipeline.report.pages import render
from pipeline.report.run import fresh_staging, swap_into_place
from pipeline.words import words


def write_cross_site(root: Path, sites: list[str], report_lang: str | None = None) -> Path:
    """Execute the cross-site notebook for ``sites`` into ``reports/cross-site/``, then write
    ``reports/index.html``; returns the latter."""
    lang = report_lang or report_language(load_studies(root, sites))
    staging = fresh_staging(root, CROSS_SITE)
    relative_root = Path(os.path.relpath(root.resolve(), staging.resolve())).as_posix()
    parameters = {"site": CROSS_SITE, "sites": sites, "root": relative_root, "report_lang": lang, "out_dir": "."}
    execute_notebook(NotebookJob(root / NOTEBOOKS_DIR / CROSS_SITE_NOTEBOOK, staging, parameters))
    swap_into_place(staging, reports_site_dir(root, CROSS_SITE))
    return write_reports_index(root, lang)


def write_reports_index(root: Path, lang: str) -> Path:
    """``reports/index.html``: every site with a report (title, language, informants, note), and the
    cross-site report when there is one."""
    studies = load_studies(root, reported_sites(root, None))
    cross = reports_site_dir(root, CROSS_SITE) / CROSS_SITE_NOTEBOOK
    page = render("sites.html.j2", lang=lang, words=words("cross_site", lang),
                  sites=[{"site": study.site, "title": study.title or study.site, "href": f"{study.site}/{INDEX_FILE}",
                          "language": study.language, "informants": len(study.informants), "note": study.note}
                         for study in studies],
                  cross_site=f"{CROSS_SITE}/{Path(CROSS_SITE_NOTEBOOK).with_suffix('.html')}" if cross.is_file() else "")
    path = root / REPORTS_DIR / INDEX_FILE
    write_text(path, page)
    return path
