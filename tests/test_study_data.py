"""The shipped study: both sites ingest, 11 informants, English aligned with Indonesian, every quote in place."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from pipeline.contracts import ARTICLE_FINDINGS_FILE, raw_site_dir
from pipeline.corpus.clean import clean_text
from pipeline.corpus.ingest import build_site
from pipeline.corpus.study_config import load_study_config

ROOT = Path(__file__).resolve().parents[1]
INDONESIAN, ENGLISH = "uin-imam-bonjol", "uin-imam-bonjol-en"


@pytest.fixture(scope="module")
def sites():
    """Both sites ingested in memory (build_site reads data/raw and writes nothing)."""
    return {site: build_site(ROOT, site) for site in (INDONESIAN, ENGLISH)}


def quotes() -> list[dict]:
    path = ROOT / ARTICLE_FINDINGS_FILE
    if not path.is_file():
        pytest.skip(f"{ARTICLE_FINDINGS_FILE} is not there yet")
    return yaml.safe_load(path.read_text(encoding="utf-8"))["quotes"]


@pytest.mark.parametrize("site", [INDONESIAN, ENGLISH])
def test_each_site_has_eleven_informants_three_librarians_and_eight_patrons(sites, site):
    informants = sites[site].segments.groupby("informant_id")["role"].first()
    assert sorted(informants.index) == ["L1", "L2", "L3", "P1", "P2", "P3", "P4", "P5", "P6", "P7", "P8"]
    assert informants.value_counts().to_dict() == {"patron": 8, "librarian": 3}


def test_english_segments_align_one_to_one_with_the_indonesian(sites):
    columns = ["segment_id", "informant_id", "role", "speaker", "turn"]
    indonesian, english = sites[INDONESIAN].segments, sites[ENGLISH].segments
    assert english[columns].values.tolist() == indonesian[columns].values.tolist()
    assert set(indonesian["lang"]) == {"id"} and set(english["lang"]) == {"en"}


@pytest.mark.parametrize("site, field", [(INDONESIAN, "text_id"), (ENGLISH, "text_en")])
def test_every_article_quote_is_in_an_answer_of_each_informant_it_is_attributed_to(sites, site, field):
    segments = sites[site].segments
    answers = segments[segments["speaker"] == "informant"]
    for quote in quotes():
        text = clean_text(quote[field])
        for informant in quote["informants"]:
            theirs = answers.loc[answers["informant_id"] == informant, "text"]
            assert theirs.str.contains(text, regex=False).any(), f"{quote['id']} not found in {site} {informant}"


@pytest.mark.parametrize("site", [INDONESIAN, ENGLISH])
def test_no_listed_name_survives_ingest(sites, site):
    names = load_study_config(raw_site_dir(ROOT, site)).pseudonyms
    written = "\n".join(sites[site].transcripts.values())
    assert names and not [name for name in names if re.search(rf"\b{re.escape(name)}\b", written, re.IGNORECASE)]
