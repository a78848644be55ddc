"""Export a site's coded interviews as a REFI-QDA project (``.qdpx``) for ATLAS.ti, MAXQDA, NVivo, QDA Miner.

``seci export-qdpx [--site S] [--out PATH]`` writes ``reports/<site>/project.qdpx``: a ZIP holding
``project.qde`` (QDA-XML 1.0, validated against ``pipeline/report/schemas/Project.xsd`` before anything is
written) and ``sources/`` with each informant's cleaned transcript as plain UTF-8 text with ``\\n``.

What a researcher finds in the QDA program:
- the codebook, its groups (SECI modes, librarian performance, ...) as parent codes that are not
  themselves codable, each code with its definition, in the colour the coded-transcript viewer uses;
- one text source per informant, with the informant's role as a variable;
- one selection per coded segment, spanning the whole answer (the unit the classifier codes), with a
  coding per code and coder: the classifier (user ``keyword-v<version>``) and every human coder of
  ``human_codings.csv``. The selection's description lists the terms that fired and the status.

Selection positions are 0-based code points into the source text (segment ``start``/``end``). Files
are named by GUID and referenced as ``internal://<guid>.txt``, the folder is a lower-case
``sources/``, and empty elements the schema rejects (``<Sets/>``) are never written. GUIDs are UUID5
of the site and the ids, and the time stamps fixed (``SOURCE_DATE_EPOCH``, default 1980-01-01), so
two exports of the same data are byte-identical.
"""

from __future__ import annotations

import io
import os
import uuid
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
from lxml import etree

from pipeline import __version__
from pipeline.contracts import CLEANED_DIR, HUMAN_CODINGS_FILE, QDPX_FILE, processed_site_dir, reports_site_dir
from pipeline.errors import InputError, StageError
from pipeline.files import write_bytes
from pipeline.report.style import code_styles

SCHEMA_FILE = Path(__file__).parent / "schemas" / "Project.xsd"
NAMESPACE = "urn:QDA-XML:project:1.0"
PROJECT_MEMBER = "project.qde"
SOURCES_MEMBER = "sources"
DEFAULT_EPOCH = 315532800  # 1980-01-01, the earliest date a ZIP entry can hold
ROLE_VARIABLE = "role"


def guid(site: str, kind: str, *key: str) -> str:
    """A GUID that is the same for the same site and ids on every run (UUID5)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "seci-kit:" + "/".join((site, kind, *key))))


def export_timestamp() -> tuple[str, tuple[int, ...]]:
    """The fixed time of an export: ``SOURCE_DATE_EPOCH`` or 1980-01-01, as xsd:dateTime and as a ZIP date."""
    moment = datetime.fromtimestamp(int(os.environ.get("SOURCE_DATE_EPOCH", DEFAULT_EPOCH)), tz=timezone.utc)
    moment = max(moment, datetime(1980, 1, 1, tzinfo=timezone.utc))
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ"), moment.timetuple()[:6]


def project_document(study, transcripts: dict[str, str], human_codings: pd.DataFrame | None, lang: str,
                     timestamp: str) -> tuple[etree._ElementTree, dict[str, str]]:
    """The QDA-XML document and the source files it references (member name -> text).

    ``study`` is an :class:`pipeline.analysis.study.Study`; ``transcripts`` maps informant id -> cleaned text.
    """
    site, codebook = study.site, study.codebook
    codings = pd.concat([study.codings, human_codings], ignore_index=True) if human_codings is not None else study.codings
    codings = codings[codings["code_id"] != ""]
    coders = sorted(codings["coder"].unique())

    def element(parent, tag, **attributes):
        return etree.SubElement(parent, f"{{{NAMESPACE}}}{tag}", {k: v for k, v in attributes.items() if v is not None})

    def described(parent, tag, description, **attributes):
        node = element(parent, tag, **attributes)
        if description:
            element(node, "Description").text = description
        return node

    creator = guid(site, "user", "seci-kit")
    project = etree.Element(f"{{{NAMESPACE}}}Project", nsmap={None: NAMESPACE}, attrib={
        "name": study.title or site, "origin": f"seci-kit {__version__}", "creatingUserGUID": creator,
        "creationDateTime": timestamp,
    })
    users = element(project, "Users")
    element(users, "User", guid=creator, name="seci-kit")
    for coder in coders:
        element(users, "User", guid=guid(site, "user", coder), name=coder)

    codes = element(element(project, "CodeBook"), "Codes")
    styles = code_styles(list(codebook.code_ids))
    code_guid = {code.id: guid(site, "code", code.id) for code in codebook.codes}
    parents = {group: element(codes, "Code", guid=guid(site, "group", group), name=labels.get(lang) or group,
                              isCodable="false") for group, labels in codebook.groups.items()}
    for code in codebook.codes:
        described(parents.get(code.group, codes), "Code", code.definition.get(lang, ""), guid=code_guid[code.id],
                  name=code.label.get(lang) or code.id, isCodable="true", color=styles[code.id].colour)

    variables = element(project, "Variables")
    role_guid = guid(site, "variable", ROLE_VARIABLE)
    element(variables, "Variable", guid=role_guid, name=ROLE_VARIABLE, typeOfVariable="Text")

    sources_node = element(project, "Sources")
    files: dict[str, str] = {}
    answers = study.answers().set_index("segment_id")
    stale = codings[~codings["segment_id"].isin(answers.index) | ~codings["code_id"].isin(code_guid)]
    if not stale.empty:
        row = stale.iloc[0]
        raise StageError(f"{row['coder']} coded segment {row['segment_id']} with {row['code_id']}, but segments.csv or "
                         f"the codebook no longer holds it; code the site again (`seci code --site {site}`, "
                         "`seci import-coding`)")
    for informant in study.informants.itertuples():
        source_guid = guid(site, "source", informant.informant_id)
        text = transcripts[informant.informant_id]
        files[f"{SOURCES_MEMBER}/{source_guid}.txt"] = text
        source = described(sources_node, "TextSource", f"{informant.role} {informant.informant_id}",
                           guid=source_guid, name=informant.informant_id,
                           plainTextPath=f"internal://{source_guid}.txt", creatingUser=creator, creationDateTime=timestamp)
        segments = answers[answers["informant_id"] == informant.informant_id]
        coded = codings[codings["segment_id"].isin(segments.index)]
        for segment_id, segment in segments.iterrows():
            rows = coded[coded["segment_id"] == segment_id]
            if rows.empty:
                continue
            start, end = int(segment["start"]), int(segment["end"])
            if text[start:end] != segment["text"]:
                raise StageError(f"{segment_id}: its text is not at {start}-{end} of the cleaned transcript of "
                                 f"{informant.informant_id}; run `seci ingest --site {site}` again")
            selection = described(source, "PlainTextSelection", _evidence_note(rows, codebook, lang),
                                  guid=guid(site, "selection", segment_id), name=segment_id,
                                  startPosition=str(start), endPosition=str(end),
                                  creatingUser=creator, creationDateTime=timestamp)
            for row in rows.itertuples():
                user = guid(site, "user", row.coder)
                coding = element(selection, "Coding", guid=guid(site, "coding", segment_id, row.code_id, row.coder),
                                 creatingUser=user, creationDateTime=timestamp)
                element(coding, "CodeRef", targetGUID=code_guid[row.code_id])
        value = element(source, "VariableValue")
        element(value, "VariableRef", targetGUID=role_guid)
        element(value, "TextValue").text = informant.role
    return etree.ElementTree(project), files


def _evidence_note(rows: pd.DataFrame, codebook, lang: str) -> str:
    """One line per coding: coder, code, status and the terms that fired."""
    from pipeline.analysis.study import evidence

    lines = []
    for row in rows.itertuples():
        line = f"{row.coder}: {codebook.code(row.code_id).label.get(lang) or row.code_id}"
        if row.status:
            line += f" ({row.status})"
        terms = list(dict.fromkeys(term for term, _, _ in evidence(row.matched)))
        if terms:
            line += f"; terms: {', '.join(terms)}"
        lines.append(line)
    return "\n".join(lines)


def validate(document: etree._ElementTree) -> None:
    """Raise :class:`StageError` unless the document is valid QDA-XML 1.0 (the REFI schema)."""
    schema = etree.XMLSchema(etree.parse(str(SCHEMA_FILE)))
    if not schema.validate(document):
        error = schema.error_log.last_error
        raise StageError(f"the REFI-QDA project does not validate against {SCHEMA_FILE.name}: "
                         f"line {error.line}: {error.message}")


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


def export_qdpx(root: str | Path, site: str, out_path: str | Path | None = None, *, lang: str | None = None) -> Path:
    """Write the site's REFI-QDA project (default ``reports/<site>/project.qdpx``); returns its path.

    Code and group names are in ``lang`` (default: the language of the site's transcripts).
    """
    from pipeline.analysis.study import load_study

    root = Path(root)
    out_path = Path(out_path) if out_path else reports_site_dir(root, site) / QDPX_FILE
    study = load_study(root, site)
    cleaned = processed_site_dir(root, site) / CLEANED_DIR
    transcripts = {}
    for informant_id in study.informant_ids():
        path = cleaned / f"{informant_id}.txt"
        if not path.is_file():
            raise InputError(path, "cleaned transcript not found", fix=f"run `seci ingest --site {site}` again")
        transcripts[informant_id] = path.read_text(encoding="utf-8")
    human_path = processed_site_dir(root, site) / HUMAN_CODINGS_FILE
    human = pd.read_csv(human_path, dtype=str, keep_default_na=False) if human_path.is_file() else None
    lang = lang or study.segments["lang"].mode().iat[0]
    timestamp, zip_date = export_timestamp()
    document, files = project_document(study, transcripts, human, lang, timestamp)
    validate(document)
    write_bytes(out_path, qdpx_bytes(document, files, zip_date))
    return out_path
