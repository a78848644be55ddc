"""How fast ``seci classify`` is on interview text, and how much memory it needs: ``make bench``
(``python benchmarks/bench.py``; ``--quick`` measures 10 MB only, in a few minutes).

Two inputs, each written as JSON Lines (``id``, ``text``, ``lang``) of 10 and 100 MB:

- **shipped**: the informants' answers of the shipped sites (``data/processed/*/segments.csv``; run
  ``seci ingest`` first), Indonesian and English, drawn at random with replacement. This is text
  the project wrote and tuned the codebook on: in-sample.
- **generated**: interview-like Indonesian text. Its common words are drawn with their frequencies
  from the shipped Indonesian answers, its content words are Sastrawi's roots with the usual affixes
  (Zipf-Mandelbrot ranks) and a tail of made-up words keeps the vocabulary growing as real text's
  does (Heaps' exponent printed). The share of codebook keywords inserted is calibrated until the
  text carries as many keyword hits per 1,000 words as the shipped Indonesian answers (hits: the
  evidence classify reports; the density reached is printed).

Every measurement is a fresh process, timed from outside, start-up included, file in and file out, as
users run it: the **floor** (read the file, ``json.loads`` each line, ``re.findall(r"\\w+")`` its text,
write the count), **flashtext** (a KeywordProcessor per language over the codebook's keywords, spans
written per row), **classify** (``seci classify FILE --out OUT.csv``) and the same with ``--workers 2``.
Peak memory is the largest resident set of the child and the processes it waited for. Each
runs ``--repeat`` times in rounds (a busy machine slows all alike); the fastest run counts, the
median and slowest show the spread. Start-up: ``seci --help`` and a one-row ``seci classify`` against
``python -c "import pandas"``. The report ends with the targets and whether each is met.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from statistics import median

import numpy as np

from pipeline.coding.codebook import Codebook, load_codebook
from pipeline.errors import SeciError

ROOT = Path(__file__).resolve().parent.parent  # this checkout: the child processes import its pipeline
MB = 1_000_000
SIZES = (10.0, 100.0)
QUICK_SIZES = (10.0,)
REPEAT = 5  # runs per measurement: this machine's speed varies by a third from minute to minute
SEED = 2024
INPUTS = ("generated", "shipped")
METHODS = ("floor", "flashtext", "classify", "workers")
CALIBRATION_BYTES = 400_000  # generated text coded per calibration step
TARGETS = {  # name -> (operator, limit)
    "classify time / floor time": ("<=", 2.5),
    "classify / flashtext throughput": (">=", 2.0),
    "workers 2 / classify throughput": (">", 1.0),
    "classify peak memory (MB), at 100 MB": ("<=", 300.0),
}
STARTUP_TARGETS = {"seci --help": 1.2, "seci classify, one row": 1.5}  # x the time of `import pandas`

# --- the generated corpus ------------------------------------------------------------------------------

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
SHARES = {"common": 0.60, "content": 0.38, "tail": 0.01}  # of the word slots that are not keywords


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
    """Interview-like Indonesian segments from a seeded generator (same arguments, same text).

    ``common`` words (with their counts) are drawn by frequency; ``keyword_share`` of the word slots
    are codebook keywords."""

    def __init__(self, keywords: list[str], common: Counter, keyword_share: float, seed: int = SEED):
        from pipeline.coding.sastrawi import indonesian_roots

        self.rng = np.random.default_rng(seed)
        roots = sorted(root for root in indonesian_roots() if root.isalpha() and len(root) > 2)
        self.rng.shuffle(roots)
        self.roots = roots
        self.keywords = keywords
        self.common = sorted(common)
        counts = np.array([common[word] for word in self.common], dtype=float)
        self.common_p = counts / counts.sum()
        shares = [share * (1 - keyword_share) for share in SHARES.values()] + [keyword_share]
        self.shares = np.array(shares) / sum(shares)
        self.root_p = _zipf_mandelbrot(len(roots), exponent=1.35, shift=2.7)
        weights = np.array([w for _, _, w in AFFIX_PATTERNS], dtype=float)
        self.pattern_p = weights / weights.sum()
        self.forms: dict[tuple[int, int], str] = {}

    def write(self, path: Path, size_bytes: int) -> int:
        """Write about ``size_bytes`` of JSON Lines rows to ``path``; returns the number of rows."""
        written = rows = 0
        with open(path, "w", encoding="utf-8", newline="\n") as out:
            while written < size_bytes:
                lines = "".join(_json_line(f"g{rows + n}", text, "id") for n, text in enumerate(self.segments(100)))
                out.write(lines)
                written += len(lines.encode("utf-8"))
                rows += 100
        return rows

    def segments(self, count: int) -> list[str]:
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
        kinds = rng.choice(len(self.shares), count, p=self.shares)
        common_ranks = rng.choice(len(self.common), count, p=self.common_p)
        root_ranks = rng.choice(len(self.roots), count, p=self.root_p)
        patterns = rng.choice(len(AFFIX_PATTERNS), count, p=self.pattern_p)
        tail_ranks = rng.zipf(1.25, count)
        keyword_ranks = rng.integers(0, len(self.keywords), count)
        words = []
        for kind, c, r, p, t, k in zip(kinds.tolist(), common_ranks.tolist(), root_ranks.tolist(),
                                       patterns.tolist(), tail_ranks.tolist(), keyword_ranks.tolist()):
            if kind == 0:
                word = self.common[c]
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


def _json_line(row_id: str, text: str, lang: str) -> str:
    return json.dumps({"id": row_id, "text": text, "lang": lang}, ensure_ascii=False) + "\n"


def corpus_statistics(path: Path) -> tuple[int, int, int]:
    """Rows, words and distinct words of a JSON Lines corpus, words as the classifier cuts them."""
    from pipeline.coding.tokens import words

    rows = total = 0
    vocabulary: set[str] = set()
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            found = words(json.loads(line)["text"])
            rows += 1
            total += len(found)
            vocabulary.update(found)
    return rows, total, len(vocabulary)


# --- the shipped answers, and keyword density -----------------------------------------------------------

def shipped_answers(root: Path) -> list[tuple[str, str]]:
    """``(text, lang)`` of every informant answer in ``data/processed/*/segments.csv``."""
    from pipeline.coding.classify import read_segments
    from pipeline.contracts import list_sites

    answers = []
    for site in list_sites(root):
        segments = read_segments(root, site)
        informant = segments[segments["speaker"] == "informant"]
        answers += list(zip(informant["text"], informant["lang"]))
    if not answers:
        raise SeciError(f"no informant answers under {root / 'data/processed'}: run `seci ingest` first")
    return answers


def keyword_density(answers: list[tuple[str, str]], codebook: Codebook) -> float:
    """Keyword hits per 1,000 words: the evidence classify reports (as codings.csv lists it) over all words."""
    from pipeline.coding.classify import classify_texts, compile_codebook
    from pipeline.coding.tokens import words

    codings = classify_texts([text for text, _ in answers], [lang for _, lang in answers], compile_codebook(codebook))
    hits = sum(len(coding.evidence) for found in codings for coding in found)
    return 1000 * hits / max(1, sum(len(words(text)) for text, _ in answers))


def common_words(answers: list[tuple[str, str]], lang: str = "id") -> Counter:
    """The words of the answers in ``lang``, with their counts."""
    from pipeline.coding.tokens import words

    return Counter(word for text, text_lang in answers if text_lang == lang for word in words(text))


def calibrated_writer(answers: list[tuple[str, str]], codebook: Codebook, seed: int) -> tuple[CorpusWriter, float, float]:
    """A corpus writer whose text carries as many keyword hits per 1,000 words as the shipped
    Indonesian answers: the keyword share is scaled by target / reached until within 5%.
    Returns the writer, the target density and the density reached."""
    target = keyword_density([answer for answer in answers if answer[1] == "id"], codebook)
    keywords, common = keyword_surfaces(codebook), common_words(answers)
    share, reached = 0.01, 0.0
    for _ in range(6):
        sample = CorpusWriter(keywords, common, share, seed).segments(int(CALIBRATION_BYTES / 600))
        reached = keyword_density([(text, "id") for text in sample], codebook)
        if abs(reached - target) <= 0.05 * target:
            break
        share = min(0.5, share * target / max(reached, 1e-9)) if reached else share * 4
    return CorpusWriter(keywords, common, share, seed), target, reached


def resample(answers: list[tuple[str, str]], path: Path, size_bytes: int, seed: int) -> int:
    """Write about ``size_bytes`` of answers drawn at random (with replacement) as JSON Lines; returns the rows."""
    rng = np.random.default_rng(seed)
    written = rows = 0
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        while written < size_bytes:
            lines = "".join(_json_line(f"s{rows + n}", *answers[k]) for n, k in enumerate(rng.integers(0, len(answers), 100)))
            out.write(lines)
            written += len(lines.encode("utf-8"))
            rows += 100
    return rows


# --- the measurements, each a fresh process ------------------------------------------------------------

FLOOR = """\
import json, re, sys
word = re.compile(r"\\w+")
count = 0
with open(sys.argv[1], encoding="utf-8") as handle:
    for line in handle:
        count += len(word.findall(json.loads(line)["text"]))
with open(sys.argv[2], "w", encoding="utf-8") as out:
    out.write(f"{count}\\n")
"""

FLASHTEXT = """\
import csv, json, sys
from flashtext import KeywordProcessor
processors = {}
for lang, keywords in json.loads(open(sys.argv[3], encoding="utf-8").read()).items():
    processors[lang] = KeywordProcessor()
    processors[lang].add_keywords_from_list(keywords)
with open(sys.argv[1], encoding="utf-8") as handle, open(sys.argv[2], "w", encoding="utf-8", newline="") as out:
    writer = csv.writer(out, lineterminator="\\n")
    writer.writerow(["id", "keywords"])
    for line in handle:
        row = json.loads(line)
        found = processors[row["lang"]].extract_keywords(row["text"], span_info=True)
        writer.writerow([row["id"], "; ".join(f"{keyword}@{start}-{end}" for keyword, start, end in found)])
"""


def commands(corpus: Path, out: Path, keywords: Path, codebook_path: str | None) -> dict[str, list[str]]:
    """The command line of each method."""
    python = sys.executable
    classify = [python, "-m", "pipeline", "classify", str(corpus), "--out", str(out)]
    classify += ["--codebook", codebook_path] if codebook_path else []
    return {
        "floor": [python, "-c", FLOOR, str(corpus), str(out)],
        "flashtext": [python, "-c", FLASHTEXT, str(corpus), str(out), str(keywords)],
        "classify": classify,
        "workers": classify + ["--workers", "2"],
    }


LAUNCHER = """\
import json, os, subprocess, sys, time
start = time.perf_counter()
process = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
_, status, usage = os.wait4(process.pid, 0)
print(json.dumps([time.perf_counter() - start, usage.ru_maxrss, os.waitstatus_to_exitcode(status)]))
"""


def run_child(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak memory (MB: the largest resident set of the process and of the processes
    it waited for) of ``command`` run from this checkout, start-up included. A small launcher process
    starts it: Linux counts in a child's peak the memory of the process it was forked from."""
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, "-c", LAUNCHER, *command], cwd=ROOT, env=environment, capture_output=True,
                          text=True, check=False)
    try:
        seconds, peak_kb, status = json.loads(done.stdout)
    except ValueError:
        status = done.returncode or 1
    if status != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise SeciError(f"`{' '.join(command[:4])} ...` failed: {last}")
    return seconds, peak_kb / 1024


@dataclass(frozen=True)
class Runs:
    """The runs of one method on one corpus."""

    seconds: list[float]
    peak_mb: float

    @property
    def best(self) -> float:
        return min(self.seconds)


def measure_corpus(corpus: Path, folder: Path, keywords: Path, codebook_path: str | None, repeat: int) -> dict[str, Runs]:
    """Every method on ``corpus``, ``repeat`` rounds."""
    lines = commands(corpus, folder / "out.csv", keywords, codebook_path)
    seconds: dict[str, list[float]] = {method: [] for method in METHODS}
    peaks: dict[str, float] = dict.fromkeys(METHODS, 0.0)
    for _ in range(repeat):
        for method in METHODS:
            took, peak = run_child(lines[method])
            seconds[method].append(took)
            peaks[method] = max(peaks[method], peak)
    return {method: Runs(seconds[method], peaks[method]) for method in METHODS}


def measure_startup(folder: Path, codebook_path: str | None, repeat: int) -> dict[str, Runs]:
    """``import pandas``, ``seci --help`` and a one-row ``seci classify``, ``repeat`` rounds."""
    one_row = folder / "one-row.jsonl"
    one_row.write_text(_json_line("a1", "Kami berbagi pengalaman dalam diskusi kelompok.", "id"), encoding="utf-8")
    python = sys.executable
    classify = [python, "-m", "pipeline", "classify", str(one_row), "--out", str(folder / "one-row.csv")]
    lines = {"import pandas": [python, "-c", "import pandas"], "seci --help": [python, "-m", "pipeline", "--help"],
             "seci classify, one row": classify + (["--codebook", codebook_path] if codebook_path else [])}
    seconds: dict[str, list[float]] = {name: [] for name in lines}
    for _ in range(repeat):
        for name, command in lines.items():
            seconds[name].append(run_child(command)[0])
    return {name: Runs(runs, 0.0) for name, runs in seconds.items()}


# --- the report ------------------------------------------------------------------------------------------

LABELS = {
    "floor": "floor: read + json + findall(\\w+)",
    "flashtext": "flashtext KeywordProcessor",
    "classify": "seci classify",
    "workers": "seci classify --workers 2",
}


def run_benchmark(root: Path, sizes: list[float], *, repeat: int = REPEAT, codebook_path: str | None = None,
                  seed: int = SEED) -> str:
    """Write both inputs at each size, measure every method on them, and return the report."""
    codebook = load_codebook(codebook_path)
    answers = shipped_answers(root)
    writer, target, reached = calibrated_writer(answers, codebook, seed)
    report = [
        f"benchmark: codebook '{codebook.name}' {codebook.version}; {os.cpu_count()} CPUs; seed {seed}; "
        f"each measurement a fresh process, best of {repeat} (median and slowest beside it)",
        f"shipped: {len(answers):,} informant answers ({Counter(lang for _, lang in answers)}), "
        f"{keyword_density(answers, codebook):.1f} keyword hits per 1,000 words; resampled (in-sample text)",
        f"generated: Indonesian, keyword density {reached:.1f} hits per 1,000 words reached "
        f"(target {target:.1f}: the shipped Indonesian answers)", "",
    ]
    results: dict[tuple[str, float], dict[str, Runs]] = {}
    statistics: dict[tuple[str, float], tuple[float, int, int, int]] = {}
    with tempfile.TemporaryDirectory(prefix="seci-bench-") as name:
        folder = Path(name)
        keywords = folder / "keywords.json"
        keywords.write_text(json.dumps({lang: keyword_surfaces(codebook, lang) for lang in ("id", "en")}), encoding="utf-8")
        for size in sizes:
            for kind in INPUTS:
                corpus = folder / f"{kind}-{size:g}MB.jsonl"
                if kind == "generated":
                    writer.write(corpus, int(size * MB))
                else:
                    resample(answers, corpus, int(size * MB), seed)
                statistics[kind, size] = (corpus.stat().st_size / MB, *corpus_statistics(corpus))
                results[kind, size] = measure_corpus(corpus, folder, keywords, codebook_path, repeat)
                corpus.unlink()
        startup = measure_startup(folder, codebook_path, repeat)
    report.append(f"{'input':<10}{'MB':>7}{'rows':>10}{'words':>12}{'distinct words':>16}")
    for (kind, size), (actual, rows, words, distinct) in statistics.items():
        report.append(f"{kind:<10}{actual:>7.1f}{rows:>10,}{words:>12,}{distinct:>16,}")
    if len(sizes) > 1:
        (_, _, small_words, small_vocabulary), (_, _, large_words, large_vocabulary) = (
            statistics["generated", sizes[0]], statistics["generated", sizes[-1]])
        heaps = math.log(large_vocabulary / small_vocabulary) / math.log(large_words / small_words)
        report.append(f"generated vocabulary grows as words^{heaps:.2f} (Heaps' law; real text: 0.4-0.7)")
    report += ["", f"{'input':<10}{'size':>7}  {'method':<36}{'best s':>8}{'median':>8}{'slowest':>8}{'MB/s':>7}"
                   f"{'x floor':>9}{'peak MB':>9}"]
    for (kind, size), runs in results.items():
        floor = runs["floor"].best
        for method, run in runs.items():
            report.append(f"{kind:<10}{size:>4g} MB  {LABELS[method]:<36}{run.best:>8.2f}{median(run.seconds):>8.2f}"
                          f"{max(run.seconds):>8.2f}{statistics[kind, size][0] / run.best:>7.1f}{run.best / floor:>9.2f}"
                          f"{run.peak_mb:>9.0f}")
    columns = [f"{kind} {size:g} MB" for kind, size in results]
    report += ["", f"{'target (best runs)':<38}" + "".join(f"{column:>19}" for column in columns) + "   limit"]
    checks = {
        "classify time / floor time": lambda runs: runs["classify"].best / runs["floor"].best,
        "classify / flashtext throughput": lambda runs: runs["flashtext"].best / runs["classify"].best,
        "workers 2 / classify throughput": lambda runs: runs["classify"].best / runs["workers"].best,
        "classify peak memory (MB), at 100 MB": lambda runs: runs["classify"].peak_mb,
    }
    for name, value in checks.items():
        operator, limit = TARGETS[name]
        cells = ""
        for (_, size), runs in results.items():
            measured = value(runs)
            mark = ("ok" if _meets(measured, operator, limit) else "--") if "memory" not in name or size >= 100 else ""
            cells += f"{measured:>16.2f} {mark:<2}"
        report.append(f"{name:<38}{cells}   {operator} {limit:g}")
    pandas = startup["import pandas"].best
    label = "python -c 'import pandas'"
    report += ["", f"{f'start-up (best of {repeat})':<36}{'seconds':>9}{'median':>9}{'x import pandas':>16}   limit",
               f"{label:<36}{pandas:>9.3f}{median(startup['import pandas'].seconds):>9.3f}"]
    for name, limit in STARTUP_TARGETS.items():
        ratio = startup[name].best / pandas
        report.append(f"{name:<36}{startup[name].best:>9.3f}{median(startup[name].seconds):>9.3f}{ratio:>14.2f} "
                      f"{'ok' if ratio <= limit else '--'}   <= {limit:g}")
    report.append("(ok: target met; --: missed. Peak memory is checked at 100 MB.)")
    return "\n".join(report) + "\n"


def _meets(value: float, operator: str, limit: float) -> bool:
    return {"<=": value <= limit, ">=": value >= limit, ">": value > limit}[operator]


# --- command line ----------------------------------------------------------------------------------------

def _sizes(text: str) -> list[float]:
    try:
        sizes = [float(part) for part in text.split(",") if part.strip()]
    except ValueError:
        sizes = []
    if not sizes or any(size <= 0 for size in sizes):
        raise SeciError(f"--sizes {text!r}: give positive sizes in MB separated by commas, e.g. 10,100")
    return sorted(sizes)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python benchmarks/bench.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="10 MB only (a few minutes)")
    parser.add_argument("--sizes", metavar="MB,MB", help="corpus sizes in MB, comma-separated (default: 10,100)")
    parser.add_argument("--repeat", type=int, default=REPEAT, metavar="N",
                        help=f"runs of each measurement; the fastest counts (default: {REPEAT})")
    parser.add_argument("--codebook", metavar="PATH", help="a codebook YAML file (default: the SECI codebook)")
    parser.add_argument("--root", type=Path, default=ROOT, help="project folder whose data/processed/ holds the answers")
    parser.add_argument("--seed", type=int, default=SEED, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        sizes = _sizes(args.sizes) if args.sizes else list(QUICK_SIZES if args.quick else SIZES)
        if args.repeat < 1:
            raise SeciError(f"--repeat {args.repeat}: give at least 1")
        print(run_benchmark(args.root, sizes, repeat=args.repeat, codebook_path=args.codebook, seed=args.seed), end="")
        return 0
    except SeciError as error:
        print(f"seci: error: {error}", file=sys.stderr)
        return error.exit_status


if __name__ == "__main__":
    sys.exit(main())
