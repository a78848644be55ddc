"""A site's ``study.yaml``: what the study is and how its transcripts are to be read.

The file is small and written by researchers, so every mistake in it (a YAML syntax error, a key
this version does not know, a value of the wrong kind, a names file that is not there) stops with
one line naming ``study.yaml``, the line, and the fix. Nothing is guessed: a site that does not
say how its speakers are labelled cannot be read.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import os
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.contracts import LANGUAGES, SPEAKERS, STUDY_FILE
from pipeline.corpus.clean import clean_text, label_form
from pipeline.errors import InputError
from pipeline.yaml_reader import dotted_lines, parse_yaml, read_text

SEGMENT_UNITS = ("answer", "sentence")
MARK_HANDLING = ("remove", "keep")
NAMES_FILE_COLUMNS = ("name", "pseudonym")

# key -> (expected Python type, what to write in the error message)
_TOP_LEVEL = {
    "site": (str, "a text"),
    "title": (str, "a text"),
    "institution": (str, "a text"),
    "language": (str, "id or en"),
    "reconstruction": (bool, "true or false"),
    "reconstruction_note": (str, "a text"),
    "note": (str, "a text"),
    "reference": (str, "a path relative to the project folder, e.g. data/reference/article_findings.yaml"),
    "transcripts_date": (datetime.date, "a date written as YYYY-MM-DD, without quotes"),
    "speaker_labels": (dict, "a mapping with the keys interviewer and informant"),
    "encoding": (str, "an encoding name such as cp1252"),
    "segment_unit": (str, "answer or sentence"),
    "transcription_marks": (str, "remove or keep"),
    "codebook": (str, "a path relative to the site folder"),
    "deidentify": (dict, "a mapping with the keys names, names_file, required"),
}
_DEIDENTIFY = {
    "names": (dict, "a mapping name: pseudonym"),
    "names_file": (str, "a path relative to the site folder"),
    "allow_outside_site": (bool, "true or false"),
    "required": (bool, "true or false"),
}


@dataclass(frozen=True)
class StudyConfig:
    """A validated ``study.yaml``, with paths resolved against the site folder.

    ``pseudonyms`` merges ``deidentify.names`` and the names file: real name -> pseudonym.
    ``reference`` is the published findings this site is compared with (``reference:``, resolved
    against the project folder); None for a new site, which then gets no comparison.
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
                         fix="copy one from data/raw/uin-imam-bonjol/ or start a site with `seci init-site NAME`")
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
    """Validate the text of a ``study.yaml``; ``path`` is only used in messages."""
    data, lines = parse_yaml(text, str(path))
    if not isinstance(data, dict):
        raise InputError(path, "study.yaml must be a mapping of keys such as site, language, speaker_labels",
                         fix="start from the study.yaml that `seci init-site` writes")
    lines = dotted_lines(lines)
    _check_keys(data, _TOP_LEVEL, path, lines, prefix="")
    for required in ("language", "speaker_labels"):
        if required not in data:
            raise InputError(path, f"missing key '{required}'", fix=f"add '{required}:' (see `seci init-site`)")

    def fail(key: str, problem: str, fix: str) -> InputError:
        return InputError(path, problem, line=lines.get(key), fix=fix)

    site = data.get("site", site_dir.name)
    if site != site_dir.name:
        raise fail("site", f"site '{site}' does not match the folder name '{site_dir.name}'",
                   fix=f"write site: {site_dir.name}")
    _check_choice(data, "language", LANGUAGES, fail)
    _check_choice(data, "segment_unit", SEGMENT_UNITS, fail)
    _check_choice(data, "transcription_marks", MARK_HANDLING, fail)
    if "encoding" in data:
        try:
            codecs.lookup(data["encoding"])
        except LookupError:
            raise fail("encoding", f"unknown encoding '{data['encoding']}'",
                       fix="name a Python codec such as cp1252, latin-1 or utf-16") from None
    codebook = None
    if "codebook" in data:
        codebook = site_dir / data["codebook"]
        if not codebook.is_file():
            raise fail("codebook", f"codebook file not found: {codebook}",
                       fix="give a path relative to the site folder, or remove the key to use the default codebook")
    # The project folder holds data/raw/<site>/. The file is read (and its absence reported) only by
    # the report's comparison: ingest, code and refine run on a site folder copied on its own.
    reference = site_dir.parents[2] / data["reference"] if "reference" in data else None
    return StudyConfig(
        path=path,
        site=site,
        language=data["language"],
        speaker_labels=_speaker_labels(data["speaker_labels"], fail, path, lines),
        title=data.get("title", ""),
        institution=data.get("institution", ""),
        reconstruction=data.get("reconstruction", False),
        reconstruction_note=data.get("reconstruction_note", ""),
        note=data.get("note", ""),
        reference=reference,
        transcripts_date=data.get("transcripts_date"),
        encoding=data.get("encoding"),
        segment_unit=data.get("segment_unit", "answer"),
        transcription_marks=data.get("transcription_marks", "remove"),
        codebook=codebook,
        pseudonyms=_pseudonyms(data.get("deidentify", {}), fail, path, lines, site_dir),
    )


def _check_keys(data: dict, schema: dict, path: Path, lines: dict[str, int], *, prefix: str) -> None:
    for key, value in data.items():
        where = f"{prefix}{key}"
        if key not in schema:
            raise InputError(path, f"unknown key '{where}'", line=lines.get(where),
                             fix=f"use one of: {', '.join(schema)}")
        expected, described = schema[key]
        if not isinstance(value, expected) or (expected is not bool and isinstance(value, bool)):
            raise InputError(path, f"'{where}' must be {described}, not {value!r}", line=lines.get(where),
                             fix="correct the value")


def _check_choice(data: dict, key: str, choices: tuple[str, ...], fail) -> None:
    if key in data and data[key] not in choices:
        raise fail(key, f"{key} '{data[key]}' is not one of {', '.join(choices)}",
                   fix=f"write {key}: {choices[0]}")


def _speaker_labels(value: dict, fail, path: Path, lines: dict[str, int]) -> dict[str, tuple[str, ...]]:
    labels: dict[str, tuple[str, ...]] = {}
    for key in value:
        if key not in SPEAKERS:
            raise InputError(path, f"unknown key 'speaker_labels.{key}'", line=lines.get(f"speaker_labels.{key}"),
                             fix="use interviewer and informant")
    for speaker in SPEAKERS:
        given = value.get(speaker)
        given = [given] if isinstance(given, str) else given
        if not given or not all(isinstance(label, str) and label.strip() for label in given):
            raise fail("speaker_labels", f"speaker_labels.{speaker} must list at least one label",
                       fix=f"write {speaker}: [Label, ...] as the label appears before the colon")
        for label in given:
            if ":" in label or "\n" in label:
                raise fail("speaker_labels", f"speaker label '{label}' contains a colon or line break",
                           fix="write the label without the colon that follows it in the transcript")
        labels[speaker] = tuple(label.strip() for label in given)
    shared = {label.casefold() for label in labels["interviewer"]} & {label.casefold() for label in labels["informant"]}
    if shared:
        raise fail("speaker_labels", f"label '{sorted(shared)[0]}' is listed for both interviewer and informant",
                   fix="give each label to one speaker only")
    return labels


def _pseudonyms(value: dict, fail, path: Path, lines: dict[str, int], site_dir: Path) -> dict[str, str]:
    """Merge the names listed in study.yaml with the private names file; one pseudonym per name."""
    _check_keys(value, _DEIDENTIFY, path, lines, prefix="deidentify.")
    pairs: list[tuple[str, str, Path, int | None]] = []
    for name, pseudonym in (value.get("names") or {}).items():
        if not isinstance(name, str) or not isinstance(pseudonym, str) or not name.strip() or not pseudonym.strip():
            raise fail("deidentify.names", f"name {name!r} -> {pseudonym!r} is not a pair of texts",
                       fix='write Name: "[Pseudonym]" (quote pseudonyms with brackets)')
        pairs.append((name.strip(), pseudonym.strip(), path, lines.get(f"deidentify.names.{name}")))
    if "names_file" in value:
        names_file = site_dir / value["names_file"]
        if os.path.lexists(names_file):
            outside_allowed = value.get("allow_outside_site", False)
            pairs.extend(_read_names_file(site_file(names_file, site_dir, outside_allowed=outside_allowed)))
        elif value.get("required", True):
            raise fail("deidentify.names_file", f"names file not found: {names_file}",
                       fix="create it (columns name,pseudonym) or write required: false under deidentify")
    pseudonyms: dict[str, str] = {}
    seen: dict[str, str] = {}
    for name, pseudonym, where, line in pairs:
        if not clean_text(name, marks="keep"):
            raise InputError(where, f"name {name!r} is empty once cleaned (only invisible characters or marks)",
                             line=line, fix="write the name itself, or delete it")
        key = name.casefold()
        if key in seen and pseudonyms[seen[key]] != pseudonym:
            raise InputError(where, f"name '{name}' is given two pseudonyms ('{pseudonyms[seen[key]]}', '{pseudonym}')",
                             line=line, fix="give each name one pseudonym")
        seen[key] = name
        pseudonyms[name] = pseudonym
    return pseudonyms


def _read_names_file(path: Path) -> list[tuple[str, str, Path, int]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(path, "names file is not UTF-8 text", fix="save it as UTF-8") from None
    reader = csv.DictReader(io.StringIO(text))
    missing = [column for column in NAMES_FILE_COLUMNS if column not in (reader.fieldnames or [])]
    if missing:
        raise InputError(path, f"names file lacks the column(s) {', '.join(missing)}", line=1,
                         fix="the first line must be: name,pseudonym")
    pairs = []
    for row in reader:
        name, pseudonym = (row["name"] or "").strip(), (row["pseudonym"] or "").strip()
        if not name and not pseudonym:
            continue
        if not name or not pseudonym:
            raise InputError(path, "a row needs both a name and a pseudonym", line=reader.line_num,
                             fix="fill in both cells or delete the row")
        pairs.append((name, pseudonym, path, reader.line_num))
    return pairs
