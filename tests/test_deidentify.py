"""Names become the site's pseudonyms: whole words, any case, longest name first, one pseudonym each."""

from __future__ import annotations

import pytest

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
