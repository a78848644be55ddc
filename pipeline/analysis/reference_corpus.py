"""How well a codebook codes the SECI reference corpus: labelled passages by other authors.

``data/reference/seci_corpus/passages.csv`` holds short passages from published SECI studies,
textbooks and explainers, each with the mode its source assigns, split by source into ``dev`` (look
at it, tune on it), ``test1`` (scored once with codebook 2.0, then spent: development data from codebook
2.1 on), ``test2`` (scored once with codebook 2.1, then spent: development data from 2.2 on), ``test3``
(scored once with codebook 2.2, then spent: development data from 2.4 on) and ``test4`` (held out: collected
apart, scored once, never looked at by whoever tunes the codebook).
The *development* part is ``dev``, ``test1``, ``test2`` and ``test3`` together. Passages are coded on ``text_masked``
(mode names replaced by ``[MODE]``), so the codebook must recognise the practice, not the mode's name.

Rows of the other splits are dropped as the file is read: scoring the development part never holds a
``test4`` passage in memory. A passage's predicted mode is its *primary* SECI mode, the highest-scoring of the
four SECI codes (the first in codebook order on a tie), or :data:`NO_MODE` when no SECI code is
assigned. Scores per language, for all, and per kind of passage (``definition``: a source defining a
mode; ``practice``: a source describing a practice or a finding and naming its mode, the harder kind):
accuracy, Cohen's kappa over the primary labels (with "no mode" as a label of its own) and macro-F1 over
the four modes (:mod:`pipeline.analysis.agreement`).

Sub-command: ``seci score-corpus [--split development|dev|test1|test2|test3|test4] [--codebook PATH] [--json] [--misses]``.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.analysis.agreement import NO_CODE, cohen_kappa, percent_agreement, precision_recall_f1
from pipeline.coding.classify import classify_texts, compile_codebook
from pipeline.coding.codebook import Codebook
from pipeline.contracts import (
    LANGUAGES, SECI_CORPUS_FILE, SECI_CORPUS_SCORED_SPLITS, SECI_CORPUS_SPLIT_CHOICES, SECI_CORPUS_SPLITS, SECI_MODES,
)
from pipeline.errors import InputError
from pipeline.files import write_text

SPLITS = SECI_CORPUS_SPLITS
SPLIT_CHOICES = SECI_CORPUS_SPLIT_CHOICES
DEVELOPMENT = SPLIT_CHOICES[0]  # the splits one may look at and tune on, together
DEVELOPMENT_SPLITS = SPLITS[:-1]  # each test split, once scored, is development data from the next codebook on
HELD_OUT = SPLITS[-1]  # scored once, by the lead, after tuning; never listed by misses()
CORPUS_COLUMNS = ("passage_id", "lang", "mode", "kind", "text_masked", "split")
NO_MODE = NO_CODE
SCORE_COLUMNS = ("part", "n", "accuracy", "kappa", "macro_f1", "no_mode")


@dataclass(frozen=True)
class Passage:
    passage_id: str
    lang: str
    mode: str  # the mode the source assigns
    kind: str  # definition | practice
    text: str  # text_masked


def read_passages(path: str | Path = SECI_CORPUS_FILE, split: str = DEVELOPMENT) -> list[Passage]:
    """The passages of one split (or of the development part); rows of other splits are skipped unread
    beyond their ``split`` cell."""
    path = Path(path)
    if split not in SPLIT_CHOICES:
        raise ValueError(f"unknown split {split!r}; use one of {', '.join(SPLIT_CHOICES)}")
    wanted = DEVELOPMENT_SPLITS if split == DEVELOPMENT else (split,)
    if not path.is_file():
        raise InputError(path, "no such file", fix="give the path of the SECI corpus's passages.csv")
    passages = []
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [column for column in CORPUS_COLUMNS if column not in (reader.fieldnames or [])]
        if missing:
            raise InputError(path, f"missing column(s) {', '.join(missing)}", line=1,
                             fix=f"the corpus needs the columns {', '.join(CORPUS_COLUMNS)}")
        for record in reader:
            if record["split"] not in wanted:
                continue
            if record["lang"] not in LANGUAGES or record["mode"] not in SECI_MODES:
                raise InputError(path, f"passage {record['passage_id']}: unknown language or mode", line=reader.line_num,
                                 fix=f"lang is one of {', '.join(LANGUAGES)}, mode one of {', '.join(SECI_MODES)}")
            passages.append(Passage(record["passage_id"], record["lang"], record["mode"], record["kind"], record["text_masked"]))
    if not passages:
        raise InputError(path, f"no passage in split '{split}'", fix="check the split column")
    return passages


def predicted_modes(passages: list[Passage], codebook: Codebook) -> list[str]:
    """Each passage's primary SECI mode under ``codebook``, or :data:`NO_MODE`."""
    coded = classify_texts([p.text for p in passages], [p.lang for p in passages], compile_codebook(codebook))
    modes = []
    for codings in coded:
        seci = [coding for coding in codings if coding.code_id in SECI_MODES]
        modes.append(max(seci, key=lambda coding: coding.score).code_id if seci else NO_MODE)
    return modes


def mode_scores(gold: list[str], predicted: list[str]) -> dict[str, float]:
    """Accuracy, kappa and macro-F1 over the four modes of primary-mode labels, and the count without a mode."""
    gold_array, predicted_array = np.array(gold), np.array(predicted)
    f1s = [precision_recall_f1((gold_array == mode).astype(int), (predicted_array == mode).astype(int))[2]
           for mode in SECI_MODES]
    return {
        "n": len(gold),
        "accuracy": percent_agreement(gold, predicted),
        "kappa": cohen_kappa(gold, predicted),
        "macro_f1": float(np.nanmean(f1s)),
        "no_mode": int(np.sum(predicted_array == NO_MODE)),
    }


def score_corpus(codebook: Codebook, path: str | Path = SECI_CORPUS_FILE, split: str = DEVELOPMENT) -> dict[str, dict[str, float]]:
    """Scores of ``codebook`` on one split: per language present (``id``, ``en``), ``all``, then per kind
    of passage present (``definition``, ``practice``)."""
    passages = read_passages(path, split)
    predicted = predicted_modes(passages, codebook)
    parts = [(lang, lambda passage, lang=lang: passage.lang == lang) for lang in LANGUAGES]
    parts.append(("all", lambda passage: True))
    parts += [(kind, lambda passage, kind=kind: passage.kind == kind) for kind in sorted({p.kind for p in passages})]
    scores = {}
    for part, belongs in parts:
        chosen = [n for n, passage in enumerate(passages) if belongs(passage)]
        if chosen:
            scores[part] = mode_scores([passages[n].mode for n in chosen], [predicted[n] for n in chosen])
    return scores


def scores_as_json(scores: dict[str, dict[str, float]]) -> dict[str, dict[str, float | None]]:
    """The scores with each undefined figure as None (JSON null): kappa is undefined when every passage of a
    language has the same mode and the coder agrees, macro-F1 when no mode is given or found."""
    return {part: {name: None if isinstance(value, float) and np.isnan(value) else value for name, value in values.items()}
            for part, values in scores.items()}


def score_table(scores: dict[str, dict[str, float]]) -> pd.DataFrame:
    """The scores as a table for notebooks: one row per language, then all, then one per kind of passage."""
    table = pd.DataFrame([{"part": part, **values} for part, values in scores.items()], columns=list(SCORE_COLUMNS))
    return table.astype({"accuracy": float, "kappa": float, "macro_f1": float})  # an undefined figure (None): NaN


def development_scores(root: str | Path, codebook: Codebook) -> pd.DataFrame | None:
    """:func:`score_table` of the development part under ``root``, as a report shows it; None when the project has no corpus."""
    path = Path(root) / SECI_CORPUS_FILE
    return score_table(score_corpus(codebook, path)) if path.is_file() else None


def score_record_path(root: str | Path, split: str) -> Path:
    """Where the one scoring of a held-out split is kept: ``<split>_score.json`` beside the passages."""
    return (Path(root) / SECI_CORPUS_FILE).with_name(f"{split}_score.json")


def record_held_out_score(root: str | Path, codebook: Codebook, scored: str) -> dict:
    """Score the held-out split once and keep the result (``seci score-corpus --split test4 --record``).

    Refuses when the split already has a record: a held-out split gives one honest figure, for the
    codebook it was first scored with; a later codebook needs passages nobody has tuned on."""
    target = score_record_path(root, HELD_OUT)
    if target.exists():
        raise InputError(target, f"the {HELD_OUT} split was already scored once; a held-out split is not scored again",
                         fix="score a new codebook on a new held-out split that nobody tuning it has looked at")
    passages = read_passages(Path(root) / SECI_CORPUS_FILE, HELD_OUT)
    record = {"split": HELD_OUT, "scored": scored, "codebook": codebook.coder, "passages": len(passages),
              "scores": scores_as_json(score_corpus(codebook, Path(root) / SECI_CORPUS_FILE, HELD_OUT))}
    write_text(target, json.dumps(record, indent=2, allow_nan=False) + "\n")
    return record


def recorded_held_out_scores(root: str | Path) -> list[dict]:
    """The held-out splits' scores as they were recorded when each was scored, once (``split``,
    ``scored``, ``codebook``, ``passages``, ``scores`` as :func:`score_table`), in split order; the
    splits never scored are left out. Read, never recomputed: a report does not score a held-out split
    again (test1, test2 and test3 were scored with codebooks 2.0, 2.1 and 2.2 and are development data since)."""
    records = []
    for split in SECI_CORPUS_SCORED_SPLITS:
        path = score_record_path(root, split)
        if not path.is_file():
            continue
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
            records.append({"split": split, "scored": str(record["scored"]), "codebook": str(record["codebook"]),
                            "passages": int(record["passages"]), "scores": score_table(record["scores"])})
        except (ValueError, KeyError, TypeError) as error:
            raise InputError(path, f"not a recorded score ({error})",
                             fix=f"write it with `seci score-corpus --split {split} --record`") from None
    return records


def misses(codebook: Codebook, path: str | Path = SECI_CORPUS_FILE, split: str = DEVELOPMENT) -> pd.DataFrame:
    """The passages of a development split whose primary mode differs from the source's, with what was
    predicted: what to look at when tuning. There is no such list for the held-out split, whose passages are
    not to be looked at."""
    if split == HELD_OUT:
        raise ValueError(f"the {HELD_OUT} split is held out: its passages are not listed")
    passages = read_passages(path, split)
    predicted = predicted_modes(passages, codebook)
    return pd.DataFrame([(p.passage_id, p.lang, p.mode, mode, p.text) for p, mode in zip(passages, predicted) if mode != p.mode],
                        columns=["passage_id", "lang", "mode", "predicted", "text"])
