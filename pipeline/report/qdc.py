"""The codebook as REFI-QDA codes: the ``.qdc`` codebook exchange and the codes of ``project.qdpx``.

``seci export-codebook --format qdc [--codebook PATH] [--lang id|en] --out FILE.qdc`` writes the
codebook for ATLAS.ti, MAXQDA, NVivo or QualCoder; ``seci import-codebook FILE.qdc --lang id|en
--out OUT.yaml`` reads one back (or one those programs wrote).

A codebook group becomes a parent code that cannot be coded, each code a codable child in one
distinct colour (:func:`pipeline.report.style.qda_colours`). REFI-QDA gives a code a name and one
description, so the description carries what a seci-kit code says, in the language chosen, one
labelled part per line (the labels are the words of ``pipeline/words``)::

    <definition>
    Include: <inclusion criteria>
    Exclude: <exclusion criteria>
    Keywords (id): diskusi, magang (2), berbagi pengalaman
    Keywords (en): apprentic*, brainstorm* (2)
    id: socialization

Keywords of both languages travel with their weights (in brackets when not 1), and the last line
keeps the code's id, so the import gives back the same codes, groups, texts and keywords. What a
``.qdc`` cannot carry (the codebook's description, thresholds, barrier cues, patterns, examples and the texts
in the other language) is listed by the export; the import writes the other language's texts as
``TODO`` placeholders. A code from other software, whose description is free text, gets it as its
definition and, having no keywords, its name as its one keyword: the import lists those codes.

There is no authentic copy of the standard's ``Codebook.xsd`` in seci-kit, so a ``.qdc`` is checked
against the code types of ``Project.xsd`` (the same elements in the project namespace).
"""

from __future__ import annotations

import copy
import re
import uuid
from pathlib import Path

from lxml import etree

from pipeline import __version__
from pipeline.coding.codebook import UNWRITTEN, Code, Codebook, codebook_from_dict, normalise_term, term_problem
from pipeline.contracts import LANGUAGES
from pipeline.errors import CodebookError, StageError
from pipeline.report.style import qda_colours
from pipeline.words import report_languages, words

CODEBOOK_NAMESPACE = "urn:QDA-XML:codebook:1.0"
PROJECT_NAMESPACE = "urn:QDA-XML:project:1.0"
SCHEMA_FILE = Path(__file__).parent / "schemas" / "Project.xsd"
ID_LABEL = "id"
IMPORTED_GROUP = "imported"
NOT_CARRIED = "the codebook's description, thresholds, barrier cues, patterns, examples and the {other} texts"


def code_guid(codebook: Codebook, kind: str, *key: str) -> str:
    """The same GUID for the same codebook code (or group) in every ``.qdc`` and ``.qdpx``."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "seci-kit:" + "/".join(("codebook", codebook.name, kind, *key))))


def code_description(code: Code, lang: str) -> str:
    """A code's definition, criteria and keywords as one memo (module docstring)."""
    said = words("qda", lang)
    lines = [code.definition[lang], f"{said['include']}: {code.include[lang]}", f"{said['exclude']}: {code.exclude[lang]}"]
    for keyword_lang in LANGUAGES:
        terms = [keyword.term if keyword.weight == 1 else f"{keyword.term} ({keyword.weight:g})"
                 for keyword in code.keywords_for(keyword_lang)]
        if terms:
            lines.append(f"{said['keywords'].format(lang=keyword_lang)}: {', '.join(terms)}")
    lines.append(f"{ID_LABEL}: {code.id}")
    return "\n".join(lines)


def group_description(codebook: Codebook, group: str, lang: str) -> str:
    codes = ", ".join(code.id for code in codebook.codes if code.group == group)
    return "\n".join([words("qda", lang)["group"].format(label=codebook.groups[group][lang], codes=codes,
                                                        codebook=codebook.name, version=codebook.version),
                      f"{ID_LABEL}: {group}"])


def add_codes(codes: etree._Element, codebook: Codebook, lang: str, namespace: str,
              statuses: dict[str, str] | None = None) -> dict[tuple[str, str], str]:
    """Append the groups and codes under ``codes``; returns the GUID of each (code id, status) code.

    With ``statuses`` (status -> its word) every code gets one codable child code per status
    ("Socialization: barrier"), in the code's colour, so that a QDA user can filter codings by status;
    the key ``(code id, "")`` is the code itself.
    """
    def element(parent, tag, description, **attributes):
        node = etree.SubElement(parent, f"{{{namespace}}}{tag}", attributes)
        if description:
            etree.SubElement(node, f"{{{namespace}}}Description").text = description
        return node

    colours = qda_colours(list(codebook.code_ids))
    guids: dict[tuple[str, str], str] = {}
    for group, label in codebook.groups.items():
        parent = element(codes, "Code", group_description(codebook, group, lang),
                         guid=code_guid(codebook, "group", group), name=label[lang], isCodable="false")
        for code in (code for code in codebook.codes if code.group == group):
            name = code.label[lang]
            guids[code.id, ""] = code_guid(codebook, "code", code.id)
            node = element(parent, "Code", code_description(code, lang), guid=guids[code.id, ""], name=name,
                           isCodable="true", color=colours[code.id])
            for status, word in (statuses or {}).items():
                guids[code.id, status] = code_guid(codebook, "code", code.id, status)
                element(node, "Code", "", guid=guids[code.id, status], isCodable="true", color=colours[code.id],
                        name=words("qda", lang)["status_code"].format(code=name, status=word))
    return guids


def schema_problem(document: etree._ElementTree) -> str | None:
    """Why ``document`` is not valid QDA-XML 1.0, or None: a project, or a codebook checked as the
    ``CodeBook`` of a project (the same types, module docstring)."""
    root = document.getroot()
    if root.tag == f"{{{CODEBOOK_NAMESPACE}}}CodeBook":
        root = _as_project_codebook(root)
    schema = etree.XMLSchema(etree.parse(str(SCHEMA_FILE)))
    if schema.validate(root):
        return None
    problem = schema.error_log.last_error
    return f"does not validate against {SCHEMA_FILE.name}: line {problem.line}: {problem.message}"


def _as_project_codebook(codebook: etree._Element) -> etree._Element:
    project = etree.Element(f"{{{PROJECT_NAMESPACE}}}Project", name="codebook", nsmap={None: PROJECT_NAMESPACE})
    copied = copy.deepcopy(codebook)
    for node in copied.iter():
        node.tag = node.tag.replace(CODEBOOK_NAMESPACE, PROJECT_NAMESPACE)
    copied.attrib.pop("origin", None)
    for sets in copied.findall(f"{{{PROJECT_NAMESPACE}}}Sets"):  # code sets: not part of a project's codebook
        copied.remove(sets)
    project.append(copied)
    return project


# --- export ----------------------------------------------------------------------------------------


def codebook_qdc(codebook: Codebook, lang: str) -> bytes:
    """The ``.qdc`` file of a codebook, its texts in ``lang``."""
    root = etree.Element(f"{{{CODEBOOK_NAMESPACE}}}CodeBook", nsmap={None: CODEBOOK_NAMESPACE},
                         origin=f"seci-kit {__version__}; codebook {codebook.name} {codebook.version}")
    add_codes(etree.SubElement(root, f"{{{CODEBOOK_NAMESPACE}}}Codes"), codebook, lang, CODEBOOK_NAMESPACE)
    document = etree.ElementTree(root)
    problem = schema_problem(document)
    if problem:
        raise StageError(f"the .qdc export of {codebook.source} {problem}")
    return etree.tostring(document, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def not_carried(lang: str) -> str:
    """What a ``.qdc`` of the codebook in ``lang`` leaves out (the export says so)."""
    return NOT_CARRIED.format(other=" and ".join(other for other in LANGUAGES if other != lang))


# --- import ----------------------------------------------------------------------------------------


def codebook_from_qdc(path: str | Path, lang: str) -> tuple[Codebook, list[str]]:
    """Read a ``.qdc`` file: the codebook and what the import had to fill in (one line each)."""
    path = Path(path)
    try:
        document = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
    except (OSError, etree.XMLSyntaxError) as problem:
        raise CodebookError(path, f"not a readable XML file ({problem})", fix="give a REFI-QDA .qdc codebook") from None
    root = document.getroot()
    if root.tag != f"{{{CODEBOOK_NAMESPACE}}}CodeBook":
        raise CodebookError(path, f"the root element is {root.tag}, not a REFI-QDA CodeBook ({CODEBOOK_NAMESPACE})",
                            fix="give a .qdc codebook exported by a QDA program")
    problem = schema_problem(document)
    if problem:
        raise CodebookError(path, f"the codebook {problem}", fix="export it again from the QDA program (REFI-QDA 1.0)")
    name, version = _origin(root.get("origin", ""), path)
    reader = _QdcReader(lang, str(path))
    for node in root.find(f"{{{CODEBOOK_NAMESPACE}}}Codes"):
        reader.top_level(node)
    data = {"name": name, "version": version, "groups": reader.groups, "codes": reader.codes}
    return codebook_from_dict(data, str(path)), reader.notes()


def _origin(origin: str, path: Path) -> tuple[str, str]:
    found = re.search(r"codebook (\S+) (\S+)$", origin)
    return (found[1], found[2]) if found else (re.sub(r"[^A-Za-z0-9_-]+", "_", path.stem), "1.0")


class _QdcReader:
    """Turns REFI codes into codebook data: groups from non-codable parents, codes from codable ones."""

    def __init__(self, lang: str, source: str):
        self.lang, self.source = lang, source
        self.groups: dict[str, dict] = {}
        self.codes: list[dict] = []
        self.flattened: list[str] = []
        self.without_keywords: list[str] = []

    def top_level(self, node: etree._Element) -> None:
        if node.get("isCodable") == "false":
            fields = parse_description(_description(node))
            group = fields.get(ID_LABEL) or identifier(node.get("name"))
            self.groups[group] = {"label": {lang: node.get("name") for lang in LANGUAGES}}
            for child in _codes(node):
                self.code(child, group, ())
        else:
            self.groups.setdefault(IMPORTED_GROUP, {"label": {"id": "Kode impor", "en": "Imported codes"}})
            self.code(node, IMPORTED_GROUP, ())

    def code(self, node: etree._Element, group: str, parents: tuple[str, ...]) -> None:
        """A codable code, and its descendants flattened into the same group (the codebook has two levels)."""
        name = node.get("name")
        if parents:
            self.flattened.append(" > ".join((*parents, name)))
        if node.get("isCodable") != "false":
            self.codes.append(self.code_data(name, group, parse_description(_description(node))))
        for child in _codes(node):
            self.code(child, group, (*parents, name))

    def code_data(self, name: str, group: str, fields: dict) -> dict:
        other = [lang for lang in LANGUAGES if lang != self.lang]
        texts = {}
        for part in ("definition", "include", "exclude"):
            text = fields.get(part) or f"{UNWRITTEN}: imported from {self.source} without {part}; write it before coding."
            texts[part] = {self.lang: text, **{lang: f"{UNWRITTEN}: translate: {text}" for lang in other}}
        keywords = fields.get("keywords")
        if not keywords:
            self.without_keywords.append(name)
            keywords = {self.lang: [_term_from_name(name)]}
        return {"id": fields.get(ID_LABEL) or identifier(name), "group": group,
                "label": {lang: name for lang in LANGUAGES}, **texts, "keywords": keywords}

    def notes(self) -> list[str]:
        notes = []
        if self.without_keywords:
            notes.append(f"{len(self.without_keywords)} code(s) came without keywords (only seci-kit's .qdc carries them, "
                         f"in the description); each got its name as its one keyword: {', '.join(self.without_keywords)}")
        if self.flattened:
            notes.append(f"codes below the second level were moved up into their group: {'; '.join(self.flattened)}")
        return notes


def _codes(node: etree._Element) -> list[etree._Element]:
    return node.findall(f"{{{CODEBOOK_NAMESPACE}}}Code")


def _description(node: etree._Element) -> str:
    return (node.findtext(f"{{{CODEBOOK_NAMESPACE}}}Description") or "").strip()


def identifier(name: str) -> str:
    """A code or group id (``[a-z][a-z0-9_]*``) made from a name."""
    found = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
    return found if re.match(r"[a-z]", found) else f"code_{found}"


def _term_from_name(name: str) -> str:
    term = normalise_term(re.sub(r"[^\w'’-]+", " ", name).replace("_", " "))
    return term if term and not term_problem(term) else identifier(name).replace("_", " ")


def parse_description(text: str) -> dict:
    """The labelled parts of a code's memo (module docstring) in any report language; a memo that has
    none is all definition. Keywords come back as ``{lang: [term or {term, weight}]}``."""
    labels = {}
    for lang in report_languages():
        said = words("qda", lang)
        labels[said["include"]] = "include"
        labels[said["exclude"]] = "exclude"
        labels.update({said["keywords"].format(lang=keyword_lang): ("keywords", keyword_lang) for keyword_lang in LANGUAGES})
    labels[ID_LABEL] = ID_LABEL
    fields: dict = {}
    current = "definition"
    for line in text.splitlines():
        label, colon, rest = line.partition(": ")
        if colon and label in labels:
            current = labels[label]
            line = rest
        if isinstance(current, tuple):
            fields.setdefault("keywords", {})[current[1]] = [_keyword(item) for item in line.split(", ") if item.strip()]
        else:
            fields[current] = f"{fields[current]}\n{line}" if current in fields else line
    return {key: value.strip() if isinstance(value, str) else value for key, value in fields.items()}


def _keyword(item: str) -> str | dict:
    found = re.fullmatch(r"(.+) \((\d+(?:\.\d+)?)\)", item.strip())
    return {"term": found[1], "weight": float(found[2])} if found else item.strip()
