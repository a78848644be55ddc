"""A site's coded study, read once: informants, segments, codings and the codebook they were coded with.

:func:`load_study` reads the processed data contracts of one site; every analysis, finding,
figure and table takes the :class:`Study` it returns (plain DataFrames), so notebooks and tests call
them alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipeline.coding.codebook import Codebook
from pipeline.coding.local_terms import site_codebook
from pipeline.contracts import (
    CODING_COLUMNS, CODINGS_FILE, SEGMENT_COLUMNS, SEGMENTS_FILE, processed_site_dir, raw_site_dir,
)
from pipeline.corpus.ingest import load_informants
from pipeline.corpus.study_config import load_study_config
from pipeline.errors import InputError
from pipeline.files import read_table

EVIDENCE_ITEM = re.compile(r"^(?P<term>.+)@(?P<start>\d+)-(?P<end>\d+)$")


@dataclass(frozen=True)
class Study:
    """One site's coded interviews: the processed data contracts plus the codebook they were coded with."""

    site: str
    informants: pd.DataFrame
    segments: pd.DataFrame
    codings: pd.DataFrame
    codebook: Codebook
    title: str = ""
    note: str = ""  # e.g. that the transcripts are a reconstruction or fictional (study.yaml)
    language: str = "id"  # the transcripts' language (study.yaml): the report's default language
    reference: Path | None = None  # the published findings to compare with (study.yaml), if any

    def answers(self, role: str | None = None) -> pd.DataFrame:
        """The informants' segments (interviewer turns dropped), optionally of one role."""
        answers = self.segments[self.segments["speaker"] == "informant"]
        return answers if role is None else answers[answers["role"] == role]

    def coded(self, role: str | None = None) -> pd.DataFrame:
        """Codings of the informants' segments joined with their segment (informant, role, text)."""
        answers = self.answers(role)[["segment_id", "informant_id", "role", "text"]]
        return self.codings.merge(answers, on="segment_id", how="inner")

    def codes(self, group: str | None = None) -> list[str]:
        """Code ids in codebook order, optionally of one codebook group (``seci``, ``performance``, ...)."""
        return [code.id for code in self.codebook.codes if group is None or code.group == group]

    def label(self, code_id: str, lang: str) -> str:
        return self.codebook.code(code_id).label[lang]

    def informant_ids(self, role: str | None = None) -> list[str]:
        rows = self.informants if role is None else self.informants[self.informants["role"] == role]
        return rows["informant_id"].tolist()


def load_study(root: str | Path, site: str) -> Study:
    """Read a site's informants, processed segments and codings, and its codebook (once, for a notebook)."""
    raw = raw_site_dir(root, site)
    processed = processed_site_dir(root, site)
    config = load_study_config(raw)
    informants = load_informants(raw, config)
    rerun = f"run `seci run --site {site}` to build data/processed/{site}/"
    segments = read_table(processed / SEGMENTS_FILE, SEGMENT_COLUMNS, fix=rerun)
    codings = read_table(processed / CODINGS_FILE, CODING_COLUMNS, fix=rerun)
    segments = segments.astype({"turn": int, "start": int, "end": int})
    codings = codings.astype({"score": float})
    codebook = site_codebook(config)
    unknown = sorted(set(codings["code_id"]) - set(codebook.code_ids))
    if unknown:
        line = int(codings.index[codings["code_id"] == unknown[0]][0]) + 2
        raise InputError(processed / CODINGS_FILE, f"code '{unknown[0]}' is not in the codebook {codebook.source}",
                         line=line, fix=rerun)
    return Study(site=site, informants=informants, segments=segments, codings=codings, codebook=codebook,
                 title=config.title, note=config.report_note, language=config.language, reference=config.reference)


def evidence(matched: str) -> list[tuple[str, int, int]]:
    """The ``matched`` column of codings.csv (``term@start-end; ...``) as (term, start, end) triples."""
    items = []
    for item in filter(None, (part.strip() for part in str(matched).split(";"))):
        found = EVIDENCE_ITEM.match(item)
        if found:
            items.append((found["term"], int(found["start"]), int(found["end"])))
    return items
