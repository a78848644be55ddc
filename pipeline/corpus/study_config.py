"""A site's ``study.yaml``: what the study is and how its transcripts are to be read.

The file is small and written by researchers, so every mistake in it (a YAML syntax error, a key
this version does not know, a value of the wrong kind, a names file that is not there) stops with
one line naming ``study.yaml``, the line, and the fix. Nothing is guessed: a site that does not
say how its speakers are labelled cannot be read.
"""

from __future__ import annotations

import codecs
import datetime
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.contracts import LANGUAGES, MAX_WEIGHT, SPEAKERS, STUDY_FILE
from pipeline.corpus.clean import clean_text, label_form
from pipeline.corpus.readers import csv_rows, decode, read_input
from pipeline.errors import InputError, shown
from pipeline.files import is_file
from pipeline.yaml_reader import parse_yaml, read_text
from pipeline.yaml_schema import Schema, kind

SEGMENT_UNITS = ("answer", "sentence")
MARK_HANDLING = ("remove", "keep")
NAMES_FILE_COLUMNS = ("name", "pseudonym")

STUDY_KEYS = ("site", "title", "institution", "language", "reconstruction", "reconstruction_note", "note", "reference",
              "transcripts_date", "speaker_labels", "encoding", "segment_unit", "transcription_marks", "codebook",
              "local_terms", "deidentify")
DEIDENTIFY_KEYS = ("names", "names_file", "allow_outside_site", "required")
# Python's codecs that turn bytes into text but are no character encoding of a file.
NOT_FILE_ENCODINGS = ("idna", "punycode", "unicode-escape", "raw-unicode-escape", "undefined")


@dataclass(frozen=True)
class LocalTerm:
    """A name only this site uses for what a code covers (``local_terms:``), in the site's language.

    The term is checked against the codebook's term syntax and its code when the site's codebook is
    built (:func:`pipeline.coding.local_terms.site_codebook`); ``line`` lets that error name it.
    """

    code_id: str
    term: str
    weight: float
    line: int | None


@dataclass(frozen=True)
class StudyConfig:
    """A validated ``study.yaml``, with paths resolved against the site folder.

    ``pseudonyms`` merges ``deidentify.names`` and the names file: real name -> pseudonym.
    ``reference`` is the published findings this site is compared with (``reference:``, resolved
    against the project folder); None for a new site, which then gets no comparison. ``local_terms``
    are the site's own names added to codes of its codebook.
    """

    path: Path
    site: str
    language: str
    speaker_labels: dict[str, tuple[str, ...]]
    title: str = ""
    institution: str = ""
    reconstruction: bool = False
    reconstruction_note: str = ""
    note: str = ""  # shown under every report page's title (e.g. that the data is fictional)
    reference: Path | None = None
    transcripts_date: datetime.date | None = None  # when the transcripts took their final form
    encoding: str | None = None
    segment_unit: str = "answer"
    transcription_marks: str = "remove"
    codebook: Path | None = None
    local_terms: tuple[LocalTerm, ...] = ()
    pseudonyms: dict[str, str] = field(default_factory=dict)

    @property
    def report_note(self) -> str:
        """The note every report page shows: ``note``, else the reconstruction note of a reconstruction."""
        return self.note or (self.reconstruction_note if self.reconstruction else "")

    @property
    def labels(self) -> tuple[str, ...]:
        """Every configured speaker label, of either speaker."""
        return tuple(label for labels in self.speaker_labels.values() for label in labels)

    def speaker_of(self, label: str) -> str | None:
        """``interviewer`` or ``informant`` for a label (case-insensitive, in :func:`label_form`), None when unknown."""
        for speaker, labels in self.speaker_labels.items():
            if label_form(label).casefold() in (label_form(known).casefold() for known in labels):
                return speaker
        return None


def load_study_config(site_dir: str | Path) -> StudyConfig:
    """Read and validate ``<site_dir>/study.yaml`` (and the private names file it points to)."""
    site_dir = Path(site_dir)
    path = site_dir / STUDY_FILE
    if not os.path.lexists(path):
        raise InputError(path, "missing study.yaml",
                         fix="start a site with `seci init-site NAME`, or copy study.yaml from a site under data/raw/")
    return parse_study(read_text(site_file(path, site_dir)), path, site_dir)


def site_file(path: Path, site_dir: Path, *, outside_allowed: bool = False) -> Path:
    """``path`` when it is a regular file inside the site folder; else one line saying why not.

    A site's inputs are its own files: a symbolic link (``transcripts/P9.txt -> /etc/hostname``) or a
    path leading out of the site folder (``names_file: /etc/passwd``) would make seci read, and copy
    into reports, a file nobody put in the study. ``outside_allowed`` (a names file with
    ``allow_outside_site: true``) accepts a regular file elsewhere, still never a link.
    """
    if path.is_symlink():
        raise InputError(path, "is a symbolic link; seci reads only regular files inside the site folder",
                         fix="copy the file itself into the site folder")
    if not outside_allowed and not path.resolve().is_relative_to(Path(site_dir).resolve()):
        raise InputError(path, f"is outside the site folder {site_dir}",
                         fix="move the file into the site folder (a names file kept elsewhere needs "
                         "allow_outside_site: true under deidentify in study.yaml)")
    if not path.is_file():
        raise InputError(path, "is not a regular file", fix="give the path of a file")
    return path


def parse_study(text: str, path: Path, site_dir: Path) -> StudyConfig:
    """Validate the text of a ``study.yaml`` against its schema; ``path`` is only used in messages."""
    data, lines = parse_yaml(text, str(path))
    check = Schema(str(path), lines, guide="see the study.yaml `seci init-site` writes")
    check.mapping(data, (), STUDY_KEYS, required=("language", "speaker_labels"))
    texts = {key: check.text(data[key], (key,), empty=True)
             for key in ("site", "title", "institution", "reconstruction_note", "note", "reference", "encoding", "codebook")
             if key in data}
    site = texts.get("site", site_dir.name)
    if site != site_dir.name:
        check.fail(("site",), f"site '{site}' does not match the folder name '{site_dir.name}'",
                   fix=f"write site: {site_dir.name}")
    encoding = texts.get("encoding")
    if encoding is not None and not is_file_encoding(encoding):
        check.fail(("encoding",), f"{shown(encoding)} is not a character encoding Python can read files in",
                   fix="name the files' encoding, such as cp1252, latin-1 or utf-16")
    codebook = None
    if "codebook" in texts:
        codebook = site_dir / texts["codebook"]
        if not is_file(codebook):
            check.fail(("codebook",), f"codebook file not found: {codebook}",
                       fix="give a path relative to the site folder, or remove the key to use the default codebook")
    transcripts_date = data.get("transcripts_date")
    if transcripts_date is not None and not isinstance(transcripts_date, datetime.date):
        check.fail(("transcripts_date",),
                   f"must be a date written as YYYY-MM-DD without quotes, not {kind(transcripts_date)}")
    # The project folder holds data/raw/<site>/. The file is read (and its absence reported) only by
    # the report's comparison: ingest, code and refine run on a site folder copied on its own.
    reference = site_dir.parents[2] / texts["reference"] if "reference" in texts else None
    return StudyConfig(
        path=path,
        site=site,
        language=check.choice(data["language"], ("language",), LANGUAGES),
        speaker_labels=_speaker_labels(check, data["speaker_labels"]),
        title=texts.get("title", ""),
        institution=texts.get("institution", ""),
        reconstruction=check.flag(data["reconstruction"], ("reconstruction",)) if "reconstruction" in data else False,
        reconstruction_note=texts.get("reconstruction_note", ""),
        note=texts.get("note", ""),
        reference=reference,
        transcripts_date=transcripts_date,
        encoding=encoding,
        segment_unit=check.choice(data.get("segment_unit", "answer"), ("segment_unit",), SEGMENT_UNITS),
        transcription_marks=check.choice(data.get("transcription_marks", "remove"), ("transcription_marks",),
                                         MARK_HANDLING),
        codebook=codebook,
        local_terms=_local_terms(check, data["local_terms"]) if "local_terms" in data else (),
        pseudonyms=_pseudonyms(check, data.get("deidentify", {}), site_dir),
    )


def is_file_encoding(name: str) -> bool:
    """Whether ``name`` is a codec that decodes a file's bytes to text (cp1252: yes; rot13, base64, idna: no)."""
    try:
        "a".encode(name)  # refused for bytes-to-bytes codecs (base64, zlib) and text-to-text ones (rot13)
        return codecs.lookup(name).name not in NOT_FILE_ENCODINGS
    except (LookupError, UnicodeError, ValueError):  # ValueError: a NUL in the name
        return False


def _speaker_labels(check: Schema, value: Any) -> dict[str, tuple[str, ...]]:
    """Each speaker's labels, a label or a list of them; none with a colon, none for both speakers."""
    check.mapping(value, ("speaker_labels",), SPEAKERS, required=SPEAKERS)
    labels: dict[str, tuple[str, ...]] = {}
    for speaker in SPEAKERS:
        path = ("speaker_labels", speaker)
        given = [value[speaker]] if isinstance(value[speaker], str) else check.non_empty_list(value[speaker], path, "labels")
        for index, label in enumerate(given):
            label = check.text(label, path + (index,))
            if ":" in label or "\n" in label:
                check.fail(path + (index,), f"speaker label '{label}' contains a colon or line break",
                           fix="write the label without the colon that follows it in the transcript")
        labels[speaker] = tuple(label.strip() for label in given)
    shared = {label.casefold() for label in labels["interviewer"]} & {label.casefold() for label in labels["informant"]}
    if shared:
        check.fail(("speaker_labels",), f"label '{sorted(shared)[0]}' is listed for both interviewer and informant",
                   fix="give each label to one speaker only")
    return labels


def _local_terms(check: Schema, value: Any) -> tuple[LocalTerm, ...]:
    """``local_terms``: code id -> a list of terms, each a term or ``{term: ..., weight: ...}`` as in a codebook."""
    if not isinstance(value, dict) or not value:
        check.fail(("local_terms",), f"must be a mapping of code id to a list of terms, not {kind(value)}",
                   fix="write e.g. local_terms: {online_services: [{term: signal, weight: 2}]}")
    terms = []
    for code_id, items in value.items():
        path = ("local_terms", code_id)
        if not isinstance(code_id, str):
            check.fail(path, f"code id {shown(code_id)} must be text", fix="use a code id of the site's codebook")
        for index, item in enumerate(check.non_empty_list(items, path, "terms")):
            item_path = path + (index,)
            weight = 1.0
            if isinstance(item, dict):
                check.mapping(item, item_path, ("term", "weight"), required=("term",))
                weight = check.number(item["weight"], item_path + ("weight",), most=MAX_WEIGHT) if "weight" in item else 1.0
                item = item["term"]
            terms.append(LocalTerm(code_id, check.text(item, item_path), weight, check.line(item_path)))
    return tuple(terms)


def _pseudonyms(check: Schema, value: Any, site_dir: Path) -> dict[str, str]:
    """Merge the names listed in study.yaml with the private names file; one pseudonym per name."""
    check.mapping(value, ("deidentify",), DEIDENTIFY_KEYS)
    names = value.get("names") or {}
    if not isinstance(names, dict):
        check.fail(("deidentify", "names"), f"must be a mapping of name: pseudonym, not {kind(names)}")
    pairs: list[tuple[str, str, Path, int | None]] = []
    for name, pseudonym in names.items():
        if not isinstance(name, str) or not isinstance(pseudonym, str) or not name.strip() or not pseudonym.strip():
            check.fail(("deidentify", "names", name), f"name {shown(name)} -> {shown(pseudonym)} is not a pair of texts",
                       fix='write Name: "[Pseudonym]" (quote pseudonyms with brackets)')
        pairs.append((name.strip(), pseudonym.strip(), Path(check.source), check.line(("deidentify", "names", name))))
    if "names_file" in value:
        names_file = site_dir / check.text(value["names_file"], ("deidentify", "names_file"))
        required = check.flag(value["required"], ("deidentify", "required")) if "required" in value else True
        outside_allowed = (check.flag(value["allow_outside_site"], ("deidentify", "allow_outside_site"))
                           if "allow_outside_site" in value else False)
        if os.path.lexists(names_file):
            pairs.extend(_read_names_file(site_file(names_file, site_dir, outside_allowed=outside_allowed)))
        elif required:
            check.fail(("deidentify", "names_file"), f"names file not found: {names_file}",
                       fix="create it (columns name,pseudonym) or write required: false under deidentify")
    pseudonyms: dict[str, str] = {}
    seen: dict[str, str] = {}
    for name, pseudonym, where, line in pairs:
        if not clean_text(name, marks="keep"):
            raise InputError(where, f"name {shown(name)} is empty once cleaned (only invisible characters or marks)",
                             line=line, fix="write the name itself, or delete it")
        key = name.casefold()
        if key in seen and pseudonyms[seen[key]] != pseudonym:
            raise InputError(where, f"name '{name}' is given two pseudonyms ('{pseudonyms[seen[key]]}', '{pseudonym}')",
                             line=line, fix="give each name one pseudonym")
        seen[key] = name
        pseudonyms[name] = pseudonym
    return pseudonyms


def _read_names_file(path: Path) -> list[tuple[str, str, Path, int]]:
    """The (name, pseudonym) rows of the private names file (UTF-8, columns name,pseudonym)."""
    rows = csv_rows(decode(read_input(path), path), path)
    header = next(rows, (1, []))[1]
    missing = [column for column in NAMES_FILE_COLUMNS if column not in header]
    if missing:
        raise InputError(path, f"names file lacks the column(s) {', '.join(missing)}", line=1,
                         fix="the first line must be: name,pseudonym")
    at = [header.index(column) for column in NAMES_FILE_COLUMNS]
    pairs = []
    for line, cells in rows:
        name, pseudonym = (cells[i] if i < len(cells) else "" for i in at)
        if not name or not pseudonym:
            raise InputError(path, "a row needs both a name and a pseudonym", line=line,
                             fix="fill in both cells or delete the row")
        pairs.append((name, pseudonym, path, line))
    return pairs
