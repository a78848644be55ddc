"""Human codings back from a QDA program: ``seci import-qdpx FILE --site S [--out PATH]``.

A team codes the site's transcripts in ATLAS.ti, MAXQDA, NVivo or QualCoder (starting from the
``project.qdpx`` seci-kit exported, or from the cleaned transcripts in
``data/processed/<site>/transcripts/``) and exports a REFI-QDA project. This module reads it back
into the ``codings.csv`` contract, one row per segment, code and coder, in
``data/processed/<site>/human_codings.csv`` (or PATH), where the validation report (06_validation)
and the next export read human coding. Coders already in that file and not in the project keep their rows.

- **Sources by content.** Each text source is matched to the cleaned transcript whose text it
  equals (a byte-order mark and Windows line endings do not count), whatever its name. A source that
  matches no transcript stops the import: its positions would point into another text.
- **Codes by name.** A code whose name is a code's label (in either language) or id in the site's
  codebook is that code; a child code named "<code>: <status>" (as seci-kit exports them) or just
  "<status>" codes the status too (practice or barrier, in either language). Codes that are none of
  these are listed, with their number of codings, in one message; their codings are not written.
- **Coders.** A coding's coder is its ``creatingUser`` (the selection's when the coding has none),
  by the user's name. The classifier's own codings (coders named ``keyword-...``, in every seci-kit
  export) are left out unless ``with_classifier`` is set: ``codings.csv`` holds them already.
- **The overlap rule.** Positions count code points. A selection codes an informant's answer (a
  segment of ``segments.csv``) when it covers at least half of the answer's characters, or when
  the whole selection lies inside the answer: a passage marked inside one answer codes that answer,
  a selection running over several answers codes each one it mostly covers, and the last words of
  one answer caught by a selection of the next do not code it. A selection on interviewer turns
  only codes nothing (counted in the message).
- Rows have score 1, no evidence, and the status of the status code (empty when none was coded, or
  when both were).
"""

from __future__ import annotations

import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from lxml import etree

from pipeline.coding.codebook import Codebook
from pipeline.contracts import (
    CLASSIFIER_CODER_PREFIX, CODING_COLUMNS, HUMAN_CODINGS_FILE, SEGMENTS_FILE, STATUSES, processed_site_dir,
)
from pipeline.errors import InputError
from pipeline.report.qdc import PROJECT_NAMESPACE, schema_problem
from pipeline.words import report_languages, text

Q = f"{{{PROJECT_NAMESPACE}}}"
FIX = "export the project again from the QDA program as a REFI-QDA project (.qdpx)"


@dataclass
class QdpxImport:
    """What an import wrote and what it could not use, for the command to report."""

    codings: pd.DataFrame  # the rows read from the project (codings.csv columns)
    out_path: Path
    unknown_codes: Counter = field(default_factory=Counter)  # code name -> codings not written
    classifier_selections: set = field(default_factory=set)  # left out: the classifier's own (GUIDs)
    outside_answers: set = field(default_factory=set)  # coded selections that code no answer (GUIDs)

    def messages(self) -> list[str]:
        said = []
        if self.unknown_codes:
            listed = ", ".join(f"{name} ({n})" for name, n in sorted(self.unknown_codes.items()))
            said.append(f"codes not in the site's codebook, their codings not written: {listed}")
        if self.classifier_selections:
            said.append(f"{len(self.classifier_selections)} selections coded by the classifier left out "
                        "(codings.csv has them)")
        if self.outside_answers:
            said.append(f"{len(self.outside_answers)} coded selections code no informant answer by the overlap rule "
                        "(interviewer turns, or under half of an answer)")
        return said


def import_qdpx(root: str | Path, site: str, path: str | Path, out_path: str | Path | None = None, *,
                with_classifier: bool = False) -> QdpxImport:
    """Read the project at ``path`` into human codings of ``site`` (module docstring); writes them."""
    from pipeline.coding.classify import site_codebook
    from pipeline.report.qdpx import read_transcripts
    from pipeline.report.review import merge_human_codings

    root, path = Path(root), Path(path)
    out_path = Path(out_path) if out_path else processed_site_dir(root, site) / HUMAN_CODINGS_FILE
    segments = pd.read_csv(processed_site_dir(root, site) / SEGMENTS_FILE, dtype=str, keep_default_na=False)
    answers = segments[segments["speaker"] == "informant"].astype({"start": int, "end": int})
    codebook = site_codebook(root, site)
    transcripts = read_transcripts(root, site, answers["informant_id"].unique())
    project, members = read_project(path)
    result = QdpxImport(pd.DataFrame(columns=CODING_COLUMNS), out_path)
    users = {user.get("guid"): user.get("name") or user.get("guid") for user in project.iter(f"{Q}User")}
    codes, names = code_map(project, codebook), code_names(project)
    by_text = {text_: informant for informant, text_ in transcripts.items()}
    rows = []
    for source in project.iter(f"{Q}TextSource"):
        source_text, to_code_points = source_text_of(source, members, path)
        informant = by_text.get(source_text)
        if informant is None:
            raise InputError(path, f"source '{source.get('name')}' matches no cleaned transcript of {site}",
                             fix=f"code the transcripts of data/processed/{site}/transcripts/ unchanged "
                                 "(start from the project `seci export-qdpx` writes)")
        spans = answers[answers["informant_id"] == informant]
        for selection in source.findall(f"{Q}PlainTextSelection"):
            start, end = (to_code_points(int(selection.get(name))) for name in ("startPosition", "endPosition"))
            covered = [row.segment_id for row in spans.itertuples() if codes_segment(start, end, row.start, row.end)]
            for coding in selection.findall(f"{Q}Coding"):
                user = coding.get("creatingUser") or selection.get("creatingUser")
                coder = users.get(user, user) or "unknown"
                target = coding.find(f"{Q}CodeRef").get("targetGUID")
                if target not in codes:
                    result.unknown_codes[names.get(target, target)] += 1
                elif coder.startswith(CLASSIFIER_CODER_PREFIX) and not with_classifier:
                    result.classifier_selections.add(selection.get("guid"))
                elif not covered:
                    result.outside_answers.add(selection.get("guid"))
                else:
                    rows += [(segment_id, *codes[target], coder) for segment_id in covered]
    if not rows:
        raise InputError(path, "holds no coding of an informant answer with a code of the site's codebook",
                         fix="; ".join(result.messages()) or "code the informants' answers first")
    result.codings = coding_rows(rows)
    merge_human_codings(out_path, result.codings, list(answers["segment_id"]), list(codebook.code_ids))
    return result


def read_project(path: Path) -> tuple[etree._Element, dict[str, bytes]]:
    """The validated ``project.qde`` of a ``.qdpx`` and the archive's other members (name -> bytes)."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = {name: archive.read(name) for name in archive.namelist() if not name.endswith("/")}
    except FileNotFoundError:
        raise InputError(path, "no such file", fix="check the path") from None
    except (zipfile.BadZipFile, OSError):
        raise InputError(path, "not a ZIP archive (a .qdpx is one)", fix=FIX) from None
    qde = [name for name in members if "/" not in name and name.lower().endswith(".qde")]
    if not qde:
        raise InputError(path, "holds no project.qde", fix=FIX)
    name = "project.qde" if "project.qde" in qde else qde[0]
    try:
        project = etree.fromstring(members.pop(name), etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as problem:
        raise InputError(path, f"{name} is not well-formed XML: {problem}", fix=FIX) from None
    if project.tag != f"{Q}Project":
        raise InputError(path, f"{name} holds {project.tag}, not a REFI-QDA project ({PROJECT_NAMESPACE})", fix=FIX)
    problem = schema_problem(etree.ElementTree(project))
    if problem:
        raise InputError(path, f"{name} {problem}", fix=FIX)
    return project, members


def source_text_of(source: etree._Element, members: dict[str, bytes], path: Path):
    """A text source's plain text, and the function that turns its positions into code points of that
    text with ``\\n`` line ends (a text saved with ``\\r\\n`` counts each ``\\r`` as a position)."""
    content = source.findtext(f"{Q}PlainTextContent")
    if content is None:
        link = source.get("plainTextPath") or ""
        wanted = link.removeprefix("internal://").lower()
        found = [data for name, data in members.items()
                 if name.lower() in (f"sources/{wanted}", wanted)] if link.startswith("internal://") else []
        if not found:
            raise InputError(path, f"source '{source.get('name')}' has no plain text inside the archive ({link or 'none'})",
                             fix="export the project with its sources included")
        try:
            content = found[0].decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InputError(path, f"the text of source '{source.get('name')}' is not UTF-8", fix=FIX) from None
    if "\r\n" not in content:
        return content, lambda position: position
    returns = [index for index, char in enumerate(content) if char == "\r" and content[index + 1:index + 2] == "\n"]
    return content.replace("\r\n", "\n"), lambda position: position - sum(1 for index in returns if index < position)


def codes_segment(start: int, end: int, segment_start: int, segment_end: int) -> bool:
    """The overlap rule (module docstring): half the segment covered, or the selection inside it."""
    overlap = min(end, segment_end) - max(start, segment_start)
    return end > start and overlap > 0 and (2 * overlap >= segment_end - segment_start
                                           or segment_start <= start and end <= segment_end)


def code_names(project: etree._Element) -> dict[str, str]:
    return {code.get("guid"): code.get("name") for code in project.iter(f"{Q}Code")}


def code_map(project: etree._Element, codebook: Codebook) -> dict[str, tuple[str, str, str]]:
    """GUID -> (code id, score, status) for every project code that is a code (or status) of ``codebook``."""
    names = {}
    for code in codebook.codes:
        names.update({_key(name): code.id for name in (*code.label.values(), code.id)})
    status_words = {_key(text(f"report.value_{status}", lang)): status for status in STATUSES for lang in report_languages()}
    status_words.update({status: status for status in STATUSES})
    found: dict[str, tuple[str, str, str]] = {}

    def walk(node: etree._Element, parent: tuple[str, str] | None) -> None:
        name = _key(node.get("name") or "")
        status = status_words.get(name.rpartition(": ")[2] if parent and name.startswith(f"{parent[1]}: ") else name)
        if parent and status:
            found[node.get("guid")] = (parent[0], "1", status)
            here = parent
        elif name in names:
            found[node.get("guid")] = (names[name], "1", "")
            here = (names[name], name)
        else:
            here = None
        for child in node.findall(f"{Q}Code"):
            walk(child, here)

    for top in project.iterfind(f"{Q}CodeBook/{Q}Codes/{Q}Code"):
        walk(top, None)
    return found


def _key(name: str) -> str:
    return " ".join(name.casefold().split())


def coding_rows(rows: list[tuple[str, str, str, str, str]]) -> pd.DataFrame:
    """One row per segment, code and coder: the status coded (empty when none or both were)."""
    frame = pd.DataFrame(rows, columns=["segment_id", "code_id", "score", "status", "coder"])
    statuses = frame.groupby(["segment_id", "code_id", "coder"], sort=False)["status"].agg(
        lambda found: next(iter(set(found) - {""})) if len(set(found) - {""}) == 1 else "")
    merged = statuses.reset_index().assign(score="1", matched="")
    return merged[CODING_COLUMNS]
