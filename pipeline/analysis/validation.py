"""The validation report (``notebooks/06_validation.ipynb``): can the keyword coder be trusted?

Its parts, each returned as Markdown plus the tables it shows, so the notebook only displays them:

1. the classifier against the site's reference coding (``data/reference/<site>/``: each coder's own
   coding and the adjudicated set), and the reference's coders against each other
   (:func:`reference_validation`); a site without one is told what it can check instead;
2. the article's quotes, each coded on its own text (:func:`quote_validation`);
3. the classifier against each human coder of ``human_codings.csv`` (:func:`classifier_vs_humans`);
4. the human coders among themselves (:func:`humans_among_themselves`);
5. the classifier on the development part of the SECI reference corpus (:func:`development_corpus`);
6. how far the findings hinge on single keywords (:func:`keyword_robustness`).

A reference or human coder is GOLD and the classifier is compared on the answers that coder coded.
Every disagreement with a human coder is listed with the answer's text and the terms that fired.
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import pandas as pd

from pipeline.analysis import agreement, robustness
from pipeline.analysis.findings import article_quote_units, study_language
from pipeline.analysis.parts import Part, Table
from pipeline.analysis.reference_coding import REFERENCE_README, ReferenceCoding
from pipeline.analysis.study import Study, evidence
from pipeline.coding.classify import BARRIER, classify_texts, compile_codebook, primary_code
from pipeline.contracts import (
    CODING_COLUMNS, HUMAN_CODINGS_FILE, REFERENCE_CODINGS_FILE, REFERENCE_DIR, processed_site_dir,
)
from pipeline.files import read_table
from pipeline.words import code_span, literal, text

SECI_GROUP = "seci"


# --- the codings compared -----------------------------------------------------------------------------


def classifier_coding(study: Study) -> tuple[str, agreement.Coding]:
    """The classifier's name (:attr:`~pipeline.coding.codebook.Codebook.coder`) and its coding of every informant answer."""
    answers = list(study.answers()["segment_id"])
    name = study.codebook.coder
    codings = study.codings.assign(coder=name)
    return name, agreement.codings_by_coder(codings, units=answers).get(name, dict.fromkeys(answers, ()))


def read_human_codings(root: str | Path, site: str) -> pd.DataFrame:
    """The rows of ``data/processed/<site>/human_codings.csv`` (every human coder's, with status); none when absent."""
    path = processed_site_dir(Path(root), site) / HUMAN_CODINGS_FILE
    if not path.is_file():
        return pd.DataFrame(columns=CODING_COLUMNS)
    return read_table(path, CODING_COLUMNS, fix="import the sheets again with `seci import-coding`")


# --- the parts ---------------------------------------------------------------------------------------------


def introduction(study: Study, lang: str, resamples: int, seed: int) -> str:
    title = "# " + text("validation.title", lang, title=literal(study.title or study.site))
    title += "\n\n" + text("report.reconstruction", lang, note=literal(study.note)) if study.note else ""
    return title + "\n\n" + text("validation.intro", lang, classifier=code_span(classifier_coding(study)[0]),
                                 level=round(100 * agreement.CI_LEVEL),
                                 resamples=resamples, seed=seed)


def reference_validation(study: Study, reference: ReferenceCoding | None, humans: pd.DataFrame, lang: str,
                         resamples: int, seed: int) -> Part:
    """The classifier against the adjudicated reference coding, per code and on status, and the
    reference's own coders against each other and against the reference.

    Without a reference coding the part says what the site can check instead: its human codings, or
    that none exist yet.
    """
    heading = f"## {text('validation.h_reference', lang)}\n\n"
    if reference is None:
        where = code_span(f"{REFERENCE_DIR}/{study.site}/{REFERENCE_CODINGS_FILE}")
        coders = sorted(set(humans["coder"]))
        instead = (text("validation.no_reference_humans", lang, n=len(coders), coders=literal(", ".join(coders))) if coders
                   else text("validation.no_reference_no_humans", lang, site=code_span(study.site)))
        return Part(heading + text("validation.no_reference_coding", lang, path=where) + " " + instead)
    where = code_span(f"{REFERENCE_DIR}/{study.site}/{reference.file}")
    name, classifier = classifier_coding(study)
    gold_name, gold_coding = next(iter(agreement.codings_by_coder(reference.reference).items()))
    codes = study.codes()
    results = reference_comparisons(study, gold_name, gold_coding, agreement.codings_by_coder(reference.coders),
                                    name, classifier, resamples, seed)
    result = results[gold_name, name]
    status = agreement.status_agreement(reference.reference, study.codings, codes, units=list(gold_coding))
    total = status.iloc[-1]
    status.insert(1, "code", [study.label(c, lang) if c in codes else text("validation.all_codes", lang) for c in status["code_id"]])
    markdown = heading + provenance(reference, lang) + "\n\n" + text(
        "validation.reference_intro", lang, path=where, units=result.n_units, coder=literal(gold_name),
        classifier=code_span(name), seci_kappa=_fmt(mean_kappa(result, seci_codes(study))),
        kappa=_fmt(mean_kappa(result, codes)), both=int(total["both"]), same=int(total["same_status"]),
        share=_percent(total["share"]))
    return Part(markdown, [
        Table("validation_reference_codes", per_code_table(result, study, lang), text("validation.cap_reference_codes", lang)),
        Table("validation_reference_status", status, text("validation.cap_reference_status", lang)),
        Table("validation_reference_summary", comparison_summary(study, results), text("validation.cap_reference_summary", lang)),
        Table("validation_reference_coders", comparison_per_code(study, results, lang), text("validation.cap_reference_coders", lang)),
    ])


def provenance(reference: ReferenceCoding, lang: str) -> str:
    """What the reference coding is, in its folder's own words, and what its files hold."""
    readme = code_span(reference.folder.name + "/" + REFERENCE_README)
    said = (text("validation.reference_said", lang, readme=readme) + "\n\n> " + literal(reference.description)
            if reference.description else text("validation.reference_unexplained", lang, readme=readme))
    if not reference.adjudicated:
        return said + "\n\n" + text("validation.reference_single", lang, file=code_span(reference.file))
    coders = sorted(set(reference.coders["coder"]))
    return said + "\n\n" + text("validation.reference_files", lang, n=len(coders), coders=literal(", ".join(coders) or "-"),
                                notes=reference.notes)


def reference_comparisons(study: Study, gold_name: str, gold: agreement.Coding, coders: dict[str, agreement.Coding],
                          classifier_name: str, classifier: agreement.Coding,
                          resamples: int, seed: int) -> dict[tuple[str, str], agreement.Agreement]:
    """(reference, compared) -> their agreement over every code, on the reference's units: each pair of
    the reference's coders, each coder against the adjudicated set, then the classifier against it."""
    pairs = [(first, coders[first], second, coders[second]) for first, second in itertools.combinations(coders, 2)]
    pairs += [(gold_name, gold, coder, coding) for coder, coding in coders.items()]
    pairs.append((gold_name, gold, classifier_name, classifier))
    return {(reference, compared): agreement.compare_codings(reference_coding, compared_coding, codes=study.codes(),
                                                             units=list(reference_coding), resamples=resamples, seed=seed)
            for reference, reference_coding, compared, compared_coding in pairs}


def comparison_summary(study: Study, results: dict[tuple[str, str], agreement.Agreement]) -> pd.DataFrame:
    """One row per comparison, with the mean kappa over all codes and over the SECI modes."""
    return pd.DataFrame([{**summary_row(reference, compared, result), "mean_kappa": mean_kappa(result, study.codes()),
                          "mean_kappa_seci": mean_kappa(result, seci_codes(study))}
                         for (reference, compared), result in results.items()])


def comparison_per_code(study: Study, results: dict[tuple[str, str], agreement.Agreement], lang: str) -> pd.DataFrame:
    """Kappa and alpha per code of each comparison, with their intervals when computed."""
    tables = []
    for (reference, compared), result in results.items():
        table = per_code_table(result, study, lang, stats=("kappa", "alpha"))
        kept = [column for column in table.columns if column.partition("_")[0] in ("code", "kappa", "alpha")]
        tables.append(table[kept].assign(reference=reference, compared=compared))
    frame = pd.concat(tables, ignore_index=True)
    return frame[["reference", "compared", *frame.columns[:-2]]]


def quote_validation(study: Study, article: dict | None, lang: str) -> Part:
    """The article's quotes coded on their own text, one row per distinct quote, against the code the
    article files each under.

    Only the quote string is coded, never the answer it sits in, so that words around the quote in a
    transcript cannot decide its code. A site without reference findings (no ``reference:`` in
    study.yaml) has no quotes to check: the part then says so.
    """
    heading = f"## {text('validation.h_quotes', lang)}\n\n"
    if article is None:
        return Part(heading + text("validation.no_quotes", lang))
    table = quote_table(study, article, lang)
    markdown = heading + text("validation.quotes_intro", lang, quotes=len(article["quotes"]), distinct=len(table),
                              cited=int(table["cited"].sum()), agree=int(table["agree"].sum()),
                              uncoded=int((table["codes"] == "").sum()))
    return Part(markdown, [Table("validation_quotes", table, text("validation.cap_quotes", lang))])


def quote_table(study: Study, article: dict, lang: str) -> pd.DataFrame:
    """One row per distinct quote text (whitespace and case aside): the quotes that print it, how many
    informants it is attributed to (``cited``) and in how many of this site's answers it is found, the
    article's code, the classifier's primary code among the codes the article files quotes under, all
    the codes it gives the quote with their status, and the terms that fired."""
    site_lang = study_language(study)
    found = article_quote_units(study, article)
    answers = found[found["segment_id"] != ""].groupby("quote_id")["segment_id"].nunique()
    distinct: dict[str, list[dict]] = {}
    for quote in article["quotes"]:
        passage = quote.get(f"text_{site_lang}") or quote["text_id"]
        distinct.setdefault(" ".join(passage.split()).casefold(), []).append({**quote, "passage": passage})
    compared = list(dict.fromkeys(quote["code"] for quote in article["quotes"] if quote.get("code")))
    groups = list(distinct.values())
    matcher = compile_codebook(study.codebook)
    coded = classify_texts([group[0]["passage"] for group in groups], [site_lang] * len(groups), matcher)
    label = lambda code: study.label(code, lang) if code else ""  # noqa: E731
    rows = []
    for group, codings in zip(groups, coded):
        filed = list(dict.fromkeys(quote.get("code") or "" for quote in group))
        primary = primary_code([coding for coding in codings if coding.code_id in compared])
        rows.append({
            "quote_id": ", ".join(quote["id"] for quote in group),
            "informants": ", ".join(dict.fromkeys(i for quote in group for i in quote["informants"])),
            "cited": sum(len(quote["informants"]) for quote in group),
            "answers": int(sum(answers.get(quote["id"], 0) for quote in group)),
            "article_code": ", ".join(label(code) or text("report.none", lang) for code in filed),
            "primary_code": label(primary), "agree": primary in filed,
            "codes": ", ".join(label(c.code_id) + (f" ({text('report.value_barrier', lang)})" if c.status == BARRIER else "")
                               for c in codings),
            "terms": "; ".join(f"{label(c.code_id)}: {', '.join(dict.fromkeys(hit.term.lower() for hit in c.evidence))}"
                               for c in codings),
            "passage": group[0]["passage"],
        })
    return pd.DataFrame(rows)


def classifier_vs_humans(study: Study, humans: pd.DataFrame, lang: str, resamples: int, seed: int) -> Part:
    """The classifier against each human coder, on the answers that coder coded, codes and status."""
    heading = f"## {text('validation.h_humans', lang)}\n\n"
    codings = agreement.codings_by_coder(humans)
    if not codings:
        return Part(heading + text("validation.no_humans", lang, site=code_span(study.site)))
    name, classifier = classifier_coding(study)
    codes = study.codes()
    results = {coder: agreement.compare_codings(coding, classifier, codes=codes, units=list(coding),
                                                resamples=resamples, seed=seed) for coder, coding in codings.items()}
    summary = pd.DataFrame([
        {**summary_row(coder, name, result),
         **agreement.status_agreement(humans[humans["coder"] == coder], study.codings, codes, list(codings[coder]))
         .iloc[-1][["both", "same_status", "share"]].rename(lambda column: f"status_{column}").to_dict()}
        for coder, result in results.items()])
    per_code = pd.concat([per_code_table(result, study, lang).assign(reference=coder) for coder, result in results.items()],
                         ignore_index=True)
    units = list(study.answers()["segment_id"])
    disagreements = pd.concat(
        [disagreement_table(study, {coder: coding, name: classifier}, codes, units, lang) for coder, coding in codings.items()])
    return Part(heading + text("validation.humans_intro", lang, n=len(codings), coders=literal(", ".join(codings))), [
        Table("validation_humans_summary", summary, text("validation.cap_humans_summary", lang)),
        Table("validation_humans_codes", per_code[["reference", *per_code.columns[:-1]]], text("validation.cap_humans_codes", lang)),
        Table("validation_humans_disagreements", disagreements.reset_index(drop=True), text("validation.cap_humans_disagreements", lang)),
    ])


def humans_among_themselves(study: Study, humans: pd.DataFrame, lang: str, resamples: int, seed: int) -> Part:
    """Alpha across all human coders per code, each pair's agreement, and their disagreements."""
    heading = f"## {text('validation.h_between', lang)}\n\n"
    codings = agreement.codings_by_coder(humans)
    if len(codings) < 2:
        return Part(heading + text("validation.one_human", lang, n=len(codings)))
    codes = study.codes()
    alpha = agreement.alpha_by_code(codings, codes)
    alphas = pd.DataFrame({"code_id": codes, "code": [study.label(c, lang) for c in codes],
                           "coders": [sum(1 for coding in codings.values() if any(c in v for v in coding.values())) for c in codes],
                           "alpha": alpha.to_numpy()})
    pairs = pd.DataFrame([
        summary_row(first, second, agreement.compare_codings(codings[first], codings[second], codes=codes,
                                                             resamples=resamples, seed=seed))
        for first, second in itertools.combinations(codings, 2)])
    units = list(study.answers()["segment_id"])
    return Part(heading + text("validation.between_intro", lang, n=len(codings), set_alpha=_fmt(agreement.set_alpha(codings))), [
        Table("validation_between_alpha", alphas, text("validation.cap_between_alpha", lang)),
        Table("validation_between_pairs", pairs, text("validation.cap_between_pairs", lang)),
        Table("validation_between_disagreements", disagreement_table(study, codings, codes, units, lang),
              text("validation.cap_between_disagreements", lang)),
    ])


def development_corpus(scores: pd.DataFrame | None, held_out: list[dict], coder: str, lang: str) -> Part:
    """The classifier's scores on the development part of the SECI reference corpus, as the corpus
    scorer computes them (one row per language and for all, with the number of passages; ``None``: the
    report says they were not computed), and each held-out split's score as recorded when it was scored
    once (:func:`~pipeline.analysis.reference_corpus.recorded_held_out_scores`), never recomputed here;
    ``coder`` is this report's coder, to say whether a recorded score is of the same codebook."""
    markdown = f"## {text('validation.h_corpus', lang)}\n\n" + text("validation.corpus_intro", lang)
    tables = []
    if scores is None:
        markdown += " " + text("validation.corpus_not_scored", lang)
    else:
        tables.append(Table("validation_corpus_dev", scores, text("validation.cap_corpus_dev", lang)))
    if not held_out:
        markdown += "\n\n" + text("validation.corpus_test_none", lang)
    for record in held_out:
        same = "corpus_test_same" if record["codebook"] == coder else "corpus_test_other"
        markdown += "\n\n" + text("validation.corpus_test_scored", lang, split=record["split"], date=record["scored"],
                                   n=record["passages"], codebook=code_span(record["codebook"]))
        markdown += " " + text(f"validation.{same}", lang, coder=code_span(coder))
        tables.append(Table(f"validation_corpus_{record['split']}", record["scores"],
                            text("validation.cap_corpus_test", lang, split=record["split"])))
    return Part(markdown, tables)


def keyword_robustness(study: Study, article: dict | None, lang: str) -> Part:
    """Leave-one-keyword-out (:mod:`pipeline.analysis.robustness`), as the report shows it.

    It asks which findings of the comparison with the reference flip, so a site without reference
    findings gets a sentence saying it is not computed.
    """
    if article is None:
        return Part(f"## {text('validation.h_robustness', lang)}\n\n" + text("validation.robustness_no_reference", lang))
    table = robustness.leave_one_keyword_out(study, article, lang)
    table.insert(1, "code", [study.label(code, lang) for code in table["code_id"]])
    fired = table[table["segments"] > 0].reset_index(drop=True)
    hinge = robustness.hinge_keywords(table)
    listed = ", ".join(f"{row.keyword} ({study.label(row.code_id, lang)})" for row in hinge.itertuples())
    sentence = text("validation.hinge_some", lang, n=len(hinge), list=literal(listed)) if len(hinge) else text("validation.hinge_none", lang)
    markdown = f"## {text('validation.h_robustness', lang)}\n\n" + text(
        "validation.robustness_intro", lang, keywords=len(table), fired=len(fired),
        most=int(fired["codings_changed"].max()) if len(fired) else 0, hinge=sentence)
    return Part(markdown, [
        Table("robustness_keywords", fired, text("validation.cap_robustness_keywords", lang)),
        Table("robustness_hinge", hinge[["code_id", "code", "keyword", "lang", "segments", "codings_changed",
                                         "findings_changed"]], text("validation.cap_robustness_hinge", lang)),
    ])


# --- statistics and tables -----------------------------------------------------------------------------


def seci_codes(study: Study) -> list[str]:
    return study.codes(SECI_GROUP)


def mean_kappa(result: agreement.Agreement, codes: list[str]) -> float:
    """The mean of the per-code kappas of ``codes`` that are defined; NaN when none is."""
    values = result.per_code["kappa"].reindex(codes).dropna()
    return float(values.mean()) if len(values) else math.nan


def per_code_table(result: agreement.Agreement, study: Study | None, lang: str,
                   stats: tuple[str, ...] = ("kappa", "alpha", "precision", "recall", "f1")) -> pd.DataFrame:
    """Per code: how often each side used it, and each of ``stats`` with its interval (when computed)."""
    table = result.per_code.reset_index().rename(columns={"code": "code_id", "support": "n_reference",
                                                          "predicted": "n_classifier"})
    if study is not None:
        table.insert(1, "code", [study.label(code, lang) for code in table["code_id"]])
    if result.intervals is not None:
        for stat in stats:
            bounds = result.intervals.reindex([f"{stat}:{code}" for code in table["code_id"]])
            table.insert(table.columns.get_loc(stat) + 1, f"{stat}_low", bounds["low"].to_numpy())
            table.insert(table.columns.get_loc(stat) + 2, f"{stat}_high", bounds["high"].to_numpy())
    return table


def summary_row(reference: str, compared: str, result: agreement.Agreement) -> dict:
    intervals = result.intervals

    def bound(name: str, end: str) -> float:
        return float(intervals.at[name, end]) if intervals is not None else math.nan

    return {
        "reference": reference, "compared": compared, "units": result.n_units,
        "primary_kappa": result.primary["kappa"], "primary_kappa_low": bound("primary_kappa", "low"),
        "primary_kappa_high": bound("primary_kappa", "high"),
        "macro_f1": result.macro_f1, "macro_f1_low": bound("macro_f1", "low"), "macro_f1_high": bound("macro_f1", "high"),
        "micro_f1": result.micro_f1, "set_alpha": result.set_alpha, "exact_match": result.exact_match,
    }


def disagreement_table(study: Study, codings: dict[str, agreement.Coding], codes, units, lang: str) -> pd.DataFrame:
    """Every answer x code the coders differ on, with the answer's text and the terms that fired."""
    table = agreement.disagreements(codings, codes, units)
    answers = study.answers().set_index("segment_id")
    return pd.DataFrame({
        "segment_id": table["unit"], "informant_id": [answers.at[u, "informant_id"] for u in table["unit"]],
        "code": [study.label(code, lang) for code in table["code"]],
        "assigned_by": table["assigned_by"], "not_assigned_by": table["not_assigned_by"],
        "text": [answers.at[u, "text"] for u in table["unit"]],
        "terms": [fired_terms(study, u, lang) for u in table["unit"]],
    })


def fired_terms(study: Study, segment_id: str, lang: str) -> str:
    """The classifier's evidence in one answer: ``Code: term, term; Code: term``."""
    rows = study.codings[study.codings["segment_id"] == segment_id]
    parts = []
    for row in rows.itertuples():
        terms = list(dict.fromkeys(term.lower() for term, _, _ in evidence(row.matched)))
        parts.append(f"{study.label(row.code_id, lang)}: {', '.join(terms)}")
    return "; ".join(parts)


def _fmt(value: float) -> str:
    return "n/a" if not math.isfinite(value) else f"{value:.2f}"


def _percent(value: float) -> str:
    return "n/a" if not math.isfinite(value) else f"{100 * value:.0f}%"
