"""A site's reference coding: ``data/reference/<site>/`` as it is read and checked.

``reference_codings.csv`` is the adjudicated set, ``coder_a.csv``, ``coder_b.csv``, ... each coder's own
coding (all with the columns of ``codings.csv``), ``adjudication_notes.csv`` a note per decision and
``README.md`` the account of who or what coded, how and when. A site coded by one person only has no
adjudicated set: its one ``coder_?.csv`` is then the reference, said to be single-coded wherever it is
shown (a replication often starts so). Notebook 05 reads the reference's statuses
(:mod:`pipeline.analysis.adequacy`), notebook 06 all of it (:mod:`pipeline.analysis.validation`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipeline.analysis.study import Study
from pipeline.contracts import CODING_COLUMNS, REFERENCE_CODINGS_FILE, reference_codings_path
from pipeline.errors import InputError
from pipeline.files import read_table

REFERENCE_README = "README.md"
CODER_FILES = "coder_?.csv"  # data/reference/<site>/: coder_a.csv, coder_b.csv, ...: each coder's own coding
ADJUDICATION_NOTES = "adjudication_notes.csv"


@dataclass(frozen=True)
class ReferenceCoding:
    """A site's reference coding as ``data/reference/<site>/`` holds it, with what says how it was made."""

    folder: Path
    reference: pd.DataFrame  # reference_codings.csv: the adjudicated set (or the one coder's own coding)
    coders: pd.DataFrame  # the coder_*.csv files together: each coder's own coding (empty when single-coded)
    description: str  # the first paragraph of the folder's README: who or what coded, how, when
    notes: int  # adjudication decisions recorded
    file: str = REFERENCE_CODINGS_FILE  # the reference's file name in ``folder``
    adjudicated: bool = True  # False: no reference_codings.csv, the site's one coder_?.csv stands for it


def read_reference_coding(study: Study, root: str | Path) -> ReferenceCoding | None:
    """The site's reference coding: the adjudicated ``reference_codings.csv``, or else the one coder's own
    coding when the folder holds exactly one ``coder_?.csv``; None when there is neither (or several coders
    and nothing adjudicated: which of them is the reference is the researcher's call, not ours).

    Every file must name answers of this site's ``segments.csv`` and codes of its codebook: a reference
    made on other segments or another codebook would compare nobody's coding.
    """
    path = reference_codings_path(Path(root), study.site)
    folder = path.parent
    coder_files = sorted(folder.glob(CODER_FILES))
    if not path.is_file():
        if len(coder_files) != 1:
            return None
        single = _reference_table(study, coder_files[0])
        _one_coder(single, coder_files[0])
        return ReferenceCoding(folder, single, pd.DataFrame(columns=CODING_COLUMNS),
                               readme_description(folder / REFERENCE_README), 0, coder_files[0].name, adjudicated=False)
    tables = [_reference_table(study, file) for file in [path, *coder_files]]
    notes_path = folder / ADJUDICATION_NOTES
    notes = len(pd.read_csv(notes_path, dtype=str, keep_default_na=False)) if notes_path.is_file() else 0
    _one_coder(tables[0], path)
    coders = pd.concat(tables[1:], ignore_index=True) if len(tables) > 1 else pd.DataFrame(columns=CODING_COLUMNS)
    return ReferenceCoding(folder, tables[0], coders, readme_description(folder / REFERENCE_README), notes)


def _one_coder(table: pd.DataFrame, path: Path) -> None:
    """A reference is one coder's (or one adjudicated) coding: refuse a file that mixes coders."""
    coders = sorted(set(table["coder"]))
    if len(coders) != 1:
        raise InputError(path, f"{len(coders)} coders ({', '.join(coders)}) in the reference coding",
                         fix="keep one coder, the adjudicated set, in reference_codings.csv; each coder's own in coder_a.csv, coder_b.csv, ...")


def _reference_table(study: Study, path: Path) -> pd.DataFrame:
    fix = "the file must have the columns of codings.csv and code this site's answers with its codebook's codes"
    table = read_table(path, CODING_COLUMNS, fix=fix)
    answers = set(study.answers()["segment_id"])
    for line, (segment_id, code_id) in enumerate(zip(table["segment_id"], table["code_id"]), start=2):
        if segment_id not in answers:
            raise InputError(path, f"segment {segment_id!r} is not an answer in this site's segments.csv", line=line,
                             fix="code the answers of the site's current segments.csv (`seci review-sheet`)")
        if code_id and code_id not in study.codebook.code_ids:
            raise InputError(path, f"code {code_id!r} is not in the codebook {study.codebook.source}", line=line,
                             fix=f"use one of: {', '.join(study.codebook.code_ids)}")
    return table


def readme_description(path: Path) -> str:
    """The first paragraph under the README's title: the folder's own account of what its files are."""
    if not path.is_file():
        return ""
    paragraphs = [block.strip() for block in path.read_text(encoding="utf-8").split("\n\n") if block.strip()]
    return next((block for block in paragraphs if not block.startswith("#")), "")
