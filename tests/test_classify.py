"""The keyword classifier (pipeline.coding.classify): the matching rules on passages whose coding is known,
scoring and status, the DataFrame API, ``seci classify`` and ``seci code``, and its quality on the study.

Rules are pinned on small codebooks built here, so each test says exactly which keyword should fire.
"""

from __future__ import annotations

import gc
import json
import math
import re
import shutil
import time
from pathlib import Path

import pandas as pd
import pytest
import yaml
from hypothesis import assume, given
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score

from pipeline.cli import main
from pipeline.coding import classify as classify_module
from pipeline.coding import status as status_module
from pipeline.coding.classify import (
    BARRIER, CHUNK_SIZE, PRACTICE, Hit, classify_file, classify_stream, classify_text, code_segments, compile_codebook,
    output_columns, primary_code, site_codebook,
)
from pipeline.coding.codebook import codebook_from_dict, load_codebook
from pipeline.errors import CodebookError
from pipeline.coding.stemming import stemmer
from pipeline.coding.tokens import SENTENCE_END, WORD
from pipeline.contracts import ARTICLE_FINDINGS_FILE, CODING_COLUMNS, CODINGS_FILE, SECI_MODES, processed_site_dir
from pipeline.corpus.ingest import ingest_site

PROJECT = Path(__file__).resolve().parents[1]
TEXTS = {"id": "teks", "en": "text"}


def make_codebook(codes: dict[str, dict], *, cues: dict | None = None, window: int = 8, thresholds: dict | None = None,
                  version: str = "0.1"):
    """A codebook whose codes (in the given order) have the given keywords per language."""
    return codebook_from_dict({
        "name": "test", "version": version,
        "groups": {"g": {"label": TEXTS}},
        "barrier": {"window": window, "cues": cues or {"id": ["belum", "masih baru"], "en": ["not yet", "lack*"]}},
        "codes": [{"id": code_id, "group": "g", "label": TEXTS, "definition": TEXTS, "include": TEXTS,
                   "exclude": TEXTS, "keywords": keywords, **({"threshold": thresholds[code_id]} if thresholds and code_id in thresholds else {})}
                  for code_id, keywords in codes.items()],
    }, "test.yaml")


def matched(passage: str, codebook, lang: str = "id") -> dict[str, list[str]]:
    """Code id -> the words of the passage its evidence points at (text[start:end])."""
    return {coding.code_id: [passage[hit.start:hit.end] for hit in coding.evidence]
            for coding in classify_text(passage, lang, compile_codebook(codebook))}


# --- the matching rules -----------------------------------------------------------------------------

def test_affixed_forms_match_their_root():
    codebook = make_codebook({"socialization": {"id": ["diskusi"]}})
    passage = "Kami mendiskusikan masalah itu; diskusinya lama, lalu kami berdiskusi lagi tentang diskusi."
    assert matched(passage, codebook) == {"socialization": ["mendiskusikan", "diskusinya", "berdiskusi", "diskusi"]}


def test_a_root_matches_the_forms_sastrawi_reduces_to_it_even_without_the_roots_first_letter():
    codebook = make_codebook({"externalization": {"id": ["tulis"]}})
    assert matched("Dia menulis, lalu tulisan itu ditulis ulang oleh penulis.", codebook) == {
        "externalization": ["menulis", "tulisan", "ditulis", "penulis"]}


def test_english_inflections_match_globs_and_stems():
    codebook = make_codebook({"internalization": {"en": ["train*", "apply"]}})
    assert matched("She trained staff; training applies what was applied.", codebook, "en") == {
        "internalization": ["trained", "training", "applies", "applied"]}


def test_over_stemming_is_guarded_alam_and_tahu_do_not_fire_pengalaman_or_pengetahuan():
    codebook = make_codebook({"socialization": {"id": ["pengalaman"]}, "knowledge": {"id": ["pengetahuan"]}})
    assert matched("Alam di sini indah; saya tahu dan mengalami banyak hal.", codebook) == {}
    assert matched("Pengalamannya luas, dia berpengalaman dan berpengetahuan.", codebook) == {
        "socialization": ["Pengalamannya", "berpengalaman"], "knowledge": ["berpengetahuan"]}


def test_a_word_built_on_an_affixed_keyword_is_not_claimed_by_a_root_keyword():
    codebook = make_codebook({"knowledge": {"id": ["tahu"]}, "socialization": {"id": ["pengetahuan"]}})
    assert matched("Saya mengetahui pengetahuannya.", codebook) == {
        "knowledge": ["mengetahui"], "socialization": ["pengetahuannya"]}


def test_roots_sastrawi_does_not_know_match_themselves_with_a_particle():
    codebook = make_codebook({"online_services": {"id": ["telegram", "opac"]}})
    assert matched("Grup Telegramnya aktif; OPAC-nya baru, opaque bukan.", codebook) == {
        "online_services": ["Telegramnya", "OPAC-nya"]}


def test_phrases_match_on_stemmed_words():
    codebook = make_codebook({"socialization": {"id": ["berbagi pengalaman", "diskusi kelompok"]}})
    assert matched("Mereka berbagi pengalamannya dalam diskusi kelompoknya.", codebook) == {
        "socialization": ["berbagi pengalamannya", "diskusi kelompoknya"]}


def test_punctuation_breaks_a_phrase():
    codebook = make_codebook({"internalization": {"id": ["kegiatan seminar"]}})
    assert matched("Ada kegiatan, seminar, dan kegiatan seminar tahunan.", codebook) == {
        "internalization": ["kegiatan seminar"]}
    assert matched("Ada kegiatan.\nSeminar besok.", codebook) == {}


def test_a_phrase_may_span_a_line_break_within_a_sentence():
    codebook = make_codebook({"internalization": {"id": ["kegiatan seminar"]}})
    assert matched("Ada kegiatan\nseminar tahunan.", codebook) == {"internalization": ["kegiatan\nseminar"]}


def test_reduplication_matches_the_single_word():
    codebook = make_codebook({"print_media": {"id": ["buku"]}})
    assert matched("Buku-buku dan buku2 di rak, bukunya lengkap.", codebook) == {
        "print_media": ["Buku-buku", "buku2", "bukunya"]}


def test_globs_match_only_at_the_start_of_a_word():
    codebook = make_codebook({"socialization": {"id": ["magang*"], "en": ["mentor*"]}})
    assert matched("Magang dan magangnya, magang-magang; bukan pemagangan.", codebook) == {
        "socialization": ["Magang", "magangnya", "magang-magang"]}
    assert matched("A mentor mentoring tormentors.", codebook, "en") == {"socialization": ["mentor", "mentoring"]}


def test_case_does_not_matter():
    codebook = make_codebook({"socialization": {"id": ["diskusi kelompok"]}})
    assert matched("DISKUSI KELOMPOK, Diskusi Kelompok dan diskusi kelompok.", codebook) == {
        "socialization": ["DISKUSI KELOMPOK", "Diskusi Kelompok", "diskusi kelompok"]}


def test_each_language_is_coded_with_its_own_keywords():
    codebook = make_codebook({"socialization": {"id": ["diskusi"], "en": ["discussion"]}})
    assert matched("discussion dan diskusi", codebook, "id") == {"socialization": ["diskusi"]}
    assert matched("discussion dan diskusi", codebook, "en") == {"socialization": ["discussion"]}
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        classify_text("discussion", "fr", compile_codebook(codebook))


def test_empty_and_non_text_input_gets_no_code():
    matcher = compile_codebook(make_codebook({"socialization": {"id": ["diskusi", "2024"]}}))
    for value in ("", "   ", None, float("nan"), pd.NA):
        assert classify_text(value, "id", matcher) == []
    assert [c.code_id for c in classify_text(2024, "id", matcher)] == ["socialization"]  # a number is read as text


def test_evidence_offsets_point_at_the_matched_words_in_the_original_text():
    codebook = make_codebook({"socialization": {"id": ["diskusi kelompok"]}, "combination": {"id": ["web"]}})
    passage = "İbu bilang:\tDiskusi  Kelompok di WEB-nya (web) belum jalan."
    codings = classify_text(passage, "id", compile_codebook(codebook))
    spans = {coding.code_id: [(hit.term, passage[hit.start:hit.end]) for hit in coding.evidence] for coding in codings}
    assert spans == {"socialization": [("diskusi kelompok", "Diskusi  Kelompok")],
                     "combination": [("web", "WEB-nya"), ("web", "web")]}
    assert codings[1].matched == "web@33-40; web@42-45"


# --- scores, primary code, status -------------------------------------------------------------------

def test_score_sums_keyword_weights_and_a_keyword_inside_a_longer_one_counts_once():
    codebook = make_codebook({"socialization": {"id": [{"term": "diskusi kelompok", "weight": 2}, "diskusi"]}})
    [coding] = classify_text("Diskusi kelompok, lalu diskusi lagi.", "id", compile_codebook(codebook))
    assert coding.score == 3.0
    assert [hit.term for hit in coding.evidence] == ["diskusi kelompok", "diskusi"]


def test_a_code_is_assigned_when_its_score_reaches_its_threshold():
    codebook = make_codebook({"socialization": {"id": ["diskusi"]}, "combination": {"id": ["web"]}},
                             thresholds={"combination": 2})
    matcher = compile_codebook(codebook)
    assert [c.code_id for c in classify_text("diskusi di web", "id", matcher)] == ["socialization"]
    assert [c.code_id for c in classify_text("diskusi di web dan web", "id", matcher)] == ["socialization", "combination"]


def test_primary_code_is_the_highest_score_ties_going_to_codebook_order():
    codebook = make_codebook({"socialization": {"id": ["diskusi"]}, "combination": {"id": ["web", "situs"]},
                              "internalization": {"id": ["seminar"]}})
    matcher = compile_codebook(codebook)
    assert primary_code(classify_text("seminar, diskusi, web dan situs", "id", matcher)) == "combination"
    assert primary_code(classify_text("seminar lalu diskusi", "id", matcher)) == "socialization"
    assert primary_code(classify_text("tidak ada kode", "id", matcher)) == ""


def test_a_barrier_cue_in_the_same_sentence_within_the_window_makes_a_barrier():
    codebook = make_codebook({"socialization": {"id": ["diskusi"]}, "combination": {"id": ["web"]}}, window=3)
    matcher = compile_codebook(codebook)

    def status(passage):
        return {coding.code_id: coding.status for coding in classify_text(passage, "id", matcher)}

    assert status("Diskusi ini belum jalan.") == {"socialization": BARRIER}
    assert status("Belum tentu, tapi diskusi jalan.") == {"socialization": BARRIER}  # 2 words between
    assert status("Belum tentu, tapi kami diskusi.") == {"socialization": PRACTICE}  # 3 words: outside the window
    assert status("Diskusi jalan. Belum ada web.") == {"socialization": PRACTICE, "combination": BARRIER}
    assert status("Web kami masih baru.") == {"combination": BARRIER}  # a phrase cue
    assert status("Web kami masih lama.") == {"combination": PRACTICE}


@given(st.text(st.sampled_from("ab .!-'"), max_size=46), st.data(), st.integers(1, 4))
def test_a_cue_bears_on_a_hit_as_when_every_cue_was_checked_against_every_hit(text, data, window):
    """Without clause words a clause is a sentence: the definition, cue by cue, against the walk that
    looks only at the cues within the window on each side of a hit. Hits and cues are words of the text."""
    spans = [found.span() for found in WORD.finditer(text)]
    assume(spans)
    hits = data.draw(st.lists(st.sampled_from(spans), min_size=1, max_size=4))
    cues = data.draw(st.lists(st.sampled_from(spans), min_size=1, max_size=6))

    def near(hit, cue):
        if cue[0] < hit[1] and hit[0] < cue[1]:
            return True
        gap = (hit[1], cue[0]) if hit[0] < cue[0] else (cue[1], hit[0])
        words_between = len(WORD.findall(text, *gap)) if gap[1] > gap[0] else 0
        return SENTENCE_END.search(text, gap[0], max(gap)) is None and words_between < window

    rules = status_module.StatusRules(make_codebook({"socialization": {"id": ["diskusi"]}}, window=window), "id")
    hit_list = [Hit(start, end, "code", None) for start, end in hits]
    reading = status_module._Reading(rules, text, hit_list, [status_module.Word(*cue, frozenset({"cues"})) for cue in cues])
    for hit in hit_list:
        assert reading.bears(hit) == any(near((hit.start, hit.end), cue) for cue in cues)


def test_a_long_text_full_of_hits_and_cues_is_coded_in_linear_time():
    """One check per hit and cue scanned the text between them: 2 MB took 20 s, 5 MB 70 s."""
    codebook = make_codebook({"socialization": {"id": ["diskusi"]}, "combination": {"id": ["web kami"]}})
    sentence = "Diskusi tiap bulan belum jalan, web kami baru, teman-teman berdiskusi di ruang baca ; "
    timings = []
    for copies in (2_500, 10_000):
        started = time.perf_counter()
        classify_text(sentence * copies, "id", compile_codebook(codebook))
        timings.append(time.perf_counter() - started)
    assert timings[1] < 8 * timings[0] + 1.0, timings  # four times the text: about four times the time, not sixteen


def test_english_barrier_cues():
    codebook = make_codebook({"socialization": {"en": ["discussion*"]}, "combination": {"en": ["website*"]}})
    matcher = compile_codebook(codebook)
    assert [c.status for c in classify_text("The website is not yet ready.", "en", matcher)] == [BARRIER]
    assert [c.status for c in classify_text("We lacked a website.", "en", matcher)] == [BARRIER]
    assert [c.status for c in classify_text("The website works. The discussion is not yet open to all.", "en", matcher)
            ] == [BARRIER, PRACTICE]  # codebook order: socialization, then combination


def test_a_stream_codes_exactly_as_one_text_at_a_time():
    codebook = load_codebook()
    matcher = compile_codebook(codebook)
    texts = [item["text_id"] for item in yaml.safe_load((PROJECT / ARTICLE_FINDINGS_FILE).read_text())["quotes"]]
    texts_en = [item["text_en"] for item in yaml.safe_load((PROJECT / ARTICLE_FINDINGS_FILE).read_text())["quotes"]]
    langs = ["id"] * len(texts) + ["en"] * len(texts_en)
    one_by_one = [classify_text(text, lang, compile_codebook(codebook)) for text, lang in zip(texts + texts_en, langs)]
    assert [classify_text(text, lang, matcher) for text, lang in zip(texts + texts_en, langs)] == one_by_one
    items = [(str(n), text, lang) for n, (text, lang) in enumerate(zip(texts + texts_en, langs))]
    assert [codings for _, codings in classify_stream(items, codebook)] == one_by_one
    copies = 2 * CHUNK_SIZE // len(items) + 1  # this process codes the first chunk, the workers the others
    assert [codings for _, codings in classify_stream(items * copies, codebook, workers=2)] == one_by_one * copies


def test_workers_that_cannot_inherit_the_matcher_compile_their_own(monkeypatch):
    monkeypatch.setattr(classify_module, "_forked_workers", lambda: False)  # as where processes are spawned
    codebook = load_codebook()
    items = [(str(n), text, "id") for n, text in enumerate(["Kami berdiskusi dengan pustakawan senior.",
                                                          "Belum ada pelatihan IT.", "Tidak ada."] * CHUNK_SIZE)]
    assert ([codings for _, codings in classify_stream(items, codebook, workers=2)]
            == [codings for _, codings in classify_stream(items, codebook)])


# --- the DataFrame API --------------------------------------------------------------------------------

SEGMENTS = pd.DataFrame({
    "segment_id": ["L1-001", "L1-002", "L1-003", "E1-002"],
    "speaker": ["interviewer", "informant", "informant", "informant"],
    "lang": ["id", "id", "id", "en"],
    "text": ["Apakah ada diskusi?", "Ada diskusi tiap bulan. Web belum ada.", "Tidak ada.", "We discuss every month."],
})


def test_code_segments_codes_informant_segments_only_in_the_codings_contract():
    codebook = make_codebook({"socialization": {"id": ["diskusi"], "en": ["discuss"]}, "combination": {"id": ["web"]}},
                             version="2.1")
    codings = code_segments(SEGMENTS, codebook)
    assert list(codings.columns) == CODING_COLUMNS
    coder = codebook.coder
    assert re.fullmatch(r"keyword-test-v2\.1-[0-9a-f]{8}", coder)
    assert codings.values.tolist() == [
        ["L1-002", "socialization", 1.0, "diskusi@4-11", "practice", coder],
        ["L1-002", "combination", 1.0, "web@24-27", "barrier", coder],
        ["E1-002", "socialization", 1.0, "discuss@3-10", "practice", coder],
    ]


def test_a_keyword_inside_a_longer_keyword_of_another_code_does_not_count_for_its_own_code():
    codebook = make_codebook({"socialization": {"id": ["bersama", "diskusi"]}, "combination": {"id": ["folder bersama"]}})
    assert matched("File disimpan di folder bersama.", codebook) == {"combination": ["folder bersama"]}
    assert matched("Kami diskusi bersama; filenya di folder bersama.", codebook) == {
        "socialization": ["diskusi", "bersama"], "combination": ["folder bersama"]}
    same_span = make_codebook({"socialization": {"id": ["diskusi"]}, "combination": {"id": ["diskusi"]}})
    assert matched("Ada diskusi.", same_span) == {"socialization": ["diskusi"], "combination": ["diskusi"]}


def grouped_codebook(group: dict):
    """Two codes in one group ``g`` with the group's extra settings (min_share, roles), and one in group ``h``."""
    return codebook_from_dict({
        "name": "test", "version": "0.1",
        "groups": {"g": {"label": TEXTS, **group}, "h": {"label": TEXTS}},
        "codes": [{"id": code_id, "group": group_id, "label": TEXTS, "definition": TEXTS, "include": TEXTS,
                   "exclude": TEXTS, "keywords": {"id": keywords}}
                  for code_id, group_id, keywords in [("socialization", "g", ["diskusi", {"term": "magang", "weight": 3}]),
                                                      ("combination", "g", ["web", "unggah"]),
                                                      ("facilities", "h", ["ruang"])]],
    }, "test.yaml")


def test_min_share_drops_a_code_of_the_group_that_scores_below_that_share_of_the_groups_best():
    passage = "Saya magang dan berdiskusi; lalu kami unggah ke web. Ruang baca ada."
    without = {c.code_id: c.score for c in classify_text(passage, "id", compile_codebook(grouped_codebook({})))}
    assert without == {"socialization": 4.0, "combination": 2.0, "facilities": 1.0}
    at_half = {c.code_id for c in classify_text(passage, "id", compile_codebook(grouped_codebook({"min_share": 0.5})))}
    assert at_half == {"socialization", "combination", "facilities"}  # 2.0 is half of 4.0: kept
    above = {c.code_id for c in classify_text(passage, "id", compile_codebook(grouped_codebook({"min_share": 0.6})))}
    assert above == {"socialization", "facilities"}  # another group's code is not compared with this group's best


def test_a_group_with_roles_is_coded_only_in_the_answers_of_those_roles():
    codebook = grouped_codebook({"roles": ["librarian"]})
    segments = pd.DataFrame({"segment_id": ["L1-002", "P1-002"], "speaker": ["informant", "informant"],
                             "role": ["librarian", "patron"], "lang": ["id", "id"],
                             "text": ["Kami berdiskusi di ruang rapat.", "Kami berdiskusi di ruang diskusi."]})
    codings = code_segments(segments, codebook)
    assert list(zip(codings["segment_id"], codings["code_id"])) == [
        ("L1-002", "socialization"), ("L1-002", "facilities"), ("P1-002", "facilities")]
    assert [c.code_id for c in classify_text("Kami berdiskusi di ruang diskusi.", "id", compile_codebook(codebook))] == [
        "socialization", "facilities"]  # a text without a role gets every group


def test_a_groups_roles_must_be_known_roles():
    with pytest.raises(CodebookError, match=r"group .g., field .roles.: .*librarian, patron"):
        grouped_codebook({"roles": ["students"]})


# --- `seci classify` ----------------------------------------------------------------------------------

CODEBOOK_YAML = {
    "name": "test", "version": "0.1", "groups": {"g": {"label": TEXTS}},
    "barrier": {"cues": {"id": ["belum"], "en": ["not yet"]}},
    "codes": [{"id": code_id, "group": "g", "label": TEXTS, "definition": TEXTS, "include": TEXTS, "exclude": TEXTS,
               "keywords": keywords}
              for code_id, keywords in [("socialization", {"id": ["diskusi"], "en": ["discuss"]}),
                                        ("combination", {"id": ["web"], "en": ["website"]})]],
}


@pytest.fixture
def codebook_file(tmp_path) -> Path:
    path = tmp_path / "codebook.yaml"
    path.write_text(yaml.safe_dump(CODEBOOK_YAML), encoding="utf-8")
    return path


def run(*args) -> int:
    return main([str(arg) for arg in args])


def test_seci_classify_writes_codes_primary_code_and_evidence_from_csv(tmp_path, codebook_file, capsys):
    source = tmp_path / "in.csv"
    pd.DataFrame({"id": ["a", "b", "c", "d"], "lang": ["id", "", "en", "id"],
                  "text": ["Web dan diskusi, web belum jalan.", "Tidak ada.", "We discuss the website.", ""]}).to_csv(source, index=False)
    assert run("classify", source, "--out", tmp_path / "out.csv", "--codebook", codebook_file) == 0
    out = pd.read_csv(tmp_path / "out.csv", dtype=str, keep_default_na=False)
    assert list(out.columns) == ["id", "codes", "primary_code", "socialization_score", "socialization_status",
                                 "socialization_matched", "combination_score", "combination_status", "combination_matched"]
    assert out[["id", "codes", "primary_code"]].values.tolist() == [
        ["a", "socialization;combination", "combination"], ["b", "", ""], ["c", "socialization;combination", "socialization"],
        ["d", "", ""]]
    assert out.loc[0, "combination_matched"] == "web@0-3; web@17-20" and out.loc[0, "combination_status"] == "barrier"
    assert out.loc[0, "socialization_score"] == "1.0" and out.loc[1, "socialization_score"] == ""
    assert "4 rows, 2 with at least one code" in capsys.readouterr().out


def test_seci_classify_reads_and_writes_json_lines_and_defaults_the_language(tmp_path, codebook_file):
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": 1, "text": "We discuss"}\n\n{"id": 2, "text": null}\n', encoding="utf-8")
    assert run("classify", source, "--out", tmp_path / "out.jsonl", "--codebook", codebook_file, "--lang", "en") == 0
    records = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(r["id"], r["codes"], r["primary_code"], r["socialization_score"]) for r in records] == [
        ("1", "socialization", "socialization", 1.0), ("2", "", "", None)]
    assert list(records[0]) == output_columns(load_codebook(codebook_file))


def test_seci_classify_with_workers_writes_the_same_bytes(tmp_path, codebook_file):
    source = tmp_path / "in.csv"
    pd.DataFrame({"id": range(1200), "text": ["diskusi web belum", "tidak", "diskusi"] * 400}).to_csv(source, index=False)
    run("classify", source, "--out", tmp_path / "one.csv", "--codebook", codebook_file)
    run("classify", source, "--out", tmp_path / "two.csv", "--codebook", codebook_file, "--workers", "2")
    assert (tmp_path / "one.csv").read_bytes() == (tmp_path / "two.csv").read_bytes()


@pytest.mark.parametrize("name, content, message", [
    ("missing_text.csv", "id,body\n1,diskusi\n", r"missing_text.csv:1: missing column text \(found: id, body\); "),
    ("missing_id.jsonl", '{"text": "diskusi"}\n', r"missing_id.jsonl:1: missing column id \(found: text\); "),
    ("lang.csv", "id,text,lang\n1,diskusi,id\n2,web,fr\n", r"lang.csv:3: unknown language 'fr'; use one of: id, en"),
    ("empty.csv", "", r"empty.csv: empty file \(no header\); "),
    ("header_only.csv", "id,text\n", r"header_only.csv: empty file \(no rows\); "),
    ("duplicate.csv", 'id,text\n1,"diskusi,\nweb"\n2,x\n1,y\n', r"duplicate.csv:5: duplicate id '1' \(first on line 2\); "),
    ("bad.jsonl", '{"id": 1, "text": "a"}\n{"id": 2,\n', r"bad.jsonl:2: not valid JSON"),
    ("input.txt", "id,text\n", r"input.txt: unknown file type '.txt'; use .csv or .jsonl"),
])
def test_bad_input_stops_with_one_line_naming_file_and_line_and_writes_nothing(tmp_path, capsys, name, content, message):
    source = tmp_path / name
    source.write_text(content, encoding="utf-8")
    out = tmp_path / "out.csv"
    assert run("classify", source, "--out", out) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and error.startswith("seci: error: ")
    assert pytest.importorskip("re").search(message, error), error
    assert not out.exists()


def test_a_failed_run_leaves_the_previous_output_intact(tmp_path, codebook_file):
    out = tmp_path / "out.csv"
    out.write_text("previous\n", encoding="utf-8")
    (tmp_path / "in.csv").write_text("id,text\n1,diskusi\n1,web\n", encoding="utf-8")
    assert run("classify", tmp_path / "in.csv", "--out", out, "--codebook", codebook_file) == 2
    assert out.read_text(encoding="utf-8") == "previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["codebook.yaml", "in.csv", "out.csv"]


def test_classify_file_refuses_to_overwrite_its_input(tmp_path, codebook_file):
    (tmp_path / "in.csv").write_text("id,text\n1,diskusi\n", encoding="utf-8")
    assert run("classify", tmp_path / "in.csv", "--out", tmp_path / "in.csv") == 2
    assert (tmp_path / "in.csv").read_text(encoding="utf-8") == "id,text\n1,diskusi\n"
    assert classify_file(tmp_path / "in.csv", tmp_path / "x.jsonl", load_codebook(codebook_file)) == (1, 1)


# --- `seci code` on the shipped study -----------------------------------------------------------------

SITE, SITE_EN = "uin-imam-bonjol", "uin-imam-bonjol-en"


@pytest.fixture(scope="module")
def study_root(tmp_path_factory) -> Path:
    """The shipped raw data copied and ingested (both languages)."""
    root = tmp_path_factory.mktemp("study")
    shutil.copytree(PROJECT / "data" / "raw", root / "data" / "raw")
    for site in (SITE, SITE_EN):
        ingest_site(root, site)
    return root


def test_seci_code_writes_codings_csv_and_reruns_byte_identically(study_root, capsys):
    assert run("code", "--root", study_root, "--site", SITE) == 0
    path = processed_site_dir(study_root, SITE) / CODINGS_FILE
    first = path.read_bytes()
    codings = pd.read_csv(path, dtype=str)
    assert list(codings.columns) == CODING_COLUMNS
    assert set(codings["coder"]) == {site_codebook(study_root, SITE).coder}  # the default plus the site's local terms
    assert set(codings["segment_id"]) <= set(pd.read_csv(processed_site_dir(study_root, SITE) / "segments.csv")
                                              .query("speaker == 'informant'")["segment_id"])
    assert run("code", "--root", study_root, "--site", SITE) == 0
    assert path.read_bytes() == first
    assert f"{SITE}: {len(codings)} codings in " in capsys.readouterr().out


def test_seci_code_uses_the_codebook_the_site_names(study_root, tmp_path):
    root = tmp_path / "project"
    shutil.copytree(study_root / "data", root / "data")
    site_dir = root / "data" / "raw" / SITE
    (site_dir / "mine.yaml").write_text(yaml.safe_dump(CODEBOOK_YAML), encoding="utf-8")
    study = site_dir / "study.yaml"  # its local terms name codes that mine.yaml lacks: dropped with the codebook
    study.write_text(re.sub(r"^local_terms:\n(?:  .*\n)+", "", study.read_text(encoding="utf-8"), flags=re.MULTILINE)
                     + "codebook: mine.yaml\n", encoding="utf-8")
    assert run("code", "--root", root, "--site", SITE) == 0
    codings = pd.read_csv(processed_site_dir(root, SITE) / CODINGS_FILE)
    assert set(codings["code_id"]) == {"socialization", "combination"} and set(codings["coder"]) == {load_codebook(site_dir / "mine.yaml").coder}


def test_seci_code_without_segments_says_to_ingest_first(tmp_path, capsys):
    shutil.copytree(PROJECT / "data" / "raw" / SITE, tmp_path / "data" / "raw" / SITE)
    assert run("code", "--root", tmp_path, "--site", SITE) == 2
    assert "segments.csv: file not found; run `seci ingest --site uin-imam-bonjol` first" in capsys.readouterr().err


# --- quality on the study (section 4 of the issue) ----------------------------------------------------

def masked(statement: str) -> tuple[str, str]:
    """A SIMPULAN statement with its mode's name ("sosialisasi, ...") and that name's stem masked."""
    name = statement.split(",")[0].strip().lower()
    forms = {name, stemmer("id")(name)}
    masked_words = ["[MODE]" if word.strip(",.;:").lower() in forms else word for word in statement.split()]
    return name, " ".join(masked_words)


def test_each_article_conclusion_on_a_mode_gets_that_mode_as_primary_code():
    article = yaml.safe_load((PROJECT / ARTICLE_FINDINGS_FILE).read_text(encoding="utf-8"))
    matcher = compile_codebook(load_codebook())
    assert [item["code"] for item in article["simpulan"]] == list(SECI_MODES)
    for item in article["simpulan"]:
        name, statement = masked(item["text_id"])
        assert name not in statement.lower()
        codings = classify_text(statement, "id", matcher)
        print(item["code"], "->", [(c.code_id, c.score, c.matched) for c in codings])
        assert primary_code(codings) == item["code"], statement


def test_the_english_translation_codes_like_the_indonesian_original(study_root):
    codebook = load_codebook()
    codings = {}
    answers = {}
    for site in (SITE, SITE_EN):
        segments = pd.read_csv(processed_site_dir(study_root, site) / "segments.csv", dtype=str, keep_default_na=False)
        answers[site] = list(segments.loc[segments["speaker"] == "informant", "segment_id"])
        coded = code_segments(segments, codebook)
        codings[site] = set(zip(coded["segment_id"], coded["code_id"]))
    assert answers[SITE] == answers[SITE_EN] and len(answers[SITE]) > 100
    units = [(segment, code) for segment in answers[SITE] for code in codebook.code_ids]
    original = [unit in codings[SITE] for unit in units]
    translation = [unit in codings[SITE_EN] for unit in units]
    kappa = cohen_kappa_score(original, translation)
    disagreements = sorted((unit, "id" if unit in codings[SITE] else "en") for unit in codings[SITE] ^ codings[SITE_EN])
    print(f"Cohen's kappa, Indonesian vs English, segment x code presence over {len(units)} units: {kappa:.3f}")
    print("coded in one language only:", disagreements)
    assert not math.isnan(kappa) and kappa >= 0.9


def test_coding_a_stream_puts_the_cycle_collector_back_as_it_was():
    before = gc.get_threshold()
    codebook = load_codebook(None)
    assert [codings for _, codings in classify_stream([("a", "Kami berdiskusi.", "id")], codebook)][0]
    assert gc.get_threshold() == before
    with pytest.raises(ValueError, match="unknown language"):
        list(classify_stream([("a", "Kami berdiskusi.", "xx")], codebook))
    assert gc.get_threshold() == before
