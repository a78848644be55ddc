"""The REFI-QDA export: valid QDA-XML that a QDA program imports whole, byte-identical reruns.

What a QDA user lost before (issue 14) and each test here checks: who coded what (selections owned
by the software, so a human's agreeing codings were dropped as duplicates), the informants as cases
with their attributes, status as something to filter, the study's context, one colour per code,
real dates. ``refi_reader`` loads the project the way QualCoder's importer does.
"""

from __future__ import annotations

import zipfile

import pandas as pd
import pytest
from coded_site import CODER, SITE, make_coded_site
from lxml import etree
from refi_reader import load_project

from pipeline.cli import main
from pipeline.coding.codebook import load_codebook
from pipeline.contracts import HUMAN_CODINGS_FILE, processed_site_dir, raw_site_dir, reports_site_dir
from pipeline.files import write_csv
from pipeline.report import qdpx

NS = {"q": qdpx.NAMESPACE}
AGREED = 40  # codings a human coder shares with the classifier


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    root = tmp_path_factory.mktemp("project")

    def unusual_characters(site_dir):
        # Accents, a BMP symbol and an emoji (outside the BMP) before the coded answers: positions must
        # count code points, not bytes or UTF-16 units.
        for path in (site_dir / "transcripts").glob("*.txt"):
            path.write_text(path.read_text(encoding="utf-8").replace("Assalamualaikum", "Assalamu’alaikum, café ☕ 😀"),
                            encoding="utf-8")

    codings = make_coded_site(root, edit=unusual_characters)
    agreed = codings.head(AGREED).assign(score=1.0, matched="", status="", coder="ana")
    extra = pd.DataFrame([("L2-004", "socialization", 1, "", "", "ana"), ("L2-006", "", 0, "", "", "ana")],
                         columns=codings.columns)
    write_csv(processed_site_dir(root, SITE) / HUMAN_CODINGS_FILE, pd.concat([agreed, extra]).drop_duplicates(
        ["segment_id", "code_id", "coder"]))
    assert main(["export-qdpx", "--root", str(root), "--site", SITE]) == 0
    return root


@pytest.fixture(scope="module")
def archive(root):
    return zipfile.ZipFile(reports_site_dir(root, SITE) / qdpx.QDPX_FILE)


@pytest.fixture(scope="module")
def project(archive):
    return etree.fromstring(archive.read("project.qde"))


@pytest.fixture(scope="module")
def loaded(root):
    return load_project(reports_site_dir(root, SITE) / qdpx.QDPX_FILE, qdpx.SCHEMA_FILE)


def read(root, name):
    return pd.read_csv(processed_site_dir(root, SITE) / name, dtype=str, keep_default_na=False)


def test_project_validates_against_the_refi_schema(project):
    schema = etree.XMLSchema(etree.parse(str(qdpx.SCHEMA_FILE)))
    assert schema.validate(etree.ElementTree(project)), schema.error_log
    assert project.tag == f"{{{qdpx.NAMESPACE}}}Project"


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
    assert sum("café ☕ 😀" in text for text in texts) >= 5


def test_every_coding_is_loaded_on_its_segments_text_owned_by_its_coder(root, loaded):
    codings, human = read(root, "codings.csv"), read(root, HUMAN_CODINGS_FILE)
    human = human[human["code_id"] != ""]
    text_of = read(root, "segments.csv").set_index("segment_id")["text"]
    assert loaded.duplicates == []
    by_owner = loaded.codings_by_owner()
    status_codes = {guid for guid, code in loaded.codes.items() if code["parent"] and ": " in code["name"]}
    assert sum(coding["code"] in status_codes for coding in loaded.codings if coding["owner"] == CODER) == len(codings)
    assert by_owner == {CODER: 2 * len(codings), "ana": len(human)}  # each classifier coding also codes its status
    segment_of_span = {(segment.informant_id, int(segment.start), int(segment.end)): segment.segment_id
                       for segment in read(root, "segments.csv").itertuples()}
    names = {guid: code["name"] for guid, code in loaded.codes.items()}
    codebook = load_codebook()
    label_to_id = {code.label["id"]: code.id for code in codebook.codes}
    found = set()
    for coding in loaded.codings:
        segment_id = segment_of_span[coding["source"], coding["start"], coding["end"]]
        assert coding["text"] == text_of[segment_id]
        if coding["code"] not in status_codes:
            found.add((segment_id, label_to_id[names[coding["code"]]], coding["owner"]))
    expected = set(zip(codings["segment_id"], codings["code_id"], codings["coder"]))
    expected |= set(zip(human["segment_id"], human["code_id"], human["coder"]))
    assert found == expected


def test_users_put_the_classifier_first(loaded):
    assert loaded.users == [CODER, "ana", "seci-kit"]


def test_the_status_of_each_coding_is_a_child_code_to_filter_by(root, loaded):
    codings = read(root, "codings.csv")
    names = {guid: code for guid, code in loaded.codes.items()}
    found = {(coding["source"], coding["start"], names[coding["code"]]["parent"], names[coding["code"]]["name"])
             for coding in loaded.codings if coding["owner"] == CODER and ": " in names[coding["code"]]["name"]}
    words = {"practice": "praktik", "barrier": "hambatan"}
    label = {code.id: code.label["id"] for code in load_codebook().codes}
    span = read(root, "segments.csv").set_index("segment_id")
    expected = {(span.at[row.segment_id, "informant_id"], int(span.at[row.segment_id, "start"]), label[row.code_id],
                 f"{label[row.code_id]}: {words[row.status]}") for row in codings.itertuples()}
    assert found == expected


def test_the_terms_that_fired_are_annotations_at_their_offsets(root, loaded):
    codings = read(root, "codings.csv")
    assert {annotation["owner"] for annotation in loaded.annotations} == {CODER}
    for annotation in loaded.annotations:
        term = loaded.sources[annotation["source"]][annotation["start"]:annotation["end"]]
        assert f'"{term}" menandai' in annotation["memo"]
    assert len(loaded.annotations) == len(set(codings["segment_id"]))  # the synthetic evidence: each answer's first word


def test_informants_are_cases_with_every_column_as_a_variable(root, loaded):
    informants = pd.read_csv(raw_site_dir(root, SITE) / "informants.csv", dtype=str, keep_default_na=False)
    assert len(loaded.cases) == 11
    for informant in informants.to_dict("records"):
        assert loaded.cases[informant["informant_id"]] == {column: value for column, value in informant.items() if value}


def test_each_code_has_a_colour_of_its_own(loaded):
    codebook = load_codebook()
    colours = [code["colour"] for code in loaded.codes.values() if code["codable"] and ": " not in code["name"]]
    assert len(colours) == len(codebook.codes) == len(set(colours))


def test_codebook_groups_are_parent_codes_that_cannot_be_coded(project):
    codebook = load_codebook()
    parents = project.findall("q:CodeBook/q:Codes/q:Code", NS)
    assert [parent.get("isCodable") for parent in parents] == ["false"] * len(codebook.groups)
    assert all("seci 2.4" in parent.findtext("q:Description", namespaces=NS) for parent in parents)
    children = [code for parent in parents for code in parent.findall("q:Code", NS)]
    assert [code.get("name") for code in children] == [code.label["id"] for code in codebook.codes]
    memo = children[0].findtext("q:Description", namespaces=NS)
    assert codebook.codes[0].definition["id"] in memo and "Kata kunci (id): " in memo and "magang (2)" in memo


def test_the_project_carries_the_reconstruction_note_and_the_codebook(loaded):
    codebook = load_codebook()
    assert "Transkrip rekonstruksi" in loaded.memo and codebook.description["id"] in loaded.memo
    assert loaded.journals["Rekonstruksi"].startswith("Transkrip rekonstruksi")
    assert loaded.journals["Buku kode"].startswith(f"Buku kode seci {codebook.version}: ")


def test_every_item_is_dated_with_the_transcripts_date(project):
    dates = {node.get("creationDateTime") for node in project.iter() if node.get("creationDateTime")}
    assert dates == {"2026-11-28T00:00:00Z"}


def test_a_site_without_a_transcripts_date_exports_no_dates_and_no_notes(root, tmp_path):
    study = raw_site_dir(root, SITE) / "study.yaml"
    kept = study.read_text(encoding="utf-8")
    try:
        study.write_text("\n".join(line for line in kept.splitlines() if not line.startswith("transcripts_date")),
                         encoding="utf-8")
        path = qdpx.export_qdpx(root, SITE, tmp_path / "undated.qdpx")
    finally:
        study.write_text(kept, encoding="utf-8")
    archive = zipfile.ZipFile(path)
    project = etree.fromstring(archive.read("project.qde"))
    assert not [node for node in project.iter() if node.get("creationDateTime")]
    assert project.find("q:Notes", NS) is None and "Transkrip rekonstruksi" in project.findtext("q:Description", namespaces=NS)
    assert {info.date_time for info in archive.infolist()} == {qdpx.ZIP_EPOCH}


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
