"""The validation report (``notebooks/06_validation.ipynb``): can the keyword coder be trusted?

Four parts, each returned as Markdown plus the tables it shows, so the notebook only displays them:

1. the classifier against the article's own filing of its quotes (:func:`article_validation`);
2. the classifier against each human coder of ``human_codings.csv`` (:func:`classifier_vs_humans`);
3. the human coders among themselves (:func:`humans_among_themselves`);
4. how far the findings hinge on single keywords (:func:`keyword_robustness`).

A human coder, or the article, is the reference (GOLD) and the classifier is compared on the answers
that reference coded. Every disagreement is listed with the answer's text and the terms that fired.
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import pandas as pd

from pipeline.analysis import agreement, robustness
from pipeline.analysis.findings import article_coding, article_quote_units, study_language
from pipeline.analysis.parts import Part, Table
from pipeline.analysis.study import Study, evidence
from pipeline.contracts import HUMAN_CODINGS_FILE, processed_site_dir, reference_codings_path
from pipeline.words import code_span, literal, text


# --- the codings compared -----------------------------------------------------------------------------


def classifier_coding(study: Study) -> tuple[str, agreement.Coding]:
    """The classifier's name (:attr:`~pipeline.coding.codebook.Codebook.coder`) and its coding of every informant answer."""
    answers = list(study.answers()["segment_id"])
    name = study.codebook.coder
    codings = study.codings.assign(coder=name)
    return name, agreement.codings_by_coder(codings, units=answers).get(name, dict.fromkeys(answers, ()))


def human_codings(root: str | Path, site: str) -> dict[str, agreement.Coding]:
    """Each human coder's coding from ``human_codings.csv`` and, when the site has them, the reference
    codings of ``data/reference/<site>/reference_codings.csv`` (same columns); none when both are absent."""
    paths = (processed_site_dir(Path(root), site) / HUMAN_CODINGS_FILE, reference_codings_path(root, site))
    tables = [pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8") for path in paths if path.is_file()]
    return agreement.codings_by_coder(pd.concat(tables, ignore_index=True)) if tables else {}


# --- the parts ---------------------------------------------------------------------------------------------


def introduction(study: Study, lang: str, resamples: int, seed: int) -> str:
    title = "# " + text("validation.title", lang, title=literal(study.title or study.site))
    title += "\n\n" + text("report.reconstruction", lang, note=literal(study.note)) if study.note else ""
    return title + "\n\n" + text("validation.intro", lang, classifier=code_span(classifier_coding(study)[0]),
                                 level=round(100 * agreement.CI_LEVEL),
                                 resamples=resamples, seed=seed)


def article_validation(study: Study, article: dict | None, lang: str, resamples: int, seed: int) -> Part:
    """The classifier against the article's filing of its quotes (and against its definitions).

    A site without reference findings (no ``reference:`` in study.yaml) has no quotes to check: the
    part then says so and names what the page can check instead.
    """
    if article is None:
        return Part(f"## {text('validation.h_checks', lang)}\n\n" + text("validation.no_reference", lang, site=study.site))
    units_table = article_quote_units(study, article)
    filed, by_definition = article_coding(units_table), article_coding(units_table, by="code_by_definition")
    _, classifier = classifier_coding(study)
    used = {code for coding in (filed, by_definition) for codes in coding.values() for code in codes}
    codes = [code for code in study.codes() if code in used]
    result = agreement.compare_codings(filed, classifier, codes=codes, units=list(filed), resamples=resamples, seed=seed)
    by_def = agreement.compare_codings(by_definition, classifier, codes=codes, units=list(by_definition), resamples=0)
    markdown = f"## {text('validation.h_article', lang)}\n\n" + text(
        "validation.article_intro", lang, quotes=len(article["quotes"]), units=result.n_units,
        agree=_count_agreeing(result), kappa=_fmt(result.primary["kappa"]),
        agree_def=_count_agreeing(by_def), kappa_def=_fmt(by_def.primary["kappa"]))
    return Part(markdown, [
        Table("validation_article_quotes", quote_table(study, article, units_table, classifier, codes, lang),
              text("validation.cap_article_quotes", lang)),
        Table("validation_article_codes", per_code_table(result, study, lang), text("validation.cap_article_codes", lang)),
        Table("validation_article_confusion", confusion_table(result, study, lang), text("validation.cap_article_confusion", lang)),
    ])


def classifier_vs_humans(study: Study, humans: dict[str, agreement.Coding], lang: str,
                         resamples: int, seed: int) -> Part:
    """The classifier against each human coder, on the answers that coder coded."""
    heading = f"## {text('validation.h_humans', lang)}\n\n"
    if not humans:
        return Part(heading + text("validation.no_humans", lang, site=code_span(study.site)))
    name, classifier = classifier_coding(study)
    codes = study.codes()
    results = {coder: agreement.compare_codings(coding, classifier, codes=codes, units=list(coding),
                                                resamples=resamples, seed=seed) for coder, coding in humans.items()}
    summary = pd.DataFrame([summary_row(coder, name, result) for coder, result in results.items()])
    per_code = pd.concat([per_code_table(result, study, lang).assign(reference=coder) for coder, result in results.items()],
                         ignore_index=True)
    units = list(study.answers()["segment_id"])
    disagreements = pd.concat(
        [disagreement_table(study, {coder: coding, name: classifier}, codes, units, lang) for coder, coding in humans.items()])
    return Part(heading + text("validation.humans_intro", lang, n=len(humans), coders=literal(", ".join(humans))), [
        Table("validation_humans_summary", summary, text("validation.cap_humans_summary", lang)),
        Table("validation_humans_codes", per_code[["reference", *per_code.columns[:-1]]], text("validation.cap_humans_codes", lang)),
        Table("validation_humans_disagreements", disagreements.reset_index(drop=True), text("validation.cap_humans_disagreements", lang)),
    ])


def humans_among_themselves(study: Study, humans: dict[str, agreement.Coding], lang: str,
                            resamples: int, seed: int) -> Part:
    """Alpha across all human coders per code, each pair's agreement, and their disagreements."""
    heading = f"## {text('validation.h_between', lang)}\n\n"
    if len(humans) < 2:
        return Part(heading + text("validation.one_human", lang, n=len(humans)))
    codes = study.codes()
    alpha = agreement.alpha_by_code(humans, codes)
    alphas = pd.DataFrame({"code_id": codes, "code": [study.label(c, lang) for c in codes],
                           "coders": [sum(1 for coding in humans.values() if any(c in v for v in coding.values())) for c in codes],
                           "alpha": alpha.to_numpy()})
    pairs = pd.DataFrame([
        summary_row(first, second, agreement.compare_codings(humans[first], humans[second], codes=codes,
                                                             resamples=resamples, seed=seed))
        for first, second in itertools.combinations(humans, 2)])
    units = list(study.answers()["segment_id"])
    return Part(heading + text("validation.between_intro", lang, n=len(humans), set_alpha=_fmt(agreement.set_alpha(humans))), [
        Table("validation_between_alpha", alphas, text("validation.cap_between_alpha", lang)),
        Table("validation_between_pairs", pairs, text("validation.cap_between_pairs", lang)),
        Table("validation_between_disagreements", disagreement_table(study, humans, codes, units, lang),
              text("validation.cap_between_disagreements", lang)),
    ])


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


# --- tables ------------------------------------------------------------------------------------------------


def per_code_table(result: agreement.Agreement, study: Study, lang: str) -> pd.DataFrame:
    """Per code: how often each side used it, kappa and F1 with their intervals, alpha, precision, recall."""
    table = result.per_code.reset_index().rename(columns={"code": "code_id", "support": "n_reference",
                                                          "predicted": "n_classifier"})
    table.insert(1, "code", [study.label(code, lang) for code in table["code_id"]])
    if result.intervals is not None:
        for stat in ("kappa", "f1"):
            bounds = result.intervals.reindex([f"{stat}:{code}" for code in table["code_id"]])
            table.insert(table.columns.get_loc(stat) + 1, f"{stat}_low", bounds["low"].to_numpy())
            table.insert(table.columns.get_loc(stat) + 2, f"{stat}_high", bounds["high"].to_numpy())
    return table


def confusion_table(result: agreement.Agreement, study: Study, lang: str) -> pd.DataFrame:
    """The primary-code confusion matrix with code labels; rows the reference, columns the classifier."""
    def label(code: str) -> str:
        return code if code == agreement.NO_CODE else study.label(code, lang)

    table = result.confusion.rename(index=label, columns=label)
    table.index.name, table.columns.name = "code", None
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


def quote_table(study: Study, article: dict, units_table: pd.DataFrame, classifier: agreement.Coding,
                codes: list[str], lang: str) -> pd.DataFrame:
    """Each quote x answer: the article's code and the definitions' code against the classifier's
    primary code among ``codes`` (the codes compared), with all its codes and the terms that fired."""
    label = lambda code: study.label(code, lang) if code else ""  # noqa: E731
    compared = agreement.restrict_codes(classifier, codes)
    site_lang = study_language(study)
    quoted = {quote["id"]: quote.get(f"text_{site_lang}") or quote["text_id"] for quote in article["quotes"]}
    rows = []
    for row in units_table.itertuples():
        primary = next(iter(compared.get(row.segment_id, ())), "")
        rows.append({
            "quote_id": row.quote_id, "informant_id": row.informant_id, "segment_id": row.segment_id,
            "article_code": label(row.code), "by_definition": label(row.code_by_definition),
            "primary_code": label(primary), "agree": primary == row.code,
            "codes": ", ".join(map(label, classifier.get(row.segment_id, ()))),
            "terms": fired_terms(study, row.segment_id, lang), "passage": quoted[row.quote_id],
        })
    return pd.DataFrame(rows)


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


def _count_agreeing(result: agreement.Agreement) -> int:
    return int(sum(result.confusion.at[code, code] for code in result.confusion.index))


def _fmt(value: float) -> str:
    return "n/a" if not math.isfinite(value) else f"{value:.2f}"
