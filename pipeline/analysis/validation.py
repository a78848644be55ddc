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
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pipeline.analysis import agreement, robustness
from pipeline.analysis.findings import article_coding, article_quote_units, study_language
from pipeline.analysis.study import Study, evidence
from pipeline.contracts import HUMAN_CODINGS_FILE, processed_site_dir

TEXT = {
    "en": {
        "title": "Validation: how far the keyword coder can be trusted: {title}",
        "intro": "The keyword coder (`{classifier}`) is compared with the article's own filing of its quotes and with "
                 "every human coder who filled the review sheet. Cohen's kappa and Krippendorff's alpha correct for "
                 "agreement by chance; precision, recall and F1 take the reference coder as gold. Low and high ends "
                 "are {level}% bootstrap intervals ({resamples} resamples of the answers, seed {seed}). An empty cell "
                 "(NaN) marks a value that is undefined, such as kappa for a code nobody used.",
        "h_article": "The classifier and the article's filing of its quotes",
        "article_intro": "The article prints {quotes} quotes, found verbatim in {units} answers. The classifier's primary "
                         "code is the article's in {agree} of them (Cohen's kappa {kappa}). Judged by the article's own "
                         "definitions of the modes instead, it agrees in {agree_def} (kappa {kappa_def}). Only the codes "
                         "the article uses are compared.",
        "cap_article_quotes": "Each quoted answer: the article's code, the code its definitions give, the classifier's "
                              "codes and the terms that fired.",
        "cap_article_codes": "The classifier against the article's filing of its quotes, per code.",
        "cap_article_confusion": "Primary codes: the article's filing (rows) against the classifier (columns).",
        "h_humans": "The classifier and the human coders",
        "no_humans": "No human coding yet. To add one: `seci review-sheet --site {site}`, let each coder fill a copy "
                     "without seeing the classifier's codes, then `seci import-coding SHEET --coder NAME --site {site}`. "
                     "This section then compares the classifier with each coder.",
        "humans_intro": "{n} human coder(s): {coders}. Each coder is the reference in turn; the classifier is compared "
                        "on the answers that coder coded, over every code of the codebook.",
        "cap_humans_summary": "The classifier against each human coder: units compared, primary-code kappa, F1 and "
                              "alpha over whole code sets (MASI distance).",
        "cap_humans_codes": "The classifier against each human coder, per code.",
        "cap_humans_disagreements": "Every answer and code on which the classifier and a human coder differ.",
        "h_between": "The human coders among themselves",
        "one_human": "Agreement between human coders needs at least two of them; {n} so far.",
        "between_intro": "Krippendorff's alpha per code across all {n} coders (an answer a coder did not code counts "
                         "as missing), alpha over whole code sets {set_alpha}, and each pair of coders.",
        "cap_between_alpha": "Krippendorff's alpha per code across the human coders.",
        "cap_between_pairs": "Each pair of human coders (the first as reference).",
        "cap_between_disagreements": "Every answer and code on which the human coders differ.",
        "h_robustness": "How far the findings hinge on single keywords",
        "robustness_intro": "Each of the {keywords} keywords of the transcripts' language was left out in turn and "
                            "the answers coded again. {fired} of them fire in these interviews; leaving one out "
                            "changes at most {most} codings. {hinge}",
        "hinge_some": "The comparison with the article changes when any one of these {n} keywords is left out: {list}.",
        "hinge_none": "No single keyword changes any finding of the comparison with the article.",
        "cap_robustness_keywords": "Leave-one-keyword-out, for the keywords that fire: codings gained, lost or with "
                                   "their status flipped, and the findings whose agreement with the article changes.",
        "cap_robustness_hinge": "The keywords a finding hinges on.",
    },
    "id": {
        "title": "Validasi: seberapa jauh pengode kata kunci dapat dipercaya: {title}",
        "intro": "Pengode kata kunci (`{classifier}`) dibandingkan dengan penempatan kutipan oleh artikel sendiri dan "
                 "dengan setiap pengode manusia yang mengisi lembar tinjauan. Kappa Cohen dan alpha Krippendorff "
                 "mengoreksi kesepakatan karena kebetulan; presisi, recall, dan F1 menjadikan pengode rujukan sebagai "
                 "standar emas. Batas bawah dan atas adalah interval bootstrap {level}% ({resamples} kali pengambilan "
                 "ulang jawaban, seed {seed}). Sel kosong (NaN) menandai nilai yang tidak terdefinisi, misalnya kappa untuk "
                 "kode yang tidak dipakai siapa pun.",
        "h_article": "Pengode dan penempatan kutipan oleh artikel",
        "article_intro": "Artikel memuat {quotes} kutipan, yang ditemukan apa adanya dalam {units} jawaban. Kode utama "
                         "pengode sama dengan kode artikel pada {agree} jawaban (kappa Cohen {kappa}). Bila dinilai "
                         "menurut definisi mode dalam artikel itu sendiri, sama pada {agree_def} jawaban (kappa "
                         "{kappa_def}). Hanya kode yang dipakai artikel yang dibandingkan.",
        "cap_article_quotes": "Setiap jawaban yang dikutip: kode menurut artikel, kode menurut definisinya, kode dari "
                              "pengode, dan istilah yang memicunya.",
        "cap_article_codes": "Pengode dibandingkan dengan penempatan kutipan oleh artikel, per kode.",
        "cap_article_confusion": "Kode utama: penempatan oleh artikel (baris) dan oleh pengode (kolom).",
        "h_humans": "Pengode dan pengode manusia",
        "no_humans": "Belum ada pengodean manusia. Untuk menambahkannya: `seci review-sheet --site {site}`, minta "
                     "setiap pengode mengisi salinannya tanpa melihat kode dari pengode otomatis, lalu "
                     "`seci import-coding LEMBAR --coder NAMA --site {site}`. Bagian ini kemudian membandingkan "
                     "pengode dengan setiap pengode manusia.",
        "humans_intro": "{n} pengode manusia: {coders}. Setiap pengode bergiliran menjadi rujukan; pengode otomatis "
                        "dibandingkan pada jawaban yang dikode oleh pengode itu, untuk semua kode dalam buku kode.",
        "cap_humans_summary": "Pengode dibandingkan dengan setiap pengode manusia: jumlah unit, kappa kode utama, F1, "
                              "dan alpha atas himpunan kode (jarak MASI).",
        "cap_humans_codes": "Pengode dibandingkan dengan setiap pengode manusia, per kode.",
        "cap_humans_disagreements": "Setiap jawaban dan kode yang berbeda antara pengode dan pengode manusia.",
        "h_between": "Antarpengode manusia",
        "one_human": "Kesepakatan antarpengode manusia memerlukan sedikitnya dua pengode; baru ada {n}.",
        "between_intro": "Alpha Krippendorff per kode untuk semua {n} pengode (jawaban yang tidak dikode seorang "
                         "pengode dihitung sebagai data hilang), alpha atas himpunan kode {set_alpha}, dan setiap "
                         "pasangan pengode.",
        "cap_between_alpha": "Alpha Krippendorff per kode antarpengode manusia.",
        "cap_between_pairs": "Setiap pasangan pengode manusia (yang pertama sebagai rujukan).",
        "cap_between_disagreements": "Setiap jawaban dan kode yang berbeda antarpengode manusia.",
        "h_robustness": "Seberapa jauh temuan bergantung pada satu kata kunci",
        "robustness_intro": "Setiap {keywords} kata kunci dalam bahasa transkrip dihilangkan satu per satu dan jawaban "
                            "dikode ulang. {fired} di antaranya muncul dalam wawancara ini; menghilangkan satu kata "
                            "kunci mengubah paling banyak {most} pengodean. {hinge}",
        "hinge_some": "Perbandingan dengan artikel berubah bila salah satu dari {n} kata kunci ini dihilangkan: {list}.",
        "hinge_none": "Tidak ada satu kata kunci pun yang sendirian mengubah temuan dalam perbandingan dengan artikel.",
        "cap_robustness_keywords": "Menghilangkan satu kata kunci, untuk kata kunci yang muncul: pengodean yang "
                                   "bertambah, hilang, atau berganti status, dan temuan yang kesesuaiannya dengan "
                                   "artikel berubah.",
        "cap_robustness_hinge": "Kata kunci tempat suatu temuan bergantung.",
    },
}


def text(key: str, lang: str, **values) -> str:
    return TEXT[lang][key].format(**values)


@dataclass
class Table:
    name: str  # file name under tables/, without extension
    frame: pd.DataFrame
    caption: str


@dataclass
class Part:
    """One part of the validation report: its Markdown and the tables shown under it."""

    markdown: str
    tables: list[Table] = field(default_factory=list)


# --- the codings compared -----------------------------------------------------------------------------


def classifier_coding(study: Study) -> tuple[str, agreement.Coding]:
    """The classifier's name (``keyword-v<version>``) and its coding of every informant answer."""
    answers = list(study.answers()["segment_id"])
    name = f"keyword-v{study.codebook.version}"
    codings = study.codings.assign(coder=name)
    return name, agreement.codings_by_coder(codings, units=answers).get(name, dict.fromkeys(answers, ()))


def human_codings(root: str | Path, site: str) -> dict[str, agreement.Coding]:
    """Each human coder's coding from ``human_codings.csv`` (none when the file is absent)."""
    path = processed_site_dir(Path(root), site) / HUMAN_CODINGS_FILE
    if not path.is_file():
        return {}
    return agreement.codings_by_coder(pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8"))


# --- the parts ---------------------------------------------------------------------------------------------


def introduction(study: Study, lang: str, resamples: int, seed: int) -> str:
    title = "# " + text("title", lang, title=study.title or study.site)
    return title + "\n\n" + text("intro", lang, classifier=classifier_coding(study)[0], level=round(100 * agreement.CI_LEVEL),
                                 resamples=resamples, seed=seed)


def article_validation(study: Study, article: dict, lang: str, resamples: int, seed: int) -> Part:
    """The classifier against the article's filing of its quotes (and against its definitions)."""
    units_table = article_quote_units(study, article)
    filed, by_definition = article_coding(units_table), article_coding(units_table, by="code_by_definition")
    _, classifier = classifier_coding(study)
    used = {code for coding in (filed, by_definition) for codes in coding.values() for code in codes}
    codes = [code for code in study.codes() if code in used]
    result = agreement.compare_codings(filed, classifier, codes=codes, units=list(filed), resamples=resamples, seed=seed)
    by_def = agreement.compare_codings(by_definition, classifier, codes=codes, units=list(by_definition), resamples=0)
    markdown = f"## {text('h_article', lang)}\n\n" + text(
        "article_intro", lang, quotes=len(article["quotes"]), units=result.n_units,
        agree=_count_agreeing(result), kappa=_fmt(result.primary["kappa"]),
        agree_def=_count_agreeing(by_def), kappa_def=_fmt(by_def.primary["kappa"]))
    return Part(markdown, [
        Table("validation_article_quotes", quote_table(study, article, units_table, classifier, codes, lang),
              text("cap_article_quotes", lang)),
        Table("validation_article_codes", per_code_table(result, study, lang), text("cap_article_codes", lang)),
        Table("validation_article_confusion", confusion_table(result, study, lang), text("cap_article_confusion", lang)),
    ])


def classifier_vs_humans(study: Study, humans: dict[str, agreement.Coding], lang: str,
                         resamples: int, seed: int) -> Part:
    """The classifier against each human coder, on the answers that coder coded."""
    heading = f"## {text('h_humans', lang)}\n\n"
    if not humans:
        return Part(heading + text("no_humans", lang, site=study.site))
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
    return Part(heading + text("humans_intro", lang, n=len(humans), coders=", ".join(humans)), [
        Table("validation_humans_summary", summary, text("cap_humans_summary", lang)),
        Table("validation_humans_codes", per_code[["reference", *per_code.columns[:-1]]], text("cap_humans_codes", lang)),
        Table("validation_humans_disagreements", disagreements.reset_index(drop=True), text("cap_humans_disagreements", lang)),
    ])


def humans_among_themselves(study: Study, humans: dict[str, agreement.Coding], lang: str,
                            resamples: int, seed: int) -> Part:
    """Alpha across all human coders per code, each pair's agreement, and their disagreements."""
    heading = f"## {text('h_between', lang)}\n\n"
    if len(humans) < 2:
        return Part(heading + text("one_human", lang, n=len(humans)))
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
    return Part(heading + text("between_intro", lang, n=len(humans), set_alpha=_fmt(agreement.set_alpha(humans))), [
        Table("validation_between_alpha", alphas, text("cap_between_alpha", lang)),
        Table("validation_between_pairs", pairs, text("cap_between_pairs", lang)),
        Table("validation_between_disagreements", disagreement_table(study, humans, codes, units, lang),
              text("cap_between_disagreements", lang)),
    ])


def keyword_robustness(study: Study, article: dict, lang: str) -> Part:
    """Leave-one-keyword-out (:mod:`pipeline.analysis.robustness`), as the report shows it."""
    table = robustness.leave_one_keyword_out(study, article, lang)
    table.insert(1, "code", [study.label(code, lang) for code in table["code_id"]])
    fired = table[table["segments"] > 0].reset_index(drop=True)
    hinge = robustness.hinge_keywords(table)
    listed = ", ".join(f"{row.keyword} ({study.label(row.code_id, lang)})" for row in hinge.itertuples())
    sentence = text("hinge_some", lang, n=len(hinge), list=listed) if len(hinge) else text("hinge_none", lang)
    markdown = f"## {text('h_robustness', lang)}\n\n" + text(
        "robustness_intro", lang, keywords=len(table), fired=len(fired),
        most=int(fired["codings_changed"].max()) if len(fired) else 0, hinge=sentence)
    return Part(markdown, [
        Table("robustness_keywords", fired, text("cap_robustness_keywords", lang)),
        Table("robustness_hinge", hinge[["code_id", "code", "keyword", "lang", "segments", "codings_changed",
                                         "findings_changed"]], text("cap_robustness_hinge", lang)),
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
