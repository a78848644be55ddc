"""Every reported site side by side (``notebooks/07_cross_site.ipynb``, ``reports/cross-site/``).

Sites differ in size (eleven informants at one, seven at another), so the SECI modes by role are
shown as the share of a role's informants who speak of each mode, with a Wilson score interval
(:data:`~pipeline.contracts.CI_LEVEL`, 95%): it stays inside 0..1 and is honest about a share of 2 of
3, where the normal approximation is not. Status per code uses the same rule as each site's findings
(:func:`pipeline.analysis.findings.status_of`), and each site's codebook and coder label are listed,
since sites coded with different codebooks are not directly comparable.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from pipeline.analysis import adequacy, counts, findings
from pipeline.analysis.agreement import wilson_interval
from pipeline.analysis.study import Study, load_study
from pipeline.contracts import INDEX_FILE, ROLES, list_sites, reports_site_dir
from pipeline.words import literal, text

CROSS_SITE = "cross-site"  # the report folder reports/cross-site/ and the notebook's `site` parameter


def reported_sites(root: str | Path, sites: list[str] | None) -> list[str]:
    """The sites given, or every site under ``data/raw/`` that has a report."""
    return sites or [site for site in list_sites(Path(root)) if (reports_site_dir(root, site) / INDEX_FILE).is_file()]


def load_studies(root: str | Path, sites: list[str]) -> list[Study]:
    return [load_study(root, site) for site in sites]


def report_language(studies: list[Study]) -> str:
    """The sites' language when they share one, else English: the language of the cross-site report."""
    languages = {study.language for study in studies}
    return languages.pop() if len(languages) == 1 else "en"


def title_block(studies: list[Study], lang: str) -> str:
    """The notebook's title naming the sites, then each site's note (fictional or reconstructed data)."""
    notes = [text("report.reconstruction", lang, note=literal(f"{study.site}: {study.note}"))
             for study in studies if study.note]
    return "\n\n".join(["# " + text("cross_site.title", lang, sites=literal(", ".join(study.site for study in studies))),
                        *notes])


def sites_overview(studies: list[Study], lang: str) -> pd.DataFrame:
    """Per site: title, note (fictional, reconstructed), language, informants by role, answers, codebook
    and the classifier's coder label."""
    return pd.DataFrame([{
        "site": study.site, "title": study.title, "note": study.note, "language": study.language,
        "informants": len(study.informants),
        **{text(f"report.value_{role}", lang): len(study.informant_ids(role)) for role in ROLES},
        "answers": len(study.answers()), "codebook": f"{study.codebook.name} {study.codebook.version}",
        "coder": study.codebook.coder,
    } for study in studies])


def modes_by_role(studies: list[Study], lang: str, group: str = "seci") -> pd.DataFrame:
    """Per site, role and code of ``group``: informants of the role who speak of it (k of n), the share
    and its Wilson interval (``low``, ``high``), the role's ``codings`` of the code, and ``few``: the
    share rests on fewer than 3 informants or 5 codings (:func:`~pipeline.analysis.counts.few`)."""
    rows = []
    for study in studies:
        coded = study.coded()
        for role in ROLES:
            n = len(study.informant_ids(role))
            for code_id in study.codes(group):
                of_code = coded[(coded["code_id"] == code_id) & (coded["role"] == role)]
                k = of_code["informant_id"].nunique()
                low, high = wilson_interval(k, n)
                rows.append({"site": study.site, "role": text(f"report.value_{role}", lang), "code_id": code_id,
                             "code": study.label(code_id, lang), "informants": k, "of": n,
                             "share": round(k / n, 3) if n else math.nan, "low": low, "high": high,
                             "codings": len(of_code), "few": counts.few(k, len(of_code))})
    return pd.DataFrame(rows)


def status_per_code(studies: list[Study], lang: str) -> pd.DataFrame:
    """Codes (rows, in the first site's codebook order) x sites: each code's status and the informants it
    rests on (those reporting a barrier / those who speak of it), marked as few where it comes from fewer
    than 3 informants or 5 codings."""
    columns = {}
    for study in studies:
        coded = study.coded()
        table = adequacy.informant_counts(coded, study.codes())
        codings = coded["code_id"].value_counts()
        columns[study.site] = {study.label(row.code_id, lang): _status_cell(row, int(codings.get(row.code_id, 0)), lang)
                               for row in table.itertuples()}
    frame = pd.DataFrame(columns)
    frame.index.name = "code"
    return frame.fillna("")


def _status_cell(row, codings: int, lang: str) -> str:
    """``adequate (1/6)`` (informants reporting a barrier / speaking of the code), with the few-evidence mark
    when it is few (``adequate (1/2), few``); ``-`` where no informant speaks of the code."""
    if not row.informants:
        return "-"
    cell = f"{text('report.' + findings.status_of(row.barrier_informants, row.informants), lang)} " \
           f"({row.barrier_informants}/{row.informants})"
    return text("cross_site.few_cell", lang, cell=cell) if counts.few(row.informants, codings) else cell
