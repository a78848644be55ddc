"""A code's site-level status, *adequate* or *not yet adequate*, read from the informants who speak of it.

The rule: among the informants of a role whose answers carry a code, count those who report a barrier
(at least one of their codings of the code is a ``barrier``). The code is *not yet adequate* when these
are at least ``threshold`` of them (:data:`NOT_YET_ADEQUATE_SHARE`, half, unless a notebook parameter
says otherwise), *adequate* otherwise. Informants, not codings, are counted, so one informant who
returns to a barrier in many answers is one voice.

The same rule applied to a site's reference codings (``data/reference/<site>/reference_codings.csv``)
gives the reference's status of each code; :func:`threshold_agreement` sets the two side by side for
every threshold of :data:`THRESHOLDS` (the status of single codings both assign is compared by
:func:`pipeline.analysis.agreement.status_agreement`).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipeline.analysis.reference_coding import read_reference_coding
from pipeline.analysis.study import Study

NOT_YET_ADEQUATE_SHARE = 0.5
THRESHOLDS = tuple(round(0.1 * n, 1) for n in range(1, 10))  # 10% to 90%
ADEQUATE, NOT_YET_ADEQUATE, ABSENT = "adequate", "not_yet_adequate", "absent"
BARRIER = "barrier"


def status_of(barrier_informants: int, informants: int, threshold: float = NOT_YET_ADEQUATE_SHARE) -> str:
    """``not_yet_adequate`` when the informants reporting a barrier reach ``threshold`` of those who speak of the code."""
    return NOT_YET_ADEQUATE if informants and barrier_informants / informants >= threshold else ADEQUATE


def informant_counts(coded: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    """Per code: ``informants`` whose codings carry it and ``barrier_informants`` among them who report a
    barrier. ``coded`` has ``code_id``, ``informant_id`` and ``status`` (one row per coding)."""
    rows = []
    for code_id in codes:
        of_code = coded[coded["code_id"] == code_id]
        rows.append({"code_id": code_id, "informants": of_code["informant_id"].nunique(),
                     "barrier_informants": of_code.loc[of_code["status"] == BARRIER, "informant_id"].nunique()})
    return pd.DataFrame(rows, columns=["code_id", "informants", "barrier_informants"])


def statuses(coded: pd.DataFrame, roles: dict[str, str], threshold: float) -> dict[str, str]:
    """Each code's status among the informants of its role (``roles``: code id -> role); ``absent`` when none speaks of it."""
    found = {}
    for code_id, role in roles.items():
        row = informant_counts(coded[coded["role"] == role], [code_id]).iloc[0]
        found[code_id] = status_of(row.barrier_informants, row.informants, threshold) if row.informants else ABSENT
    return found


# --- the reference codings ------------------------------------------------------------------------------

def reference_coded(study: Study, root: str | Path) -> pd.DataFrame | None:
    """The site's reference codings joined with their segments (informant, role), as :meth:`Study.coded`
    gives the classifier's; None when the site has no reference codings."""
    found = read_reference_coding(study, root)
    if found is None:
        return None
    reference = found.reference[found.reference["code_id"] != ""]
    answers = study.answers()[["segment_id", "informant_id", "role", "text"]]
    return reference.merge(answers, on="segment_id", how="inner")


def threshold_agreement(reference: pd.DataFrame, coded: pd.DataFrame, roles: dict[str, str],
                        labels: dict[str, str], names: dict[str, str]) -> pd.DataFrame:
    """One row per threshold: the codes whose status the run or the reference can read (spoken of by an
    informant of the code's role in either), how many get the same status from both, the share, and
    the codes that differ (run's status / reference's, as ``names`` words each status)."""
    rows = []
    for threshold in THRESHOLDS:
        run, ref = statuses(coded, roles, threshold), statuses(reference, roles, threshold)
        read = [code for code in roles if run[code] != ABSENT or ref[code] != ABSENT]
        differ = [code for code in read if run[code] != ref[code]]
        rows.append({"threshold": f"{round(100 * threshold)}%", "codes": len(read), "agree": len(read) - len(differ),
                     "share": round((len(read) - len(differ)) / len(read), 2) if read else float("nan"),
                     "differ": ", ".join(f"{labels[code]} ({names[run[code]]} / {names[ref[code]]})" for code in differ)})
    return pd.DataFrame(rows, columns=["threshold", "codes", "agree", "share", "differ"])
