"""Codebook exchange with QDA software: `seci export-codebook --format qdc` and `seci import-codebook FILE.qdc`."""

from __future__ import annotations

import pytest
from lxml import etree

from pipeline.cli import main
from pipeline.coding.codebook import load_codebook
from pipeline.report import qdc

NS = {"c": qdc.CODEBOOK_NAMESPACE}


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    path = tmp_path_factory.mktemp("qdc") / "seci.qdc"
    assert main(["export-codebook", "--format", "qdc", "--lang", "en", "--out", str(path)]) == 0
    return path


def test_the_export_is_a_refi_codebook_of_groups_and_codes_in_colours_of_their_own(exported):
    document = etree.parse(str(exported))
    assert document.getroot().tag == f"{{{qdc.CODEBOOK_NAMESPACE}}}CodeBook"
    assert qdc.schema_problem(document) is None  # checked as the CodeBook of Project.xsd: no Codebook.xsd here
    codebook = load_codebook()
    groups = document.findall("c:Codes/c:Code", NS)
    assert [group.get("name") for group in groups] == [label["en"] for label in codebook.groups.values()]
    assert {group.get("isCodable") for group in groups} == {"false"}
    codes = [code for group in groups for code in group.findall("c:Code", NS)]
    assert [code.get("name") for code in codes] == [code.label["en"] for code in codebook.codes]
    assert len({code.get("color") for code in codes}) == len(codes)


def test_the_export_says_what_a_qdc_cannot_carry(tmp_path, capsys):
    assert main(["export-codebook", "--lang", "id", "--out", str(tmp_path / "x.qdc")]) == 0
    said = capsys.readouterr().out
    assert "keywords in each code's description" in said
    assert "not in a .qdc: the codebook's description, thresholds, barrier cues, patterns, examples and the en texts" in said


def test_the_export_imports_back_with_its_codes_groups_texts_and_keywords(exported, tmp_path, capsys):
    out = tmp_path / "back.yaml"
    assert main(["import-codebook", str(exported), "--lang", "en", "--out", str(out)]) == 0
    assert "TODO" in capsys.readouterr().out
    original, back = load_codebook(), load_codebook(out)
    assert (back.name, back.version) == (original.name, original.version)
    assert {group: label["en"] for group, label in back.groups.items()} == {
        group: label["en"] for group, label in original.groups.items()}
    for before, after in zip(original.codes, back.codes, strict=True):
        assert (after.id, after.group, after.label["en"]) == (before.id, before.group, before.label["en"])
        assert (after.definition["en"], after.include["en"], after.exclude["en"]) == (
            before.definition["en"], before.include["en"], before.exclude["en"])
        assert after.keywords == before.keywords  # both languages, with their weights
        assert after.definition["id"] == f"TODO: translate: {before.definition['en']}"


QDC_FROM_ANOTHER_PROGRAM = f"""<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="{qdc.CODEBOOK_NAMESPACE}" origin="Some QDA 2024">
  <Codes>
    <Code guid="0b8c8f49-1a9c-4e6e-9a33-2d0f1c9c7a01" name="Learning" isCodable="false">
      <Code guid="0b8c8f49-1a9c-4e6e-9a33-2d0f1c9c7a02" name="Mentoring" isCodable="true" color="#336699">
        <Description>A senior shows a junior how the work is done.</Description>
        <Code guid="0b8c8f49-1a9c-4e6e-9a33-2d0f1c9c7a03" name="Peer mentoring" isCodable="true"/>
      </Code>
    </Code>
    <Code guid="0b8c8f49-1a9c-4e6e-9a33-2d0f1c9c7a04" name="E-books" isCodable="true"/>
  </Codes>
</CodeBook>
"""


def test_a_codebook_from_another_program_keeps_its_codes_and_says_what_it_filled_in(tmp_path, capsys):
    path, out = tmp_path / "other.qdc", tmp_path / "other.yaml"
    path.write_text(QDC_FROM_ANOTHER_PROGRAM, encoding="utf-8")
    assert main(["import-codebook", str(path), "--lang", "en", "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert "3 code(s) came without keywords" in said and "Mentoring, Peer mentoring, E-books" in said
    assert "moved up into their group: Mentoring > Peer mentoring" in said
    codebook = load_codebook(out)
    assert list(codebook.groups) == ["learning", "imported"]
    assert [(code.id, code.group) for code in codebook.codes] == [
        ("mentoring", "learning"), ("peer_mentoring", "learning"), ("e_books", "imported")]
    assert codebook.code("mentoring").definition["en"] == "A senior shows a junior how the work is done."
    assert [keyword.term for keyword in codebook.code("e_books").keywords] == ["e-books"]


@pytest.mark.parametrize(("text", "problem"), [
    ("<CodeBook", "not a readable XML file"),
    ('<CodeBook xmlns="urn:other"/>', "not a REFI-QDA CodeBook"),
    (f'<CodeBook xmlns="{qdc.CODEBOOK_NAMESPACE}"><Codes/></CodeBook>', "does not validate against Project.xsd"),
])
def test_a_bad_qdc_gets_one_line_naming_the_file(tmp_path, capsys, text, problem):
    path = tmp_path / "bad.qdc"
    path.write_text(text, encoding="utf-8")
    assert main(["import-codebook", str(path), "--lang", "en", "--out", str(tmp_path / "x.yaml")]) == 2
    error = capsys.readouterr().err
    assert error.startswith(f"seci: error: {path}: ") and problem in error and error.count("\n") == 1
