"""`seci init-site`: a new site that ingest accepts once filled in, and never an overwritten one."""

from __future__ import annotations

import csv

import pytest

from pipeline.cli import main
from pipeline.contracts import INFORMANT_COLUMNS
from pipeline.corpus.ingest import ingest_site
from pipeline.corpus.sites import init_site
from pipeline.corpus.study_config import load_study_config
from pipeline.errors import InputError


def test_a_new_site_has_the_informants_header_a_valid_study_yaml_and_a_transcripts_folder(tmp_path):
    site_dir = init_site(tmp_path, "perpus-kota", language="id")
    assert site_dir == tmp_path / "data" / "raw" / "perpus-kota"
    with open(site_dir / "informants.csv", encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    assert header[:len(INFORMANT_COLUMNS)] == INFORMANT_COLUMNS
    study = load_study_config(site_dir)
    assert (study.site, study.language, study.segment_unit) == ("perpus-kota", "id", "answer")
    assert study.speaker_labels == {"informant": ("Informan",), "interviewer": ("Pewawancara",)}
    assert (site_dir / "transcripts").is_dir() and (site_dir / "README.md").is_file()


def test_an_english_site_gets_english_speaker_labels(tmp_path):
    study = load_study_config(init_site(tmp_path, "city-library", language="en"))
    assert study.speaker_labels == {"informant": ("Informant",), "interviewer": ("Interviewer",)}


def test_a_new_site_filled_with_one_interview_ingests(tmp_path):
    site_dir = init_site(tmp_path, "city-library", language="en")
    with open(site_dir / "informants.csv", "a", encoding="utf-8") as handle:
        handle.write("R1,librarian,R1.md,,,,\n")
    (site_dir / "transcripts" / "R1.md").write_text(
        "# Interview R1\n\n**Interviewer:** How do you share what you learn?\n\n**Informant:** At our monthly meeting.\n",
        encoding="utf-8")
    segments = ingest_site(tmp_path, "city-library")
    assert segments[["segment_id", "speaker", "lang", "text"]].values.tolist() == [
        ["R1-001", "interviewer", "en", "How do you share what you learn?"],
        ["R1-002", "informant", "en", "At our monthly meeting."],
    ]


def test_an_existing_site_is_never_overwritten(tmp_path):
    site_dir = init_site(tmp_path, "perpus-kota")
    (site_dir / "study.yaml").write_text("edited by the researcher\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"data/raw/perpus-kota: a site of that name exists already"):
        init_site(tmp_path, "perpus-kota", language="en")
    assert (site_dir / "study.yaml").read_text(encoding="utf-8") == "edited by the researcher\n"


def test_a_name_that_cannot_be_a_folder_name_is_refused(tmp_path):
    with pytest.raises(InputError, match=r"'\.\./elsewhere' is not a usable site name"):
        init_site(tmp_path, "../elsewhere")
    assert not (tmp_path / "data" / "elsewhere").exists()


def test_the_command_creates_the_site_and_refuses_a_second_time_with_status_2(tmp_path, capsys):
    assert main(["init-site", "city-library", "--lang", "en", "--root", str(tmp_path)]) == 0
    assert "seci ingest --site city-library" in capsys.readouterr().out
    assert main(["init-site", "city-library", "--root", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "city-library: a site of that name exists already" in err
    assert sorted(p.name for p in (tmp_path / "data" / "raw").iterdir()) == ["city-library"]  # no staging left


def test_the_transcripts_date_is_a_date_and_a_quoted_one_is_refused(tmp_path):
    site_dir = init_site(tmp_path, "city-library", language="en")
    study = site_dir / "study.yaml"
    study.write_text(study.read_text(encoding="utf-8") + "transcripts_date: 2024-03-15\n", encoding="utf-8")
    assert str(load_study_config(site_dir).transcripts_date) == "2024-03-15"
    study.write_text(study.read_text(encoding="utf-8").replace("2024-03-15", '"2024-03-15"'), encoding="utf-8")
    with pytest.raises(InputError, match="field 'transcripts_date': must be a date written as YYYY-MM-DD"):
        load_study_config(site_dir)
