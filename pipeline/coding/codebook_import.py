"""Import dictionaries researchers already have (LIWC ``.dic``, quanteda YAML) as seci-kit codebooks.

A dictionary gives categories and their terms, nothing else: the imported codebook gets one code per
category, in one group ``imported``, with the terms as keywords of the language the user names.
Definitions and inclusion/exclusion criteria are filled with a placeholder starting with ``TODO`` that
``seci check-codebook`` points out, because codes without definitions are not yet a codebook.
Terms we cannot match safely (``*tax``, ``colo?r``, regular expressions) stop the import with the line.

Sub-command: ``seci import-codebook FILE --lang id|en --out OUT.yaml``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pipeline.coding.codebook import UNWRITTEN, Codebook, codebook_from_dict, normalise_term, term_problem
from pipeline.contracts import LANGUAGES
from pipeline.errors import CodebookError
from pipeline.yaml_reader import parse_yaml, read_text

IMPORTED_GROUP = {"imported": {"label": {"id": "Kode impor", "en": "Imported codes"}}}
FORMATS = {".dic": "LIWC", ".yml": "quanteda", ".yaml": "quanteda"}


def import_codebook(path: str | Path, lang: str) -> Codebook:
    """Read a LIWC ``.dic`` or quanteda ``.yml``/``.yaml`` dictionary (chosen by extension)."""
    path = Path(path)
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise CodebookError(path, f"unknown dictionary format '{path.suffix}'",
                            fix="give a LIWC .dic file, a quanteda .yml/.yaml dictionary or a REFI-QDA .qdc codebook")
    text = read_text(path, error=CodebookError)
    if kind == "LIWC":
        return codebook_from_liwc(text, str(path), lang)
    return codebook_from_quanteda(text, str(path), lang)


def codebook_from_liwc(text: str, source: str, lang: str) -> Codebook:
    """A LIWC-style dictionary: a ``%`` header of ``number<TAB>name`` lines, then ``term<TAB>number ...``.

    Phrases are allowed when the term is separated from its categories by a tab. A term listed twice
    for one category counts once; a category without terms gets no code.
    """
    lines = text.splitlines()
    rows = [(number, line.strip()) for number, line in enumerate(lines, start=1) if line.strip()]
    if not rows or rows[0][1] != "%":
        raise CodebookError(source, "a LIWC dictionary starts with a line holding only '%'",
                            line=rows[0][0] if rows else None, fix="add the '%' header listing the categories")
    categories: dict[str, str] = {}  # number -> name, in header order
    body_start = None
    for index, (number, line) in enumerate(rows[1:], start=1):
        if line == "%":
            body_start = index + 1
            break
        parts = line.split(None, 1)
        if len(parts) < 2 or not parts[0].isdigit():
            raise CodebookError(source, f"header line '{line}' is not 'number<TAB>category'", line=number,
                                fix="write e.g. '1<TAB>socialization'")
        if parts[0] in categories:
            raise CodebookError(source, f"category number {parts[0]} is defined twice", line=number,
                                fix="give each category its own number")
        # "1<TAB>social" or "1<TAB>social processes<TAB>(description)": the name is the second field
        name = line.split("\t")[1].strip() if "\t" in line else parts[1].split()[0]
        if name in categories.values():
            raise CodebookError(source, f"category name '{name}' is used twice", line=number,
                                fix="give each category its own name")
        categories[parts[0]] = name
    if body_start is None:
        raise CodebookError(source, "the '%' header is never closed", line=rows[-1][0],
                            fix="end the category list with a line holding only '%'")
    terms: dict[str, list[tuple[str, int]]] = {number: [] for number in categories}
    for number, line in rows[body_start:]:
        if "\t" in line:
            term, rest = line.split("\t", 1)
            numbers = rest.split()
        else:
            words = line.split()
            split = next((i for i in range(len(words), 0, -1) if not words[i - 1].isdigit()), 0)
            term, numbers = " ".join(words[:split]), words[split:]
        if not numbers:
            raise CodebookError(source, f"'{line}' names no category", line=number,
                                fix="follow the term with a tab and its category numbers")
        for category in numbers:
            if category not in categories:
                raise CodebookError(source, f"category {category} is not in the '%' header", line=number,
                                    fix="add it to the header or correct the number")
            terms[category].append((term, number))
    named = {categories[number]: found for number, found in terms.items()}
    return _imported_codebook(named, source, lang, kind="LIWC")


def codebook_from_quanteda(text: str, source: str, lang: str) -> Codebook:
    """A quanteda-style YAML dictionary: ``key: [terms]``; nested keys are flattened as ``parent.child``."""
    data, lines = parse_yaml(text, source, error=CodebookError)
    if not isinstance(data, dict) or not data:
        raise CodebookError(source, "a quanteda dictionary is a mapping of keys to lists of terms", line=1,
                            fix="write e.g. 'economy: [tax*, budget]'")
    named: dict[str, list[tuple[str, int | None]]] = {}

    def flatten(value: Any, path: tuple) -> None:
        key = ".".join(str(part) for part in path)
        if isinstance(value, dict):
            for child, child_value in value.items():
                flatten(child_value, path + (child,))
        elif isinstance(value, (str, list)):
            items = [value] if isinstance(value, str) else value
            for index, term in enumerate(items):
                line = lines.get(path + (index,), lines.get(path))
                if not isinstance(term, str):
                    raise CodebookError(source, f"key '{key}': a term must be text, not {term!r}", line=line,
                                        fix="quote it or remove it")
                named.setdefault(key, []).append((term, line))
        else:
            raise CodebookError(source, f"key '{key}' holds {value!r}, not terms", line=lines.get(path),
                                fix="give it a list of terms or nested keys")

    flatten(data, ())
    return _imported_codebook(named, source, lang, kind="quanteda")


def _imported_codebook(categories: dict[str, list[tuple[str, int | None]]], source: str, lang: str, *, kind: str) -> Codebook:
    """One code per non-empty category; every term checked here so the error can name its line."""
    if lang not in LANGUAGES:
        raise CodebookError(source, f"unknown language '{lang}'", fix=f"use one of: {', '.join(LANGUAGES)}")
    name = Path(source).stem
    codes = []
    for category, found in categories.items():
        terms: list[str] = []
        for term, line in found:
            problem = term_problem(term)
            if problem:
                raise CodebookError(source, f"category '{category}', term {problem}", line=line,
                                    fix="rewrite it as a word, a phrase or a word* glob, or delete it")
            if normalise_term(term) not in terms:
                terms.append(normalise_term(term))
        if terms:
            codes.append(_placeholder_code(category, terms, lang, f"{kind} dictionary {Path(source).name}"))
    if not codes:
        raise CodebookError(source, "no category has any terms", fix="check that this is a dictionary file")
    data = {
        "name": name, "version": "1.0",
        "description": {"id": f"Diimpor dari {kind} {Path(source).name}.", "en": f"Imported from {kind} {Path(source).name}."},
        "groups": IMPORTED_GROUP, "codes": codes,
    }
    return codebook_from_dict(data, source)


def _placeholder_code(category: str, terms: list[str], lang: str, origin: str) -> dict[str, Any]:
    code_id = re.sub(r"[^a-z0-9]+", "_", category.lower()).strip("_")
    if not re.match(r"[a-z]", code_id):
        code_id = f"code_{code_id}"
    placeholder = {
        "id": f"{UNWRITTEN}: diimpor dari kategori '{category}' ({origin}); tulis {{what}} sebelum mengode.",
        "en": f"{UNWRITTEN}: imported from category '{category}' ({origin}); write the {{what}} before coding.",
    }
    texts = {
        what: {lang_: text.format(what=words[lang_]) for lang_, text in placeholder.items()}
        for what, words in {
            "definition": {"id": "definisinya", "en": "definition"},
            "include": {"id": "kriteria inklusinya", "en": "inclusion criteria"},
            "exclude": {"id": "kriteria eksklusinya", "en": "exclusion criteria"},
        }.items()
    }
    return {
        "id": code_id, "group": "imported", "label": {"id": category, "en": category}, **texts,
        "keywords": {lang: terms},
    }
