"""How far two codings agree: Cohen's kappa, Krippendorff's alpha, precision, recall and F1.

A *coding* maps each unit (a segment id) a coder looked at to the codes the coder assigned, in order
of precedence: the first is the unit's *primary* code, an empty tuple means "looked at, no code".
A unit missing from a coding was not coded by that coder.

What the numbers rest on (the `seci agreement` command follows docs/design.md):

- Per code, each unit is present/absent. Cohen's kappa, percent agreement, precision, recall and F1
  are computed over the units of both codings together, a unit one coder never saw counting as
  "not assigned" there. Krippendorff's alpha instead treats it as *missing*, which is what alpha is
  made for: it is computed on the units both coded (and, for three or more coders, on every unit
  two or more coded).
- Primary codes: kappa, alpha and the confusion matrix over each unit's primary code, with
  :data:`NO_CODE` for a unit without one. A file's primary code for a unit is the first code listed
  for it (``primary_code`` in a ``seci classify`` output); in ``codings.csv``, the highest score.
- Whole code sets: Krippendorff's alpha with the MASI distance (Passonneau 2006), through NLTK's
  ``AnnotationTask``, so partial overlap of two code sets counts as partial agreement.

Conventions for the edge cases (tested in ``tests/test_agreement.py``):

- Kappa and alpha are *undefined* (NaN, shown as ``n/a``, ``null`` in JSON) when there is no
  variation to agree on: a code nobody used, or one every unit got from both coders. Chance
  agreement is then 1 and both coefficients are 0/0; calling that 1.0 would report reliability the
  data cannot show. Percent agreement (1.0 there) says what little there is to say, and a note
  names the case.
- Precision is undefined when PRED never used the code, recall when GOLD never did; F1 only when
  neither did (otherwise F1 = 2TP / (2TP + FP + FN), so a code one coder never used scores 0).
  The macro average leaves undefined F1s out (codes nobody used); the micro average pools counts.
- Perfect agreement with variation gives kappa = alpha = F1 = 1.

Point estimates come from scikit-learn (kappa, precision/recall/F1, confusion matrix), the
``krippendorff`` package (alpha) and NLTK (MASI alpha). Bootstrap intervals resample units with a
seeded generator; scikit-learn per resample would take minutes, so each resample's 2x2 and
primary-code tables are counted at once with numpy, and a test checks that these counts give
scikit-learn's values on the full sample.
"""

from __future__ import annotations

import io
import math
import warnings
from statistics import NormalDist
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping, Sequence

import krippendorff
import numpy as np
import pandas as pd
from sklearn.metrics import cohen_kappa_score, confusion_matrix, precision_recall_fscore_support

from pipeline.contracts import BOOTSTRAP_MEMORY, CI_LEVEL, DEFAULT_RESAMPLES, DEFAULT_SEED
from pipeline.errors import InputError, SeciError
from pipeline.files import delimited_records, json_lines_records

Coding = dict[str, tuple[str, ...]]

NO_CODE = "(none)"  # the primary-code label of a unit that got no code
CODING_FILE_TYPES = {".csv": ",", ".tsv": "\t", ".jsonl": None, ".ndjson": None}


# --- reading codings (the edge) -------------------------------------------------------------------


@dataclass(frozen=True)
class CodingRow:
    """One assigned code as read from a file; ``code`` is empty for a unit that got none."""

    unit: str
    code: str
    line: int
    status: str = ""  # practice or barrier, where the file has a status column


def read_coding_rows(path: str | Path, coder: str | None = None) -> list[CodingRow]:
    """The rows of a long-format coding file (CSV, TSV or JSON Lines with ``id`` and ``code``).

    The wide file ``seci classify`` writes (``codes`` joined by ``;``, ``primary_code``) is read
    too, its primary code first, and so are seci-kit's own ``codings.csv``, ``human_codings.csv``
    and ``reference_codings.csv`` (``segment_id``, ``code_id``, ``coder``). A file holding several
    coders is only read for one, named by ``coder``: mixing them would compare nobody's coding.
    Bad input raises :class:`InputError` naming the file and line.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in CODING_FILE_TYPES:
        raise InputError(path, f"unknown file type {suffix or '(none)'!r}",
                         fix="save the coding as .csv, .tsv or .jsonl (JSON Lines)")
    if not path.is_file():
        raise InputError(path, "no such file", fix="check the path")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(path, f"not UTF-8 text (byte {error.start})", fix="save the file as UTF-8") from None
    if not text.strip():
        raise InputError(path, "empty file", fix="give one row per assigned code, with columns id and code")
    lines = io.StringIO(text, newline="")
    records = (json_lines_records(path, lines, _check_columns, example='{"id": "L1-004", "code": "socialization"}')
               if CODING_FILE_TYPES[suffix] is None else
               delimited_records(path, lines, _check_columns, delimiter=CODING_FILE_TYPES[suffix]))
    records = _one_coder(path, list(records), coder)
    rows = [row for line, record in records for row in _record_rows(path, line, record)]
    if not rows:
        raise InputError(path, "no rows under the header", fix="give one row per assigned code, with columns id and code")
    return rows


def _one_coder(path: Path, records: list[tuple[int, dict]], coder: str | None) -> list[tuple[int, dict]]:
    """The records of ``coder`` (all when None and the file has one coder or no ``coder`` column)."""
    coders = sorted({_cell(record.get("coder")) for _, record in records} - {""})
    if coder is None:
        if len(coders) > 1:
            raise InputError(path, f"{len(coders)} coders in one file ({', '.join(coders)})",
                             fix="choose one with --coder NAME")
        return records
    if coder not in coders:
        raise InputError(path, f"no rows of coder {coder!r}", fix=f"use one of: {', '.join(coders) or '(no coder column)'}")
    return [(line, record) for line, record in records if _cell(record.get("coder")) == coder]


def _check_columns(path: Path, line: int, names: list[str]) -> None:
    if {"segment_id", "code_id"} <= set(names):  # codings.csv, human_codings.csv, reference_codings.csv
        return
    missing = [name for name in ("id", "code") if name not in names and not (name == "code" and "codes" in names)]
    if missing:
        raise InputError(path, f"missing column {', '.join(missing)} (found: {', '.join(names) or 'none'})", line=line,
                         fix="name the columns id and code, one row per assigned code")


def _record_rows(path: Path, line: int, record: dict) -> list[CodingRow]:
    unit = _cell(record.get("id", record.get("segment_id")))
    if not unit:
        raise InputError(path, "empty id", line=line, fix="give every row the id of the unit it codes")
    if "code" in record or "code_id" in record:
        return [CodingRow(unit, _cell(record.get("code", record.get("code_id"))), line, _cell(record.get("status")))]
    else:
        primary = _cell(record.get("primary_code"))
        listed = [code.strip() for code in _cell(record["codes"]).split(";") if code.strip()]
        codes = ([primary] if primary else []) + [code for code in listed if code != primary] or [""]
        return [CodingRow(unit, code, line) for code in codes]


def _cell(value: object) -> str:
    return "" if value is None else str(value).strip()


def coding_from_rows(rows: Iterable[CodingRow]) -> Coding:
    """Rows -> coding: codes per unit in the order first listed (the first is the primary code)."""
    coding: dict[str, list[str]] = {}
    for row in rows:
        codes = coding.setdefault(row.unit, [])
        if row.code and row.code not in codes:
            codes.append(row.code)
    return {unit: tuple(codes) for unit, codes in coding.items()}


def check_codes(path: str | Path, rows: Iterable[CodingRow], known: Sequence[str], codebook_path: str | Path) -> None:
    """Every code in ``rows`` must be one of ``known`` (a codebook's ids)."""
    for row in rows:
        if row.code and row.code not in known:
            raise InputError(path, f"code {row.code!r} is not in the codebook {codebook_path}", line=row.line,
                             fix=f"use one of: {', '.join(known)}")


def codings_by_coder(codings: pd.DataFrame, units: Iterable[str] | None = None) -> dict[str, Coding]:
    """Split a ``codings.csv`` frame (segment_id, code_id, score, ..., coder) into one coding per coder.

    A coder's units are the segments it has rows for (a row with an empty ``code_id`` records a
    segment coded with no code), or ``units`` when given: a classifier codes every segment, so a
    segment without rows is "no code", not "not coded". Codes are ordered by score, highest first
    (file order on ties), so the first is the primary code.
    """
    frame = codings.fillna({"code_id": ""}).copy()
    frame["code_id"] = frame["code_id"].astype(str)
    frame["_order"] = range(len(frame))
    frame["_score"] = pd.to_numeric(frame["score"], errors="coerce").fillna(0.0) if "score" in frame else 0.0
    result: dict[str, Coding] = {}
    for coder, rows in frame.groupby("coder", sort=True):
        coding = dict.fromkeys(units if units is not None else rows["segment_id"].astype(str), ())
        ranked = rows.sort_values(["_score", "_order"], ascending=[False, True], kind="stable")
        coding.update(coding_from_rows(CodingRow(str(r.segment_id), r.code_id, 0) for r in ranked.itertuples()))
        result[str(coder)] = coding
    return result


# --- the coefficients ----------------------------------------------------------------------------


def cohen_kappa(first: Sequence, second: Sequence) -> float:
    """Cohen's kappa (scikit-learn); NaN when both coders used one and the same category only."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(cohen_kappa_score(list(first), list(second)))


def krippendorff_alpha(reliability_data: np.ndarray) -> float:
    """Nominal Krippendorff's alpha (``krippendorff`` package) of a coders x units array, NaN = missing.

    NaN when it is undefined: fewer than two distinct values among the pairable ones (units coded
    by at least two coders), or no pairable unit.
    """
    data = np.asarray(reliability_data, dtype=float)
    pairable = data[:, (~np.isnan(data)).sum(axis=0) >= 2]
    values = pairable[~np.isnan(pairable)]
    if np.unique(values).size < 2:
        return math.nan
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))


def percent_agreement(first: Sequence, second: Sequence) -> float:
    """The share of units on which the two coders gave the same value."""
    first, second = np.asarray(first), np.asarray(second)
    return float(np.mean(first == second)) if first.size else math.nan


def set_alpha(codings: Mapping[str, Coding]) -> float:
    """Krippendorff's alpha over whole code sets with the MASI distance (NLTK ``AnnotationTask``).

    Any number of coders; a unit a coder did not code is missing. A unit with no code counts as
    the set {:data:`NO_CODE`}, so that "nothing" and "something" fully disagree. NaN without variation.
    """
    triples = [(coder, unit, frozenset(codes) or frozenset({NO_CODE}))
               for coder, coding in codings.items() for unit, codes in coding.items()]
    coders_per_unit = pd.Series([unit for _, unit, _ in triples]).value_counts()
    pairable = {label for _, unit, label in triples if coders_per_unit[unit] >= 2}
    if len(pairable) < 2:
        return math.nan
    from nltk.metrics.agreement import AnnotationTask  # importing nltk takes ~2 s: only when needed
    from nltk.metrics.distance import masi_distance

    return float(AnnotationTask(data=triples, distance=masi_distance).alpha())


def alpha_by_code(codings: Mapping[str, Coding], codes: Sequence[str]) -> pd.Series:
    """Per code, nominal alpha on presence/absence across all coders (two or more), missing allowed."""
    units = sorted(set().union(*codings.values()))
    result = {}
    for code in codes:
        data = [[float(code in coding[unit]) if unit in coding else math.nan for unit in units]
                for coding in codings.values()]
        result[code] = krippendorff_alpha(np.array(data))
    return pd.Series(result, name="alpha", dtype=float)


def disagreements(codings: Mapping[str, Coding], codes: Sequence[str], units: Sequence[str] | None = None) -> pd.DataFrame:
    """Every unit x code on which coders who coded the unit differ (any number of coders).

    Columns ``unit``, ``code``, ``assigned_by`` and ``not_assigned_by`` (coder names joined by
    ``, ``); units in the order given (default: sorted), codes in the order given.
    """
    units = sorted(set().union(*codings.values())) if units is None else list(units)
    rows = []
    for unit in units:
        coders = [name for name, coding in codings.items() if unit in coding]
        for code in codes:
            assigned = [name for name in coders if code in codings[name][unit]]
            if assigned and len(assigned) < len(coders):
                rows.append((unit, code, ", ".join(assigned), ", ".join(name for name in coders if name not in assigned)))
    return pd.DataFrame(rows, columns=["unit", "code", "assigned_by", "not_assigned_by"])


def primary_codes(coding: Coding, units: Sequence[str]) -> list[str]:
    """Each unit's primary code; :data:`NO_CODE` for none or for a unit the coder did not code."""
    return [coding[unit][0] if coding.get(unit) else NO_CODE for unit in units]


# --- comparing a coding with a gold standard ---------------------------------------------------------


@dataclass
class Agreement:
    """PRED against GOLD. ``per_code`` has one row per code; NaN marks an undefined value."""

    units: list[str]
    units_gold_only: int
    units_pred_only: int
    units_neither: int
    per_code: pd.DataFrame
    macro_f1: float
    micro_f1: float
    micro_precision: float
    micro_recall: float
    exact_match: float
    set_alpha: float
    primary: dict[str, float]
    confusion: pd.DataFrame
    intervals: pd.DataFrame | None = None
    bootstrap: dict[str, float] = field(default_factory=dict)

    @property
    def n_units(self) -> int:
        return len(self.units)

    @property
    def n_units_both(self) -> int:
        return self.n_units - self.units_gold_only - self.units_pred_only - self.units_neither


def compare_codings(
    gold: Coding, pred: Coding, *, codes: Sequence[str] | None = None, units: Sequence[str] | None = None,
    resamples: int = DEFAULT_RESAMPLES, seed: int = DEFAULT_SEED,
) -> Agreement:
    """Every agreement statistic of PRED against GOLD, with bootstrap intervals unless ``resamples`` is 0.

    ``codes`` defaults to every code either coder used (sorted); pass a codebook's ids to list
    unused codes too, or a subset to compare on those alone (other codes are then ignored, also
    when picking each unit's primary code). ``units`` defaults to the units of both codings together (docs/design.md); pass
    GOLD's units when GOLD coded only a sample (the article's quotes), so PRED's codes elsewhere
    are not counted against it.
    """
    units = sorted(set(gold) | set(pred)) if units is None else list(units)
    if not units:
        raise ValueError("no units to compare")
    if codes is None:
        codes = sorted({code for coding in (gold, pred) for unit in units for code in coding.get(unit, ())})
    else:
        codes = list(codes)
        gold, pred = restrict_codes(gold, codes), restrict_codes(pred, codes)
    if not codes:
        raise ValueError("no code to compare: neither coding assigns one")
    check_resamples(resamples, len(units), len(codes))
    gold_matrix, pred_matrix = presence_matrix(gold, units, codes), presence_matrix(pred, units, codes)
    per_code = _per_code(gold, pred, units, codes, gold_matrix, pred_matrix)
    micro = precision_recall_f1(gold_matrix.ravel(), pred_matrix.ravel())  # pooled counts over all codes
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # all-NaN when every code is unused
        macro_f1 = float(np.nanmean(per_code["f1"]))  # scikit-learn's macro average with zero_division=nan
    gold_primary, pred_primary = primary_codes(gold, units), primary_codes(pred, units)
    labels = codes + [NO_CODE]
    result = Agreement(
        units=units,
        units_gold_only=sum(1 for unit in units if unit in gold and unit not in pred),
        units_pred_only=sum(1 for unit in units if unit in pred and unit not in gold),
        units_neither=sum(1 for unit in units if unit not in pred and unit not in gold),
        per_code=per_code,
        macro_f1=macro_f1, micro_f1=micro[2], micro_precision=micro[0], micro_recall=micro[1],
        exact_match=float(np.mean([set(gold.get(u, ())) == set(pred.get(u, ())) for u in units])) if units else math.nan,
        set_alpha=set_alpha({"gold": {u: gold[u] for u in units if u in gold}, "pred": {u: pred[u] for u in units if u in pred}}),
        primary={
            "kappa": cohen_kappa(gold_primary, pred_primary),
            "alpha": krippendorff_alpha(_label_reliability(gold, pred, units, labels)),
            "percent_agreement": percent_agreement(gold_primary, pred_primary),
        },
        confusion=pd.DataFrame(
            confusion_matrix(gold_primary, pred_primary, labels=labels),
            index=pd.Index(labels, name="gold"), columns=pd.Index(labels, name="pred"),
        ),
    )
    if resamples:
        result.intervals = bootstrap_intervals(gold, pred, units, codes, resamples=resamples, seed=seed)
        result.bootstrap = {"resamples": resamples, "seed": seed, "level": CI_LEVEL}
    return result


def restrict_codes(coding: Coding, codes: Sequence[str]) -> Coding:
    """The coding with only ``codes`` kept (in the coder's order); units left without code stay coded."""
    keep = set(codes)
    return {unit: tuple(code for code in assigned if code in keep) for unit, assigned in coding.items()}


def presence_matrix(coding: Coding, units: Sequence[str], codes: Sequence[str]) -> np.ndarray:
    """Units x codes, 1 where the coder assigned the code (a unit it did not code: all 0)."""
    return np.array([[int(code in coding.get(unit, ())) for code in codes] for unit in units], dtype=int).reshape(len(units), len(codes))


def precision_recall_f1(gold: np.ndarray, pred: np.ndarray) -> tuple[float, float, float]:
    """Precision, recall and F1 of 0/1 presence vectors (scikit-learn), NaN where undefined (see module doc)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scores = precision_recall_fscore_support(gold, pred, labels=[1], average=None, zero_division=np.nan)
    return float(scores[0][0]), float(scores[1][0]), float(scores[2][0])


def _per_code(gold, pred, units, codes, gold_matrix, pred_matrix) -> pd.DataFrame:
    rows = []
    for i, code in enumerate(codes):
        g, p = gold_matrix[:, i], pred_matrix[:, i]
        precision, recall, f1 = precision_recall_f1(g, p)
        rows.append({
            "code": code,
            "kappa": cohen_kappa(g, p),
            "alpha": krippendorff_alpha(_presence_reliability(gold, pred, units, code)),
            "percent_agreement": percent_agreement(g, p),
            "precision": precision, "recall": recall, "f1": f1, "support": int(g.sum()), "predicted": int(p.sum()),
            "note": _note(int(g.sum()), int(p.sum()), len(units)),
        })
    columns = ["kappa", "alpha", "percent_agreement", "precision", "recall", "f1", "support", "predicted", "note"]
    return pd.DataFrame(rows, columns=["code", *columns]).set_index("code")


def _presence_reliability(gold: Coding, pred: Coding, units, code) -> np.ndarray:
    return np.array([[float(code in coding[u]) if u in coding else math.nan for u in units] for coding in (gold, pred)])


def _label_reliability(gold: Coding, pred: Coding, units, labels) -> np.ndarray:
    index = {label: float(i) for i, label in enumerate(labels)}
    return np.array([[index[primary_codes(coding, [u])[0]] if u in coding else math.nan for u in units]
                     for coding in (gold, pred)]).reshape(2, len(units))


def _note(gold_count: int, pred_count: int, n_units: int) -> str:
    if gold_count == 0 and pred_count == 0:
        return "used by neither coder: kappa, alpha and F1 undefined"
    if gold_count == pred_count == n_units:
        return "assigned to every unit by both: kappa and alpha undefined"
    if gold_count == 0:
        return "GOLD never used it: recall undefined"
    if pred_count == 0:
        return "PRED never used it: precision undefined"
    return ""


# --- bootstrap ------------------------------------------------------------------------------------


def bootstrap_bytes(units: int, codes: int) -> tuple[int, int]:
    """An upper bound on the memory :func:`bootstrap_intervals` takes: (bytes per resample, bytes once).

    Per resample, 8 bytes a number: the unit weights twice while they turn from counts to floats, and
    numpy's temporaries beside them (3 x units; measured: just under 2 x units), the 2x2 tables and
    statistics per code (20 x codes), the primary-code tables and their kappa (2 x labels², labels = the
    codes and the no-code label); once: each unit's primary-code pair (units x labels²). A test holds
    the measured peak under it.
    """
    labels = codes + 1
    return 8 * (3 * units + 20 * codes + 2 * labels**2), 8 * units * labels**2


def check_resamples(resamples: int, units: int, codes: int) -> None:
    """Stop before any work when the bootstrap's arrays would take more than :data:`BOOTSTRAP_MEMORY`."""
    per_resample, once = bootstrap_bytes(units, codes)
    if not resamples or resamples * per_resample + once <= BOOTSTRAP_MEMORY:
        return
    most = max(0, (BOOTSTRAP_MEMORY - once) // per_resample)
    raise SeciError(
        f"{resamples:,} bootstrap resamples of {units:,} units and {codes:,} codes would need about "
        f"{(resamples * per_resample + once) / 2**30:,.1f} GiB, more than the {BOOTSTRAP_MEMORY / 2**30:g} GiB "
        f"allowed; use at most {most:,} resamples (--resamples), or 0 for no intervals")


def bootstrap_intervals(
    gold: Coding, pred: Coding, units: Sequence[str], codes: Sequence[str], *,
    resamples: int = DEFAULT_RESAMPLES, seed: int = DEFAULT_SEED, level: float = CI_LEVEL,
) -> pd.DataFrame:
    """Percentile bootstrap intervals (units resampled with replacement, ``numpy`` generator ``seed``).

    One row per statistic: ``kappa:<code>``, ``alpha:<code>``, ``precision:<code>``, ``recall:<code>``,
    ``f1:<code>``, ``macro_f1``, ``micro_f1``, ``primary_kappa``; columns ``low`` and ``high``. Resamples where a statistic is undefined are
    left out; NaN when it is undefined in all of them.
    """
    units, codes = list(units), list(codes)
    n = len(units)
    weights = np.random.default_rng(seed).multinomial(n, np.full(n, 1.0 / n), size=resamples).astype(float)
    stats = resample_statistics(presence_matrix(gold, units, codes), presence_matrix(pred, units, codes),
                                primary_codes(gold, units), primary_codes(pred, units), weights,
                                paired=np.array([unit in gold and unit in pred for unit in units]))
    tail = (1.0 - level) / 2.0 * 100.0
    rows = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, values in stats.items():
            if values.ndim == 1:
                rows[name] = np.nanpercentile(values, [tail, 100.0 - tail])
            else:
                for i, code in enumerate(codes):
                    rows[f"{name}:{code}"] = np.nanpercentile(values[:, i], [tail, 100.0 - tail])
    return pd.DataFrame.from_dict(rows, orient="index", columns=["low", "high"])


def resample_statistics(gold_matrix, pred_matrix, gold_primary, pred_primary, weights,
                        paired=None) -> dict[str, np.ndarray]:
    """Per code kappa, alpha, precision, recall and F1, macro/micro F1 and primary-code kappa for each
    row of unit ``weights``.

    A row of weights counts how often each unit was drawn; a row of ones is the sample itself.
    ``paired`` marks the units both coders coded (default: all), the only ones alpha is computed on.
    """
    g, p = gold_matrix.astype(float), pred_matrix.astype(float)
    tp, fp = weights @ (g * p), weights @ ((1 - g) * p)
    fn, tn = weights @ (g * (1 - p)), weights @ ((1 - g) * (1 - p))
    binary = np.stack([np.stack([tn, fp], axis=-1), np.stack([fn, tp], axis=-1)], axis=-2)  # (..., gold, pred)
    if paired is None or np.all(paired):
        alpha = alpha_from_counts(tp, fp, fn, tn)
    else:
        both = np.asarray(paired, dtype=float)[:, None]
        alpha = alpha_from_counts(weights @ (both * g * p), weights @ (both * (1 - g) * p),
                                  weights @ (both * g * (1 - p)), weights @ (both * (1 - g) * (1 - p)))
    with np.errstate(invalid="ignore", divide="ignore"):
        precision, recall = tp / (tp + fp), tp / (tp + fn)
        f1 = 2 * tp / (2 * tp + fp + fn)
        pooled = tp.sum(axis=1), fp.sum(axis=1), fn.sum(axis=1)
        micro = 2 * pooled[0] / (2 * pooled[0] + pooled[1] + pooled[2])
    labels = sorted(set(gold_primary) | set(pred_primary))
    k = len(labels)
    index = {label: i for i, label in enumerate(labels)}
    cells = np.zeros((len(gold_primary), k * k))
    cells[np.arange(len(gold_primary)), [index[a] * k + index[b] for a, b in zip(gold_primary, pred_primary)]] = 1
    primary = (weights @ cells).reshape(len(weights), k, k)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        macro = np.nanmean(f1, axis=1)
    return {"kappa": kappa_from_tables(binary), "alpha": alpha, "precision": precision, "recall": recall, "f1": f1,
            "macro_f1": macro, "micro_f1": micro, "primary_kappa": kappa_from_tables(primary)}


def alpha_from_counts(tp, fp, fn, tn):
    """Nominal Krippendorff's alpha of two coders on presence/absence from (weighted) 2x2 counts.

    With two coders and no missing value each unit adds one pair each way to the coincidence matrix,
    so ``alpha = 1 - (n - 1) * disagreeing / (n_absent * n_present)`` with ``n`` = 2 x units, the
    values pairable (Krippendorff 2011); NaN when only one value occurs.
    """
    tp, fp, fn, tn = (np.asarray(count, dtype=float) for count in (tp, fp, fn, tn))
    n = 2 * (tp + fp + fn + tn)
    disagreeing = fp + fn
    absent, present = 2 * tn + disagreeing, 2 * tp + disagreeing
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(absent * present > 0, 1 - (n - 1) * disagreeing / (absent * present), np.nan)


def kappa_from_tables(tables: np.ndarray) -> np.ndarray:
    """Cohen's kappa of agreement tables (..., k, k), rows one coder, columns the other; NaN when undefined."""
    n = tables.sum(axis=(-2, -1))
    with np.errstate(invalid="ignore", divide="ignore"):
        observed = np.trace(tables, axis1=-2, axis2=-1) / n
        expected = (tables.sum(axis=-1) * tables.sum(axis=-2)).sum(axis=-1) / n**2
        return np.where(np.isclose(expected, 1.0), np.nan, (observed - expected) / (1.0 - expected))


# --- showing the result -----------------------------------------------------------------------------


def wilson_interval(k: int, n: int, level: float = CI_LEVEL) -> tuple[float, float]:
    """The Wilson score interval of the proportion k/n; (nan, nan) when n is 0."""
    if n == 0:
        return math.nan, math.nan
    z = NormalDist().inv_cdf(0.5 + level / 2)
    share, spread = k / n, z * z / n
    centre = (share + spread / 2) / (1 + spread)
    half = z * math.sqrt(share * (1 - share) / n + spread / (4 * n)) / (1 + spread)
    return round(max(0.0, centre - half), 3), round(min(1.0, centre + half), 3)


def status_rows(rows: Iterable[CodingRow]) -> pd.DataFrame:
    """The codings of ``rows`` with their status (``segment_id``, ``code_id``, ``status``), for :func:`status_agreement`."""
    return pd.DataFrame([(row.unit, row.code, row.status) for row in rows if row.code],
                        columns=["segment_id", "code_id", "status"])


def status_agreement(gold: pd.DataFrame, pred: pd.DataFrame, codes: list[str], units: list[str]) -> pd.DataFrame:
    """Per code, then for all codes (``code_id`` "all"): of the codings both give one of ``units``
    (same segment, same code, each with a status), how many carry the same status (practice or
    barrier), that share with its Wilson interval, and the barriers only one side saw."""
    def assigned(rows: pd.DataFrame) -> pd.DataFrame:
        rows = rows[rows["code_id"].isin(codes) & rows["segment_id"].isin(units) & (rows["status"].astype(str) != "")]
        return rows[["segment_id", "code_id", "status"]].drop_duplicates(["segment_id", "code_id"])

    both = assigned(gold).merge(assigned(pred), on=["segment_id", "code_id"], suffixes=("_gold", "_pred"))
    rows = [_status_row(code, both[both["code_id"] == code]) for code in codes]
    return pd.DataFrame([*rows, _status_row("all", both)])


def _status_row(code: str, both: pd.DataFrame) -> dict:
    n, same = len(both), int((both["status_gold"] == both["status_pred"]).sum())
    low, high = wilson_interval(same, n) if n else (math.nan, math.nan)
    return {"code_id": code, "both": n, "same_status": same, "share": same / n if n else math.nan, "low": low, "high": high,
            "barrier_reference_only": int(((both["status_gold"] == "barrier") & (both["status_pred"] != "barrier")).sum()),
            "barrier_compared_only": int(((both["status_pred"] == "barrier") & (both["status_gold"] != "barrier")).sum())}


def status_summary(status: pd.DataFrame | None) -> dict | None:
    """The ``status`` object of ``seci agreement --json``: of the codings both files assign with a status, how
    many carry the same one, for all codes and per code; None when a file carries no status."""
    if status is None or not status.iloc[-1]["both"]:
        return None

    def entry(row: pd.Series) -> dict:
        return {"both": int(row.both), "same": int(row.same_status), "share": _number(row.share),
                "share_ci": [_number(row.low), _number(row.high)],
                "barrier_gold_only": int(row.barrier_reference_only), "barrier_pred_only": int(row.barrier_compared_only)}

    rows = status.set_index("code_id")
    return {**entry(rows.loc["all"]), "codes": {code: entry(row) for code, row in rows.drop("all").iterrows() if row.both}}


def agreement_summary(result: Agreement, status: pd.DataFrame | None = None) -> dict:
    """The JSON object of ``seci agreement --json`` (docs/design.md), undefined values as ``None``;
    ``status`` is :func:`status_agreement`'s table where both files carry a status."""
    intervals = result.intervals

    def ci(name: str) -> list | None:
        if intervals is None:
            return None
        return [_number(intervals.at[name, "low"]), _number(intervals.at[name, "high"])]

    codes = {}
    for code, row in result.per_code.iterrows():
        codes[code] = {
            "kappa": _number(row.kappa), "alpha": _number(row.alpha), "precision": _number(row.precision),
            "recall": _number(row.recall), "f1": _number(row.f1), "support": int(row.support),
            "predicted": int(row.predicted), "percent_agreement": _number(row.percent_agreement),
            **{f"{stat}_ci": ci(f"{stat}:{code}") for stat in ("kappa", "alpha", "precision", "recall", "f1")},
            "note": row.note,
        }
    return {
        "n_units": result.n_units, "n_units_both": result.n_units_both,
        "n_units_gold_only": result.units_gold_only, "n_units_pred_only": result.units_pred_only,
        "codes": codes,
        "macro_f1": _number(result.macro_f1), "micro_f1": _number(result.micro_f1),
        "micro_precision": _number(result.micro_precision), "micro_recall": _number(result.micro_recall),
        "macro_f1_ci": ci("macro_f1"), "micro_f1_ci": ci("micro_f1"),
        "exact_match": _number(result.exact_match), "set_alpha_masi": _number(result.set_alpha),
        "primary": {**{key: _number(value) for key, value in result.primary.items()},
                    "kappa_ci": ci("primary_kappa"),
                    "confusion": {"labels": list(result.confusion.index),
                                  "matrix": result.confusion.to_numpy().tolist()}},
        "bootstrap": result.bootstrap or None,
        "status": status_summary(status),
    }


def _number(value: float) -> float | None:
    return None if value is None or not math.isfinite(float(value)) else float(value)


def format_agreement(result: Agreement, status: pd.DataFrame | None = None) -> str:
    """The readable table ``seci agreement`` prints: per code, then the averages and primary codes, and
    the status agreement where both files carry a status."""
    has_ci = result.intervals is not None

    def with_ci(value: float, name: str) -> str:
        text = _fmt(value)
        if has_ci and math.isfinite(value):
            low, high = result.intervals.loc[name]
            text += f" [{_fmt(low)}, {_fmt(high)}]"
        return text

    table = pd.DataFrame({
        "code": result.per_code.index,
        "gold": result.per_code.support.to_numpy(), "pred": result.per_code.predicted.to_numpy(),
        "kappa": [with_ci(v, f"kappa:{c}") for c, v in result.per_code.kappa.items()],
        "alpha": [_fmt(v) for v in result.per_code.alpha],
        "agree": [_fmt(v) for v in result.per_code.percent_agreement],
        "precision": [_fmt(v) for v in result.per_code.precision],
        "recall": [_fmt(v) for v in result.per_code.recall],
        "f1": [with_ci(v, f"f1:{c}") for c, v in result.per_code.f1.items()],
    })
    notes = [f"  {code}: {note}" for code, note in result.per_code.note.items() if note]
    lines = [
        f"units: {result.n_units} ({result.n_units_both} in both files, {result.units_gold_only} only in GOLD, "
        f"{result.units_pred_only} only in PRED)",
        "",
        table.to_string(index=False) if len(table) else "(no codes)",
        "",
        f"macro F1 {with_ci(result.macro_f1, 'macro_f1')}   micro F1 {with_ci(result.micro_f1, 'micro_f1')}   "
        f"micro precision {_fmt(result.micro_precision)}   micro recall {_fmt(result.micro_recall)}",
        f"primary code: kappa {with_ci(result.primary['kappa'], 'primary_kappa')}   alpha {_fmt(result.primary['alpha'])}   "
        f"agreement {_fmt(result.primary['percent_agreement'])}",
        f"whole code sets: alpha (MASI) {_fmt(result.set_alpha)}   identical sets {_fmt(result.exact_match)}",
    ]
    found = status_summary(status)
    if found:
        lines.append(f"status (practice / barrier) of the {found['both']} codings both assign: {found['same']} the same "
                     f"({_fmt(found['share'])} [{_fmt(found['share_ci'][0])}, {_fmt(found['share_ci'][1])}], Wilson {CI_LEVEL:.0%})")
    if notes:
        lines[3:3] = ["notes:", *notes]
    if has_ci:
        lines.append(f"[ ] = {CI_LEVEL:.0%} bootstrap interval, {result.bootstrap['resamples']} resamples of units, "
                     f"seed {result.bootstrap['seed']}; n/a = undefined (see note)")
    return "\n".join(lines)


def _fmt(value: float) -> str:
    return "n/a" if value is None or not math.isfinite(float(value)) else f"{float(value):.3f}"
