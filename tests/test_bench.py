"""The benchmark (benchmarks.bench): its generated corpus grows like real text and is calibrated to the
shipped answers' keyword density, and it prints every row. Timings are not tested: they are what the
benchmark reports."""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from pathlib import Path

from benchmarks.bench import (
    CorpusWriter, affixed, calibrated_writer, corpus_statistics, keyword_density, keyword_surfaces, main, resample,
)
from pipeline.cli import main as seci
from pipeline.coding.codebook import load_codebook

REPOSITORY = Path(__file__).resolve().parent.parent
COMMON = Counter({"yang": 50, "dan": 40, "di": 30, "kami": 20, "perpustakaan": 10, "buku": 5})


def test_affixes_follow_indonesian_nasal_assimilation():
    assert [affixed(root, prefix, suffix) for root, prefix, suffix in [
        ("tulis", "meN", ""), ("pukul", "meN", ""), ("ambil", "meN", "kan"), ("sapu", "meN", ""), ("kirim", "peN", "an"),
        ("baca", "meN", ""), ("lihat", "meN", ""), ("diskusi", "ber", ""), ("ajar", "", "nya")]] == [
        "menulis", "memukul", "mengambilkan", "menyapu", "pengiriman", "membaca", "melihat", "berdiskusi", "ajarnya"]


def test_the_corpus_is_seeded_holds_the_keywords_and_its_vocabulary_keeps_growing(tmp_path):
    keywords = keyword_surfaces(load_codebook())
    small, large, again = tmp_path / "small.jsonl", tmp_path / "large.jsonl", tmp_path / "again.jsonl"
    CorpusWriter(keywords, COMMON, 0.01).write(small, 100_000)
    CorpusWriter(keywords, COMMON, 0.01).write(large, 400_000)
    CorpusWriter(keywords, COMMON, 0.01).write(again, 100_000)
    assert small.read_bytes() == again.read_bytes()
    assert large.read_text(encoding="utf-8").startswith(small.read_text(encoding="utf-8"))
    (_, small_words, small_vocabulary), (_, large_words, large_vocabulary) = corpus_statistics(small), corpus_statistics(large)
    growth = (large_vocabulary / small_vocabulary) / (large_words / small_words)
    assert 0.3 < growth < 0.9  # sublinear, as in real text (a fixed vocabulary would give far less)
    texts = [json.loads(line)["text"] for line in large.read_text(encoding="utf-8").splitlines()]
    assert sum(f" {keyword} " in text for text in texts for keyword in keywords) > 100
    assert any(re.search(r"\bmen\w+kan\b", text) for text in texts) and any(re.search(r"\bpe\w+an\b", text) for text in texts)


def test_the_keyword_share_is_calibrated_to_the_answers_density():
    codebook = load_codebook()
    dense = ("Kami berbagi pengalaman dalam diskusi kelompok setiap minggu di perpustakaan.", "id")
    filler = ("Pagi itu hujan turun cukup deras sehingga kami datang agak terlambat ke kantor dan langsung makan.", "id")
    sparser, denser = [dense] + [filler] * 3, [dense, dense, filler]
    writer, target, reached = calibrated_writer(sparser, codebook, seed=7)
    assert target == keyword_density(sparser, codebook) > 30
    assert abs(reached - target) <= 0.05 * target
    denser_writer, denser_target, denser_reached = calibrated_writer(denser, codebook, seed=7)
    assert denser_target > target and abs(denser_reached - denser_target) <= 0.05 * denser_target
    assert denser_writer.shares[-1] > writer.shares[-1]  # more keywords inserted


def test_resampled_answers_are_drawn_from_the_answers(tmp_path):
    answers = [("satu dua", "id"), ("one two", "en")]
    rows = resample(answers, tmp_path / "answers.jsonl", 5_000, seed=1)
    records = [json.loads(line) for line in (tmp_path / "answers.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(records) == rows and {(record["text"], record["lang"]) for record in records} == set(answers)
    assert len({record["id"] for record in records}) == rows


def test_the_benchmark_prints_every_method_target_and_start_up_ratio(tmp_path, capsys):
    for part in ("data/raw",):
        shutil.copytree(REPOSITORY / part, tmp_path / part)
    assert seci(["ingest", "--root", str(tmp_path)]) == 0
    capsys.readouterr()
    assert main(["--sizes", "0.05", "--repeat", "1", "--root", str(tmp_path)]) == 0
    report = capsys.readouterr().out
    for row in ("floor: read + json + findall", "flashtext KeywordProcessor", "seci classify ", "seci classify --workers 2",
                "classify time / floor time", "classify / flashtext throughput", "workers 2 / classify throughput",
                "classify peak memory (MB), at 100 MB", "seci --help", "seci classify, one row", "import pandas"):
        assert row in report, row
    for kind in ("generated", "shipped"):
        assert re.search(rf"{kind} +0.05 MB +floor.* +\d+\.\d\d +\d+\.\d\d +\d+\.\d\d +\d+\.\d +1\.00 +\d+", report), kind
    assert re.search(r"keyword density \d+\.\d hits per 1,000 words reached \(target \d+\.\d", report)


def test_bad_sizes_are_refused(capsys):
    assert main(["--sizes", "ten"]) == 2
    assert "--sizes 'ten': give positive sizes in MB" in capsys.readouterr().err
