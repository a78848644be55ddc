"""Keyword coding: a codebook compiled into a matcher and applied to segments, transparently.

For each segment, in the segment's language (matching rules: :mod:`pipeline.coding.matcher`):

- **Evidence**: every occurrence of a code's keywords, with the keyword as written in the codebook
  and the character offsets ``[start, end)`` of the words it matched (``text[start:end]``).
  Within one code each stretch of text counts once: a keyword inside a longer matched keyword of the
  same code ("diskusi" inside "diskusi kelompok") adds nothing.
- **Score** of a code: the sum of the weights of its evidence; a keyword that modifies a longer keyword
  of another code ("bersama" in "folder bersama") is not evidence of its own, the head of that term is.
  Every code whose score reaches its threshold is assigned (multi-label), except one of a group with
  ``min_share`` that scores below that share of its group's best; ``seci code`` codes a group with
  ``roles`` only in those informants' answers.
- **Primary code**: the assigned code with the highest score; ties go to the code that comes first
  in the codebook.
- **Status**: ``barrier`` when a barrier cue of the codebook ("belum", "not yet", ...) bears on one of
  the code's evidence (same clause, within ``barrier.window`` words, not in a condition, not a negated
  negative; the rules: :mod:`pipeline.coding.status`); else ``practice``.

Commands: ``seci classify INPUT --out OUTPUT`` codes any CSV or JSON Lines file with columns ``id``,
``text`` and optionally ``lang``; ``seci code`` codes a site's ``segments.csv`` into ``codings.csv``.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import gc
import json
import math
import multiprocessing
import re
import sys
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from pipeline.coding import local_terms
from pipeline.coding.codebook import Codebook, Keyword, Pattern
from pipeline.coding.matcher import TermMatcher
from pipeline.coding.patterns import PatternMatcher, contrast_expression, without_contrasts
from pipeline.coding.status import StatusRules, Word
from pipeline.coding.tokens import nested_modifiers
from pipeline.contracts import (
    CODING_COLUMNS, CODINGS_FILE, LANGUAGES, SEGMENT_COLUMNS, SEGMENTS_FILE, STATUSES, processed_site_dir, raw_site_dir,
)
from pipeline.corpus.study_config import load_study_config
from pipeline.errors import InputError
from pipeline.files import atomic_path, delimited_records, json_lines_records, read_table, write_csv

if TYPE_CHECKING:  # pandas is imported where a table is coded: `seci classify` of a file starts without it
    import pandas as pd

PRACTICE, BARRIER = STATUSES
INPUT_COLUMNS = ("id", "text")  # required in a `seci classify` input; "lang" is optional
FILE_TYPES = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}
CHUNK_SIZE = 500  # texts coded together (per task of a worker process)
YOUNG_OBJECTS = 10_000  # new containers between two runs of Python's cycle collector while coding (default 700)


class Hit(NamedTuple):
    """One occurrence of a code's keyword: ``text[start:end]`` holds the words it matched."""

    start: int
    end: int
    code_id: str
    keyword: Keyword | Pattern  # a pattern's hit spans its words (pipeline.coding.patterns)

    @property
    def term(self) -> str:
        """The keyword as written in the codebook, or the pattern as ``pattern(...)``."""
        return self.keyword.term

    @property
    def weight(self) -> float:
        return self.keyword.weight


class Coding(NamedTuple):
    """A code assigned to one segment, with the evidence behind it (the hits that count, in text order)."""

    code_id: str
    score: float
    status: str  # "practice" | "barrier"
    evidence: tuple[Hit, ...]

    @property
    def matched(self) -> str:
        """The evidence as codings.csv writes it: ``term@start-end`` joined by ``; ``."""
        return "; ".join(f"{hit.keyword.term}@{hit.start}-{hit.end}" for hit in self.evidence)


class Matcher:
    """A codebook compiled for matching: per language, one :class:`~pipeline.coding.matcher.TermMatcher` over
    every code's keywords, with the words of the barrier section as qualifiers (looked for in the whole of
    a text where a keyword occurs, since a barrier may be stated in a sentence of its own), and the codes'
    patterns (:class:`~pipeline.coding.patterns.PatternMatcher`), built when the language is first met.
    Build the matcher once and reuse it: it caches what it learns about each word."""

    def __init__(self, codebook: Codebook):
        self.codebook = codebook
        self._languages: dict[str, tuple[TermMatcher, list[tuple[str, Keyword]]]] = {}
        self._status_rules: dict[str, StatusRules] = {}
        self._patterns: dict[str, PatternMatcher] = {}
        self._contrasts: dict[str, re.Pattern | None] = {}

    def _language(self, lang: str) -> tuple[TermMatcher, list[tuple[str, Keyword]]]:
        if lang not in self._languages:
            if lang not in LANGUAGES:
                raise ValueError(f"unknown language {lang!r}; use one of {', '.join(LANGUAGES)}")
            keywords = [(code.id, keyword) for code in self.codebook.codes for keyword in code.keywords_for(lang)]
            rules = self._status_rules[lang] = StatusRules(self.codebook, lang)
            self._languages[lang] = TermMatcher([keyword.term for _, keyword in keywords], lang, qualifiers=rules.terms), keywords
            self._patterns[lang] = PatternMatcher(self.codebook, lang)
            self._contrasts[lang] = contrast_expression(self.codebook.pattern_words.contrast_markers.get(lang, ()))
        return self._languages[lang]

    def status_rules(self, lang: str) -> StatusRules:
        """The barrier section of the codebook compiled for ``lang`` (:mod:`pipeline.coding.status`)."""
        self._language(lang)
        return self._status_rules[lang]

    def find(self, text: str, lang: str) -> tuple[list[Hit], list[Word]]:
        """Every keyword occurrence in ``text`` (in text order) and every word of the barrier section
        (reported only in a text where a keyword occurs)."""
        return self.find_all([text], lang)[0]

    def find_all(self, texts: list[str], lang: str) -> list[tuple[list[Hit], list[Word]]]:
        """:meth:`find` for each of ``texts``, all in ``lang``, searched together (much faster).

        What a contrast marker opens ("rather than from manuals") is not searched (:func:`without_contrasts`).
        Pattern hits come after the keyword hits of a text."""
        terms, keywords = self._language(lang)
        if self._contrasts[lang]:
            texts = [without_contrasts(text, self._contrasts[lang]) for text in texts]
        rules, count = self._status_rules[lang], len(keywords)
        found = []
        for occurrences, patterns in zip(terms.find_all(texts), self._patterns[lang].find_all(texts)):
            hits = [_hit((start, end, *keywords[term])) for start, end, term in occurrences if term < count]
            hits += [_hit(pattern) for pattern in patterns]
            found.append((hits, rules.words((start, end, term - count) for start, end, term in occurrences if term >= count)
                          if hits else []))
        return found


_hit = functools.partial(tuple.__new__, Hit)  # Hit from a tuple, without Python's call of Hit.__new__


def compile_codebook(codebook: Codebook) -> Matcher:
    return Matcher(codebook)


def segment_text(value: object) -> str:
    """A cell as text: missing values (None, NaN) are empty, numbers are written out."""
    if isinstance(value, str):
        return value
    pandas = sys.modules.get("pandas")  # pandas' NA can only come from pandas, imported by then
    if value is None or (pandas is not None and value is pandas.NA) or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


PSEUDONYM = re.compile(r"\[[^\[\]\n]*\]")


def without_pseudonyms(text: str) -> str:
    """The text with every bracketed pseudonym ("[Mentor]", "[Head of Library]") blanked, length kept.

    A pseudonym stands for a person, not for what the informant said: "[Mentor]" must not count as
    the keyword mentor*. Blanking instead of deleting keeps every offset of the evidence right.
    """
    return PSEUDONYM.sub(lambda found: " " * len(found[0]), text)


def classify_text(text: object, lang: str, matcher: Matcher) -> list[Coding]:
    """The codes assigned to one text, in codebook order, each with its score, status and evidence."""
    return classify_texts([text], [lang], matcher)[0]


def classify_texts(texts: Sequence[object], langs: Sequence[str], matcher: Matcher) -> list[list[Coding]]:
    """:func:`classify_text` for each text with its language; the texts of a language are searched
    together, which is faster than one by one.

    ``matcher`` is a :class:`Matcher` or anything with its ``codebook``, ``find_all`` and ``status_rules``.
    """
    texts = [segment_text(text) for text in texts]
    codings: list[list[Coding]] = [[] for _ in texts]
    for lang in dict.fromkeys(langs):
        positions = [n for n, text_lang in enumerate(langs) if text_lang == lang]
        rules = matcher.status_rules(lang)
        for n, (hits, words) in zip(positions, matcher.find_all([without_pseudonyms(texts[n]) for n in positions], lang)):
            if hits:
                codings[n] = _codings(texts[n], hits, words, matcher.codebook, rules)
    return codings


def _codings(text: str, hits: list[Hit], words: list[Word], codebook: Codebook, rules: StatusRules) -> list[Coding]:
    by_code: dict[str, list[Hit]] = {}
    for hit in _not_inside_another_codes(hits, rules.head_first):
        by_code.setdefault(hit.code_id, []).append(hit)
    positions = codebook.code_positions
    assigned: dict[str, tuple[float, tuple[Hit, ...]]] = {}
    for code_id in sorted(by_code, key=positions.__getitem__):  # codebook order
        code = codebook.codes[positions[code_id]]
        evidence = _counted(by_code[code_id])
        if code.patterns:  # a pattern counts besides the keywords inside it (their overlap is not removed)
            evidence = tuple(sorted(evidence + tuple(hit for hit in by_code[code_id] if isinstance(hit.keyword, Pattern)),
                                    key=lambda hit: (hit.start, hit.end)))
        score = round(sum([hit.keyword.weight for hit in evidence]), 6)
        if score >= code.threshold:
            assigned[code_id] = score, evidence
    if codebook.min_shares:
        assigned = _strong_enough(assigned, codebook)
    if not assigned:
        return []
    keywords = [hit for hit in hits if not isinstance(hit.keyword, Pattern)]  # in text order; patterns come after
    barriers = rules.barriers(text, {code_id: evidence for code_id, (_, evidence) in assigned.items()}, keywords, words)
    return [Coding(code_id, score, BARRIER if code_id in barriers else PRACTICE, evidence)
            for code_id, (score, evidence) in assigned.items()]


def _not_inside_another_codes(hits: list[Hit], head_first: bool) -> list[Hit]:
    """The hits minus each keyword hit that modifies a longer keyword hit of another code: "bersama"
    (together) in "folder bersama" (a shared folder) is the folder's word, not a second sense of its own.
    The head of the longer term keeps its sense: "pelatihan" in "pelatihan IT" and "training" in "IT
    training" are a training (:func:`~pipeline.coding.tokens.nested_modifiers`). Patterns are kept."""
    keywords = [hit for hit in hits if not isinstance(hit.keyword, Pattern)]
    inside = {keywords[n] for n in nested_modifiers([(hit.start, hit.end, hit.code_id) for hit in keywords], head_first)}
    return [hit for hit in hits if hit not in inside] if inside else hits


def _strong_enough(assigned: dict[str, tuple[float, tuple[Hit, ...]]], codebook: Codebook) -> dict:
    """The assigned codes minus those of a group with a ``min_share`` that score below that share of the
    group's highest score in the text: one weak word beside a strong mode is not a second mode."""
    group_of = codebook.code_groups
    top: dict[str, float] = {}
    for code_id, (score, _) in assigned.items():
        top[group_of[code_id]] = max(score, top.get(group_of[code_id], 0.0))
    return {code_id: (score, evidence) for code_id, (score, evidence) in assigned.items()
            if score >= codebook.min_shares.get(group_of[code_id], 0.0) * top[group_of[code_id]]}


def _counted(hits: list[Hit]) -> tuple[Hit, ...]:
    """One code's keyword hits (in text order) minus those inside a longer keyword hit of the code, or
    with the same span as an earlier-listed keyword's. Pattern hits are left out."""
    counted: list[Hit] = []
    reach = -1
    for hit in hits:
        if isinstance(hit.keyword, Pattern):
            continue
        if counted and hit.start == counted[-1].start:  # a longer keyword at the same place wins
            if hit.end > counted[-1].end:
                counted[-1] = hit
                reach = hit.end
        elif hit.end > reach:
            counted.append(hit)
            reach = hit.end
    return tuple(counted)


def primary_code(codings: list[Coding]) -> str:
    """The highest-scoring code (the first in codebook order on a tie); empty when there is none."""
    return max(codings, key=lambda coding: coding.score).code_id if codings else ""


# --- whole tables and streams ---------------------------------------------------------------------

def code_segments(segments: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """codings.csv for the informants' segments (interviewer turns are never coded): one row per
    segment x assigned code, segments in their order, codes in codebook order. A group with ``roles``
    in the codebook is coded only in the answers of informants of those roles."""
    import pandas as pd

    coder = codebook.coder
    answers = segments[segments["speaker"] == "informant"]
    rows = [
        (segment_id, coding.code_id, coding.score, coding.matched, coding.status, coder)
        for segment_id, codings in zip(answers["segment_id"], code_answers(answers, compile_codebook(codebook)))
        for coding in codings
    ]
    return pd.DataFrame(rows, columns=CODING_COLUMNS)


def code_answers(answers: pd.DataFrame, matcher: Matcher) -> list[list[Coding]]:
    """The codings of informants' answers (``text``, ``lang`` and, if known, ``role``) as ``seci code``
    keeps them: a group with ``roles`` in the codebook only in the answers of those roles; every group
    where the role is not known."""
    coded = classify_texts(list(answers["text"]), list(answers["lang"]), matcher)
    roles = matcher.codebook.roles
    if not roles or "role" not in answers.columns:
        return coded
    group_of = matcher.codebook.code_groups
    return [[coding for coding in codings if role in roles.get(group_of[coding.code_id], (role,))]
            for role, codings in zip(answers["role"], coded)]


def classify_stream(items: Iterable[tuple[str, object, str]], codebook: Codebook, *,
                    workers: int = 1, rows: bool = False) -> Iterator:
    """``(id, codings)`` for each ``(id, text, lang)``, in order, reading ``items`` as it goes.

    Texts are coded in chunks of :data:`CHUNK_SIZE` (:func:`classify_texts`). With ``workers`` > 1,
    this process codes the first chunk and the rest are coded in that many processes, at most two
    chunks per worker in flight. Where processes are forked (Linux) the workers start from this
    process's matcher and what it learnt of the first chunk's words; elsewhere each compiles the
    codebook. Workers send their codings back as plain numbers (code and keyword positions in the
    codebook), cheap to pass between processes; this process turns them back into :class:`Coding`
    objects. With ``rows``, each item's output row (:func:`output_values`) comes instead of
    ``(id, codings)``, built by the process that coded it: then this one only reads and writes, and
    on two cores leaves them to the workers.
    """
    items = iter(items)
    chunks = iter(lambda: list(islice(items, CHUNK_SIZE)), [])
    matcher = compile_codebook(codebook)
    with fewer_collections():
        for chunk in (chunks if workers <= 1 else islice(chunks, 1)):  # all, or the first before the workers
            ids, texts, langs = zip(*chunk)
            coded = zip(ids, classify_texts(texts, langs, matcher))
            yield from (output_values(item_id, codings, codebook) for item_id, codings in coded) if rows else coded
    if workers <= 1:
        return
    inherited = matcher if _forked_workers() else None
    with multiprocessing.Pool(workers, initializer=_start_worker, initargs=(codebook, inherited)) as pool:
        pending: deque = deque()
        for chunk in chunks:
            ids, texts, langs = zip(*chunk)
            pending.append((ids, pool.apply_async(_rows_in_worker if rows else _classify_in_worker, (ids, texts, langs))))
            if len(pending) >= 2 * workers:
                yield from _received(codebook, *pending.popleft(), rows)
        while pending:
            yield from _received(codebook, *pending.popleft(), rows)


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    """Run Python's cycle collector every :data:`YOUNG_OBJECTS` new containers instead of every 700.

    Coding makes millions of small tuples and lists that die young and form no cycles; at the
    default the collector runs thousands of times looking for cycles that are not there, and now
    and then walks every object the caches hold (8% of the time, measured). The threshold is put
    back afterwards."""
    thresholds = gc.get_threshold()
    gc.set_threshold(max(thresholds[0], YOUNG_OBJECTS), *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


_worker_matcher: Matcher | None = None
_worker_positions: dict = {}  # code id -> position; (code id, keyword) -> keyword position in the code


def _forked_workers() -> bool:
    """Whether worker processes start as forks of this one, so they can inherit its matcher."""
    return (multiprocessing.get_start_method(allow_none=True) or multiprocessing.get_all_start_methods()[0]) == "fork"


def _start_worker(codebook: Codebook, matcher: Matcher | None) -> None:
    global _worker_matcher
    _worker_matcher = matcher or compile_codebook(codebook)
    gc.set_threshold(YOUNG_OBJECTS, *gc.get_threshold()[1:])  # the process only codes (see fewer_collections)
    _worker_positions.update(codebook.code_positions)
    for code in codebook.codes:
        _worker_positions.update(((code.id, term), k) for k, term in enumerate(code.evidence_terms))


def _classify_in_worker(ids: tuple, texts: tuple, langs: tuple) -> list[list[tuple]]:
    """Each text's codings as (code position, score, status, ((start, end, keyword position), ...)).
    (``ids`` unused: both worker tasks take the same arguments.)"""
    at = _worker_positions
    return [[(at[coding.code_id], coding.score, coding.status,
              tuple((hit.start, hit.end, at[hit.code_id, hit.keyword]) for hit in coding.evidence))
             for coding in codings]
            for codings in classify_texts(texts, langs, _worker_matcher)]


def _rows_in_worker(ids: tuple, texts: tuple, langs: tuple) -> list[list]:
    """Each text's output row (:func:`output_values`)."""
    codebook = _worker_matcher.codebook
    return [output_values(item_id, codings, codebook)
            for item_id, codings in zip(ids, classify_texts(texts, langs, _worker_matcher))]


def _received(codebook: Codebook, ids: tuple, result, rows: bool) -> Iterator:
    if rows:
        yield from result.get()
        return
    for item_id, codings in zip(ids, result.get()):
        yield item_id, [
            Coding(codebook.codes[code].id, score, status,
                   tuple(Hit(start, end, codebook.codes[code].id, codebook.codes[code].evidence_terms[keyword])
                         for start, end, keyword in hits))
            for code, score, status, hits in codings]


# --- `seci classify`: files in, files out ----------------------------------------------------------

@dataclass(frozen=True)
class InputRow:
    id: str
    text: object
    lang: str


def file_type(path: Path) -> str:
    kind = FILE_TYPES.get(path.suffix.lower())
    if kind is None:
        raise InputError(path, f"unknown file type '{path.suffix or '(none)'}'",
                         fix="use .csv or .jsonl (JSON Lines, one object per line)")
    return kind


def read_input(path: str | Path, default_lang: str = "id") -> Iterator[InputRow]:
    """The rows of a CSV or JSON Lines file with ``id``, ``text`` and optionally ``lang``, read lazily.

    A row without a ``lang`` takes ``default_lang``. Stops with an :class:`InputError` naming the file
    and line at a missing column, an empty or repeated id, an unknown language or an empty file.
    """
    path = Path(path)
    kind = file_type(path)
    if not path.is_file():
        raise InputError(path, "no such file", fix="check the path")
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            records = (delimited_records(path, handle, check_input_columns) if kind == "csv" else
                       json_lines_records(path, handle, check_input_columns, example='{"id": "a1", "text": "..."}'))
            yield from input_rows(path, records, default_lang)
    except UnicodeDecodeError as error:
        raise InputError(path, f"not UTF-8 text (byte {error.start} of a block)", fix="save the file as UTF-8") from None


def input_rows(path: Path, records: Iterable[tuple[int, dict]], default_lang: str) -> Iterator[InputRow]:
    """The checked rows of ``(line, record)`` read from ``path`` (any format): no empty or repeated
    id, a known language, at least one row."""
    seen: dict[str, int] = {}
    for line, record in records:
        row = _input_row(path, line, record, default_lang)
        if row.id in seen:
            raise InputError(path, f"duplicate id '{row.id}' (first on line {seen[row.id]})", line=line,
                             fix="give every row its own id")
        seen[row.id] = line
        yield row
    if not seen:
        raise InputError(path, "empty file (no rows)", fix=f"give one row per text with the columns {', '.join(INPUT_COLUMNS)}")


def check_input_columns(path: Path, line: int, names: list[str]) -> None:
    if not names:
        raise InputError(path, "empty file (no header)", fix=f"the first line must name the columns {', '.join(INPUT_COLUMNS)}")
    missing = [name for name in INPUT_COLUMNS if name not in names]
    if missing:
        raise InputError(path, f"missing column {', '.join(missing)} (found: {', '.join(names)})", line=line,
                         fix="name the columns id, text and optionally lang")


def _input_row(path: Path, line: int, record: dict, default_lang: str) -> InputRow:
    row_id = segment_text(record["id"]).strip()
    if not row_id:
        raise InputError(path, "empty id", line=line, fix="give every row an id")
    lang = segment_text(record.get("lang")).strip().lower() or default_lang
    if lang not in LANGUAGES:
        raise InputError(path, f"unknown language '{lang}'", line=line, fix=f"use one of: {', '.join(LANGUAGES)}")
    return InputRow(row_id, record["text"], lang)


def output_columns(codebook: Codebook) -> list[str]:
    """``id``, ``codes``, ``primary_code``, then per code (codebook order) its score, status and evidence."""
    per_code = [f"{code.id}_{field}" for code in codebook.codes for field in ("score", "status", "matched")]
    return ["id", "codes", "primary_code", *per_code]


def output_values(row_id: str, codings: list[Coding], codebook: Codebook) -> list:
    """One output row's values, in :func:`output_columns` order; a code's columns are empty unless it
    was assigned. A list, not a dict: building a dict per row and ``csv.DictWriter``'s lookups took a
    tenth of the time (cProfile, 10 MB of the shipped answers)."""
    values: list = [row_id, ";".join(c.code_id for c in codings), primary_code(codings)]
    values += _UNASSIGNED * len(codebook.codes)
    positions = codebook.code_positions
    for coding in codings:
        at = 3 + 3 * positions[coding.code_id]
        values[at:at + 3] = coding.score, coding.status, coding.matched
    return values


_UNASSIGNED = [None, "", ""]  # score, status and evidence of a code not assigned


def classify_file(source: str | Path, target: str | Path, codebook: Codebook, *, default_lang: str = "id",
                  workers: int = 1) -> tuple[int, int]:
    """Code every row of ``source`` into ``target`` (format by extension), streaming, written atomically.

    Returns (rows, rows with at least one code). On bad input nothing is written.
    """
    source, target = Path(source), Path(target)
    file_type(target)
    if source.exists() and target.exists() and source.resolve() == target.resolve():
        raise InputError(target, "the output would overwrite the input", fix="give --out another file name")
    rows = ((row.id, row.text, row.lang) for row in read_input(source, default_lang))
    return write_codings(rows, target, codebook, workers=workers)


def write_codings(rows: Iterable[tuple[str, object, str]], target: str | Path, codebook: Codebook, *,
                  workers: int = 1) -> tuple[int, int]:
    """Code ``(id, text, lang)`` rows into ``target`` (CSV or JSON Lines, by extension), written
    atomically; returns (rows, rows with at least one code)."""
    kind = file_type(Path(target))
    columns = output_columns(codebook)
    counts = [0, 0]
    with atomic_path(target) as tmp, open(tmp, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n") if kind == "csv" else None
        if writer:
            writer.writerow(columns)
        for values in classify_stream(rows, codebook, workers=workers, rows=True):
            counts[0] += 1
            counts[1] += bool(values[1])  # the codes column
            if writer:
                writer.writerow(values)
            else:
                out.write(json.dumps(dict(zip(columns, values)), ensure_ascii=False) + "\n")
    return counts[0], counts[1]


# --- `seci code`: a site's segments -> codings.csv -------------------------------------------------

def site_codebook(root: str | Path, site: str) -> Codebook:
    """The codebook a site's ``study.yaml`` names (``codebook:``, else the default SECI codebook) with the
    site's ``local_terms`` added (:mod:`pipeline.coding.local_terms`)."""
    return local_terms.site_codebook(load_study_config(raw_site_dir(Path(root), site)))


def read_segments(root: str | Path, site: str) -> pd.DataFrame:
    return read_table(processed_site_dir(Path(root), site) / SEGMENTS_FILE, SEGMENT_COLUMNS,
                      fix=f"run `seci ingest --site {site}` first")


def code_site(root: str | Path, site: str) -> pd.DataFrame:
    """Code a site's ``segments.csv`` with its codebook and write ``codings.csv``; returns the codings."""
    codings = code_segments(read_segments(root, site), site_codebook(root, site))
    write_csv(processed_site_dir(Path(root), site) / CODINGS_FILE, codings)
    return codings
