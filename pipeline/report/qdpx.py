"""Export a site's coded interviews as a REFI-QDA project (``.qdpx``) for ATLAS.ti, MAXQDA, NVivo, QualCoder.

``seci export-qdpx [--site S] [--out PATH]`` writes ``reports/<site>/project.qdpx``: a ZIP holding
``project.qde`` (QDA-XML 1.0, validated against ``pipeline/report/schemas/Project.xsd`` before
anything is written) and ``sources/`` with each informant's cleaned transcript as plain UTF-8 text.

What a researcher finds in the QDA program (docs/qda-exchange.md has the whole mapping):
- users: the classifier (``keyword-<codebook>-v<version>-<hash>``) first, then every human coder of
  ``human_codings.csv``, then ``seci-kit``, who made the sources;
- the codebook (:mod:`pipeline.report.qdc`): groups as parent codes, each code in a colour of its
  own with its definition, criteria and keywords as its memo, and two child codes per code for the
  status of a coding ("Socialization: practice", "Socialization: barrier");
- one case per informant with every column of ``informants.csv`` as a variable, and one text source
  per informant;
- one selection per coding, spanning the coded answer and owned by its coder (QDA programs take a
  coding's owner from its selection), coded with the code and, for the classifier, with the status
  child code; its memo gives the status, score and terms. Each term that fired is a selection of
  its own at its offsets, uncoded, with a memo (programs show it as an annotation);
- the project's description and two notes: the study's reconstruction note and the codebook's
  name, version and description.

Positions count Unicode code points of the source text (as the standard and QualCoder do); a
character outside the Basic Multilingual Plane (an emoji) is one position, so a program that counts
UTF-16 units shifts selections after it by one per such character (the export keeps the text as is).

Dates: every item is dated with the site's ``transcripts_date`` (study.yaml), the day the
transcripts took their final form; a site without one exports no dates (QDA programs then show the
import date) and leaves its notes out, whose text stays in the project's description, because
QualCoder cannot read an undated note. The ZIP entries carry the same day, or 1980-01-01 (the
earliest a ZIP holds) when there is none. GUIDs are UUID5 of the site and the ids, so two exports of
the same data are byte-identical.
"""

from __future__ import annotations

import datetime
import io
import uuid
import zipfile
from pathlib import Path

import pandas as pd
from lxml import etree

from pipeline import __version__
from pipeline.analysis.study import evidence, load_study
from pipeline.contracts import (
    CLASSIFIER_CODER_PREFIX, CLEANED_DIR, HUMAN_CODINGS_FILE, QDPX_FILE, processed_site_dir, raw_site_dir,
    reports_site_dir,
)
from pipeline.corpus.study_config import load_study_config
from pipeline.errors import InputError, StageError
from pipeline.files import write_bytes
from pipeline.report.qdc import PROJECT_NAMESPACE, add_codes, schema_problem
from pipeline.words import text, words

NAMESPACE = PROJECT_NAMESPACE
SCHEMA_FILE = Path(__file__).parent / "schemas" / "Project.xsd"
PROJECT_MEMBER = "project.qde"
SOURCES_MEMBER = "sources"
SOFTWARE_USER = "seci-kit"
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest date a ZIP entry can hold


def guid(site: str, kind: str, *key: str) -> str:
    """A GUID that is the same for the same site and ids on every run (UUID5)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "seci-kit:" + "/".join((site, kind, *key))))


def ordered_coders(coders) -> list[str]:
    """The classifier's names first, then the human coders, each by name (QDA programs open as the first)."""
    return sorted(set(coders), key=lambda coder: (not coder.startswith(CLASSIFIER_CODER_PREFIX), coder))


def project_document(study, transcripts: dict[str, str], human_codings: pd.DataFrame | None, lang: str,
                     date: datetime.date | None) -> tuple[etree._ElementTree, dict[str, str]]:
    """The QDA-XML document and the files it holds (member name -> text).

    ``study`` is an :class:`pipeline.analysis.study.Study`; ``transcripts`` maps informant id -> cleaned
    text; ``date`` dates every item (None: no dates).
    """
    site, codebook = study.site, study.codebook
    codings = pd.concat([study.codings, human_codings], ignore_index=True) if human_codings is not None else study.codings
    codings = codings[codings["code_id"] != ""]
    _check_codings(codings, study)
    when = f"{date:%Y-%m-%d}T00:00:00Z" if date else None
    said = words("qda", lang)

    def element(parent, tag, description="", **attributes):
        node = etree.SubElement(parent, f"{{{NAMESPACE}}}{tag}", {k: v for k, v in attributes.items() if v is not None})
        if description:
            etree.SubElement(node, f"{{{NAMESPACE}}}Description").text = description
        return node

    user = {name: guid(site, "user", name) for name in [*ordered_coders(codings["coder"]), SOFTWARE_USER]}
    project = etree.Element(f"{{{NAMESPACE}}}Project", nsmap={None: NAMESPACE}, attrib={
        key: value for key, value in {"name": study.title or site, "origin": f"seci-kit {__version__}",
                                      "creatingUserGUID": user[SOFTWARE_USER], "creationDateTime": when}.items()
        if value is not None})
    users = element(project, "Users")
    for name, user_guid in user.items():
        element(users, "User", guid=user_guid, name=name)

    statuses = {status: text(f"report.value_{status}", lang) for status in ("practice", "barrier")}
    code_guid = add_codes(element(element(project, "CodeBook"), "Codes"), codebook, lang, NAMESPACE, statuses)

    columns = list(study.informants.columns)
    variables = element(project, "Variables")
    for column in columns:
        element(variables, "Variable", guid=guid(site, "variable", column), name=column, typeOfVariable="Text")
    cases = element(project, "Cases")
    for informant in study.informants.to_dict("records"):
        case = element(cases, "Case", guid=guid(site, "case", informant["informant_id"]), name=informant["informant_id"])
        for column in columns:
            if informant[column]:
                value = element(case, "VariableValue")
                element(value, "VariableRef", targetGUID=guid(site, "variable", column))
                element(value, "TextValue").text = informant[column]
        element(case, "SourceRef", targetGUID=guid(site, "source", informant["informant_id"]))

    sources = element(project, "Sources")
    files: dict[str, str] = {}
    answers = study.answers().set_index("segment_id")
    for informant in study.informants.itertuples():
        source_guid = guid(site, "source", informant.informant_id)
        transcript = transcripts[informant.informant_id]
        files[f"{SOURCES_MEMBER}/{source_guid}.txt"] = transcript
        source = element(sources, "TextSource", said["source"].format(role=informant.role, informant=informant.informant_id),
                         guid=source_guid, name=informant.informant_id, plainTextPath=f"internal://{source_guid}.txt",
                         creatingUser=user[SOFTWARE_USER], creationDateTime=when)
        segments = answers[answers["informant_id"] == informant.informant_id]
        coded = codings[codings["segment_id"].isin(segments.index)]
        for segment_id, segment in segments.iterrows():
            start, end = int(segment["start"]), int(segment["end"])
            rows = coded[coded["segment_id"] == segment_id]
            if not rows.empty and transcript[start:end] != segment["text"]:
                raise StageError(f"{segment_id}: its text is not at {start}-{end} of the cleaned transcript of "
                                 f"{informant.informant_id}; run `seci ingest --site {site}` again")
            rows = rows.assign(_coder=rows["coder"].map(list(user).index),
                               _code=rows["code_id"].map(codebook.code_positions))
            signals: dict[tuple[str, int, int], list[str]] = {}  # (coder, start, end) of a term -> what it signals
            for row in rows.sort_values(["_coder", "_code"], kind="stable").itertuples():
                label = codebook.code(row.code_id).label[lang]
                terms = evidence(row.matched)
                memo = said["coding"].format(code=label, status=statuses[row.status], score=f"{float(row.score):g}",
                                             terms=", ".join(dict.fromkeys(term for term, _, _ in terms))) if row.status else ""
                selection = element(source, "PlainTextSelection", memo,
                                    guid=guid(site, "selection", segment_id, row.code_id, row.coder), name=segment_id,
                                    startPosition=str(start), endPosition=str(end),
                                    creatingUser=user[row.coder], creationDateTime=when)
                for status in dict.fromkeys(["", row.status]):
                    coding = element(selection, "Coding", guid=guid(site, "coding", segment_id, row.code_id, row.coder, status),
                                     creatingUser=user[row.coder], creationDateTime=when)
                    element(coding, "CodeRef", targetGUID=code_guid[row.code_id, status])
                for term, term_start, term_end in terms:
                    signals.setdefault((row.coder, start + term_start, start + term_end), []).append(
                        said["evidence"].format(term=term, code=label, status=statuses.get(row.status, "")))
            # One selection per stretch and coder: QualCoder keeps one annotation per position and owner.
            for (coder, term_start, term_end), memos in signals.items():
                element(source, "PlainTextSelection", "\n".join(memos),
                        guid=guid(site, "evidence", segment_id, coder, str(term_start), str(term_end)),
                        name=f"{segment_id} {transcript[term_start:term_end]}", startPosition=str(term_start),
                        endPosition=str(term_end), creatingUser=user[coder], creationDateTime=when)
        _order_selections(source)
    _add_context(project, element, study, lang, user[SOFTWARE_USER], when, files)
    return etree.ElementTree(project), files


def _check_codings(codings: pd.DataFrame, study) -> None:
    """Stop on a coding of a segment or code that no longer exists (segments re-ingested, codebook edited)."""
    stale = codings[~codings["segment_id"].isin(study.answers()["segment_id"]) | ~codings["code_id"].isin(study.codebook.code_ids)]
    if not stale.empty:
        row = stale.iloc[0]
        raise StageError(f"{row['coder']} coded segment {row['segment_id']} with {row['code_id']}, but segments.csv or "
                         f"the codebook no longer holds it; code the site again (`seci code --site {study.site}`, "
                         "`seci import-coding`)")


def _order_selections(source: etree._Element) -> None:
    """Selections by position (then as written), so that a program lists them in reading order."""
    selections = source.findall(f"{{{NAMESPACE}}}PlainTextSelection")
    for selection in sorted(selections, key=lambda node: (int(node.get("startPosition")), -int(node.get("endPosition")))):
        source.append(selection)


def _add_context(project, element, study, lang: str, creator: str, when: str | None, files: dict[str, str]) -> None:
    """The project's description and notes: the reconstruction note and the codebook (notes only when dated)."""
    codebook, said = study.codebook, words("qda", lang)
    about_codebook = said["codebook"].format(codebook=codebook.name, version=codebook.version,
                                             description=codebook.description.get(lang, ""))
    parts = {"reconstruction": study.note, "codebook": about_codebook}
    element(project, "Description").text = "\n\n".join(filter(None, [study.title, study.note, about_codebook]))
    if when is None:
        return
    notes = etree.Element(f"{{{NAMESPACE}}}Notes")
    project.insert(project.index(project.find(f"{{{NAMESPACE}}}Sources")) + 1, notes)
    for kind, content in parts.items():
        if content:
            note_guid = guid(study.site, "note", kind)
            files[f"{SOURCES_MEMBER}/{note_guid}.txt"] = content
            element(notes, "Note", guid=note_guid, name=said[f"{kind}_note"], plainTextPath=f"internal://{note_guid}.txt",
                    creatingUser=creator, creationDateTime=when)
            element(project, "NoteRef", targetGUID=note_guid)


def qdpx_bytes(document: etree._ElementTree, files: dict[str, str], zip_date: tuple[int, ...]) -> bytes:
    """The ``.qdpx`` archive: ``project.qde`` first, then the sources in name order, with fixed dates."""
    members = {PROJECT_MEMBER: etree.tostring(document, xml_declaration=True, encoding="UTF-8", pretty_print=True)}
    members.update({name: files[name].encode("utf-8") for name in sorted(files)})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=zip_date)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def read_transcripts(root: Path, site: str, informant_ids) -> dict[str, str]:
    """The cleaned transcripts (informant id -> text) that segment offsets point into."""
    cleaned = processed_site_dir(root, site) / CLEANED_DIR
    transcripts = {}
    for informant_id in informant_ids:
        path = cleaned / f"{informant_id}.txt"
        if not path.is_file():
            raise InputError(path, "cleaned transcript not found", fix=f"run `seci ingest --site {site}` again")
        transcripts[informant_id] = path.read_text(encoding="utf-8")
    return transcripts


def export_qdpx(root: str | Path, site: str, out_path: str | Path | None = None, *, lang: str | None = None) -> Path:
    """Write the site's REFI-QDA project (default ``reports/<site>/project.qdpx``); returns its path.

    Code and group names are in ``lang`` (default: the language of the site's transcripts).
    """
    root = Path(root)
    out_path = Path(out_path) if out_path else reports_site_dir(root, site) / QDPX_FILE
    study = load_study(root, site)
    transcripts = read_transcripts(root, site, study.informant_ids())
    human_path = processed_site_dir(root, site) / HUMAN_CODINGS_FILE
    human = pd.read_csv(human_path, dtype=str, keep_default_na=False) if human_path.is_file() else None
    lang = lang or study.segments["lang"].mode().iat[0]
    date = load_study_config(raw_site_dir(root, site)).transcripts_date
    document, files = project_document(study, transcripts, human, lang, date)
    problem = schema_problem(document)
    if problem:
        raise StageError(f"the REFI-QDA project of {site} {problem}")
    write_bytes(out_path, qdpx_bytes(document, files, date.timetuple()[:6] if date else ZIP_EPOCH))
    return out_path
