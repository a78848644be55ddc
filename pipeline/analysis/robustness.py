"""How far the findings hinge on single keywords: leave-one-keyword-out.

For every keyword of the codebook in the site's language(s), the site is coded again with a
codebook lacking that one keyword, and two things are counted:

- **codings changed**: segment x code assignments gained or lost, and statuses (practice/barrier)
  that flip. Removing a keyword changes only the segments where it fired (the matcher finds every
  term's occurrences independently), so only those segments are coded again; a keyword that never
  fired changes nothing. There it changes its code's evidence and may change other codes too (a
  group's ``min_share`` compares a code with its group's best; a keyword nested in another code's
  counts again once that one is gone), so every code of those segments is compared.
- **findings changed**: the rows of the comparison with the article
  (:func:`pipeline.analysis.findings.compare_with_article`) whose ``agree`` flips. Recomputing that table for
  every keyword would take about a second each, so it is recomputed only for the keywords that
  move what those findings rest on: which informants of a role carry the code and the code's status
  for that role (the article's findings per mode, theme and patron view), or the primary code of an
  answer the article quotes. A keyword that moves none of these leaves every ``agree`` as it was.

:func:`hinge_keywords` keeps the keywords whose removal changes at least one finding.
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from pipeline.analysis import findings
from pipeline.analysis.study import Study
from pipeline.coding import classify
from pipeline.coding.codebook import Codebook, Keyword
from pipeline.contracts import CODING_COLUMNS
from pipeline.errors import StageError

FINDING_KEY = ["section_id", "item_id"]  # a finding's stable name in the comparison table
KEYWORD_COLUMNS = ["code_id", "keyword", "lang", "segments", "codings_gained", "codings_lost", "statuses_flipped",
                   "codings_changed", "findings_rechecked", "findings_changed"]


def without_keyword(codebook: Codebook, code_id: str, keyword: Keyword) -> Codebook:
    """The codebook with one keyword of one code removed."""
    codes = tuple(
        dataclasses.replace(code, keywords=tuple(k for k in code.keywords if k != keyword)) if code.id == code_id else code
        for code in codebook.codes
    )
    return dataclasses.replace(codebook, codes=codes)


class MatcherWithout:
    """A compiled matcher that ignores one keyword of one code.

    It codes exactly as a matcher compiled from :func:`without_keyword` would (the matcher finds
    each term's occurrences independently of the others; a test pins the equivalence), without
    compiling the codebook again for each of hundreds of keywords.
    """

    def __init__(self, matcher: classify.Matcher, code_id: str, keyword: Keyword):
        self.codebook = without_keyword(matcher.codebook, code_id, keyword)
        self._matcher, self._code_id, self._keyword = matcher, code_id, keyword

    def status_rules(self, lang: str):
        return self._matcher.status_rules(lang)

    def find_all(self, texts: list[str], lang: str) -> list[tuple[list[classify.Hit], list]]:
        return [([hit for hit in hits if not (hit.code_id == self._code_id and hit.keyword == self._keyword)], words)
                for hits, words in self._matcher.find_all(texts, lang)]


def leave_one_keyword_out(study: Study, article: dict, lang: str = "en") -> pd.DataFrame:
    """One row per keyword (codebook order) of the languages the site's answers are in; see the module doc.

    ``findings_changed`` lists the findings (``section:item``) whose agreement with the article flips.
    """
    answers = study.answers().set_index("segment_id")
    matcher = classify.compile_codebook(study.codebook)
    coded = dict(zip(answers.index, classify.code_answers(answers, matcher)))
    _check_current(study, coded)
    quoted = set(_quoted_segments(study, article))
    baseline = findings.compare_with_article(study, article, lang).set_index(FINDING_KEY)["agree"]
    fired = _fired(matcher, answers)
    reported = {entry["code"]: spec["role"] for section, spec in findings.SECTIONS.items() for entry in article[section]}
    rows = []
    languages = set(answers["lang"])
    summaries = {code.id: _finding_inputs(coded, answers, code.id, reported.get(code.id)) for code in study.codebook.codes}
    for code in study.codebook.codes:
        for keyword in (k for k in code.keywords if k.lang in languages):
            segments = fired.get((code.id, keyword), [])
            row = {"code_id": code.id, "keyword": keyword.term, "lang": keyword.lang, "segments": len(segments),
                   "codings_gained": 0, "codings_lost": 0, "statuses_flipped": 0, "codings_changed": 0,
                   "findings_rechecked": False, "findings_changed": ""}
            if segments:
                reduced = MatcherWithout(matcher, code.id, keyword)
                changed = dict(zip(segments, classify.code_answers(answers.loc[segments], reduced)))
                row.update(_changes(coded, changed))
                recoded = {**coded, **changed}
                moved = any(_finding_inputs(recoded, answers, other, reported.get(other)) != summaries[other]
                            for other in _codes_changed(coded, changed)) or any(
                    classify.primary_code(changed[s]) != classify.primary_code(coded[s]) for s in quoted.intersection(changed))
                if moved:
                    row["findings_rechecked"] = True
                    again = findings.compare_with_article(_recoded_study(study, recoded), article, lang)
                    flipped = again.set_index(FINDING_KEY)["agree"] != baseline
                    row["findings_changed"] = "; ".join(f"{section}:{item}" for section, item in flipped[flipped].index)
            rows.append(row)
    return pd.DataFrame(rows, columns=KEYWORD_COLUMNS)


def hinge_keywords(table: pd.DataFrame) -> pd.DataFrame:
    """The keywords whose removal alone changes a finding, most codings changed first."""
    hinge = table[table["findings_changed"] != ""]
    return hinge.sort_values(["codings_changed", "code_id", "keyword"], ascending=[False, True, True], kind="stable").reset_index(drop=True)


def _fired(matcher: classify.Matcher, answers: pd.DataFrame) -> dict[tuple[str, Keyword], list[str]]:
    """(code, keyword) -> the segments where the keyword occurs, in segment order, whether or not its code
    was assigned there: an occurrence can still change the codes around it (see the module doc)."""
    fired: dict[tuple[str, Keyword], list[str]] = {}
    for lang, texts in answers.groupby("lang", sort=False)["text"]:
        found = matcher.find_all([classify.without_pseudonyms(classify.segment_text(t)) for t in texts], lang)
        for segment_id, (hits, _) in zip(texts.index, found):
            for code_id, keyword in dict.fromkeys((h.code_id, h.keyword) for h in hits if isinstance(h.keyword, Keyword)):
                fired.setdefault((code_id, keyword), []).append(segment_id)
    order = {segment_id: n for n, segment_id in enumerate(answers.index)}
    return {key: sorted(segments, key=order.__getitem__) for key, segments in fired.items()}


def _check_current(study: Study, coded: dict) -> None:
    """Leave-one-out compares against a fresh coding; codings.csv must be that coding."""
    fresh = {(s, c.code_id, c.status) for s, codings in coded.items() for c in codings}
    stored = set(zip(study.codings["segment_id"], study.codings["code_id"], study.codings["status"]))
    if fresh != stored:
        raise StageError(f"{study.site}: codings.csv does not match the codebook; run `seci code --site {study.site}` again")


def _quoted_segments(study: Study, article: dict) -> list[str]:
    from pipeline.analysis.findings import article_quote_units

    units = article_quote_units(study, article)
    return [segment for segment in units["segment_id"] if segment]


def _finding_inputs(coded: dict, answers: pd.DataFrame, code_id: str, role: str | None) -> tuple:
    """What the article's finding on a code rests on: the informants of the finding's role who carry
    the code, and the code's status among them; nothing for a code the article reports no finding on."""
    if role is None:
        return ()
    informants, reporting = set(), set()
    for segment_id, informant_id in answers.loc[answers["role"] == role, "informant_id"].items():
        for coding in coded[segment_id]:
            if coding.code_id == code_id:
                informants.add(informant_id)
                if coding.status == classify.BARRIER:
                    reporting.add(informant_id)
    return frozenset(informants), findings.status_of(len(reporting), len(informants))


def _changes(coded: dict, changed: dict) -> dict:
    """Codings gained, lost and statuses flipped over every code of the segments coded again."""
    gained = lost = flipped = 0
    for s in changed:
        before = {c.code_id: c.status for c in coded[s]}
        after = {c.code_id: c.status for c in changed[s]}
        gained += len(after.keys() - before.keys())
        lost += len(before.keys() - after.keys())
        flipped += sum(1 for code_id in before.keys() & after.keys() if before[code_id] != after[code_id])
    return {"codings_gained": gained, "codings_lost": lost, "statuses_flipped": flipped, "codings_changed": gained + lost + flipped}


def _codes_changed(coded: dict, changed: dict) -> set[str]:
    """The codes whose coding (presence or status) differs in a segment coded again."""
    return {code_id for s in changed
            for code_id, _ in {(c.code_id, c.status) for c in coded[s]} ^ {(c.code_id, c.status) for c in changed[s]}}


def _recoded_study(study: Study, coded: dict) -> Study:
    """The study with codings.csv as the classifier would write it from ``coded``."""
    coder = study.codings["coder"].iat[0] if len(study.codings) else ""
    rows = [(s, c.code_id, c.score, c.matched, c.status, coder) for s, codings in coded.items() for c in codings]
    return dataclasses.replace(study, codings=pd.DataFrame(rows, columns=CODING_COLUMNS))
