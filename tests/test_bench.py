"""The benchmark (benchmarks.bench): its corpus grows like real text, and it prints every row.
Timings are not tested: they are what the benchmark reports."""

from __future__ import annotations

import re

from benchmarks.bench import CorpusWriter, affixed, corpus_statistics, keyword_surfaces, main
from pipeline.coding.codebook import load_codebook


def test_affixes_follow_indonesian_nasal_assimilation():
    assert [affixed(root, prefix, suffix) for root, prefix, suffix in [
        ("tulis", "meN", ""), ("pukul", "meN", ""), ("ambil", "meN", "kan"), ("sapu", "meN", ""), ("kirim", "peN", "an"),
        ("baca", "meN", ""), ("lihat", "meN", ""), ("diskusi", "ber", ""), ("ajar", "", "nya")]] == [
        "menulis", "memukul", "mengambilkan", "menyapu", "pengiriman", "membaca", "melihat", "berdiskusi", "ajarnya"]


def test_the_corpus_is_seeded_holds_the_keywords_and_its_vocabulary_keeps_growing(tmp_path):
    keywords = keyword_surfaces(load_codebook())
    small, large, again = tmp_path / "small.txt", tmp_path / "large.txt", tmp_path / "again.txt"
    CorpusWriter(keywords).write(small, 100_000)
    CorpusWriter(keywords).write(large, 400_000)
    CorpusWriter(keywords).write(again, 100_000)
    assert small.read_bytes() == again.read_bytes()
    assert large.read_text(encoding="utf-8").startswith(small.read_text(encoding="utf-8"))
    (_, small_words, small_vocabulary), (_, large_words, large_vocabulary) = (
        corpus_statistics(small)[:3], corpus_statistics(large)[:3])
    growth = (large_vocabulary / small_vocabulary) / (large_words / small_words)
    assert 0.3 < growth < 0.9  # sublinear, as in real text (a fixed vocabulary would give far less)
    text = large.read_text(encoding="utf-8")
    assert sum(text.count(f" {keyword} ") for keyword in keywords) > 100
    assert re.search(r"\bmen\w+kan\b", text) and re.search(r"\bpe\w+an\b", text)


def test_the_benchmark_prints_every_method_and_target(capsys):
    assert main(["--sizes", "0.1", "--repeat", "1"]) == 0
    report = capsys.readouterr().out
    for row in ("re.findall(r'\\w+') (floor)", "flashtext KeywordProcessor", "classify, 1 process", "classify --workers 2",
                "classify time / floor time", "classify / flashtext throughput", "workers 2 / classify throughput",
                "classify peak memory (MB)"):
        assert row in report, row
    assert re.search(r"0\.1 MB +re\.findall.* +\d+\.\d\d +\d+\.\d\d +\d+\.\d +1\.00 +\d+ +[\d,]+", report)


def test_bad_sizes_are_refused(capsys):
    assert main(["--sizes", "ten"]) == 2
    assert "--sizes 'ten': give positive sizes in MB" in capsys.readouterr().err
