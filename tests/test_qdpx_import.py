"""`seci import-qdpx`: human codings back from a QDA program, by content and by the overlap rule."""

from __future__ import annotations

import uuid
import zipfile

import pandas as pd
import pytest
from coded_site import SITE, make_coded_site
from lxml import etree

from pipeline.cli import main
from pipeline.coding.classify import code_site
from pipeline.contracts import CODING_COLUMNS, HUMAN_CODINGS_FILE, processed_site_dir, reports_site_dir
from pipeline.files import write_csv
from pipeline.report import qdpx
from pipeline.report.qdpx_import import codes_segment

Q = f"{{{qdpx.NAMESPACE}}}"


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    """The shipped site, ingested and coded by the classifier, with a human coder who agrees on some codings."""
    root = tmp_path_factory.mktemp("project")
    make_coded_site(root)
    codings = code_site(root, SITE)
    human = codings.iloc[::3].assign(score=1, matched="", status="", coder="ana")
    write_csv(processed_site_dir(root, SITE) / HUMAN_CODINGS_FILE, human)
    assert main(["export-qdpx", "--root", str(root), "--site", SITE]) == 0
    return root


def read(path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def presence(frame: pd.DataFrame, *columns) -> set[tuple]:
    return set(zip(*(frame[column] for column in ("segment_id", "code_id", *columns, "coder"))))


def segments(root) -> pd.DataFrame:
    frame = read(processed_site_dir(root, SITE) / "segments.csv")
    return frame.astype({"start": int, "end": int})


def test_an_export_of_the_shipped_site_comes_back_as_the_same_codings(root, tmp_path, capsys):
    out = tmp_path / "round_trip.csv"
    export = reports_site_dir(root, SITE) / qdpx.QDPX_FILE
    assert main(["import-qdpx", str(export), "--root", str(root), "--site", SITE, "--out", str(out), "--with-classifier"]) == 0
    back, codings = read(out), read(processed_site_dir(root, SITE) / "codings.csv")
    human = read(processed_site_dir(root, SITE) / HUMAN_CODINGS_FILE)
    assert list(back.columns) == CODING_COLUMNS
    assert presence(back[back["coder"] != "ana"], "status") == presence(codings, "status")
    assert presence(back[back["coder"] == "ana"]) == presence(human)
    assert len(back) == len(codings) + len(human)
    assert "-> " in capsys.readouterr().out


def test_by_default_the_classifier_is_left_out_and_other_coders_kept(root, tmp_path, capsys):
    out = tmp_path / "human.csv"
    write_csv(out, pd.DataFrame([("L1-004", "skills", "1", "", "", "bo")], columns=CODING_COLUMNS))
    export = reports_site_dir(root, SITE) / qdpx.QDPX_FILE
    assert main(["import-qdpx", str(export), "--root", str(root), "--site", SITE, "--out", str(out)]) == 0
    back = read(out)
    assert set(back["coder"]) == {"ana", "bo"}
    codings = read(processed_site_dir(root, SITE) / "codings.csv")
    assert f"{len(codings)} selections coded by the classifier left out" in capsys.readouterr().out


# --- a project made by hand: overlapping and partial selections, a renamed source, unknown codes -------


def make_project(path, source_text: str, selections: list[tuple[int, int, str, str]], *, codes=None,
                 project_xml: bytes | None = None) -> None:
    """A .qdpx with one text source (named unlike any transcript) and ``(start, end, code name, coder)`` selections."""
    def guid(*key):
        return str(uuid.uuid5(uuid.NAMESPACE_URL, "test:" + "/".join(map(str, key))))

    codes = codes or {"SECI": ["Socialization", "Socialization: barrier", "Combination", "Mentoring"]}
    project = etree.Element(f"{Q}Project", name="coded by hand", nsmap={None: qdpx.NAMESPACE})
    users = etree.SubElement(project, f"{Q}Users")
    for coder in sorted({coder for *_, coder in selections}):
        etree.SubElement(users, f"{Q}User", guid=guid("user", coder), name=coder)
    top = etree.SubElement(etree.SubElement(project, f"{Q}CodeBook"), f"{Q}Codes")
    for group, names in codes.items():
        parent = etree.SubElement(top, f"{Q}Code", guid=guid("code", group), name=group, isCodable="false")
        for name in names:
            under = parent.find(f"{Q}Code[@name='{name.split(': ')[0]}']") if ": " in name else parent
            etree.SubElement(under, f"{Q}Code", guid=guid("code", name), name=name, isCodable="true")
    source = etree.SubElement(etree.SubElement(project, f"{Q}Sources"), f"{Q}TextSource", guid=guid("source"),
                              name="Interview 7.docx", plainTextPath=f"internal://{guid('source')}.txt")
    for n, (start, end, code, coder) in enumerate(selections):
        selection = etree.SubElement(source, f"{Q}PlainTextSelection", guid=guid("selection", n),
                                     startPosition=str(start), endPosition=str(end), creatingUser=guid("user", coder))
        coding = etree.SubElement(selection, f"{Q}Coding", guid=guid("coding", n), creatingUser=guid("user", coder))
        etree.SubElement(coding, f"{Q}CodeRef", targetGUID=guid("code", code))
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", project_xml or etree.tostring(project, xml_declaration=True, encoding="UTF-8"))
        archive.writestr(f"Sources/{guid('source')}.txt", source_text.encode("utf-8"))


def test_a_hand_made_project_follows_the_overlap_rule(root, tmp_path, capsys):
    answers = segments(root)
    answers = answers[(answers["informant_id"] == "L2") & (answers["speaker"] == "informant")].reset_index(drop=True)
    transcript = (processed_site_dir(root, SITE) / "transcripts" / "L2.txt").read_text(encoding="utf-8")
    s = list(answers.itertuples())
    interviewer = segments(root).query("informant_id == 'L2' and speaker == 'interviewer'").iloc[1]

    def crlf(position):  # the source is saved with Windows line ends: positions count each \r
        return position + transcript[:position].count("\n")

    selections = [
        (s[0].start + 5, s[0].start + 15, "Socialization", "bo"),  # a few words inside answer 0: codes it
        (s[0].start + 10, s[0].end, "Socialization", "bo"),  # overlaps the first: still one coding
        (s[1].start + (s[1].end - s[1].start) * 2 // 5, s[2].start + 3, "Combination", "bo"),  # 3/5 of 1, 3 chars of 2
        (s[3].start, s[4].end, "Socialization: barrier", "cy"),  # two whole answers (and the question between)
        (s[5].start, s[5].start + (s[5].end - s[5].start + 1) // 2, "Combination", "cy"),  # half of answer 5
        (s[6].start - 5, s[6].start + (s[6].end - s[6].start) // 2 - 1, "Combination", "cy"),  # under half of 6
        (int(interviewer.start), int(interviewer.end), "Combination", "cy"),  # a question only
        (s[7].start, s[7].end, "Mentoring", "cy"),  # not a code of the codebook
    ]
    path, out = tmp_path / "hand.qdpx", tmp_path / "hand.csv"
    make_project(path, transcript.replace("\n", "\r\n"),
                 [(crlf(start), crlf(end), code, coder) for start, end, code, coder in selections])
    assert main(["import-qdpx", str(path), "--root", str(root), "--site", SITE, "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert "codes not in the site's codebook, their codings not written: Mentoring (1)" in said
    assert "2 coded selections code no informant answer by the overlap rule" in said
    assert presence(read(out), "status") == {
        (s[0].segment_id, "socialization", "", "bo"),
        (s[1].segment_id, "combination", "", "bo"),
        (s[3].segment_id, "socialization", "barrier", "cy"),
        (s[4].segment_id, "socialization", "barrier", "cy"),
        (s[5].segment_id, "combination", "", "cy"),
    }


@pytest.mark.parametrize(("selection", "codes"), [
    ((30, 40), True),  # wholly inside the answer at 20-100
    ((0, 59), False),  # 39 of its 80 characters
    ((0, 60), True),  # 40 of 80: half
    ((60, 200), True),  # the second half
    ((61, 200), False),  # 39 of 80
    ((0, 300), True),  # all of it
    ((30, 30), False),  # empty
    ((100, 120), False),  # next to it
])
def test_the_overlap_rule(selection, codes):
    assert codes_segment(*selection, 20, 100) is codes


@pytest.mark.parametrize(("make", "problem"), [
    (lambda path, text: path.write_text("not a zip", encoding="utf-8"), "not a ZIP archive"),
    (lambda path, text: zipfile.ZipFile(path, "w").close(), "holds no project.qde"),
    (lambda path, text: make_project(path, text, [], project_xml=b"<Project><oops></Project>"), "is not well-formed XML"),
    (lambda path, text: make_project(path, text, [], project_xml=f'<Project xmlns="{qdpx.NAMESPACE}"/>'.encode()),
     "does not validate against Project.xsd"),
    (lambda path, text: make_project(path, text.replace("a", "e"), [(0, 5, "Socialization", "bo")]),
     "source 'Interview 7.docx' matches no cleaned transcript of uin-imam-bonjol"),
])
def test_bad_files_get_one_line_naming_the_file(root, tmp_path, capsys, make, problem):
    path = tmp_path / "bad.qdpx"
    make(path, (processed_site_dir(root, SITE) / "transcripts" / "L2.txt").read_text(encoding="utf-8"))
    assert main(["import-qdpx", str(path), "--root", str(root), "--site", SITE, "--out", str(tmp_path / "x.csv")]) == 2
    error = capsys.readouterr().err
    assert error.startswith(f"seci: error: {path}: ") and problem in error and error.count("\n") == 1
    assert not (tmp_path / "x.csv").exists()


def test_the_default_output_is_the_human_coding_the_validation_report_reads(root):
    from pipeline.analysis.agreement import codings_by_coder
    from pipeline.analysis.validation import read_human_codings

    path = processed_site_dir(root, SITE) / HUMAN_CODINGS_FILE
    before = read(path)
    export = reports_site_dir(root, SITE) / qdpx.QDPX_FILE
    assert main(["import-qdpx", str(export), "--root", str(root), "--site", SITE]) == 0
    coding = codings_by_coder(read_human_codings(root, SITE))["ana"]
    assert {(segment, code) for segment, codes in coding.items() for code in codes} == set(
        zip(before["segment_id"], before["code_id"]))
