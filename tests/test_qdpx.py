"""The REFI-QDA export: valid QDA-XML, selections that hold the coded text, byte-identical reruns."""

from __future__ import annotations

import zipfile

import pandas as pd
import pytest
from coded_site import CODER, SITE, make_coded_site
from lxml import etree

from pipeline.cli import main
from pipeline.coding.codebook import load_codebook
from pipeline.contracts import HUMAN_CODINGS_FILE, processed_site_dir, reports_site_dir
from pipeline.files import write_csv
from pipeline.report import qdpx

NS = {"q": qdpx.NAMESPACE}


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    root = tmp_path_factory.mktemp("project")

    def accented_names(site_dir):
        # Characters outside ASCII before the coded answers: positions must count code points, not bytes.
        for path in (site_dir / "transcripts").glob("*.txt"):
            path.write_text(path.read_text(encoding="utf-8").replace("Assalamualaikum", "Assalamu’alaikum, café ☕"),
                            encoding="utf-8")

    make_coded_site(root, edit=accented_names)
    write_csv(processed_site_dir(root, SITE) / HUMAN_CODINGS_FILE, pd.DataFrame(
        [("L2-004", "socialization", 1, "", "", "ana"), ("L2-006", "", 0, "", "", "ana")],
        columns=["segment_id", "code_id", "score", "matched", "status", "coder"]))
    assert main(["export-qdpx", "--root", str(root), "--site", SITE]) == 0
    return root


@pytest.fixture(scope="module")
def archive(root):
    return zipfile.ZipFile(reports_site_dir(root, SITE) / qdpx.QDPX_FILE)


@pytest.fixture(scope="module")
def project(archive):
    return etree.fromstring(archive.read("project.qde"))


def test_project_validates_against_the_refi_schema(project):
    schema = etree.XMLSchema(etree.parse(str(qdpx.SCHEMA_FILE)))
    assert schema.validate(etree.ElementTree(project)), schema.error_log
    assert project.tag == f"{{{qdpx.NAMESPACE}}}Project"
    assert project.find("q:Sets", NS) is None


def test_the_shipped_schema_keeps_its_licence():
    text = qdpx.SCHEMA_FILE.read_text(encoding="utf-8")
    assert "This specification is licensed under the MIT license." in text and "Copyright 2019 REFI" in text


def test_sources_are_plain_utf8_files_in_a_lower_case_folder(archive, project):
    names = archive.namelist()
    assert names[0] == "project.qde" and all(name.startswith("sources/") for name in names[1:])
    sources = project.findall("q:Sources/q:TextSource", NS)
    assert [source.get("name") for source in sources] == [f"L{i}" for i in range(1, 4)] + [f"P{i}" for i in range(1, 9)]
    texts = [archive.read(f"sources/{source.get('plainTextPath').removeprefix('internal://')}").decode("utf-8")
             for source in sources]
    assert not any("\r" in text for text in texts)
    assert sum("café ☕" in text for text in texts) >= 5


def test_every_selection_holds_exactly_its_segments_text(root, archive, project):
    segments = pd.read_csv(processed_site_dir(root, SITE) / "segments.csv", dtype=str, keep_default_na=False)
    text_of = segments.set_index("segment_id")["text"]
    codings = pd.read_csv(processed_site_dir(root, SITE) / "codings.csv", dtype=str)
    selections = 0
    for source in project.findall("q:Sources/q:TextSource", NS):
        text = archive.read(f"sources/{source.get('plainTextPath').removeprefix('internal://')}").decode("utf-8")
        for selection in source.findall("q:PlainTextSelection", NS):
            start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
            assert text[start:end] == text_of[selection.get("name")]
            selections += 1
    assert selections == len(set(codings["segment_id"]) | {"L2-004"})


def test_codebook_groups_are_parent_codes_that_cannot_be_coded(project):
    codebook = load_codebook()
    parents = project.findall("q:CodeBook/q:Codes/q:Code", NS)
    assert [parent.get("isCodable") for parent in parents] == ["false"] * len(codebook.groups)
    children = [code for parent in parents for code in parent.findall("q:Code", NS)]
    assert [code.get("name") for code in children] == [code.label["id"] for code in codebook.codes]
    assert {code.get("isCodable") for code in children} == {"true"}


def test_each_coding_names_its_coder_and_code(root, project):
    users = {user.get("name"): user.get("guid") for user in project.findall("q:Users/q:User", NS)}
    assert {CODER, "ana"} <= set(users)
    codes = {code.get("guid"): code.get("name") for code in project.iter(f"{{{qdpx.NAMESPACE}}}Code")}
    selection = project.find(".//q:PlainTextSelection[@name='L2-004']", NS)
    by_ana = [coding for coding in selection.findall("q:Coding", NS) if coding.get("creatingUser") == users["ana"]]
    assert [codes[coding.find("q:CodeRef", NS).get("targetGUID")] for coding in by_ana] == [load_codebook().code("socialization").label["id"]]
    codings = pd.read_csv(processed_site_dir(root, SITE) / "codings.csv", dtype=str)
    by_classifier = project.findall(f".//q:Coding[@creatingUser='{users[CODER]}']", NS)
    assert len(by_classifier) == len(codings)


def test_a_second_export_is_byte_identical(root, tmp_path):
    first = (reports_site_dir(root, SITE) / qdpx.QDPX_FILE).read_bytes()
    again = qdpx.export_qdpx(root, SITE, tmp_path / "again.qdpx")
    assert again.read_bytes() == first


def test_a_coding_of_a_segment_that_no_longer_exists_stops_the_export(root, tmp_path, capsys):
    path = processed_site_dir(root, SITE) / HUMAN_CODINGS_FILE
    kept = path.read_bytes()
    try:
        path.write_text("segment_id,code_id,score,matched,status,coder\nL2-999,socialization,1,,,ana\n", encoding="utf-8")
        status = main(["export-qdpx", "--root", str(root), "--site", SITE, "--out", str(tmp_path / "x.qdpx")])
    finally:
        path.write_bytes(kept)
    assert status == 2 and "ana coded segment L2-999" in capsys.readouterr().err
    assert not (tmp_path / "x.qdpx").exists()
