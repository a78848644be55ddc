"""The tables a qualitative researcher reads the coded interviews through.

Corpus overview, code frequencies (by mode, role and informant), the code x informant and
co-occurrence matrices, practice vs barrier, exemplar quotes, keyword-in-context and the summaries of
each codebook group. Every function takes a :class:`~pipeline.analysis.study.Study` and returns a
DataFrame.

What is counted: a *segment* is one coded unit of an informant (interviewer turns are never counted);
a code "has evidence" from an informant when at least one of that informant's segments carries it.
Per-code tables follow codebook order, informant tables follow ``informants.csv`` order.
"""

from __future__ import annotations

import re

import pandas as pd

from pipeline.analysis.study import Study, evidence
from pipeline.coding.tokens import WORD
from pipeline.contracts import ROLES
from pipeline.words import text

# A count resting on fewer informants or codings than these is flagged where it is shown (``few``): a
# small new site would otherwise read a theme from one or two answers as firmly as from twenty.
MIN_INFORMANTS, MIN_CODINGS = 3, 5

SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
NO_UNIT = "–"  # shown where informants.csv leaves the unit empty (patrons)


def few(informants: int, codings: int) -> bool:
    """Whether a count rests on fewer than :data:`MIN_INFORMANTS` informants or :data:`MIN_CODINGS` codings."""
    return informants < MIN_INFORMANTS or codings < MIN_CODINGS


def informants_by_role_and_unit(study: Study) -> pd.DataFrame:
    """How many informants of each role and unit, and who they are (role order, then unit)."""
    units = study.informants["unit"] if "unit" in study.informants else ""
    informants = study.informants.assign(unit=units).replace({"unit": {"": NO_UNIT}})
    rows = []
    for role in ROLES:
        of_role = informants[informants["role"] == role]
        for unit, group in of_role.groupby("unit", sort=True):
            rows.append({"role": role, "unit": unit, "informants": len(group),
                         "informant_ids": ", ".join(group["informant_id"])})
    return pd.DataFrame(rows, columns=["role", "unit", "informants", "informant_ids"])


def word_count(text: str) -> int:
    """Words as the classifier reads them: "e-book" and "buku-buku" are one word each."""
    return len(WORD.findall(text))


def words_and_turns(study: Study) -> pd.DataFrame:
    """Per informant: answer turns, words in them, words per turn, and the interviewer's turns.

    Turns are counted by the ``turn`` column, so a sentence-level segmentation gives the same numbers as
    the default one segment per answer. An informant without segments shows zeros (a missing transcript).
    """
    segments = study.segments.assign(words=study.segments["text"].map(word_count))
    rows = []
    for informant in study.informants.itertuples():
        own = segments[segments["informant_id"] == informant.informant_id]
        answers = own[own["speaker"] == "informant"]
        turns = answers["turn"].nunique()
        words = int(answers["words"].sum())
        rows.append({
            "informant_id": informant.informant_id, "role": informant.role, "turns": turns, "words": words,
            "words_per_turn": round(words / turns, 1) if turns else 0.0,
            "interviewer_turns": own.loc[own["speaker"] == "interviewer", "turn"].nunique(),
        })
    return pd.DataFrame(rows)


def corpus_totals(study: Study) -> dict[str, int]:
    """Informants (all, librarians, patrons) and the informants' answer turns and words, for the prose."""
    table = words_and_turns(study)
    return {"informants": len(study.informants), "librarians": len(study.informant_ids("librarian")),
            "patrons": len(study.informant_ids("patron")), "turns": int(table["turns"].sum()),
            "words": int(table["words"].sum())}


def themes(study: Study, group: str, lang: str) -> str:
    """The labels of a codebook group's codes as one phrase ("Motivation, Knowledge and Skills"): an
    introduction names what the site's own codebook codes, not what one study happened to find."""
    labels = [study.label(code, lang) for code in study.codes(group)]
    return text("report.and_list", lang, head=", ".join(labels[:-1]), last=labels[-1]) if len(labels) > 1 else "".join(labels)


def coverage(study: Study, group: str | None = None) -> dict:
    """How many informant answers carry at least one code (of a group): ``coded``, ``answers``, ``share`` (%)."""
    answers = len(study.answers())
    codings = study.coded()
    coded = codings[codings["code_id"].isin(study.codes(group))]["segment_id"].nunique()
    return {"coded": coded, "answers": answers, "share": round(100 * coded / answers) if answers else 0}


# --- codes: frequencies, matrices, status ---------------------------------------------------------

def code_frequencies(study: Study, group: str | None = None, lang: str = "en") -> pd.DataFrame:
    """Per code: segments coded, their share of all informant segments, informants with evidence, and
    ``few`` (:func:`few`; a segment carries a code once, so its segments are its codings)."""
    coded = study.coded()
    total = len(study.answers())
    rows = []
    for code_id in study.codes(group):
        of_code = coded[coded["code_id"] == code_id]
        informants = of_code["informant_id"].nunique()
        rows.append({
            "code_id": code_id, "code": study.label(code_id, lang), "segments": len(of_code),
            "share_of_segments": round(100 * len(of_code) / total, 1) if total else 0.0,
            "informants": informants, "few": few(informants, len(of_code)),
        })
    return pd.DataFrame(rows, columns=["code_id", "code", "segments", "share_of_segments", "informants", "few"])


def code_by_role(study: Study, group: str | None = None, lang: str = "en") -> pd.DataFrame:
    """Segments per code (rows, labels) and role (columns), zeros included; then per role ``few_<role>``,
    whether that count rests on few informants of the role or few codings (:func:`few`)."""
    coded = study.coded()
    codes = study.codes(group)
    table = pd.crosstab(coded["code_id"], coded["role"]).reindex(index=codes, columns=list(ROLES)).fillna(0).astype(int)
    speakers = coded.groupby(["code_id", "role"])["informant_id"].nunique()
    for role in ROLES:
        table[f"few_{role}"] = [few(int(speakers.get((code_id, role), 0)), int(table.loc[code_id, role]))
                                for code_id in codes]
    return _labelled(table, study, lang)


def code_by_informant(study: Study, group: str | None = None, lang: str = "en") -> pd.DataFrame:
    """The code x informant matrix: how many of each informant's segments carry each code; the last
    column, ``few``, says whether the code's row rests on few informants or codings (:func:`few`)."""
    coded = study.coded()
    table = pd.crosstab(coded["code_id"], coded["informant_id"])
    table = table.reindex(index=study.codes(group), columns=study.informant_ids()).fillna(0).astype(int)
    table["few"] = [few(int((row > 0).sum()), int(row.sum())) for _, row in table.iterrows()]
    return _labelled(table, study, lang)


def cooccurrence(study: Study, group: str | None = None, lang: str = "en") -> pd.DataFrame:
    """Segments coded with both codes (symmetric); the diagonal is the segments coded with that code."""
    codes = study.codes(group)
    coded = study.coded()
    presence = pd.crosstab(coded["segment_id"], coded["code_id"]).reindex(columns=codes).fillna(0).clip(upper=1)
    matrix = presence.T.dot(presence).astype(int)
    matrix.index.name, matrix.columns.name = "code_id", None
    return _labelled(matrix.reindex(index=codes, columns=codes).fillna(0).astype(int), study, lang, columns=True)


def status_by_code(study: Study, group: str | None = None, role: str | None = None, lang: str = "en") -> pd.DataFrame:
    """Per code: codings reported as a practice and as a barrier ("belum maksimal"), the barrier share,
    the informants they come from, and ``few`` (:func:`few`)."""
    coded = study.coded(role)
    rows = []
    for code_id in study.codes(group):
        of_code = coded[coded["code_id"] == code_id]
        practice = int((of_code["status"] == "practice").sum())
        barrier = int((of_code["status"] == "barrier").sum())
        informants = of_code["informant_id"].nunique()
        rows.append({
            "code_id": code_id, "code": study.label(code_id, lang), "practice": practice, "barrier": barrier,
            "barrier_share": round(barrier / (practice + barrier), 2) if practice + barrier else 0.0,
            "informants": informants, "few": few(informants, practice + barrier),
        })
    return pd.DataFrame(rows, columns=["code_id", "code", "practice", "barrier", "barrier_share", "informants", "few"])


def _labelled(table: pd.DataFrame, study: Study, lang: str, columns: bool = False) -> pd.DataFrame:
    """Rows (and columns) renamed from code ids to the codebook's labels in ``lang``."""
    labels = {code_id: study.label(code_id, lang) for code_id in study.codes()}
    table = table.rename(index=labels, columns=labels if columns else None)
    table.index.name = "code"
    table.columns.name = None
    return table


def exemplar_quotes(study: Study, codes: list[str] | None = None, n: int = 3, role: str | None = None,
                    lang: str = "en") -> pd.DataFrame:
    """Up to ``n`` quotes per code, chosen by a rule a reader can check.

    Strongest evidence first (highest ``score``), at most one quote per informant until every informant
    with evidence for the code has one, so the quotes spread across voices; ties go to the lower
    ``segment_id``. ``terms`` lists the words that carried the code in that answer, ``passage`` the
    sentences of the answer that hold most of them (see :func:`quote_passage`).
    """
    coded = study.coded(role)
    picked = []
    for code_id in codes if codes is not None else study.codes():
        of_code = coded[coded["code_id"] == code_id].sort_values(["score", "segment_id"], ascending=[False, True])
        of_code = of_code.assign(round=of_code.groupby("informant_id").cumcount())
        of_code = of_code.sort_values(["round", "score", "segment_id"], ascending=[True, False, True]).head(n)
        picked.append(of_code.assign(code=study.label(code_id, lang), rank=range(1, len(of_code) + 1)))
    columns = ["code_id", "code", "rank", "segment_id", "informant_id", "role", "score", "status", "terms", "passage"]
    if not picked:
        return pd.DataFrame(columns=columns)
    quotes = pd.concat(picked, ignore_index=True)
    spans = quotes["matched"].map(evidence)
    quotes["terms"] = spans.map(lambda items: ", ".join(_unique(term for term, _, _ in items)))
    quotes["passage"] = [quote_passage(text, items) for text, items in zip(quotes["text"], spans)]
    return quotes[columns]


def quote_passage(text: str, spans: list[tuple[str, int, int]], sentences: int = 2) -> str:
    """The sentences of an answer that hold the most evidence (up to ``sentences``, in reading order)."""
    bounds, start = [], 0
    for end in [match.start() for match in SENTENCE_END.finditer(text)] + [len(text)]:
        bounds.append((start, end))
        start = end
        while start < len(text) and text[start].isspace():
            start += 1
    hits = [sum(start <= s < end for _, s, _ in spans) for start, end in bounds]
    chosen = sorted(sorted(range(len(bounds)), key=lambda i: (-hits[i], i))[:sentences])
    chosen = [i for i in chosen if hits[i]] or chosen[:1]
    parts, previous = [], None
    for i in chosen:
        if previous is not None and i != previous + 1:
            parts.append("…")
        parts.append(text[bounds[i][0]:bounds[i][1]].strip())
        previous = i
    return " ".join(parts)


def keyword_in_context(study: Study, codes: list[str] | None = None, width: int = 40, role: str | None = None,
                       lang: str = "en") -> pd.DataFrame:
    """Every matched keyword of the given codes with ``width`` characters of its segment either side.

    ``keyword`` is the codebook term that fired, ``term`` the words it matched, cut from the segment by
    the offsets the classifier recorded, so what is shown is exactly what fired. Rows follow codebook
    order, then segment id, then position.
    """
    rows = [{
        "code_id": coding.code_id, "code": study.label(coding.code_id, lang), "segment_id": coding.segment_id,
        "informant_id": coding.informant_id, "status": coding.status, "keyword": keyword,
        "left": _clip_left(coding.text[:start], width), "term": coding.text[start:end],
        "right": _clip_right(coding.text[end:], width),
    } for coding, keyword, start, end in _occurrences(study, codes, role)]
    return pd.DataFrame(rows, columns=["code_id", "code", "segment_id", "informant_id", "status", "keyword", "left",
                                       "term", "right"])


def _occurrences(study: Study, codes: list[str] | None, role: str | None):
    """Each (coding, keyword, start, end) of the given codes: codebook order, segment id, position."""
    coded = study.coded(role)
    for code_id in codes if codes is not None else study.codes():
        for coding in coded[coded["code_id"] == code_id].sort_values("segment_id").itertuples():
            for keyword, start, end in sorted(evidence(coding.matched), key=lambda item: item[1]):
                yield coding, keyword, start, end


def carrying_terms(study: Study, codes: list[str] | None = None, role: str | None = None, lang: str = "en") -> pd.DataFrame:
    """Which codebook keywords carried each code: occurrences, segments and informants per keyword.

    Within a code, keywords used by more informants come first, then more occurrences, then alphabetical.
    """
    occurrences = pd.DataFrame(
        [(coding.code_id, study.label(coding.code_id, lang), keyword, coding.segment_id, coding.informant_id)
         for coding, keyword, _, _ in _occurrences(study, codes, role)],
        columns=["code_id", "code", "keyword", "segment_id", "informant_id"])
    table = (occurrences.groupby(["code_id", "code", "keyword"], sort=False)
             .agg(occurrences=("segment_id", "size"), segments=("segment_id", "nunique"),
                  informants=("informant_id", "nunique"))
             .reset_index())
    order = {code_id: position for position, code_id in enumerate(study.codes())}
    table = table.assign(_order=table["code_id"].map(order))
    table = table.sort_values(["_order", "informants", "occurrences", "keyword"], ascending=[True, False, False, True])
    return table.drop(columns="_order").reset_index(drop=True)


def _clip_left(text: str, width: int) -> str:
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    cut = text[-width:]
    return "…" + (cut.split(" ", 1)[1] if " " in cut[1:] else cut)


def _clip_right(text: str, width: int) -> str:
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    cut = text[:width]
    return (cut.rsplit(" ", 1)[0] if " " in cut[:-1] else cut) + "…"


def _unique(items) -> list:
    return list(dict.fromkeys(items))


# --- themes: librarian performance, the patrons' view ---------------------------------------------

def theme_summary(study: Study, group: str, role: str, lang: str = "en", top_terms: int = 4) -> pd.DataFrame:
    """Per code of a group, as the informants of one role speak of it.

    ``informants`` with evidence out of ``role_informants`` (that role in informants.csv), who they are,
    ``segments``, ``practice``/``barrier`` codings, the terms that carried the code for most informants
    (with how many informants used each), and ``few``: fewer than :data:`MIN_INFORMANTS` informants or
    :data:`MIN_CODINGS` codings.
    """
    coded = study.coded(role)
    everyone = study.informant_ids(role)
    terms = carrying_terms(study, study.codes(group), role=role, lang=lang)
    rows = []
    for code_id in study.codes(group):
        of_code = coded[coded["code_id"] == code_id]
        speakers = [informant for informant in everyone if informant in set(of_code["informant_id"])]
        top = terms[terms["code_id"] == code_id].head(top_terms)
        practice, barrier = int((of_code["status"] == "practice").sum()), int((of_code["status"] == "barrier").sum())
        rows.append({
            "code_id": code_id, "code": study.label(code_id, lang),
            "informants": len(speakers), "role_informants": len(everyone), "informant_ids": ", ".join(speakers),
            "segments": len(of_code), "practice": practice, "barrier": barrier,
            "terms": ", ".join(f"{row.keyword} ({row.informants})" for row in top.itertuples()),
            "few": few(len(speakers), practice + barrier),
        })
    return pd.DataFrame(rows, columns=["code_id", "code", "informants", "role_informants", "informant_ids", "segments",
                                       "practice", "barrier", "terms", "few"])
