"""A site's codebook: the codebook its ``study.yaml`` names, plus the site's own local terms.

The default codebook holds generic words only. What one library alone calls a service (the chat app
its patrons use, its word for the leaflets that show where books stand) is named in that site's
``study.yaml`` under ``local_terms:`` (code id -> terms in the site's language, each with an optional
weight, the syntax of codebook keywords), so a site adds its names without copying the codebook.
The terms join their codes' keywords here, so they are coded, exported and shown like any keyword,
and they change the coder label's content hash (:attr:`~pipeline.coding.codebook.Codebook.coder`):
a changed term is a different coder.
"""

from __future__ import annotations

import dataclasses

from pipeline.coding.codebook import Codebook, Keyword, load_codebook, normalise_term, term_problem
from pipeline.contracts import MAX_TERMS
from pipeline.corpus.study_config import LocalTerm, StudyConfig
from pipeline.errors import InputError


def site_codebook(config: StudyConfig) -> Codebook:
    """The codebook ``config`` names (the default SECI codebook without one), with its local terms added."""
    return with_local_terms(load_codebook(config.codebook), config)


def with_local_terms(codebook: Codebook, config: StudyConfig) -> Codebook:
    """``codebook`` with each local term of ``config`` appended to its code's keywords in the site's language.

    A term for a code the codebook lacks, a term that is no word, phrase or ``word*`` glob, or one the
    code already has stops with one line naming ``study.yaml`` and the term's line.
    """
    if not config.local_terms:
        return codebook
    added: dict[str, list[Keyword]] = {}
    for local in config.local_terms:
        if local.code_id not in codebook.code_ids:
            raise _refused(config, local, f"code '{local.code_id}' is not in the codebook {codebook.name}",
                           f"use one of its code ids: {', '.join(codebook.code_ids)}")
        problem = term_problem(local.term)
        if problem:
            raise _refused(config, local, problem, "write a word, a phrase or a word* glob")
        term = normalise_term(local.term)
        known = [keyword.term for keyword in codebook.code(local.code_id).keywords_for(config.language)]
        if term in known + [keyword.term for keyword in added.get(local.code_id, [])]:
            raise _refused(config, local, f"'{term}' is already a keyword of code '{local.code_id}' in {config.language}",
                           "list it once (a codebook keyword needs no local term)")
        added.setdefault(local.code_id, []).append(Keyword(term=term, lang=config.language, weight=local.weight))
    terms = sum(len(code.keywords) for code in codebook.codes) + sum(map(len, codebook.barrier_cues.values()))
    if terms + len(config.local_terms) > MAX_TERMS:
        raise _refused(config, config.local_terms[0], f"with them the codebook has more than {MAX_TERMS:,} keywords "
                       "and cues, the limit", "list fewer local terms")
    codes = tuple(dataclasses.replace(code, keywords=code.keywords + tuple(added.get(code.id, ())))
                  for code in codebook.codes)
    return dataclasses.replace(codebook, codes=codes)


def _refused(config: StudyConfig, local: LocalTerm, problem: str, fix: str) -> InputError:
    return InputError(config.path, f"local_terms: {problem}", line=local.line, fix=fix)
