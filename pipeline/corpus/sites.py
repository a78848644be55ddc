"""``seci init-site NAME [--lang id|en]``: the folder a researcher fills with their own interviews.

It writes ``data/raw/NAME/`` with an ``informants.csv`` header, a commented ``study.yaml`` that
``seci ingest`` accepts as is, an empty ``transcripts/`` folder and a README to complete. It never
overwrites: an existing site is left untouched, and the folder appears complete or not at all.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

from pipeline.contracts import INFORMANT_COLUMNS, INFORMANTS_FILE, STUDY_FILE, TRANSCRIPTS_DIR, raw_site_dir
from pipeline.errors import InputError
from pipeline.words import text

# Descriptive columns the scaffold offers besides the required ones (docs/design.md, informants.csv).
DESCRIPTIVE_COLUMNS = ["unit", "background", "source_label"]
_SITE_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")

STUDY_TEMPLATE = """\
# How `seci ingest` reads this site. Keys not listed here are errors (a typo would be ignored otherwise).
site: {name}    # must equal the folder name
title: ""         # the study's title, shown in the reports
institution: ""   # the library or organisation studied
# transcripts_date: 2024-03-15  # when the transcripts took their final form; dates the REFI-QDA export
language: {language}      # language of the transcripts: id (Indonesian) or en (English); a row of
                  # informants.csv with an empty language cell gets this one

# The label before the colon that opens each turn, e.g. "{interviewer}: ..." and "{informant}: ...".
# List every spelling your transcripts use (case does not matter), e.g. [P, Pewawancara] or names.
speaker_labels:
  interviewer: [{interviewer}]
  informant: [{informant}]

segment_unit: answer            # answer = one segment per informant answer; sentence = one per sentence
transcription_marks: remove     # remove or keep marks like [inaudible], [laughs], (tertawa), [00:12:03]
# encoding: cp1252              # only for files that are neither UTF-8 nor UTF-16 with a BOM
# codebook: my-codebook.yaml    # your own codebook (path relative to this folder); default: the SECI codebook
# Your library's own names for what a code covers (its chat app, its word for a leaflet), in the language
# above: added to that code's keywords for this site only, as a word, a "phrase" or a word* glob with an
# optional weight (as in the codebook, docs/codebook.md). Changing one changes the coder label.
# local_terms:
#   online_services: [{{term: signal, weight: 2}}]
#   facilities: ["floor plan", {{term: wayfind*, weight: 1.5}}]

# Names that must not appear in anything seci writes: each becomes its pseudonym, whole word, any case.
# Keep real names out of the repository: put them in a private CSV (columns name,pseudonym) and point to it.
deidentify:
  names: {{}}                     # e.g. {{Yuliana: "[L1]", Syafrizal: "[Head of Library]"}}
  # names_file: ../../../private/{name}-names.csv
  # allow_outside_site: true    # a names file outside this folder is read only with this (never a link)
  # required: true              # false lets ingest run on a machine without the names file
"""

README_TEMPLATE = """\
# {name}: interview transcripts

What this folder holds, where it came from, and how it may be used. Complete every section before
sharing the repository.

## Study
- Institution, dates of the interviews, interviewer(s):
- How informants were chosen:

## Files
| file | what |
|---|---|
| `informants.csv` | one row per interview: {columns} |
| `study.yaml` | how `seci ingest` reads this site (speaker labels, segment unit, names to replace) |
| `transcripts/` | one transcript per informant (.txt, .md, .docx, .odt, .vtt, .srt or .csv with speaker,text) |

## Consent and de-identification
- Consent obtained for recording, transcription, analysis and publication of excerpts: (how, by whom)
- Ethics approval: (committee, reference)
- Names and other identifying details are listed in a private names file outside the repository
  (`deidentify.names_file` in `study.yaml`); `seci ingest` replaces them with pseudonyms.

## Licence
(The terms under which these transcripts may be reused.)
"""


def site_files(name: str, language: str) -> dict[str, str]:
    """The scaffold of a new site: relative path -> text."""
    interviewer, informant = text("speakers.interviewer", language), text("speakers.informant", language)
    columns = INFORMANT_COLUMNS + DESCRIPTIVE_COLUMNS
    return {
        INFORMANTS_FILE: ",".join(columns) + "\n",
        STUDY_FILE: STUDY_TEMPLATE.format(name=name, language=language, interviewer=interviewer, informant=informant),
        "README.md": README_TEMPLATE.format(name=name, columns=", ".join(f"`{c}`" for c in columns)),
        f"{TRANSCRIPTS_DIR}/.gitkeep": "",
    }


def init_site(root: str | Path, name: str, *, language: str = "id") -> Path:
    """Create ``data/raw/<name>/`` from the scaffold; refuses a bad name or an existing folder."""
    site_dir = raw_site_dir(Path(root), name)
    if not _SITE_NAME.match(name):
        raise InputError(site_dir, f"'{name}' is not a usable site name",
                         fix="use lower-case letters, digits, - and _ (e.g. my-library-2025)")
    if site_dir.exists():
        raise InputError(site_dir, "a site of that name exists already; init-site never overwrites one",
                         fix="choose another name, or edit the files in that folder")
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=site_dir.parent, prefix=f".{name}."))
    try:
        for relative, text in site_files(name, language).items():
            (staging / relative).parent.mkdir(parents=True, exist_ok=True)
            (staging / relative).write_text(text, encoding="utf-8", newline="\n")
        os.chmod(staging, 0o755)
        os.rename(staging, site_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return site_dir
