"""`seci ingest`: a site's raw transcripts become segments.csv and cleaned transcripts, or one clear error."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pandas as pd
import pytest

from pipeline.cli import main
from pipeline.contracts import SEGMENT_COLUMNS
from pipeline.corpus.ingest import ingest_site
from pipeline.errors import InputError

PROJECT = Path(__file__).parent / "fixtures" / "ingest" / "project"
SITE = "library-x"


@pytest.fixture
def project(tmp_path) -> Path:
    """A copy of the fixture project (one site, three informants: .txt, .vtt, .csv)."""
    return Path(shutil.copytree(PROJECT, tmp_path / "project"))


def raw(project: Path) -> Path:
    return project / "data" / "raw" / SITE


def processed(project: Path) -> Path:
    return project / "data" / "processed" / SITE


def hashes(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture changed: {old!r} not in {path.name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


# --- what ingest produces ------------------------------------------------------------------------

def test_segments_follow_the_contract_with_one_row_per_turn(project):
    segments = ingest_site(project, SITE)
    assert list(segments.columns) == SEGMENT_COLUMNS
    assert segments["segment_id"].tolist() == [
        "A1-001", "A1-002", "A1-003", "A1-004", "A1-005", "A1-006",
        "A2-001", "A2-002", "A2-003", "A2-004",
        "A3-001", "A3-002", "A3-003", "A3-004",
    ]
    roles = segments.groupby("informant_id")["role"].first().to_dict()
    assert roles == {"A1": "librarian", "A2": "patron", "A3": "patron"}
    assert set(segments["site"]) == {SITE}
    written = pd.read_csv(processed(project) / "segments.csv", keep_default_na=False)
    assert written["segment_id"].tolist() == segments["segment_id"].tolist()


def test_answers_are_cleaned_de_identified_and_carry_their_question(project):
    segments = ingest_site(project, SITE).set_index("segment_id")
    assert segments.loc["A1-002", "text"] == 'Yes, of course. I have worked here for "twelve" years - since 2013.'
    assert segments.loc["A1-004", "text"] == (
        "We meet once a month. [Head Librarian] asks each of us to present a report. Afterwards the others ask questions."
    )
    assert segments.loc["A1-004", "question"] == "How do librarians share what they know?"
    assert segments.loc["A1-006", "speaker"] == "informant"  # labelled "A:", the site's second informant label
    assert segments.loc["A1-006", "text"] == "It is new and not yet adequate. We plan to improve it."
    assert segments.loc["A2-002", "text"] == "Thank you. I come here every week to borrow printed books."  # two cues, one turn
    assert segments.loc["A2-004", "text"] == "[A1] does, she is patient."
    assert segments.loc["A3-004", "text"] == "You're welcome."
    assert segments.loc["A1-003", ["speaker", "question"]].tolist() == ["interviewer", ""]


@pytest.mark.parametrize("unit", ["answer", "sentence"])
def test_every_segment_is_found_at_its_offsets_in_the_written_cleaned_transcript(project, unit):
    edit(raw(project) / "study.yaml", "segment_unit: answer", f"segment_unit: {unit}")
    segments = ingest_site(project, SITE)
    for row in segments.itertuples():
        cleaned = (processed(project) / "transcripts" / f"{row.informant_id}.txt").read_text(encoding="utf-8")
        assert cleaned[row.start:row.end] == row.text
    if unit == "sentence":
        assert segments.loc[segments["segment_id"].str.startswith("A1-004."), "text"].tolist() == [
            "We meet once a month.", "[Head Librarian] asks each of us to present a report.", "Afterwards the others ask questions.",
        ]


def test_an_empty_language_cell_takes_the_site_language(project):
    edit(raw(project) / "study.yaml", "language: en", "language: id")
    languages = ingest_site(project, SITE).groupby("informant_id")["lang"].first().to_dict()
    assert languages == {"A1": "en", "A2": "id", "A3": "en"}


def test_de_identification_gives_a_name_the_same_pseudonym_in_every_file(project):
    ingest_site(project, SITE)
    written = {path.name: path.read_text(encoding="utf-8") for path in processed(project).rglob("*.*")}
    assert "[A1]" in written["A1.txt"] and "[A1]" in written["A2.txt"]  # "Maria Santos" and "MARIA"
    assert "[A2]" in written["A2.txt"]
    for text in written.values():
        for name in ("maria", "santos", "ana ", "john", "smith"):
            assert name not in text.lower()


def test_a_second_run_writes_byte_identical_files(project):
    ingest_site(project, SITE)
    first = hashes(processed(project))
    ingest_site(project, SITE)
    assert hashes(processed(project)) == first
    assert set(first) == {"segments.csv", "transcripts/A1.txt", "transcripts/A2.txt", "transcripts/A3.txt"}


def test_raw_data_is_only_read(project):
    before = hashes(project / "data" / "raw")
    ingest_site(project, SITE)
    ingest_site(project, SITE)
    assert hashes(project / "data" / "raw") == before


def test_an_informant_removed_from_the_study_leaves_no_cleaned_transcript_behind(project):
    ingest_site(project, SITE)
    edit(raw(project) / "informants.csv", "A3,patron,A3.csv,en,\n", "")
    (raw(project) / "transcripts" / "A3.csv").unlink()
    segments = ingest_site(project, SITE)
    assert set(segments["informant_id"]) == {"A1", "A2"}
    assert sorted(p.name for p in (processed(project) / "transcripts").iterdir()) == ["A1.txt", "A2.txt"]


# --- bad input: one line naming the file (and line) and the fix; nothing written -----------------

def _write(relative: str, content: str | bytes):
    def change(site: Path) -> None:
        path = site / relative
        path.write_bytes(content) if isinstance(content, bytes) else path.write_text(content, encoding="utf-8")
    return change


def _edit(relative: str, old: str, new: str):
    return lambda site: edit(site / relative, old, new)


def _linked(relative: str):
    """The file moved out of the project and a symbolic link to it left in its place."""
    def change(site: Path) -> None:
        outside = site.parents[3] / f"outside-{Path(relative).name}"
        (site / relative).rename(outside)
        (site / relative).symlink_to(outside)
    return change


def _names_file(path: str, *, move_to: str | None = None, link: bool = False):
    """A names file at ``path`` (relative to the site folder) named in study.yaml."""
    def change(site: Path) -> None:
        target = site / (move_to or path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("name,pseudonym\nJohn Smith,[Head Librarian]\n", encoding="utf-8")
        if link:
            (site / path).symlink_to(target)
        edit(site / "study.yaml", "deidentify:\n", f"deidentify:\n  names_file: {path}\n")
    return change


BAD_INPUT = {
    "empty transcript": (_write("transcripts/A1.txt", ""), r"transcripts/A1\.txt: empty transcript; "),
    "transcript of comments only": (_write("transcripts/A1.txt", "# nothing yet\n"), r"transcripts/A1\.txt: empty transcript"),
    "binary file": (_write("transcripts/A1.txt", bytes(range(256))), r"transcripts/A1\.txt: binary file .*; export"),
    "undecodable file": (_write("transcripts/A1.txt", "Interviewer: Hi.\n\nRespondent: Caf\u00e9.\n".encode("cp1252")),
                         r"transcripts/A1\.txt:3: not UTF-8 text \(byte 0xe9\); save it as UTF-8"),
    "no speaker labels": (_write("transcripts/A1.txt", "we talked about the library\nand its website\n"),
                          r"transcripts/A1\.txt: no speaker labels found; begin each turn"),
    "text before the first label": (_write("transcripts/A1.txt", "notes of the day\n\nInterviewer: Hi.\n\nRespondent: Hello.\n"),
                                    r"transcripts/A1\.txt:1: text before the first speaker label"),
    "unknown speaker label": (_edit("transcripts/A1.txt", "A: It is new", "Participant: It is new"),
                              r"transcripts/A1\.txt:14: unknown speaker label 'Participant'; "
                              r"use one of 'Respondent', 'A', 'Interviewer', 'Q', or add"),
    "label spoiled by a combining mark": (_edit("transcripts/A1.txt", "A: It is new", "A\u0335: It is new"),
                                          r"transcripts/A1\.txt:14: unknown speaker label 'A\u0335'"),
    "unknown voice in captions": (_edit("transcripts/A2.vtt", "<v Interviewer>Who", "<v Moderator>Who"),
                                  r"transcripts/A2\.vtt:19: unknown speaker label 'Moderator'"),
    "no informant answer": (_write("transcripts/A1.txt", "Interviewer: Hi.\n\nQ: Anyone there?\n"),
                            r"transcripts/A1\.txt: no informant answer in this transcript; label the answers"),
    "informants.csv missing a column": (_edit("informants.csv", "informant_id,role,", "informant_id,"),
                                        r"informants\.csv:1: missing column\(s\) role; the first line must name"),
    "duplicate informant id": (_edit("informants.csv", "A3,patron,A3.csv", "A1,patron,A3.csv"),
                               r"informants\.csv:4: duplicate informant_id 'A1' \(first on line 2\); give each"),
    "informants.csv names a missing file": (_edit("informants.csv", "A2.vtt", "A2.srt"),
                                            r"informants\.csv:3: transcript file not found: .*A2\.srt; correct"),
    "a transcript no row names": (_write("transcripts/A9.txt", "Interviewer: Hi.\n\nRespondent: Hello.\n"),
                                  r"transcripts/A9\.txt: transcript not named by any row of informants\.csv; add a row"),
    "invalid role": (_edit("informants.csv", "A2,patron", "A2,visitor"),
                     r"informants\.csv:3: role 'visitor' is not one of librarian, patron; write"),
    "invalid language": (_edit("informants.csv", "A3.csv,en", "A3.csv,fr"),
                         r"informants\.csv:4: language 'fr' is not one of id, en; write"),
    "missing study.yaml": (lambda site: (site / "study.yaml").unlink(), r"study\.yaml: missing study\.yaml; start a site with `seci init-site NAME`"),
    "study.yaml syntax error": (_edit("study.yaml", "title: Fixture study", "title: Fixture: study"),
                                r"study\.yaml:3: YAML syntax error: mapping values are not allowed [a-z ]+; check"),
    "study.yaml unknown key": (_edit("study.yaml", "segment_unit:", "segment_units:"),
                               r"study\.yaml:9: field 'segment_units': unknown key 'segment_units'; use only: site, title"),
    "study.yaml wrong type": (_edit("study.yaml", "transcription_marks: remove", "transcription_marks: yes"),
                              r"study\.yaml:10: field 'transcription_marks': True is not one of remove, keep; write"),
    "study.yaml unknown choice": (_edit("study.yaml", "segment_unit: answer", "segment_unit: paragraph"),
                                  r"study\.yaml:9: field 'segment_unit': 'paragraph' is not one of answer, sentence"),
    "study.yaml unknown nested key": (_edit("study.yaml", "  names:", "  name:"),
                                      r"study\.yaml:12: field 'deidentify\.name': unknown key 'name'; use only: names"),
    "study.yaml with a key given twice": (_edit("study.yaml", "deidentify:", "deidentify: {}\ndeidentify:"),
                                          r"study\.yaml:12: key 'deidentify' is given twice \(first on line 11\)"),
    "study.yaml for another site": (_edit("study.yaml", "site: library-x", "site: library-y"),
                                    r"study\.yaml:2: field 'site': site 'library-y' does not match the folder name"),
    "transcript is a link": (_linked("transcripts/A1.txt"),
                             r"transcripts/A1\.txt: is a symbolic link; seci reads only regular files inside the site"),
    "informants.csv is a link": (_linked("informants.csv"), r"informants\.csv: is a symbolic link; seci reads"),
    "study.yaml is a link": (_linked("study.yaml"), r"study\.yaml: is a symbolic link; seci reads"),
    "transcripts folder links out": (_linked("transcripts"),
                                     r"transcripts/A1\.txt: is outside the site folder .*; move the file into"),
    "names file outside the site": (_names_file("../../names.csv"),
                                    r"names\.csv: is outside the site folder .*allow_outside_site: true"),
    "names file is a link": (_names_file("names.csv", move_to="private/real.csv", link=True),
                             r"names\.csv: is a symbolic link"),
    "study.yaml without speaker labels": (_edit("study.yaml", "  informant: [Respondent, A]\n", ""),
                                          r"study\.yaml:6: field 'speaker_labels\.informant': missing; add 'informant:'"),
    "study.yaml encoding that is no text encoding": (
        _edit("study.yaml", "segment_unit: answer", "segment_unit: answer\nencoding: rot13"),
        r"study\.yaml:10: field 'encoding': 'rot13' is not a character encoding Python can read files in; name"),
    "study.yaml encoding that is no file encoding": (
        _edit("study.yaml", "segment_unit: answer", "segment_unit: answer\nencoding: idna"),
        r"study\.yaml:10: field 'encoding': 'idna' is not a character encoding"),
    "study.yaml language that is a list": (_edit("study.yaml", "language: en", "language: [en]"),
                                           r"study\.yaml:5: field 'language': \['en'\] is not one of id, en"),
    "study.yaml title that is a huge number": (_edit("study.yaml", "title: Fixture study of a small library",
                                                     "title: " + "9" * 50),
                                               r"study\.yaml:3: field 'title': must be text, not a number"),
    "study.yaml label that is a list": (_edit("study.yaml", "[Respondent, A]", "[[Respondent], A]"),
                                        r"study\.yaml:8: field 'speaker_labels\.informant\.0': must be text, not a list"),
    "transcript named twice": (_edit("informants.csv", "A3,patron,A3.csv", "A3,patron,A2.vtt"),
                               r"informants\.csv:4: transcript 'A2\.vtt' is named twice \(first on line 3\); give each"),
    "informants.csv with a cell too many": (_edit("informants.csv", "A2,patron,A2.vtt,,", "A2,patron,A2.vtt,,,x"),
                                            r"informants\.csv:3: 6 cells in a row under a header of 5; put quotes"),
    "transcript over the size limit": (_write("transcripts/A1.txt", b"A: x\n" * 2_500_001),
                                       r"transcripts/A1\.txt: 12,500,005 bytes, more than the limit of 10,000,000"),
}


@pytest.mark.parametrize("case", list(BAD_INPUT))
def test_bad_input_stops_with_one_line_naming_the_file_and_writes_nothing(project, case):
    change, message = BAD_INPUT[case]
    change(raw(project))
    with pytest.raises(InputError, match=message) as error:
        ingest_site(project, SITE)
    assert "\n" not in str(error.value)
    assert not (project / "data" / "processed").exists()


def test_a_names_file_kept_outside_the_site_is_read_when_study_yaml_allows_it(project):
    _names_file("../../../private/names.csv")(raw(project))
    edit(raw(project) / "study.yaml", "  names_file:", "  allow_outside_site: true\n  names_file:")
    segments = ingest_site(project, SITE)
    assert "[Head Librarian]" in " ".join(segments["text"]) and "John Smith" not in " ".join(segments["text"])


def test_a_failed_run_leaves_the_previous_outputs_intact(project):
    ingest_site(project, SITE)
    before = hashes(processed(project))
    edit(raw(project) / "transcripts" / "A1.txt", "A: It is new", "Participant: It is new")
    with pytest.raises(InputError):
        ingest_site(project, SITE)
    assert hashes(processed(project)) == before


def test_the_command_exits_with_status_2_and_one_line_on_bad_input(project, capsys):
    edit(raw(project) / "transcripts" / "A1.txt", "A: It is new", "Participant: It is new")
    assert main(["ingest", "--root", str(project), "--site", SITE]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("seci: error: ") and "transcripts/A1.txt:14: unknown speaker label 'Participant'" in err


def test_the_command_validates_every_site_before_writing_any(project, capsys):
    other = project / "data" / "raw" / "library-y"
    shutil.copytree(raw(project), other)
    edit(other / "study.yaml", "site: library-x", "site: library-y")
    edit(other / "informants.csv", "A2,patron", "A2,visitor")
    assert main(["ingest", "--root", str(project)]) == 2
    assert "library-y/informants.csv:3: role 'visitor'" in capsys.readouterr().err
    assert not (project / "data" / "processed").exists()


def test_the_command_reports_what_it_wrote(project, capsys):
    assert main(["ingest", "--root", str(project), "--site", SITE]) == 0
    assert capsys.readouterr().out == (
        f"{SITE}: 3 informants, 7 informant segments -> {processed(project) / 'segments.csv'}\n"
    )
