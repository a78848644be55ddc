"""How fast the keyword classifier is, and how much memory it needs: ``make bench`` (``python benchmarks/bench.py``).

It generates interview-like Indonesian text whose vocabulary grows like real text's: function words
and Sastrawi's 28,000 root words drawn by a Zipf-Mandelbrot law, roots carrying the usual prefixes
and suffixes (with meN-/peN- assimilation), a long tail of rare made-up words (names, loanwords,
typos) that keeps bringing new words, and the codebook's own keywords at about one word in a
hundred. The table reports the vocabulary's growth (Heaps' exponent; real text: 0.4-0.7). Then each
corpus is streamed through:

- the **floor**: a bare ``re.findall(r"\\w+")`` over the text in 1 MB chunks (no work can be cheaper);
- **flashtext**'s KeywordProcessor over the same Indonesian keywords (globs as plain words), the
  usual fast alternative, one segment (line) at a time, with spans;
- **classify**: :func:`pipeline.coding.classify.classify_stream` in one process, as ``seci classify`` runs;
- **classify --workers N**: the same over N processes.

Each measurement runs in a fresh Python process, so caches start cold (stemming included) and the
peak memory (resident set; for workers, the largest process) is the method's own. Building the
matcher counts, for classify and flashtext alike; start-up and reading the codebook do not. Every
method runs ``--repeat`` times, in rounds, and the fastest run counts: on a shared machine the others
are slowed by other work (the median beside it shows by how much). The report ends with the targets
and whether each is met: classify within 2.5x the floor's time and at least 2x flashtext's
throughput, more workers faster than one, peak memory under 300 MB (at 100 MB of text).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from statistics import median

import numpy as np

from pipeline.coding.codebook import Codebook, load_codebook
from pipeline.errors import SeciError

MB = 1_000_000
DEFAULT_SIZES = (10.0, 100.0)
REPEAT = 5  # runs per measurement: this machine's speed varies by a third from minute to minute
SEED = 2024
METHODS = ("floor", "flashtext", "classify", "workers")
TARGETS = {  # what the report checks, with the limit
    "classify time / floor time": ("<=", 2.5),
    "classify / flashtext throughput": (">=", 2.0),
    "workers / classify throughput": (">", 1.0),
    "classify peak memory (MB)": ("<", 300.0),
}

# --- the corpus --------------------------------------------------------------------------------------

FUNCTION_WORDS = (
    "yang dan di itu ini untuk dengan tidak ada dari dalam saya kami ke akan pada juga bisa sudah karena "
    "jadi kita atau lebih seperti ya kalau tapi masih belum oleh harus apa hanya semua banyak sangat "
    "biasanya kadang memang lagi saja sama mereka dia bahwa agar ketika saat setiap para tersebut kemudian "
    "lalu dapat telah bagi tentang begitu nah iya eh supaya sekali cukup mungkin pernah selalu sering baru "
    "lain antara tiap bila maka namun bahkan hal cara orang waktu tahun bulan hari kali sini sana situ "
    "pak bu kak mas mbak sih kok dong deh kan toh gitu gimana nggak enggak udah aja"
).split()
# (prefix, suffix, weight): the shapes in which a content root appears
AFFIX_PATTERNS = (
    ("", "", 40), ("", "nya", 9), ("meN", "kan", 6), ("meN", "", 6), ("meN", "i", 2), ("di", "kan", 5),
    ("di", "", 5), ("peN", "an", 5), ("ber", "", 5), ("ke", "an", 3), ("", "an", 5), ("ter", "", 3),
    ("se", "", 2), ("per", "an", 2), ("", "kan", 2),
)
SYLLABLES = (
    "ba be bi bo bu da di du ka ki ku ko la li lu ma mi mu mo na ni nu pa pi pu ra ri ru ro sa si su so "
    "ta ti tu to ga gi go ja ju wa ya an ar in ul er ng ny kh sy"
).split()
SHARES = {"function": 0.44, "content": 0.54, "tail": 0.01, "keyword": 0.01}  # of the word slots


def nasal_prefix(prefix: str, root: str) -> str:
    """meN-/peN- + root with Indonesian assimilation: tulis -> menulis, pukul -> memukul, sapu -> menyapu."""
    head = prefix[:-1]  # "me" or "pe"
    first = root[0]
    if first in "aiueo" or first in "gh":
        return head + "ng" + root
    if first == "k":
        return head + "ng" + root[1:]
    if first == "t":
        return head + "n" + root[1:]
    if first == "s":
        return head + "ny" + root[1:]
    if first == "p":
        return head + "m" + root[1:]
    if first in "bfv":
        return head + "m" + root
    if first in "cdjz":
        return head + "n" + root
    return head + root


def affixed(root: str, prefix: str, suffix: str) -> str:
    start = nasal_prefix(prefix, root) if prefix.endswith("N") else prefix + root
    return start + suffix


def made_up_word(rank: int) -> str:
    """The rank-th rare word: a name, loanword or typo made of syllables (distinct ranks, distinct words)."""
    syllables, rank = [], rank + len(SYLLABLES)  # at least two syllables
    while rank:
        rank, digit = divmod(rank, len(SYLLABLES))
        syllables.append(SYLLABLES[digit])
    return "".join(syllables)


def keyword_surfaces(codebook: Codebook, lang: str = "id") -> list[str]:
    """The codebook's keywords as they appear in running text (a glob ``magang*`` as "magang")."""
    return [keyword.term.replace("*", "") for code in codebook.codes for keyword in code.keywords_for(lang)]


class CorpusWriter:
    """Interview-like Indonesian segments, one per line, from a seeded generator (same seed, same text)."""

    def __init__(self, keywords: list[str], seed: int = SEED):
        from pipeline.coding.sastrawi import indonesian_roots

        self.rng = np.random.default_rng(seed)
        roots = sorted(root for root in indonesian_roots() if root.isalpha() and len(root) > 2)
        self.rng.shuffle(roots)
        self.roots = roots
        self.keywords = keywords
        self.root_p = _zipf_mandelbrot(len(roots), exponent=1.35, shift=2.7)
        self.function_p = _zipf_mandelbrot(len(FUNCTION_WORDS), exponent=1.0, shift=1.0)
        weights = np.array([w for _, _, w in AFFIX_PATTERNS], dtype=float)
        self.pattern_p = weights / weights.sum()
        self.forms: dict[tuple[int, int], str] = {}

    def write(self, path: Path, size_bytes: int) -> int:
        """Write about ``size_bytes`` of segments to ``path``; returns the number of segments."""
        written = segments = 0
        with open(path, "w", encoding="utf-8", newline="\n") as out:
            while written < size_bytes:
                batch = self._segments(100)
                text = "\n".join(batch) + "\n"
                out.write(text)
                written += len(text.encode("utf-8"))
                segments += len(batch)
        return segments

    def _segments(self, count: int) -> list[str]:
        rng = self.rng
        sentences_per_segment = rng.integers(2, 10, count)
        words_per_sentence = rng.integers(6, 23, int(sentences_per_segment.sum()))
        slots = self._words(int(words_per_sentence.sum()))
        segments, at, sentence = [], 0, 0
        commas = rng.random(len(words_per_sentence)) < 0.35
        questions = rng.random(len(words_per_sentence)) < 0.1
        for n_sentences in sentences_per_segment:
            sentences = []
            for _ in range(n_sentences):
                n = words_per_sentence[sentence]
                words = slots[at:at + n]
                if commas[sentence]:
                    words[n // 2] += ","
                text = " ".join(words)
                sentences.append(text[0].upper() + text[1:] + ("?" if questions[sentence] else "."))
                at += n
                sentence += 1
            segments.append(" ".join(sentences))
        return segments

    def _words(self, count: int) -> list[str]:
        rng = self.rng
        kinds = rng.choice(len(SHARES), count, p=list(SHARES.values()))
        function_ranks = rng.choice(len(FUNCTION_WORDS), count, p=self.function_p)
        root_ranks = rng.choice(len(self.roots), count, p=self.root_p)
        patterns = rng.choice(len(AFFIX_PATTERNS), count, p=self.pattern_p)
        tail_ranks = rng.zipf(1.25, count)
        keyword_ranks = rng.integers(0, len(self.keywords), count)
        words = []
        for kind, f, r, p, t, k in zip(kinds.tolist(), function_ranks.tolist(), root_ranks.tolist(),
                                       patterns.tolist(), tail_ranks.tolist(), keyword_ranks.tolist()):
            if kind == 0:
                word = FUNCTION_WORDS[f]
            elif kind == 1:
                word = self.forms.get((r, p))
                if word is None:
                    prefix, suffix, _ = AFFIX_PATTERNS[p]
                    word = self.forms[r, p] = affixed(self.roots[r], prefix, suffix)
            elif kind == 2:
                word = made_up_word(t)
            else:
                word = self.keywords[k]
            words.append(word)
        return words


def _zipf_mandelbrot(n: int, exponent: float, shift: float) -> np.ndarray:
    weights = 1.0 / (np.arange(1, n + 1) + shift) ** exponent
    return weights / weights.sum()


def corpus_statistics(path: Path) -> tuple[int, int, int]:
    """Segments (lines), words and distinct words of a corpus, words as the classifier cuts them."""
    from pipeline.coding.tokens import words

    segments = total = 0
    vocabulary: set[str] = set()
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            found = words(line)
            segments += 1
            total += len(found)
            vocabulary.update(found)
    return segments, total, len(vocabulary)


# --- the measurements, each in a fresh process -------------------------------------------------------

def measure(method: str, corpus: Path, codebook_path: str | None, workers: int) -> dict:
    """Run one method over the corpus in this process: wall seconds, peak memory (MB), what it found."""
    codebook = load_codebook(codebook_path)
    if method == "floor":
        word = re.compile(r"\w+")
        start = time.perf_counter()
        found = 0
        with open(corpus, encoding="utf-8") as handle:
            while chunk := handle.read(MB):
                found += len(word.findall(chunk))
    elif method == "flashtext":
        from flashtext import KeywordProcessor

        start = time.perf_counter()  # like classify, building the matcher counts
        processor = KeywordProcessor()
        processor.add_keywords_from_list(keyword_surfaces(codebook))
        found = sum(len(processor.extract_keywords(line, span_info=True)) for line in _segments(corpus))
    elif method in ("classify", "workers"):
        from pipeline.coding.classify import classify_stream

        start = time.perf_counter()  # from a cold start: compiling the codebook counts
        items = ((None, line, "id") for line in _segments(corpus))
        found = sum(len(codings) for _, codings in classify_stream(items, codebook, workers=workers if method == "workers" else 1))
    else:
        raise ValueError(f"unknown method {method!r}")
    seconds = time.perf_counter() - start
    workers_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # the largest worker's
    return {"seconds": seconds, "peak_mb": max(peak_memory_mb(), workers_peak), "found": found}


def peak_memory_mb() -> float:
    """This process's peak resident memory in MB. Linux's VmHWM, because ``ru_maxrss`` of a process
    started from another counts the parent's memory at the start."""
    status = Path("/proc/self/status")
    if status.is_file():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)


def _segments(corpus: Path):
    with open(corpus, encoding="utf-8") as handle:
        for line in handle:
            yield line.rstrip("\n")


@dataclass(frozen=True)
class Measurement:
    method: str
    size_mb: float
    seconds: float
    peak_mb: float
    found: int

    @property
    def mb_per_s(self) -> float:
        return self.size_mb / self.seconds


def measure_in_subprocess(method: str, corpus: Path, size_mb: float, codebook_path: str | None, workers: int) -> Measurement:
    """:func:`measure` in a fresh Python process: cold caches, and the peak memory is the method's own."""
    command = [sys.executable, __file__, "--measure", method, "--corpus", str(corpus),
               "--workers", str(workers)] + (["--codebook", codebook_path] if codebook_path else [])
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        fix = "; install the dev extras (pip install -e '.[dev]')" if "flashtext" in last else ""
        raise SeciError(f"the {method} measurement failed: {last}{fix}")
    result = json.loads(done.stdout)
    return Measurement(method, size_mb, result["seconds"], result["peak_mb"], result["found"])


# --- the report --------------------------------------------------------------------------------------

LABELS = {
    "floor": "re.findall(r'\\w+') (floor)",
    "flashtext": "flashtext KeywordProcessor",
    "classify": "classify, 1 process",
    "workers": "classify --workers {workers}",
}


def run_benchmark(sizes: list[float], *, workers: int = 2, repeat: int = REPEAT, codebook_path: str | None = None,
                  seed: int = SEED) -> str:
    """Generate each corpus, measure every method on it ``repeat`` times (rounds of all methods, so a
    busy machine slows them alike; the fastest run counts), and return the report."""
    codebook = load_codebook(codebook_path)
    keywords = keyword_surfaces(codebook)
    lines = [f"benchmark: codebook '{codebook.name}' {codebook.version}, {len(keywords)} Indonesian keywords, "
             f"{len(codebook.barrier_cues.get('id', ()))} barrier cues; {os.cpu_count()} CPUs; seed {seed}; "
             f"best of {repeat} runs", ""]
    results: dict[float, dict[str, Measurement]] = {}
    medians: dict[float, dict[str, float]] = {}  # seconds: how much the runs vary on this machine
    corpora = {}  # size -> (MB, segments, words, distinct words)
    with tempfile.TemporaryDirectory(prefix="seci-bench-") as folder:
        for size in sizes:
            corpus = Path(folder) / f"corpus-{size:g}MB.txt"
            CorpusWriter(keywords, seed).write(corpus, int(size * MB))
            actual_mb = corpus.stat().st_size / MB
            corpora[size] = (actual_mb, *corpus_statistics(corpus))
            runs = [[measure_in_subprocess(method, corpus, actual_mb, codebook_path, workers) for method in METHODS]
                    for _ in range(repeat)]
            results[size] = {method: min((run[n] for run in runs), key=lambda m: m.seconds)
                             for n, method in enumerate(METHODS)}
            medians[size] = {method: median(run[n].seconds for run in runs)
                             for n, method in enumerate(METHODS)}
            corpus.unlink()
    lines.append("corpus      MB  segments       words   distinct words")
    for size, (actual_mb, segments, total, distinct) in corpora.items():
        lines.append(f"{size:>6g} MB {actual_mb:>6.1f} {segments:>9,} {total:>11,} {distinct:>16,}")
    if len(sizes) > 1:
        (_, _, small_words, small_vocabulary), (_, _, large_words, large_vocabulary) = corpora[sizes[0]], corpora[sizes[-1]]
        heaps = math.log(large_vocabulary / small_vocabulary) / math.log(large_words / small_words)
        lines.append(f"vocabulary grows as words^{heaps:.2f} (Heaps' law; real text: 0.4-0.7)")
    lines += ["", f"{'corpus':>8}  {'method':<30}{'seconds':>9}{'median':>8}{'MB/s':>8}{'x floor time':>14}"
                  f"{'peak MB':>9}{'found':>11}"]
    for size, measured in results.items():
        floor = measured["floor"].seconds
        for method, result in measured.items():
            lines.append(f"{size:>5g} MB  {LABELS[method].format(workers=workers):<30}{result.seconds:>9.2f}"
                         f"{medians[size][method]:>8.2f}{result.mb_per_s:>8.1f}{result.seconds / floor:>14.2f}"
                         f"{result.peak_mb:>9.0f}{result.found:>11,}")
    lines += ["", "target (per corpus)                      " + "".join(f"{size:>10g} MB" for size in sizes) + "   limit"]
    checks = {
        "classify time / floor time": lambda m: m["classify"].seconds / m["floor"].seconds,
        "classify / flashtext throughput": lambda m: m["flashtext"].seconds / m["classify"].seconds,
        f"workers {workers} / classify throughput": lambda m: m["classify"].seconds / m["workers"].seconds,
        "classify peak memory (MB)": lambda m: m["classify"].peak_mb,
    }
    for (name, value), (operator, limit) in zip(checks.items(), TARGETS.values()):
        values = [value(results[size]) for size in sizes]
        marks = "".join(f"{v:>9.2f} {'ok' if _meets(v, operator, limit) else '--'}" for v in values)
        lines.append(f"{name:<41}{marks}   {operator} {limit:g}")
    lines.append("(ok: target met; --: missed. The memory target is for the 100 MB corpus.)")
    return "\n".join(lines) + "\n"


def _meets(value: float, operator: str, limit: float) -> bool:
    return {"<=": value <= limit, ">=": value >= limit, ">": value > limit, "<": value < limit}[operator]


# --- command line ----------------------------------------------------------------------------------

def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "bench", help="measure the classifier's speed and memory on generated Indonesian interviews",
        description="Generate interview-like Indonesian text (10 and 100 MB by default) and print one table: "
        "MB/s of the classifier from a cold cache, of a bare re.findall pass (the floor) and of flashtext over "
        "the same keywords, with two worker processes, and peak memory; then whether the targets are met.",
    )
    _add_arguments(parser)
    parser.set_defaults(handler=run_bench)


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sizes", default=",".join(f"{size:g}" for size in DEFAULT_SIZES), metavar="MB,MB",
                        help="corpus sizes in MB, comma-separated (default: 10,100)")
    parser.add_argument("--workers", type=int, default=2, metavar="N", help="processes for the parallel row (default: 2)")
    parser.add_argument("--repeat", type=int, default=REPEAT, metavar="N",
                        help=f"runs of each measurement; the fastest counts (default: {REPEAT})")
    parser.add_argument("--codebook", metavar="PATH", help="a codebook YAML file (default: the SECI codebook)")
    parser.add_argument("--seed", type=int, default=SEED, help=argparse.SUPPRESS)


def _sizes(text: str) -> list[float]:
    try:
        sizes = [float(part) for part in text.split(",") if part.strip()]
    except ValueError:
        sizes = []
    if not sizes or any(size <= 0 for size in sizes):
        raise SeciError(f"--sizes {text!r}: give positive sizes in MB separated by commas, e.g. 10,100")
    return sorted(sizes)


def run_bench(args: argparse.Namespace) -> int:
    if args.workers < 2:
        raise SeciError(f"--workers {args.workers}: the parallel row needs at least 2 processes")
    if args.repeat < 1:
        raise SeciError(f"--repeat {args.repeat}: give at least 1")
    print(run_benchmark(_sizes(args.sizes), workers=args.workers, repeat=args.repeat, codebook_path=args.codebook,
                        seed=args.seed), end="")
    return 0


def main(argv: list[str] | None = None) -> int:
    """``python benchmarks/bench.py``: the benchmark, or (``--measure``) one measurement, as JSON."""
    parser = argparse.ArgumentParser(prog="python benchmarks/bench.py", description="seci-kit classifier benchmark")
    _add_arguments(parser)
    parser.add_argument("--measure", choices=METHODS, help=argparse.SUPPRESS)
    parser.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.measure, args.corpus, args.codebook, args.workers)))
        return 0
    try:
        return run_bench(args)
    except SeciError as error:
        print(f"seci: error: {error}", file=sys.stderr)
        return error.exit_status


if __name__ == "__main__":
    sys.exit(main())
