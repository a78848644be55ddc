"""Names become the site's pseudonyms: whole words, any case, longest name first, one pseudonym each."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.corpus.clean import clean_text
from pipeline.corpus.deidentify import Pseudonyms
from pipeline.corpus.study_config import load_study_config
from pipeline.errors import InputError

STUDY = """\
site: {site}
language: id
speaker_labels: {{interviewer: [Pewawancara], informant: [Informan]}}
deidentify:
{deidentify}
"""


def _site(tmp_path, deidentify: str, *, site: str = "perpus"):
    site_dir = tmp_path / site
    site_dir.mkdir()
    (site_dir / "study.yaml").write_text(STUDY.format(site=site, deidentify=deidentify), encoding="utf-8")
    return site_dir


def test_names_are_replaced_as_whole_words_in_any_case():
    pseudonyms = Pseudonyms({"Yuliana": "[L1]", "Desi": "[L3]"})
    text = "Bu Yuliana, YULIANA dan yuliana; Yulianawati dan Desiana tidak; (Desi)."
    assert pseudonyms.apply(text) == "Bu [L1], [L1] dan [L1]; Yulianawati dan Desiana tidak; ([L3])."


def test_the_longest_name_is_replaced_first():
    pseudonyms = Pseudonyms({"Maria": "[Teman]", "Maria Santos": "[L1]"})
    assert pseudonyms.apply("Maria Santos bertemu Maria.") == "[L1] bertemu [Teman]."


def test_a_pseudonym_is_never_replaced_again():
    pseudonyms = Pseudonyms({"Hendri": "[Pak Syafrizal]", "Syafrizal": "[Kepala Perpustakaan]"})
    assert pseudonyms.apply("Hendri dan Syafrizal") == "[Pak Syafrizal] dan [Kepala Perpustakaan]"


def test_names_written_with_curly_apostrophes_match_cleaned_text():
    assert Pseudonyms({"O\u2019Brien": "[P9]"}).apply("Mr. O'Brien came.") == "Mr. [P9] came."


def test_no_names_leave_the_text_as_it_is():
    assert Pseudonyms({}).apply("Bu Yuliana") == "Bu Yuliana"


def test_the_private_names_file_is_merged_with_the_names_in_study_yaml(tmp_path):
    site_dir = _site(tmp_path, '  names: {Yuliana: "[L1]"}\n  names_file: private/names.csv')
    (site_dir / "private").mkdir()
    (site_dir / "private" / "names.csv").write_text("name,pseudonym\nHendri,[L2]\n\n", encoding="utf-8")
    assert load_study_config(site_dir).pseudonyms == {"Yuliana": "[L1]", "Hendri": "[L2]"}


def test_a_missing_names_file_is_an_error_naming_study_yaml_and_its_line(tmp_path):
    site_dir = _site(tmp_path, "  names_file: private/names.csv")
    with pytest.raises(InputError, match=r"study\.yaml:5: field 'deidentify\.names_file': names file not found: .*names\.csv; .*required: false"):
        load_study_config(site_dir)


def test_a_names_file_marked_not_required_may_be_absent(tmp_path):
    site_dir = _site(tmp_path, "  names: {Yuliana: '[L1]'}\n  names_file: private/names.csv\n  required: false")
    assert load_study_config(site_dir).pseudonyms == {"Yuliana": "[L1]"}


def test_a_name_given_two_pseudonyms_is_an_error_naming_the_file_and_line(tmp_path):
    site_dir = _site(tmp_path, '  names: {Yuliana: "[L1]"}\n  names_file: names.csv')
    (site_dir / "names.csv").write_text("name,pseudonym\nyuliana,[P1]\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"names\.csv:2: name 'yuliana' is given two pseudonyms"):
        load_study_config(site_dir)


def test_a_names_file_without_the_pseudonym_column_is_an_error(tmp_path):
    site_dir = _site(tmp_path, "  names_file: names.csv")
    (site_dir / "names.csv").write_text("name\nYuliana\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"names\.csv:1: names file lacks the column\(s\) pseudonym"):
        load_study_config(site_dir)


@pytest.mark.parametrize("name, written", [
    ("İlham", "i\u0307lham"), ("İlham", "İLHAM"), ("i\u0307lham", "İlham"),
    ("Straße", "STRASSE"), ("Straße", "strasse"), ("STRASSE", "Straße"),
    ("Fiona", "FIONA"), ("Fiona", "\ufb01ona"), ("Fiona", "\uff26\uff29\uff2f\uff2e\uff21"),
    ("Ame\u0301lie", "AMÉLIE"), ("Amélie", "Ame\u0301lie"),
])
def test_names_are_found_in_every_case_form_even_where_folding_changes_the_length(name, written):
    text = clean_text(f"Kata {written}, lalu ({written}).")
    assert Pseudonyms({name: "[P6]"}).apply(text) == "Kata [P6], lalu ([P6])."


def test_a_name_inside_a_longer_folded_character_is_not_cut_out_of_it():
    assert Pseudonyms({"i": "[X]"}).apply("İ dan i") == "İ dan [X]"


def test_a_name_that_cleans_to_nothing_is_an_error_naming_study_yaml_and_its_line(tmp_path):
    site_dir = _site(tmp_path, '  names: {"\\u00ad": "[X]", Yuliana: "[L1]"}')
    with pytest.raises(InputError, match=r"study\.yaml:5: name '\\xad' is empty once cleaned"):
        load_study_config(site_dir)


def test_de_identified_transcripts_keep_every_segment_at_its_offsets(tmp_path):
    import shutil

    from pipeline.corpus.ingest import build_site

    project = tmp_path / "project"
    shutil.copytree(Path(__file__).parent / "fixtures" / "ingest" / "project", project)
    site = project / "data" / "raw" / "library-x"
    transcript = site / "transcripts" / "A1.txt"
    transcript.write_text(transcript.read_text(encoding="utf-8").replace(
        "John Smith asks", "i\u0307lham and STRASSE and ＦＩＯＮＡ ask"), encoding="utf-8")
    study = site / "study.yaml"
    study.write_text(study.read_text(encoding="utf-8").replace(
        "  names:\n", '  names:\n    İlham: "[P6]"\n    Straße: "[Street]"\n    Fiona: "[P7]"\n'), encoding="utf-8")
    ingested = build_site(project, "library-x")
    cleaned = ingested.transcripts["A1"]
    assert "[P6] and [Street] and [P7] ask" in cleaned
    for row in ingested.segments[ingested.segments["informant_id"] == "A1"].itertuples():
        assert cleaned[row.start:row.end] == row.text
