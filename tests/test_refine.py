"""Aids for refining a codebook (pipeline.coding.refine): keyword in context, what uncoded answers say,
hit counts and silent keywords, and ``seci refine``."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from pipeline.cli import main
from pipeline.coding.codebook import codebook_from_dict
from pipeline.coding.refine import (
    collocations, informant_answers, keyword_hits, keyword_in_context, silent_keywords, top_terms, uncoded_answers,
)
from pipeline.corpus.ingest import ingest_site
from pipeline.errors import SeciError

PROJECT = Path(__file__).resolve().parents[1]
TEXTS = {"id": "teks", "en": "text"}
CODEBOOK = codebook_from_dict({
    "name": "test", "version": "0.1", "groups": {"g": {"label": TEXTS}},
    "codes": [{"id": code_id, "group": "g", "label": TEXTS, "definition": TEXTS, "include": TEXTS, "exclude": TEXTS,
               "keywords": keywords}
              for code_id, keywords in [("socialization", {"id": ["diskusi", "magang"], "en": ["discuss"]}),
                                        ("combination", {"id": ["web"], "en": ["website", "database"]})]],
}, "test.yaml")
SEGMENTS = pd.DataFrame({
    "segment_id": ["A-1", "A-2", "A-3", "A-4", "A-5", "B-1"],
    "speaker": ["interviewer", "informant", "informant", "informant", "informant", "informant"],
    "lang": ["id", "id", "id", "id", "id", "en"],
    "text": [
        "Bagaimana diskusi di sini?",
        "Kami berdiskusi tiap bulan, lalu mendiskusikan web perpustakaan.",
        "Layanan referensi dan layanan referensi online sangat membantu mahasiswa.",
        "Layanan referensi buka tiap hari; mahasiswa suka layanan referensi.",
        "Diskusinya seru.",
        "We discussed the website.",
    ],
})


def test_keyword_in_context_matches_like_a_keyword_and_shows_the_words_around():
    table = keyword_in_context(SEGMENTS, "diskusi", width=12)
    assert table.values.tolist() == [
        ["A-2", "       Kami ", "berdiskusi", " tiap bulan,"],
        ["A-2", "bulan, lalu ", "mendiskusikan", " web perpust"],
        ["A-5", "            ", "Diskusinya", " seru.      "],
    ]
    assert keyword_in_context(SEGMENTS, "layanan referensi", lang="id")["segment_id"].tolist() == ["A-3", "A-3", "A-4", "A-4"]
    assert keyword_in_context(SEGMENTS, "discuss")["match"].tolist() == ["discussed"]


def test_keyword_in_context_refuses_a_regular_expression():
    with pytest.raises(SeciError, match=r"--kwic 'diskus\.\*'"):
        keyword_in_context(SEGMENTS, "diskus.*")


def test_uncoded_answers_are_the_informant_segments_without_any_code():
    assert uncoded_answers(SEGMENTS, CODEBOOK)["segment_id"].tolist() == ["A-3", "A-4"]


def test_top_terms_count_content_words_of_uncoded_answers():
    table = top_terms(uncoded_answers(SEGMENTS, CODEBOOK), n=3)
    assert table.values.tolist() == [["id", "layanan", 4, 2], ["id", "referensi", 4, 2], ["id", "mahasiswa", 2, 2]]


def test_collocations_rank_repeated_word_pairs():
    table = collocations(uncoded_answers(SEGMENTS, CODEBOOK), n=5)
    assert table["bigram"].tolist()[0] == "layanan referensi"
    assert table["count"].tolist()[0] == 4
    assert (table["count"] >= 2).all()


def test_keyword_hits_count_occurrences_and_segments_and_find_the_silent_keywords():
    hits = keyword_hits(SEGMENTS, CODEBOOK)
    assert hits.values.tolist() == [
        ["socialization", "id", "diskusi", 3, 2], ["socialization", "id", "magang", 0, 0],
        ["socialization", "en", "discuss", 1, 1],
        ["combination", "id", "web", 1, 1], ["combination", "en", "website", 1, 1], ["combination", "en", "database", 0, 0],
    ]
    assert silent_keywords(hits)["keyword"].tolist() == ["magang", "database"]
    assert "A-1" not in informant_answers(SEGMENTS)["segment_id"].tolist()


def test_seci_refine_prints_hits_silent_keywords_and_what_uncoded_answers_say(tmp_path, capsys):
    site = "uin-imam-bonjol"
    shutil.copytree(PROJECT / "data" / "raw" / site, tmp_path / "data" / "raw" / site)
    ingest_site(tmp_path, site)
    assert main(["refine", "--root", str(tmp_path), "--site", site, "--top", "5"]) == 0
    out = capsys.readouterr().out
    for heading in ("keywords that fire", "never fire:", "informant segments got no code",
                    "top terms in uncoded segments", "collocations in uncoded segments"):
        assert heading in out
    assert main(["refine", "--root", str(tmp_path), "--site", site, "--kwic", "diskusi"]) == 0
    out = capsys.readouterr().out
    assert "'diskusi' in context" in out and "berdiskusi" in out.lower()
