"""An independent REFI-QDA project reader for the tests, written to behave like QualCoder's importer.

It shares no code with seci-kit: lxml, the zip and the schema only. On the points where QDA
programs differ it follows QualCoder's ``refi.py`` (LGPL; read, not copied):
- a coding belongs to the ``creatingUser`` of its *selection* (the coding's own user is ignored);
- codings are unique on (code, source, start, end, owner): a second one is reported and not loaded;
- a selection without a coding is an annotation with the selection's description as its memo,
  unique on (source, start, end, owner);
- a named case is loaded with its variable values; code colours are taken as given;
- notes with a plain-text file become journals; the project's description its memo.
"""

from __future__ import annotations

import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

NS = "{urn:QDA-XML:project:1.0}"


@dataclass
class Loaded:
    users: list[str] = field(default_factory=list)  # in file order
    codes: dict[str, dict] = field(default_factory=dict)  # guid -> name, colour, codable, parent name
    cases: dict[str, dict[str, str]] = field(default_factory=dict)  # case name -> variable name -> value
    sources: dict[str, str] = field(default_factory=dict)  # source name -> text
    codings: list[dict] = field(default_factory=list)  # code, source, start, end, owner, text
    duplicates: list[tuple] = field(default_factory=list)
    annotations: list[dict] = field(default_factory=list)
    journals: dict[str, str] = field(default_factory=dict)
    memo: str = ""

    def codings_by_owner(self) -> Counter:
        return Counter(coding["owner"] for coding in self.codings)


def load_project(path: Path, schema: Path) -> Loaded:
    with zipfile.ZipFile(path) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    root = etree.fromstring(files["project.qde"])
    checker = etree.XMLSchema(etree.parse(str(schema)))
    assert checker.validate(root), checker.error_log
    loaded = Loaded()
    users = {user.get("guid"): user.get("name") for user in root.iter(f"{NS}User")}
    loaded.users = list(users.values())

    def codes(node, parent):
        for code in node.findall(f"{NS}Code"):
            loaded.codes[code.get("guid")] = {"name": code.get("name"), "colour": code.get("color"),
                                              "codable": code.get("isCodable") != "false", "parent": parent}
            codes(code, code.get("name"))

    codes(root.find(f"{NS}CodeBook/{NS}Codes"), None)
    variables = {variable.get("guid"): variable.get("name") for variable in root.iter(f"{NS}Variable")}
    for case in root.iterfind(f"{NS}Cases/{NS}Case"):
        loaded.cases[case.get("name")] = {
            variables[value.find(f"{NS}VariableRef").get("targetGUID")]: value.findtext(f"{NS}TextValue")
            for value in case.findall(f"{NS}VariableValue")}

    def internal(node):
        return files[f"sources/{node.get('plainTextPath').removeprefix('internal://')}"].decode("utf-8")

    seen: set[tuple] = set()
    annotated: set[tuple] = set()
    for source in root.iter(f"{NS}TextSource"):
        name, text = source.get("name"), internal(source)
        loaded.sources[name] = text
        for selection in source.findall(f"{NS}PlainTextSelection"):
            start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
            owner = users.get(selection.get("creatingUser"), "default")
            memo = selection.findtext(f"{NS}Description") or ""
            codings = selection.findall(f"{NS}Coding")
            for coding in codings:
                code = coding.find(f"{NS}CodeRef").get("targetGUID")
                key = (code, name, start, end, owner)
                if key in seen:
                    loaded.duplicates.append(key)
                    continue
                seen.add(key)
                loaded.codings.append({"code": code, "source": name, "start": start, "end": end, "owner": owner,
                                       "text": text[start:end], "memo": memo})
            if not codings:
                key = (name, start, end, owner)
                assert key not in annotated, f"QualCoder stops on a second annotation at {key}"
                annotated.add(key)
                loaded.annotations.append({"source": name, "start": start, "end": end, "owner": owner, "memo": memo})
    for note in root.iterfind(f"{NS}Notes/{NS}Note"):
        assert note.get("creationDateTime") or note.get("modifiedDateTime"), "QualCoder stops on an undated note"
        loaded.journals[note.get("name")] = internal(note)
    loaded.memo = root.findtext(f"{NS}Description") or ""
    return loaded
