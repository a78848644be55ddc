"""``reports/cross-site/`` and ``reports/index.html``: every reported site side by side.

``seci run`` calls :func:`write_cross_site` once two or more sites have been reported. The notebook
``notebooks/07_cross_site.ipynb`` (computations in :mod:`pipeline.analysis.cross_site`) is executed
like a site's notebooks: into a staging folder, swapped in only when it succeeded, byte-identical on
a rerun, and skipped when nothing it reads has changed. ``reports/index.html`` then lists every site
that has a report, and the cross-site report.
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
from pipeline.files import project_lock, write_text
from pipeline.report.notebooks import NotebookJob, execute_notebook
from pipeline.report.pages import render
from pipeline.report.run import NOTHING_REDONE, fresh_staging, say, swap_into_place, tidy_leftovers
from pipeline.report.run_record import SiteInputs, cross_site_record, digest, folder_hashes, sha256_of
from pipeline.words import words

INDEX_STAGE = "index"  # reports/index.html, in the cross-site run record


def write_cross_site(root: Path, sites: list[str], report_lang: str | None = None, *, force: bool = False) -> Path:
    """Execute the cross-site notebook for ``sites`` into ``reports/cross-site/``, then write
    ``reports/index.html``; returns the latter. Either is skipped when its inputs and outputs are as
    ``reports/run_record.json`` has them (:mod:`pipeline.report.run_record`), unless ``force``."""
    root = Path(root)
    with project_lock(root):
        tidy_leftovers(root, CROSS_SITE, [])
        record = cross_site_record(root)
        final = reports_site_dir(root, CROSS_SITE)
        notebook = root / NOTEBOOKS_DIR / CROSS_SITE_NOTEBOOK
        relative_root = Path(os.path.relpath(root.resolve(), final.resolve())).as_posix()  # the staging's too
        parameters = {"site": CROSS_SITE, "sites": sites, "root": relative_root, "report_lang": report_lang,
                      "out_dir": "."}
        studies = {site: SiteInputs.read(root, site).study() for site in sites}
        stage = notebook.stem
        key = digest({"stage": stage, "sites": studies, "notebook": sha256_of(notebook), "parameters": parameters})
        redone = []
        if force or not record.fresh(stage, key):
            parameters["report_lang"] = report_lang or report_language(load_studies(root, sites))
            staging = fresh_staging(root, CROSS_SITE)
            execute_notebook(NotebookJob(notebook, staging, parameters))
            written = folder_hashes(staging, staging)
            record.withdraw([stage])
            swap_into_place(staging, final)
            record.done(stage, key, {(REPORTS_DIR / CROSS_SITE / file).as_posix(): sha for file, sha in written.items()})
            redone.append(stage)
        listed = reported_sites(root, None)
        index_key = digest({"stage": INDEX_STAGE, "cross_site": key, "report_lang": report_lang,
                            "listed": {site: SiteInputs.read(root, site).study() for site in listed},
                            "cross_site_outputs": record.stages.get(stage, {}).get("outputs")})
        index = root / REPORTS_DIR / INDEX_FILE
        if force or redone or not record.fresh(INDEX_STAGE, index_key):
            record.withdraw([INDEX_STAGE])
            write_reports_index(root, parameters["report_lang"] or report_language(load_studies(root, sites)))
            record.done(INDEX_STAGE, index_key, {(REPORTS_DIR / INDEX_FILE).as_posix(): sha256_of(index)})
            redone.append(INDEX_STAGE)
        if redone:
            record.save()
        say(CROSS_SITE, f"redone: {', '.join(redone)}" if redone else NOTHING_REDONE)
    return index


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
