"""Ingest: a site's raw transcripts -> ``segments.csv`` and the cleaned, de-identified transcripts.

``seci ingest [--root R] [--site S ...]``. For each informant listed in ``informants.csv``: read the
transcript (:mod:`pipeline.corpus.readers`), tell interviewer from informant by the labels in
``study.yaml`` (:mod:`pipeline.corpus.study_config`), clean (:mod:`pipeline.corpus.clean`), replace names with
pseudonyms (:mod:`pipeline.corpus.deidentify`), cut into segments (:mod:`pipeline.corpus.segment`).

Every site is read and validated in full before anything is written, so bad input stops with one
line and leaves earlier outputs as they were. ``data/raw`` is only read. Outputs are written
atomically with fixed settings, so a second run writes byte-identical files.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipeline.contracts import (
    CLEANED_DIR, INFORMANT_COLUMNS, INFORMANTS_FILE, LANGUAGES, ROLES, SEGMENT_COLUMNS, SEGMENTS_FILE, TRANSCRIPTS_DIR,
    processed_site_dir, raw_site_dir,
)
from pipeline.corpus.clean import clean_text
from pipeline.corpus.deidentify import Pseudonyms
from pipeline.corpus.readers import csv_rows, decode, read_input, read_transcript
from pipeline.corpus.segment import SpokenTurn, segment_transcript
from pipeline.corpus.study_config import StudyConfig, load_study_config, site_file
from pipeline.errors import InputError
from pipeline.files import write_csv, write_text

_INFORMANT_ID = re.compile(r"^[A-Za-z0-9_-]+$")


@dataclass(frozen=True)
class IngestedSite:
    """What ingest writes for one site: the segments and each informant's cleaned transcript."""

    site: str
    segments: pd.DataFrame
    transcripts: dict[str, str]  # informant id -> cleaned, de-identified transcript text


def ingest_site(root: str | Path, site: str) -> pd.DataFrame:
    """Read, validate and write one site; returns its segments (the rows of ``segments.csv``)."""
    ingested = build_site(root, site)
    write_site(root, ingested)
    return ingested.segments


def build_site(root: str | Path, site: str) -> IngestedSite:
    """Everything ingest produces for a site, computed in memory; raises InputError on bad input."""
    site_dir = raw_site_dir(Path(root), site)
    config = load_study_config(site_dir)
    informants = load_informants(site_dir, config)
    pseudonyms = Pseudonyms(config.pseudonyms)
    frames, transcripts = [], {}
    for informant in informants.to_dict("records"):
        path = site_dir / TRANSCRIPTS_DIR / informant["transcript"]
        turns = spoken_turns(path, config, pseudonyms)
        cleaned, rows = segment_transcript(turns, informant_id=informant["informant_id"], unit=config.segment_unit)
        frame = pd.DataFrame(rows)
        frame["site"], frame["informant_id"] = site, informant["informant_id"]
        frame["role"], frame["lang"] = informant["role"], informant["language"]
        frames.append(frame)
        transcripts[informant["informant_id"]] = cleaned
    segments = pd.concat(frames, ignore_index=True)[SEGMENT_COLUMNS]
    return IngestedSite(site, segments, transcripts)


def write_site(root: str | Path, ingested: IngestedSite) -> None:
    """Write ``segments.csv`` and ``transcripts/<informant>.txt``; drop cleaned transcripts of removed informants."""
    out = processed_site_dir(Path(root), ingested.site)
    for informant_id, text in ingested.transcripts.items():
        write_text(out / CLEANED_DIR / f"{informant_id}.txt", text)
    for stale in (out / CLEANED_DIR).glob("*.txt"):
        if stale.stem not in ingested.transcripts:
            stale.unlink()
    write_csv(out / SEGMENTS_FILE, ingested.segments)


def spoken_turns(path: Path, config: StudyConfig, pseudonyms: Pseudonyms) -> list[SpokenTurn]:
    """A transcript's turns with speakers assigned, cleaned and de-identified; turns left empty are dropped."""
    turns = []
    for number, turn in enumerate(read_transcript(path, labels=config.labels, encoding=config.encoding), 1):
        speaker = config.speaker_of(turn.speaker)
        if speaker is None:
            known = ", ".join(f"'{label}'" for label in config.labels)
            raise InputError(path, f"unknown speaker label '{turn.speaker}'", line=turn.line,
                             fix=f"use one of {known}, or add the label to speaker_labels in {config.path.name}")
        text = pseudonyms.apply(clean_text(turn.text, marks=config.transcription_marks))
        if text:
            turns.append(SpokenTurn(number, speaker, pseudonyms.apply(clean_text(turn.speaker)), text,
                                    turn.start_time, turn.end_time))
    if not any(turn.speaker == "informant" for turn in turns):
        raise InputError(path, "no informant answer in this transcript",
                         fix=f"label the answers with an informant label from {config.path.name} "
                         f"({', '.join(config.speaker_labels['informant'])})")
    return turns


def load_informants(site_dir: Path, config: StudyConfig) -> pd.DataFrame:
    """``informants.csv`` validated against the transcripts folder; an empty language means the site's.

    Checks: the required columns, one row per informant id, known roles and languages, every
    transcript named exists and is named once (two informants' answers are not one transcript), and
    every file in ``transcripts/`` is named by a row (a transcript nobody listed would silently drop
    out of the study).
    """
    path = site_dir / INFORMANTS_FILE
    if not os.path.lexists(path):
        raise InputError(path, f"missing {INFORMANTS_FILE}", fix="list the informants there (see `seci init-site`)")
    rows_of_file = csv_rows(decode(read_input(site_file(path, site_dir)), path, config.encoding), path)
    header = next(rows_of_file, (1, []))[1]
    missing = [column for column in INFORMANT_COLUMNS if column not in header]
    if missing:
        raise InputError(path, f"missing column(s) {', '.join(missing)}", line=1,
                         fix=f"the first line must name the comma-separated columns {','.join(INFORMANT_COLUMNS)}")
    transcripts_dir = site_dir / TRANSCRIPTS_DIR
    rows, first_seen = [], {}
    for line, cells in rows_of_file:
        row = dict(zip(header, cells + [""] * (len(header) - len(cells))))
        _check_informant(row, path, line, site_dir, first_seen)
        row["language"] = row["language"] or config.language
        first_seen.update({(column, row[column]): line for column in ("informant_id", "transcript")})
        rows.append(row)
    if not rows:
        raise InputError(path, "no informants listed", fix="add one row per interview below the header line")
    named = {row["transcript"] for row in rows}
    for file in sorted(transcripts_dir.iterdir()):  # exists: every row's transcript was found in it
        if file.is_file() and not file.name.startswith(".") and file.name not in named:
            raise InputError(file, f"transcript not named by any row of {INFORMANTS_FILE}",
                             fix=f"add a row for it to {path}, or move it out of {transcripts_dir}")
    return pd.DataFrame(rows, columns=header)


def _check_informant(row: dict, path: Path, line: int, site_dir: Path,
                     first_seen: dict[tuple[str, str], int]) -> None:
    """One row of ``informants.csv``; ``first_seen`` holds the line of each informant id and transcript so far."""
    informant_id, transcript = row["informant_id"], row["transcript"]
    transcripts_dir = site_dir / TRANSCRIPTS_DIR
    if not _INFORMANT_ID.match(informant_id):
        raise InputError(path, f"informant_id '{informant_id}' is empty or has characters other than letters, "
                         "digits, - and _", line=line, fix="use a short id such as L1 or P3")
    if ("informant_id", informant_id) in first_seen:
        raise InputError(path, f"duplicate informant_id '{informant_id}' (first on line "
                         f"{first_seen['informant_id', informant_id]})", line=line,
                         fix="give each informant one row and a unique id")
    if row["role"] not in ROLES:
        raise InputError(path, f"role '{row['role']}' is not one of {', '.join(ROLES)}", line=line,
                         fix=f"write {' or '.join(ROLES)}")
    if row["language"] and row["language"] not in LANGUAGES:
        raise InputError(path, f"language '{row['language']}' is not one of {', '.join(LANGUAGES)}", line=line,
                         fix=f"write {' or '.join(LANGUAGES)}, or leave it empty for the site's language")
    if not transcript or Path(transcript).name != transcript:
        raise InputError(path, f"transcript '{transcript}' is not a file name", line=line,
                         fix=f"give the name of a file in {transcripts_dir}")
    file = transcripts_dir / transcript
    if not os.path.lexists(file):
        raise InputError(path, f"transcript file not found: {file}", line=line,
                         fix="correct the file name or add the transcript to the transcripts folder")
    site_file(file, site_dir)
    if ("transcript", transcript) in first_seen:
        raise InputError(path, f"transcript '{transcript}' is named twice (first on line "
                         f"{first_seen['transcript', transcript]})", line=line,
                         fix="give each informant the transcript of their own interview")
