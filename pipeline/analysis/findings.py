"""The case study's findings, computed from the coded interviews, and their comparison with the article.

Findings follow the article's structure: the application of each SECI mode (as the librarians tell
it), librarian performance, the patrons' view, and a conclusion. Every statement is filled from
counts and quotes of this run. :func:`compare_with_article` then goes finding by finding through
``data/reference/article_findings.yaml`` and says what the article reports, what this run finds,
whether they agree and, where not, why, with the reason generated from the evidence.

A code's status: this run calls it *not yet adequate* when at least :data:`NOT_YET_ADEQUATE_SHARE` of
its codings (among the informants of the section's role) carry a barrier cue ("belum maksimal",
"kurang", ...), *adequate* otherwise. The prose of the report, in Indonesian and English, comes
from :data:`TEMPLATES`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from pipeline.analysis import counts
from pipeline.analysis.study import Study, evidence
from pipeline.contracts import ARTICLE_FINDINGS_FILE, SECI_MODES
from pipeline.errors import InputError
from pipeline.yaml_reader import read_yaml

if TYPE_CHECKING:
    from pipeline.analysis.agreement import Coding

NOT_YET_ADEQUATE_SHARE = 0.5
ADEQUATE, NOT_YET_ADEQUATE = "adequate", "not_yet_adequate"

# Which informants each part of the article speaks for, and the codebook group it is coded with.
# ``text``: the field of article_findings.yaml that states the finding (``<text>_id``, ``<text>_en``).
SECTIONS = {
    "seci_modes": {"group": "seci", "role": "librarian", "heading": "h_application", "text": "practice"},
    "performance": {"group": "performance", "role": "librarian", "heading": "h_librarian_performance",
                    "text": "finding"},
    "patron_findings": {"group": "patron", "role": "patron", "heading": "h_patrons_view", "text": "finding"},
}
INFORMANT_ID = re.compile(r"([A-Za-z]+)(\d+)$")

TEMPLATES: dict[str, dict[str, str]] = {
    "en": {
        # words and values
        "librarian": "librarians", "patron": "patrons", "none": "none",
        ADEQUATE: "adequate", NOT_YET_ADEQUATE: "not yet adequate",
        "value_librarian": "librarian", "value_patron": "patron", "value_practice": "practice",
        "value_barrier": "barrier", "value_True": "yes", "value_False": "no",
        "legend_librarian": "Librarians", "legend_patron": "Patrons", "legend_practice": "Practice",
        "legend_barrier": "Barrier (not yet adequate)",
        "n_turns": "{n} turns",
        "axis_words": "Words spoken by the informant", "axis_segments": "Coded segments",
        "axis_codings": "Codings", "axis_term_informants": "Informants using the term",
        "axis_cooccurrence": "Segments coded with both",
        # headings and prose of the notebooks
        "reconstruction": "*Note.* {note}",
        "h_corpus": "Corpus overview: {title}",
        "corpus_intro": "The study rests on {informants} interviews with {librarians} librarians and {patrons} patrons: "
                        "{turns} answers with {words} words in all (the interviewer's words are not counted).",
        "h_informants": "Informants by role and unit", "h_words": "Words and turns per informant",
        "h_seci": "The SECI modes in the coded answers: {title}",
        "seci_intro": "{coded} of {answers} informant answers ({share}%) carry at least one SECI mode. "
                      "A segment is one informant answer; a code counts once per segment.",
        "h_frequencies": "Frequencies by mode", "h_by_role": "By role",
        "h_by_informant": "Code x informant matrix (every code of the codebook)",
        "h_cooccurrence": "Co-occurrence of the modes", "h_status": "Practice and barrier",
        "status_rule": "A coding is a *barrier* when a barrier cue (such as \"belum\", \"kurang\", \"not yet\") stands "
                       "near one of its terms in the same sentence; otherwise it reports a *practice*.",
        "h_exemplars": "Exemplar quotes",
        "exemplar_rule": "Quotes are chosen by one rule: strongest evidence first (highest score), at most one quote "
                         "per informant until every informant with evidence has one, ties to the lower segment id. "
                         "The passage shown is the sentences of the answer that hold most of the code's terms.",
        "h_kwic": "Keyword in context: the terms that carried each mode",
        "h_terms": "Terms that carried each code",
        "h_performance": "Librarian performance: {title}",
        "performance_intro": "Motivation, knowledge, skills and keeping up with science and IT, as the {n} librarians "
                             "speak of them.",
        "h_patrons": "The patrons' view: {title}",
        "patrons_intro": "Print and digital media, the Telegram group, the OPAC, e-books, pamphlets and facilities, as "
                         "the {n} patrons speak of them. The terms table shows which words carried each theme.",
        "h_findings": "Findings: {title}",
        "h_application": "Application of the SECI model", "h_librarian_performance": "Librarian performance",
        "h_patrons_view": "The patrons' view", "h_conclusion": "Conclusion",
        "h_comparison": "Comparison with the article",
        "section_study": "The study", "section_quotes": "The article's quotes", "item_informants": "Informants",
        "answer_one": "answer", "answer_many": "answers",
        "comparison_intro": "Finding by finding from data/reference/article_findings.yaml: {agree} of {total} agree. "
                            "This run reads a code as not yet adequate when at least {threshold}% of its codings "
                            "carry a barrier cue.",
        "code_finding": "**{code}.** {k} of {n} {role} ({ids}) speak of it in {segments} {answers}; {barrier} of "
                        "{codings} codings carry a barrier cue, so this run reads it as **{status}**. "
                        "Terms that carried it (informants using each): {terms}.",
        "code_absent": "**{code}.** No answer of the {n} {role} is coded with it.",
        "quote": "> \"{passage}\" ({informant})",
        "conclusion_item": "{number}. {code}: {status} ({k} of {n} {role}; {barrier} of {codings} codings with a "
                           "barrier cue).",
        "conclusion_absent": "{number}. {code}: not found in the answers of the {role}.",
        # table captions
        "cap_informants": "Informants by role and unit.",
        "cap_words": "Answer turns and words per informant.",
        "cap_frequencies": "Segments coded with each SECI mode and informants with evidence.",
        "cap_by_role": "Segments coded with each SECI mode, by role.",
        "cap_by_informant": "Segments of each informant coded with each code.",
        "cap_cooccurrence": "Segments coded with both modes (diagonal: segments with the mode).",
        "cap_status": "Codings of each SECI mode reported as practice or as barrier.",
        "cap_exemplars": "Exemplar quotes per code (strongest evidence, spread across informants).",
        "cap_kwic": "Keyword in context for the terms that carried each code.",
        "cap_terms": "Terms that carried each code.",
        "cap_performance": "Librarian performance themes in the librarians' answers.",
        "cap_patrons": "The patrons' view: themes in the patrons' answers.",
        "cap_comparison": "This run's findings compared with the article's, finding by finding.",
        # the comparison table
        "study_article": "{total} informants: {librarians} librarians, {patrons} patrons",
        "study_run": "{total} informants: {librarians} librarians, {patrons} patrons; {interviewed} with answers",
        "study_why": "informants.csv lists {librarians} librarians and {patrons} patrons",
        "practice_article": "{practice} ({status})",
        "practice_run": "{k}/{n} {role} ({ids}), {segments} {answers}; {barrier}/{codings} codings with a barrier cue: "
                        "{status}",
        "practice_run_absent": "no answer of the {role} is coded {code}",
        "why_absent": "no answer of the {role} carries a term of {code}",
        "why_status": "{barrier} of {codings} codings of {code} carry a barrier cue ({share}%), {side} the {threshold}% "
                      "at which this run reads a code as not yet adequate; the article reports it as {article_status}",
        "above": "at or above", "below": "below",
        "patron_article": "{finding} ({ids})",
        "patron_run": "{k}/{n} patrons ({ids}); terms: {terms}",
        "why_missing_informants": "no answer of {ids} is coded {code}",
        "quote_article": "{section}: {code}",
        "quote_article_none": "{section}: no single mode",
        "quote_run": "primary code: {codes}",
        "quote_run_item": "{code} ({informant})",
        "quote_not_found": "not found ({informant})",
        "why_quote": "the article files this quote under {article}; by the codebook's definitions its terms ({terms}) "
                     "are {run}",
        "why_quote_outside": "the article files this quote under {article}; the answer containing it ({informant}) is "
                             "coded {run} from words around the quote ({terms})",
        "why_quote_uncoded": "no code of the codebook fires in {informant}'s answer containing it",
        "why_quote_none": "the article illustrates no single mode with this quote; its terms ({terms}) make it {run}",
        "why_definition": ", as the article's own definitions would also have it",
        "why_not_found": "the quote does not occur verbatim in the answers of {ids}",
        "why_no_code": "the codebook '{codebook}' has no code '{code}'",
    },
    "id": {
        "librarian": "pustakawan", "patron": "pemustaka", "none": "tidak ada",
        ADEQUATE: "memadai", NOT_YET_ADEQUATE: "belum memadai",
        "value_librarian": "pustakawan", "value_patron": "pemustaka", "value_practice": "praktik",
        "value_barrier": "hambatan", "value_True": "ya", "value_False": "tidak",
        "legend_librarian": "Pustakawan", "legend_patron": "Pemustaka", "legend_practice": "Praktik",
        "legend_barrier": "Hambatan (belum memadai)",
        "n_turns": "{n} giliran",
        "axis_words": "Jumlah kata informan", "axis_segments": "Segmen berkode",
        "axis_codings": "Pengkodean", "axis_term_informants": "Informan yang memakai istilah itu",
        "axis_cooccurrence": "Segmen dengan kedua kode",
        "reconstruction": "*Catatan.* {note}",
        "h_corpus": "Gambaran korpus: {title}",
        "corpus_intro": "Penelitian ini bertumpu pada {informants} wawancara dengan {librarians} pustakawan dan "
                        "{patrons} pemustaka: {turns} jawaban dengan {words} kata (kata pewawancara tidak dihitung).",
        "h_informants": "Informan menurut peran dan unit", "h_words": "Kata dan giliran bicara per informan",
        "h_seci": "Mode SECI dalam jawaban berkode: {title}",
        "seci_intro": "{coded} dari {answers} jawaban informan ({share}%) memuat sedikitnya satu mode SECI. "
                      "Satu segmen adalah satu jawaban informan; satu kode dihitung sekali per segmen.",
        "h_frequencies": "Frekuensi per mode", "h_by_role": "Menurut peran",
        "h_by_informant": "Matriks kode x informan (semua kode dalam buku kode)",
        "h_cooccurrence": "Kemunculan bersama antarmode", "h_status": "Praktik dan hambatan",
        "status_rule": "Sebuah pengkodean berstatus *hambatan* bila penanda hambatan (misalnya \"belum\", \"kurang\") "
                       "muncul di dekat salah satu istilahnya dalam kalimat yang sama; selain itu ia melaporkan *praktik*.",
        "h_exemplars": "Kutipan contoh",
        "exemplar_rule": "Kutipan dipilih dengan satu aturan: bukti terkuat lebih dulu (skor tertinggi), paling banyak "
                         "satu kutipan per informan sampai setiap informan yang memiliki bukti mendapat satu, dan bila "
                         "seri dipilih id segmen yang lebih kecil. Petikan yang ditampilkan adalah kalimat jawaban yang "
                         "paling banyak memuat istilah kode itu.",
        "h_kwic": "Kata kunci dalam konteks: istilah yang membawa setiap mode",
        "h_terms": "Istilah yang membawa setiap kode",
        "h_performance": "Kinerja pustakawan: {title}",
        "performance_intro": "Motivasi, pengetahuan, keterampilan, dan mengikuti kemajuan IPTEK, sebagaimana "
                             "dibicarakan oleh {n} pustakawan.",
        "h_patrons": "Pandangan pemustaka: {title}",
        "patrons_intro": "Media cetak dan digital, grup Telegram, OPAC, e-book, pamflet, dan fasilitas, sebagaimana "
                         "dibicarakan oleh {n} pemustaka. Tabel istilah menunjukkan kata yang membawa setiap tema.",
        "h_findings": "Temuan: {title}",
        "h_application": "Penerapan model SECI", "h_librarian_performance": "Kinerja pustakawan",
        "h_patrons_view": "Pandangan pemustaka", "h_conclusion": "Simpulan",
        "h_comparison": "Perbandingan dengan artikel",
        "section_study": "Penelitian", "section_quotes": "Kutipan artikel", "item_informants": "Informan",
        "answer_one": "jawaban", "answer_many": "jawaban",
        "comparison_intro": "Temuan demi temuan dari data/reference/article_findings.yaml: {agree} dari {total} sesuai. "
                            "Run ini menilai sebuah kode belum memadai bila sedikitnya {threshold}% pengkodeannya "
                            "memuat penanda hambatan.",
        "code_finding": "**{code}.** {k} dari {n} {role} ({ids}) membicarakannya dalam {segments} {answers}; {barrier} "
                        "dari {codings} pengkodean memuat penanda hambatan, sehingga run ini menilainya **{status}**. "
                        "Istilah yang membawanya (jumlah informan yang memakainya): {terms}.",
        "code_absent": "**{code}.** Tidak ada jawaban dari {n} {role} yang diberi kode ini.",
        "quote": "> \"{passage}\" ({informant})",
        "conclusion_item": "{number}. {code}: {status} ({k} dari {n} {role}; {barrier} dari {codings} pengkodean "
                           "dengan penanda hambatan).",
        "conclusion_absent": "{number}. {code}: tidak ditemukan dalam jawaban {role}.",
        "cap_informants": "Informan menurut peran dan unit.",
        "cap_words": "Giliran jawaban dan jumlah kata per informan.",
        "cap_frequencies": "Segmen yang diberi kode setiap mode SECI dan informan yang memberi bukti.",
        "cap_by_role": "Segmen yang diberi kode setiap mode SECI, menurut peran.",
        "cap_by_informant": "Segmen setiap informan yang diberi setiap kode.",
        "cap_cooccurrence": "Segmen yang diberi kedua mode (diagonal: segmen dengan mode itu).",
        "cap_status": "Pengkodean setiap mode SECI yang melaporkan praktik atau hambatan.",
        "cap_exemplars": "Kutipan contoh per kode (bukti terkuat, tersebar antarinforman).",
        "cap_kwic": "Kata kunci dalam konteks untuk istilah yang membawa setiap kode.",
        "cap_terms": "Istilah yang membawa setiap kode.",
        "cap_performance": "Tema kinerja pustakawan dalam jawaban pustakawan.",
        "cap_patrons": "Pandangan pemustaka: tema dalam jawaban pemustaka.",
        "cap_comparison": "Temuan run ini dibandingkan dengan temuan artikel, temuan demi temuan.",
        "study_article": "{total} informan: {librarians} pustakawan, {patrons} pemustaka",
        "study_run": "{total} informan: {librarians} pustakawan, {patrons} pemustaka; {interviewed} dengan jawaban",
        "study_why": "informants.csv memuat {librarians} pustakawan dan {patrons} pemustaka",
        "practice_article": "{practice} ({status})",
        "practice_run": "{k}/{n} {role} ({ids}), {segments} {answers}; {barrier}/{codings} pengkodean dengan penanda "
                        "hambatan: {status}",
        "practice_run_absent": "tidak ada jawaban {role} yang diberi kode {code}",
        "why_absent": "tidak ada jawaban {role} yang memuat istilah {code}",
        "why_status": "{barrier} dari {codings} pengkodean {code} memuat penanda hambatan ({share}%), {side} ambang "
                      "{threshold}% untuk menilai sebuah kode belum memadai; artikel menilainya {article_status}",
        "above": "mencapai", "below": "di bawah",
        "patron_article": "{finding} ({ids})",
        "patron_run": "{k}/{n} pemustaka ({ids}); istilah: {terms}",
        "why_missing_informants": "tidak ada jawaban {ids} yang diberi kode {code}",
        "quote_article": "{section}: {code}",
        "quote_article_none": "{section}: tidak satu mode pun",
        "quote_run": "kode utama: {codes}",
        "quote_run_item": "{code} ({informant})",
        "quote_not_found": "tidak ditemukan ({informant})",
        "why_quote": "artikel menempatkan kutipan ini di bawah {article}; menurut definisi buku kode, istilahnya "
                     "({terms}) adalah {run}",
        "why_quote_outside": "artikel menempatkan kutipan ini di bawah {article}; jawaban yang memuatnya ({informant}) "
                             "diberi kode {run} dari kata di sekitar kutipan ({terms})",
        "why_quote_uncoded": "tidak ada kode yang muncul pada jawaban {informant} yang memuatnya",
        "why_quote_none": "artikel tidak memakai kutipan ini untuk satu mode; istilahnya ({terms}) menjadikannya {run}",
        "why_definition": ", sebagaimana juga menurut definisi artikel sendiri",
        "why_not_found": "kutipan tidak muncul apa adanya dalam jawaban {ids}",
        "why_no_code": "buku kode '{codebook}' tidak memiliki kode '{code}'",
    },
}

COLUMN_HEADINGS = {
    "en": {
        "code": "Code", "code_id": "Code id", "role": "Role", "unit": "Unit", "informants": "Informants",
        "informant_ids": "Who", "informant_id": "Informant", "turns": "Turns", "words": "Words",
        "words_per_turn": "Words per turn", "interviewer_turns": "Interviewer turns", "segments": "Segments",
        "share_of_segments": "% of segments", "practice": "Practice", "barrier": "Barrier",
        "barrier_share": "Barrier share", "rank": "Rank", "segment_id": "Segment", "score": "Score",
        "status": "Status", "terms": "Terms", "text": "Text", "left": "Left context", "term": "Term",
        "right": "Right context", "keyword": "Keyword", "occurrences": "Occurrences", "role_informants": "Interviewed",
        "librarian": "Librarians", "patron": "Patrons", "section": "Section", "item": "Finding",
        "article_reports": "The article reports", "this_run_finds": "This run finds", "agree": "Agree", "why": "Why not",
        "passage": "Quote",
    },
    "id": {
        "code": "Kode", "code_id": "Id kode", "role": "Peran", "unit": "Unit", "informants": "Informan",
        "informant_ids": "Siapa", "informant_id": "Informan", "turns": "Giliran", "words": "Kata",
        "words_per_turn": "Kata per giliran", "interviewer_turns": "Giliran pewawancara", "segments": "Segmen",
        "share_of_segments": "% segmen", "practice": "Praktik", "barrier": "Hambatan",
        "barrier_share": "Porsi hambatan", "rank": "Urutan", "segment_id": "Segmen", "score": "Skor",
        "status": "Status", "terms": "Istilah", "text": "Teks", "left": "Konteks kiri", "term": "Istilah",
        "right": "Konteks kanan", "keyword": "Kata kunci", "occurrences": "Kemunculan", "role_informants": "Diwawancarai",
        "librarian": "Pustakawan", "patron": "Pemustaka", "section": "Bagian", "item": "Temuan",
        "article_reports": "Menurut artikel", "this_run_finds": "Menurut run ini", "agree": "Sesuai",
        "why": "Mengapa tidak", "passage": "Kutipan",
    },
}


def text(key: str, lang: str, **values) -> str:
    """One template of the report in ``lang`` (``id`` or ``en``), filled with ``values``."""
    if lang not in TEMPLATES:
        raise ValueError(f"report language {lang!r} is not one of {', '.join(TEMPLATES)}")
    return TEMPLATES[lang][key].format(**values)


def column_headings(lang: str) -> dict[str, str]:
    return COLUMN_HEADINGS[lang]


def cell_value(value, lang: str):
    """A table cell as the report shows it: roles, statuses and yes/no in the report language."""
    return TEMPLATES[lang].get(f"value_{value}", value)


def load_article_findings(root: str | Path) -> dict:
    """The article's findings as transcribed in ``data/reference/article_findings.yaml``."""
    path = Path(root) / ARTICLE_FINDINGS_FILE
    if not path.is_file():
        raise InputError(path, "file not found", fix="restore it from the repository")
    article, _ = read_yaml(path)
    for key in ("study", *SECTIONS, "quotes"):
        if not isinstance(article, dict) or key not in article:
            raise InputError(path, f"missing key '{key}'", fix="see data/reference/README.md for the fields")
    return article


# --- findings per code ----------------------------------------------------------------------------

def status_of(barrier: int, codings: int) -> str:
    """``not_yet_adequate`` when barrier codings reach :data:`NOT_YET_ADEQUATE_SHARE` of the codings."""
    return NOT_YET_ADEQUATE if codings and barrier / codings >= NOT_YET_ADEQUATE_SHARE else ADEQUATE


def code_findings(study: Study, group: str, role: str, lang: str = "en") -> pd.DataFrame:
    """Per code of a group, as the informants of ``role`` tell it: who, how often, status, terms, best quote."""
    summary = counts.theme_summary(study, group, role, lang)
    quotes = counts.exemplar_quotes(study, study.codes(group), n=1, role=role, lang=lang).set_index("code_id")
    summary["codings"] = summary["practice"] + summary["barrier"]
    summary["status"] = [status_of(row.barrier, row.codings) for row in summary.itertuples()]
    for column, source in (("quote_informant", "informant_id"), ("passage", "passage")):
        best = quotes[source].to_dict()
        summary[column] = [best.get(code_id, "") for code_id in summary["code_id"]]
    return summary


def title_block(study: Study, key: str, lang: str) -> str:
    """A notebook's title (Markdown level 1) and, when study.yaml carries one, the note on the data."""
    block = "# " + text(key, lang, title=study.title or study.site)
    return block + ("\n\n" + text("reconstruction", lang, note=study.note) if study.note else "")


def section(study: Study, name: str, lang: str) -> str:
    """One part of the findings in the article's structure (``seci_modes``, ``performance``,
    ``patron_findings``): its heading, then a paragraph and a quote per code."""
    part = SECTIONS[name]
    table = code_findings(study, part["group"], part["role"], lang)
    return f"## {text(part['heading'], lang)}\n\n" + section_markdown(table, part["role"], lang)


def section_markdown(findings: pd.DataFrame, role: str, lang: str) -> str:
    """One paragraph per code (counts, status, terms) followed by its strongest quote."""
    paragraphs = []
    for row in findings.itertuples():
        if not row.informants:
            paragraphs.append(text("code_absent", lang, code=row.code, n=row.role_informants, role=text(role, lang)))
            continue
        paragraphs.append(text(
            "code_finding", lang, code=row.code, k=row.informants, n=row.role_informants, role=text(role, lang),
            ids=_id_range(row.informant_ids.split(", ")), segments=row.segments, answers=_answers(row.segments, lang),
            barrier=row.barrier, codings=row.codings,
            status=text(row.status, lang), terms=row.terms or text("none", lang),
        ))
        paragraphs.append(text("quote", lang, passage=row.passage, informant=row.quote_informant))
    return "\n\n".join(paragraphs)


def conclusion_markdown(study: Study, lang: str) -> str:
    """The article's SIMPULAN, recomputed: each SECI mode and performance theme with its status and counts."""
    items = []
    for section in ("seci_modes", "performance"):
        group, role = SECTIONS[section]["group"], SECTIONS[section]["role"]
        for row in code_findings(study, group, role, lang).itertuples():
            number = len(items) + 1
            if row.informants:
                items.append(text("conclusion_item", lang, number=number, code=row.code, status=text(row.status, lang),
                                  k=row.informants, n=row.role_informants, role=text(role, lang), barrier=row.barrier,
                                  codings=row.codings))
            else:
                items.append(text("conclusion_absent", lang, number=number, code=row.code, role=text(role, lang)))
    return "\n".join(items)


# --- the comparison with the article --------------------------------------------------------------

def compare_with_article(study: Study, article: dict, lang: str = "en") -> pd.DataFrame:
    """Finding by finding: ``section``, ``item`` (with their stable ``section_id``, ``item_id``),
    ``article_reports``, ``this_run_finds``, ``agree`` and, where they disagree, ``why``."""
    rows = [_compare_study(study, article["study"], lang)]
    known = set(study.codes())
    for section in SECTIONS:
        part = SECTIONS[section]
        table = code_findings(study, part["group"], part["role"], lang).set_index("code_id")
        compare = _compare_patrons if section == "patron_findings" else _compare_code
        for entry in article[section]:
            reported = _article_text(entry, part["text"], lang)
            if entry["code"] not in known:
                rows.append(_unknown_code(study, section, entry["code"], entry["code"], reported, lang))
            else:
                rows.append(compare(study, table.loc[entry["code"]], entry, reported, section, lang))
    for quote in article["quotes"]:
        if quote.get("code") and quote["code"] not in known:
            rows.append(_unknown_code(study, "quotes", quote["id"], quote["code"], quote["section"], lang))
        else:
            rows.append(_compare_quote(study, quote, lang))
    table = pd.DataFrame(rows).rename(columns={"section": "section_id"})
    headings = {name: text(part["heading"], lang) for name, part in SECTIONS.items()}
    headings.update(study=text("section_study", lang), quotes=text("section_quotes", lang))
    table["section"] = table["section_id"].map(headings)
    table["item"] = [study.label(item, lang) if item in known else text("item_informants", lang)
                     if item == "informants" else item for item in table["item_id"]]
    return table[["section_id", "section", "item_id", "item", "article_reports", "this_run_finds", "agree", "why"]]


def comparison_summary(comparison: pd.DataFrame, lang: str) -> str:
    """The sentence above the comparison table: how many findings agree, and the status rule."""
    return text("comparison_intro", lang, agree=int(comparison["agree"].sum()), total=len(comparison),
                threshold=round(100 * NOT_YET_ADEQUATE_SHARE))


def _compare_study(study: Study, reported: dict, lang: str) -> dict:
    informants = reported["informants"]
    librarians, patrons = len(study.informant_ids("librarian")), len(study.informant_ids("patron"))
    run = {"total": librarians + patrons, "librarians": librarians, "patrons": patrons}
    agree = run == {key: informants[key] for key in run}
    return {
        "section": "study", "item_id": "informants",
        "article_reports": text("study_article", lang, **informants),
        "this_run_finds": text("study_run", lang, **run, interviewed=study.answers()["informant_id"].nunique()),
        "agree": agree, "why": "" if agree else text("study_why", lang, librarians=librarians, patrons=patrons),
    }


def _article_text(entry: dict, field: str, lang: str) -> str:
    """A finding as the article states it, in the report language when the file has it."""
    return entry.get(f"{field}_{lang}") or entry[f"{field}_id"]


def _unknown_code(study: Study, section: str, item: str, code_id: str, reported: str, lang: str) -> dict:
    """A finding this run cannot check: the site's codebook has no such code."""
    why = text("why_no_code", lang, code=code_id, codebook=study.codebook.name)
    return {"section": section, "item_id": item, "article_reports": reported, "this_run_finds": why,
            "agree": False, "why": why}


def _compare_code(study: Study, row: pd.Series, entry: dict, reported: str, section: str, lang: str) -> dict:
    """A SECI mode or performance theme: present among the section's informants, with the article's status?"""
    role_word = text(SECTIONS[section]["role"], lang)
    reported = text("practice_article", lang, practice=reported, status=text(entry["status"], lang))
    if not row["informants"]:
        found = text("practice_run_absent", lang, role=role_word, code=row["code"])
        return {"section": section, "item_id": entry["code"], "article_reports": reported, "this_run_finds": found,
                "agree": False, "why": text("why_absent", lang, role=role_word, code=row["code"])}
    found = text("practice_run", lang, k=row["informants"], n=row["role_informants"], role=role_word,
                 ids=_id_range(row["informant_ids"].split(", ")), segments=row["segments"],
                 answers=_answers(row["segments"], lang), barrier=row["barrier"], codings=row["codings"],
                 status=text(row["status"], lang))
    agree = row["status"] == entry["status"]
    why = "" if agree else text(
        "why_status", lang, barrier=row["barrier"], codings=row["codings"], code=row["code"],
        share=round(100 * row["barrier"] / row["codings"]), threshold=round(100 * NOT_YET_ADEQUATE_SHARE),
        side=text("above" if row["status"] == NOT_YET_ADEQUATE else "below", lang),
        article_status=text(entry["status"], lang),
    )
    return {"section": section, "item_id": entry["code"], "article_reports": reported, "this_run_finds": found,
            "agree": agree, "why": why}


def _compare_patrons(study: Study, row: pd.Series, entry: dict, reported: str, section: str,
                     lang: str) -> dict:
    """A patrons' finding: does every patron the article attributes it to have the code?"""
    attributed = list(entry.get("informants", []))
    speakers = [informant for informant in study.informant_ids() if informant in row["informant_ids"].split(", ")]
    missing = [informant for informant in attributed if informant not in speakers]
    return {
        "section": section, "item_id": entry["code"],
        "article_reports": text("patron_article", lang, finding=reported, ids=_id_range(attributed)),
        "this_run_finds": text("patron_run", lang, k=row["informants"], n=row["role_informants"],
                               ids=_id_range(speakers) or text("none", lang), terms=row["terms"] or text("none", lang)),
        "agree": not missing,
        "why": text("why_missing_informants", lang, ids=", ".join(missing), code=row["code"]) if missing else "",
    }


def _answers(n: int, lang: str) -> str:
    return text("answer_one" if n == 1 else "answer_many", lang)


def _id_range(ids: list[str]) -> str:
    """P1, P2, P3 -> "P1–P3" when the ids are one unbroken run, else the list."""
    numbers = [int(match[2]) for match in map(INFORMANT_ID.match, ids) if match]
    prefixes = {re.sub(r"\d+$", "", informant) for informant in ids}
    if len(ids) > 2 and len(numbers) == len(ids) and len(prefixes) == 1 and numbers == list(range(numbers[0], numbers[-1] + 1)):
        return f"{ids[0]}–{ids[-1]}"
    return ", ".join(ids)


# --- quotes -----------------------------------------------------------------------------------------

def find_quote(study: Study, quote: str, informant_id: str) -> list[tuple[str, int, int]]:
    """Where a quote sits in an informant's answers: (segment_id, start, end) of the quoted span per segment.

    The quote is matched verbatim up to runs of white space. When segments are sentences, a quote that
    spans several of them returns each (their whole text lies inside the quote).
    """
    pattern = re.compile(r"\s+".join(map(re.escape, quote.split())))
    answers = study.answers()
    answers = answers[answers["informant_id"] == informant_id]
    places = []
    for segment in answers.itertuples():
        found = pattern.search(segment.text)
        if found:
            places.append((segment.segment_id, found.start(), found.end()))
    if places:
        return places
    squeezed = " ".join(quote.split())
    return [(segment.segment_id, 0, len(segment.text)) for segment in answers.itertuples()
            if len(segment.text.split()) > 2 and " ".join(segment.text.split()) in squeezed]


def primary_code(study: Study, segment_ids: list[str]) -> tuple[str | None, dict[str, float]]:
    """The highest-scoring code over the given segments (ties to codebook order), and every code's score."""
    codings = study.codings[study.codings["segment_id"].isin(segment_ids)]
    scores = codings.groupby("code_id")["score"].sum().to_dict()
    order = {code_id: position for position, code_id in enumerate(study.codes())}
    best = min(scores, key=lambda code_id: (-scores[code_id], order[code_id]), default=None)
    return best, scores


def _terms(study: Study, places: list[tuple[str, int, int]], code_id: str, inside: bool) -> list[str]:
    """The terms of ``code_id`` that fired inside (or outside) the quoted spans."""
    codings = study.codings[study.codings["code_id"] == code_id].set_index("segment_id")
    terms = []
    for segment_id, start, end in places:
        if segment_id not in codings.index:
            continue
        for term, s, e in evidence(codings.at[segment_id, "matched"]):
            if (start <= s and e <= end) == inside:
                terms.append(term)
    return list(dict.fromkeys(terms))


def _compare_quote(study: Study, quote: dict, lang: str) -> dict:
    """The article's filing of a quote against this run's primary code for the answer(s) containing it.

    A quote the article files under no mode agrees when this run's primary code is no SECI mode either.
    """
    quoted = quote.get(f"text_{study_language(study)}") or quote["text_id"]
    expected = quote.get("code")
    reported = (text("quote_article", lang, section=quote["section"], code=study.label(expected, lang)) if expected
                else text("quote_article_none", lang, section=quote["section"]))
    by_code: dict[str, list[str]] = {}
    reasons, not_found = [], []
    for informant in quote["informants"]:
        places = find_quote(study, quoted, informant)
        if not places:
            not_found.append(informant)
            continue
        primary, _ = primary_code(study, [segment_id for segment_id, _, _ in places])
        by_code.setdefault(study.label(primary, lang) if primary else text("none", lang), []).append(informant)
        if primary != expected if expected else primary in SECI_MODES:
            reasons.append(_why_quote(study, quote, places, primary, informant, lang))
    found = [text("quote_run_item", lang, code=code, informant=_id_range(ids)) for code, ids in by_code.items()]
    if not_found:
        found.append(text("quote_not_found", lang, informant=", ".join(not_found)))
        reasons.insert(0, text("why_not_found", lang, ids=", ".join(not_found)))
    return {"section": "quotes", "item_id": quote["id"], "article_reports": reported,
            "this_run_finds": text("quote_run", lang, codes="; ".join(found)),
            "agree": not reasons, "why": "; ".join(dict.fromkeys(reasons))}


def _why_quote(study: Study, quote: dict, places, primary: str | None, informant: str, lang: str) -> str:
    if primary is None:
        return text("why_quote_uncoded", lang, informant=informant)
    run = study.label(primary, lang)
    inside = _terms(study, places, primary, inside=True)
    if quote.get("code") is None:
        return text("why_quote_none", lang, terms=", ".join(inside or _terms(study, places, primary, inside=False)), run=run)
    article = study.label(quote["code"], lang)
    if inside:
        reason = text("why_quote", lang, article=article, terms=", ".join(inside), run=run)
    else:
        reason = text("why_quote_outside", lang, article=article, informant=informant, run=run,
                      terms=", ".join(_terms(study, places, primary, inside=False)))
    if quote.get("code_by_definition") == primary:
        reason += text("why_definition", lang)
    return reason


def study_language(study: Study) -> str:
    """The language of a site's answers (the ``lang`` most segments carry)."""
    langs = study.segments["lang"]
    return langs.mode().iat[0] if len(langs) else "id"


# --- the article as a coder of its quotes ------------------------------------------------------------

def article_quote_units(study, article: dict) -> pd.DataFrame:
    """Where each quote of the article sits: one row per quote x attributed informant x segment.

    Columns ``quote_id``, ``section``, ``informant_id``, ``segment_id`` (empty when the quote is
    not in that informant's answers), ``code`` and ``code_by_definition`` (empty for none). The
    quote is looked up in the language of the site's answers (``text_id`` or ``text_en``).
    """
    lang = study_language(study)
    rows = []
    for quote in article["quotes"]:
        text = quote.get(f"text_{lang}") or quote["text_id"]
        for informant in quote["informants"]:
            segment_ids = [segment_id for segment_id, _, _ in find_quote(study, text, informant)] or [""]
            rows += [(quote["id"], quote["section"], informant, segment_id, quote.get("code") or "",
                      quote.get("code_by_definition") or "") for segment_id in segment_ids]
    return pd.DataFrame(rows, columns=["quote_id", "section", "informant_id", "segment_id", "code", "code_by_definition"])


def article_coding(quote_units: pd.DataFrame, *, by: str = "code") -> Coding:
    """The article as a coder: each segment holding a quote gets the quote's code (``by="code"``, where
    the article files it) or the mode its own definitions give (``by="code_by_definition"``); a quote
    filed under no code makes its segment a unit with no code. Quotes not found are left out.
    """
    coding: dict[str, list[str]] = {}
    for row in quote_units[quote_units["segment_id"] != ""].itertuples():
        codes = coding.setdefault(row.segment_id, [])
        code = getattr(row, by)
        if code and code not in codes:
            codes.append(code)
    return {segment_id: tuple(codes) for segment_id, codes in coding.items()}
