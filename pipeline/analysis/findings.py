"""The case study's findings, computed from the coded interviews, and their comparison with the article.

Findings follow the article's structure: the application of each SECI mode (as the librarians tell
it), librarian performance, the patrons' view, and a conclusion. Every statement is filled from
counts and quotes of this run. :func:`compare_with_article` then goes finding by finding through
``data/reference/article_findings.yaml`` and says what the article reports, what this run finds,
whether they agree and, where not, why, with the reason generated from the evidence.

A code's status: this run calls it *not yet adequate* when at least a threshold share (default
:data:`~pipeline.analysis.adequacy.NOT_YET_ADEQUATE_SHARE`, a notebook parameter) of the informants of the
section's role who speak of it report a barrier ("belum maksimal", "kurang", ...), *adequate* otherwise
(:mod:`pipeline.analysis.adequacy`). Where the site has reference codings, :func:`reference_status_part`
reads the same rule from them at every threshold. Findings that any transcripts written from the
article hold by construction are marked (``by_construction`` in the reference file). The prose of the
report comes from the catalogue of words (:mod:`pipeline.words`, section ``report``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from pipeline.analysis import adequacy, counts
from pipeline.analysis.adequacy import ADEQUATE, NOT_YET_ADEQUATE, NOT_YET_ADEQUATE_SHARE, status_of
from pipeline.analysis.parts import Part, Table
from pipeline.analysis.study import Study, evidence
from pipeline.contracts import ARTICLE_FINDINGS_FILE, SECI_MODES
from pipeline.errors import InputError
from pipeline.words import literal, text
from pipeline.yaml_reader import read_yaml
from pipeline.yaml_schema import Schema


# Which informants each part of the article speaks for, and the codebook group it is coded with.
# ``text``: the field of article_findings.yaml that states the finding (``<text>_id``, ``<text>_en``).
SECTIONS = {
    "seci_modes": {"group": "seci", "role": "librarian", "heading": "h_application", "text": "practice"},
    "performance": {"group": "performance", "role": "librarian", "heading": "h_librarian_performance",
                    "text": "finding"},
    "patron_findings": {"group": "patron", "role": "patron", "heading": "h_patrons_view", "text": "finding"},
}
INFORMANT_ID = re.compile(r"([A-Za-z]+)(\d+)$")


STATUSES = (ADEQUATE, NOT_YET_ADEQUATE)
# The keys of each entry of the reference findings; the first ones are required.
ARTICLE_KEYS = ("article", "study", *SECTIONS, "quotes", "simpulan")
# ``by_construction: true`` marks a finding that any transcripts written from the article hold whoever codes them.
ENTRY_KEYS = {
    "seci_modes": (("code", "status", "practice_id"), ("definition_id", "practice_en", "evidence_id", "evidence_en",
                                                       "by_construction")),
    "performance": (("code", "status", "finding_id"), ("finding_en", "by_construction")),
    "patron_findings": (("code", "finding_id"), ("finding_en", "items", "informants", "by_construction")),
    "quotes": (("id", "section", "informants", "text_id"),
               ("label", "role", "code", "code_by_definition", "reason", "text_en")),
    "simpulan": (("code", "text_id"), ()),
}
COUNTS = ("total", "librarians", "patrons")


def load_article_findings(root: str | Path) -> dict:
    """The article's findings as transcribed in ``data/reference/article_findings.yaml``."""
    return read_reference(Path(root) / ARTICLE_FINDINGS_FILE)


def reference_findings(study: Study) -> dict | None:
    """The findings the site's ``study.yaml`` names as its reference (``reference:``); None when it names none."""
    return read_reference(study.reference) if study.reference else None


def read_reference(path: Path) -> dict:
    """Published findings in the format of ``data/reference/article_findings.yaml``, checked by its schema."""
    if not path.is_file():
        raise InputError(path, "reference findings not found",
                         fix="restore the file, or correct or remove `reference:` in the site's study.yaml")
    article, lines = read_yaml(path)
    check_article_findings(article, Schema(str(path), lines, guide="see data/reference/README.md"))
    return article


def check_article_findings(article, check: Schema) -> None:
    """The reference findings' schema: every value the comparison reads is there, of its type."""
    check.mapping(article, (), ARTICLE_KEYS, required=("study", *SECTIONS, "quotes"))
    study = check.mapping(article["study"], ("study",), ("informants", "staff", "by_construction"), required=("informants",))
    if "by_construction" in study:
        check.flag(study["by_construction"], ("study", "by_construction"))
    informants = check.mapping(study["informants"], ("study", "informants"), COUNTS, required=COUNTS)
    for key in COUNTS:
        check.number(informants[key], ("study", "informants", key), most=1_000_000, whole=True)
    for section, (required, optional) in ENTRY_KEYS.items():
        if section not in article:
            continue
        for n, entry in enumerate(check.non_empty_list(article[section], (section,), "entries")):
            path = (section, n)
            check.mapping(entry, path, required + optional, required=required)
            for key, value in entry.items():
                unfiled = section == "quotes" and key in ("code", "code_by_definition") and value is None  # no mode
                if key == "status":
                    check.choice(value, path + (key,), STATUSES)
                elif key == "by_construction":
                    check.flag(value, path + (key,))
                elif key in ("items", "informants"):
                    for i, item in enumerate(check.non_empty_list(value, path + (key,), key)):
                        check.text(item, path + (key, i))
                elif not unfiled:
                    check.text(value, path + (key,))


# --- findings per code ----------------------------------------------------------------------------

def code_findings(study: Study, group: str, role: str, lang: str = "en",
                  threshold: float = NOT_YET_ADEQUATE_SHARE) -> pd.DataFrame:
    """Per code of a group, as the informants of ``role`` tell it: who, how often, how many report a
    barrier, the status at ``threshold`` (:mod:`pipeline.analysis.adequacy`), terms, best quote."""
    summary = counts.theme_summary(study, group, role, lang)
    quotes = counts.exemplar_quotes(study, study.codes(group), n=1, role=role, lang=lang).set_index("code_id")
    summary["codings"] = summary["practice"] + summary["barrier"]
    voices = adequacy.informant_counts(study.coded(role), study.codes(group)).set_index("code_id")
    summary["barrier_informants"] = [int(voices.at[code_id, "barrier_informants"]) for code_id in summary["code_id"]]
    summary["status"] = [status_of(row.barrier_informants, row.informants, threshold) for row in summary.itertuples()]
    for column, source in (("quote_informant", "informant_id"), ("passage", "passage")):
        best = quotes[source].to_dict()
        summary[column] = [best.get(code_id, "") for code_id in summary["code_id"]]
    return summary


def code_roles(study: Study) -> dict[str, str]:
    """Each code of the sections' groups and the role whose answers its finding is read from."""
    return {code_id: part["role"] for part in SECTIONS.values() for code_id in study.codes(part["group"])}


def title_block(study: Study, key: str, lang: str) -> str:
    """A notebook's title (Markdown level 1) and, when study.yaml carries one, the note on the data."""
    block = "# " + text("report." + key, lang, title=literal(study.title or study.site))
    return block + ("\n\n" + text("report.reconstruction", lang, note=literal(study.note)) if study.note else "")


def section(study: Study, name: str, lang: str, threshold: float = NOT_YET_ADEQUATE_SHARE) -> str:
    """One part of the findings in the article's structure (``seci_modes``, ``performance``,
    ``patron_findings``): its heading, then a paragraph and a quote per code."""
    part = SECTIONS[name]
    table = code_findings(study, part["group"], part["role"], lang, threshold)
    return "## " + text("report." + part["heading"], lang) + "\n\n" + section_markdown(table, part["role"], lang)


def section_markdown(findings: pd.DataFrame, role: str, lang: str) -> str:
    """One paragraph per code (counts, status, terms) followed by its strongest quote; the site's words
    (code labels, terms, quotes) as :func:`~pipeline.words.literal` text."""
    paragraphs = []
    for row in findings.itertuples():
        if not row.informants:
            paragraphs.append(text("report.code_absent", lang, code=literal(row.code), n=row.role_informants,
                                   role=text("report." + role, lang)))
            continue
        paragraphs.append(text(
            "report.code_finding", lang, code=literal(row.code), k=row.informants, n=row.role_informants,
            role=text("report." + role, lang), ids=literal(_id_range(row.informant_ids.split(", "))),
            segments=row.segments, answers=_answers(row.segments, lang),
            barrier=row.barrier_informants, codings=row.codings,
            status=text("report." + row.status, lang), terms=literal(row.terms) or text("report.none", lang),
        ) + thin_evidence(row.informants, row.codings, lang))
        paragraphs.append(text("report.quote", lang, passage=literal(row.passage), informant=literal(row.quote_informant)))
    return "\n\n".join(paragraphs)


def thin_evidence(informants: int, codings: int, lang: str) -> str:
    """The caveat after a finding resting on fewer than :data:`~pipeline.analysis.counts.MIN_INFORMANTS`
    informants or :data:`~pipeline.analysis.counts.MIN_CODINGS` codings; empty otherwise."""
    if informants >= counts.MIN_INFORMANTS and codings >= counts.MIN_CODINGS:
        return ""
    return " " + text("report.thin_evidence", lang, min_informants=counts.MIN_INFORMANTS, min_codings=counts.MIN_CODINGS)


def conclusion_markdown(study: Study, lang: str, threshold: float = NOT_YET_ADEQUATE_SHARE) -> str:
    """The article's SIMPULAN, recomputed: each SECI mode and performance theme with its status and counts."""
    items = []
    for section in ("seci_modes", "performance"):
        group, role = SECTIONS[section]["group"], SECTIONS[section]["role"]
        for row in code_findings(study, group, role, lang, threshold).itertuples():
            number = len(items) + 1
            if row.informants:
                items.append(text("report.conclusion_item", lang, number=number, code=literal(row.code), status=text("report." + row.status, lang),
                                  k=row.informants, n=row.role_informants, role=text("report." + role, lang),
                                  barrier=row.barrier_informants, codings=row.codings) + thin_evidence(row.informants, row.codings, lang))
            else:
                items.append(text("report.conclusion_absent", lang, number=number, code=literal(row.code), role=text("report." + role, lang)))
    return "\n".join(items)


# --- the comparison with the article --------------------------------------------------------------

def compare_with_article(study: Study, article: dict, lang: str = "en", threshold: float = NOT_YET_ADEQUATE_SHARE) -> pd.DataFrame:
    """Finding by finding: ``section``, ``item`` (with their stable ``section_id``, ``item_id``),
    ``article_reports``, ``this_run_finds``, ``agree``, ``by_construction`` (the reference file marks the
    finding as held by any transcripts written from the article) and, where they disagree, ``why``."""
    rows = [_compare_study(study, article["study"], lang) | {"by_construction": article["study"].get("by_construction", False)}]
    known = set(study.codes())
    for section in SECTIONS:
        part = SECTIONS[section]
        table = code_findings(study, part["group"], part["role"], lang, threshold).set_index("code_id")
        compare = _compare_patrons if section == "patron_findings" else _compare_code
        for entry in article[section]:
            reported = _article_text(entry, part["text"], lang)
            if entry["code"] not in known:
                row = _unknown_code(study, section, entry["code"], entry["code"], reported, lang)
            else:
                row = compare(study, table.loc[entry["code"]], entry, reported, section, lang, threshold)
            rows.append(row | {"by_construction": entry.get("by_construction", False)})
    for quote in article["quotes"]:
        if quote.get("code") and quote["code"] not in known:
            rows.append(_unknown_code(study, "quotes", quote["id"], quote["code"], quote["section"], lang)
                        | {"by_construction": False})
        else:
            rows.append(_compare_quote(study, quote, lang) | {"by_construction": False})
    table = pd.DataFrame(rows).rename(columns={"section": "section_id"})
    headings = {name: text("report." + part["heading"], lang) for name, part in SECTIONS.items()}
    headings.update(study=text("report.section_study", lang), quotes=text("report.section_quotes", lang))
    table["section"] = table["section_id"].map(headings)
    table["item"] = [study.label(item, lang) if item in known else text("report.item_informants", lang)
                     if item == "informants" else item for item in table["item_id"]]
    return table[["section_id", "section", "item_id", "item", "article_reports", "this_run_finds", "agree", "by_construction",
                  "why"]]


def comparison_part(study: Study, lang: str, threshold: float = NOT_YET_ADEQUATE_SHARE) -> Part:
    """The comparison with the site's reference findings as a page shows it; empty without a reference."""
    article = reference_findings(study)
    if article is None:
        return Part("")
    comparison = compare_with_article(study, article, lang, threshold)
    return Part(f"## {text('report.h_comparison', lang)}\n\n{comparison_summary(comparison, lang, threshold)}",
                [Table("comparison_with_article", comparison, text("report.cap_comparison", lang))])


def comparison_summary(comparison: pd.DataFrame, lang: str, threshold: float = NOT_YET_ADEQUATE_SHARE) -> str:
    """The sentences above the comparison table: how many findings agree, how many of those any
    transcripts written from the article would hold by construction, and the status rule."""
    agree = comparison["agree"]
    return text("report.comparison_intro", lang, agree=int(agree.sum()), total=len(comparison),
                constructed=int((agree & comparison["by_construction"]).sum()),
                checked=int((agree & ~comparison["by_construction"]).sum()),
                unconstructed=int((~comparison["by_construction"]).sum()), threshold=round(100 * threshold))


def reference_status_part(study: Study, root: str | Path, lang: str, threshold: float = NOT_YET_ADEQUATE_SHARE) -> Part:
    """This run's statuses against the same rule read from the site's reference codings: the codings
    both assign, then the codes' statuses at every threshold from 10% to 90%; a sentence saying so
    when the site has no reference codings."""
    heading = f"## {text('report.h_reference_status', lang)}\n\n"
    reference = adequacy.reference_coded(study, root)
    if reference is None:
        return Part(heading + text("report.no_reference_codings", lang, site=literal(study.site)))
    from pipeline.analysis.agreement import status_agreement  # scikit-learn behind it: only where a reference is

    coded = study.coded()
    codings = status_agreement(reference, coded, list(study.codebook.code_ids), list(study.answers()["segment_id"])).iloc[-1]
    roles = code_roles(study)
    labels = {code_id: study.label(code_id, lang) for code_id in roles}
    names = {status: text("report." + status, lang) for status in (*STATUSES, adequacy.ABSENT)}
    table = adequacy.threshold_agreement(reference, coded, roles, labels, names)
    chosen = table[table["threshold"] == f"{round(100 * threshold)}%"]
    intro = text("report.reference_status_intro", lang, site=literal(study.site), both=int(codings["both"]),
                 agree=int(codings["same_status"]), share=round(100 * codings["share"]) if codings["both"] else 0,
                 threshold=round(100 * threshold),
                 codes_agree=int(chosen["agree"].iat[0]) if len(chosen) else 0, codes=int(chosen["codes"].iat[0]) if len(chosen) else 0)
    return Part(heading + intro, [Table("status_by_threshold", table, text("report.cap_status_by_threshold", lang))])


def _compare_study(study: Study, reported: dict, lang: str) -> dict:
    informants = reported["informants"]
    librarians, patrons = len(study.informant_ids("librarian")), len(study.informant_ids("patron"))
    run = {"total": librarians + patrons, "librarians": librarians, "patrons": patrons}
    agree = run == {key: informants[key] for key in run}
    return {
        "section": "study", "item_id": "informants",
        "article_reports": text("report.study_article", lang, **informants),
        "this_run_finds": text("report.study_run", lang, **run, interviewed=study.answers()["informant_id"].nunique()),
        "agree": agree, "why": "" if agree else text("report.study_why", lang, librarians=librarians, patrons=patrons),
    }


def _article_text(entry: dict, field: str, lang: str) -> str:
    """A finding as the article states it, in the report language when the file has it."""
    return entry.get(f"{field}_{lang}") or entry[f"{field}_id"]


def _unknown_code(study: Study, section: str, item: str, code_id: str, reported: str, lang: str) -> dict:
    """A finding this run cannot check: the site's codebook has no such code."""
    why = text("report.why_no_code", lang, code=code_id, codebook=study.codebook.name)
    return {"section": section, "item_id": item, "article_reports": reported, "this_run_finds": why,
            "agree": False, "why": why}


def _compare_code(study: Study, row: pd.Series, entry: dict, reported: str, section: str, lang: str,
                  threshold: float) -> dict:
    """A SECI mode or performance theme: present among the section's informants, with the article's status?"""
    role_word = text("report." + SECTIONS[section]["role"], lang)
    reported = text("report.practice_article", lang, practice=reported, status=text("report." + entry["status"], lang))
    if not row["informants"]:
        found = text("report.practice_run_absent", lang, role=role_word, code=row["code"])
        return {"section": section, "item_id": entry["code"], "article_reports": reported, "this_run_finds": found,
                "agree": False, "why": text("report.why_absent", lang, role=role_word, code=row["code"])}
    found = text("report.practice_run", lang, k=row["informants"], n=row["role_informants"], role=role_word,
                 ids=_id_range(row["informant_ids"].split(", ")), segments=row["segments"],
                 answers=_answers(row["segments"], lang), barrier=row["barrier_informants"], codings=row["codings"],
                 status=text("report." + row["status"], lang))
    agree = row["status"] == entry["status"]
    why = "" if agree else text(
        "report.why_status", lang, barrier=row["barrier_informants"], informants=row["informants"], code=row["code"],
        share=round(100 * row["barrier_informants"] / row["informants"]), threshold=round(100 * threshold),
        side=text("report.above" if row["status"] == NOT_YET_ADEQUATE else "report.below", lang),
        article_status=text("report." + entry["status"], lang),
    )
    return {"section": section, "item_id": entry["code"], "article_reports": reported, "this_run_finds": found,
            "agree": agree, "why": why}


def _compare_patrons(study: Study, row: pd.Series, entry: dict, reported: str, section: str,
                     lang: str, threshold: float) -> dict:
    """A patrons' finding: does every patron the article attributes it to have the code?"""
    attributed = list(entry.get("informants", []))
    speakers = [informant for informant in study.informant_ids() if informant in row["informant_ids"].split(", ")]
    missing = [informant for informant in attributed if informant not in speakers]
    return {
        "section": section, "item_id": entry["code"],
        "article_reports": text("report.patron_article", lang, finding=reported, ids=_id_range(attributed)),
        "this_run_finds": text("report.patron_run", lang, k=row["informants"], n=row["role_informants"],
                               ids=_id_range(speakers) or text("report.none", lang), terms=row["terms"] or text("report.none", lang)),
        "agree": not missing,
        "why": text("report.why_missing_informants", lang, ids=", ".join(missing), code=row["code"]) if missing else "",
    }


def _answers(n: int, lang: str) -> str:
    return text("report.answer_one" if n == 1 else "report.answer_many", lang)


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


def primary_code_of_passage(study: Study, segment_ids: list[str]) -> tuple[str | None, dict[str, float]]:
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
    reported = (text("report.quote_article", lang, section=quote["section"], code=study.label(expected, lang)) if expected
                else text("report.quote_article_none", lang, section=quote["section"]))
    by_code: dict[str, list[str]] = {}
    reasons, not_found = [], []
    for informant in quote["informants"]:
        places = find_quote(study, quoted, informant)
        if not places:
            not_found.append(informant)
            continue
        primary, _ = primary_code_of_passage(study, [segment_id for segment_id, _, _ in places])
        by_code.setdefault(study.label(primary, lang) if primary else text("report.none", lang), []).append(informant)
        if primary != expected if expected else primary in SECI_MODES:
            reasons.append(_why_quote(study, quote, places, primary, informant, lang))
    found = [text("report.quote_run_item", lang, code=code, informant=_id_range(ids)) for code, ids in by_code.items()]
    if not_found:
        found.append(text("report.quote_not_found", lang, informant=", ".join(not_found)))
        reasons.insert(0, text("report.why_not_found", lang, ids=", ".join(not_found)))
    return {"section": "quotes", "item_id": quote["id"], "article_reports": reported,
            "this_run_finds": text("report.quote_run", lang, codes="; ".join(found)),
            "agree": not reasons, "why": "; ".join(dict.fromkeys(reasons))}


def _why_quote(study: Study, quote: dict, places, primary: str | None, informant: str, lang: str) -> str:
    if primary is None:
        return text("report.why_quote_uncoded", lang, informant=informant)
    run = study.label(primary, lang)
    inside = _terms(study, places, primary, inside=True)
    if quote.get("code") is None:
        return text("report.why_quote_none", lang, terms=", ".join(inside or _terms(study, places, primary, inside=False)), run=run)
    article = study.label(quote["code"], lang)
    if inside:
        reason = text("report.why_quote", lang, article=article, terms=", ".join(inside), run=run)
    else:
        reason = text("report.why_quote_outside", lang, article=article, informant=informant, run=run,
                      terms=", ".join(_terms(study, places, primary, inside=False)))
    if quote.get("code_by_definition") == primary:
        reason += text("report.why_definition", lang)
    return reason


def study_language(study: Study) -> str:
    """The language of a site's answers (the ``lang`` most segments carry)."""
    langs = study.segments["lang"]
    return langs.mode().iat[0] if len(langs) else "id"


# --- the article as a coder of its quotes ------------------------------------------------------------

def article_quote_units(study, article: dict) -> pd.DataFrame:
    """Where each quote of the article sits: one row per quote x attributed informant x segment.

    Columns ``quote_id``, ``section``, ``informant_id``, ``segment_id`` (empty when the quote is
    not in that informant's answers) and ``code`` (empty for none). The quote is looked up in the
    language of the site's answers (``text_id`` or ``text_en``).
    """
    lang = study_language(study)
    rows = []
    for quote in article["quotes"]:
        text = quote.get(f"text_{lang}") or quote["text_id"]
        for informant in quote["informants"]:
            segment_ids = [segment_id for segment_id, _, _ in find_quote(study, text, informant)] or [""]
            rows += [(quote["id"], quote["section"], informant, segment_id, quote.get("code") or "")
                     for segment_id in segment_ids]
    return pd.DataFrame(rows, columns=["quote_id", "section", "informant_id", "segment_id", "code"])
