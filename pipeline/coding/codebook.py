"""The codebook: what each code means and which words signal it, read from YAML and validated.

A codebook is plain data that a researcher edits without touching code (quanteda's dictionaries are
the model): per code its definition, inclusion and exclusion criteria, examples and keywords in
Indonesian and English. This module turns the YAML into frozen dataclasses and refuses anything it
cannot read unambiguously, with one line naming the file, the line, the code and the field. Terms are
words, phrases and ``word*`` globs only, never regular expressions, so no codebook can hang a run.
The matcher (:mod:`pipeline.coding.classify`) knows nothing about SECI; everything SECI lives in the YAML.

Sub-command: ``seci check-codebook [PATH]``. The format and every rule: ``docs/codebook.md``.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import yaml

from pipeline.contracts import (
    CLASSIFIER_CODER_PREFIX, DEFAULT_CODEBOOK, LANGUAGES, MAX_BARRIER_WINDOW, MAX_CODES, MAX_TERM_CHARS, MAX_TERMS,
    MAX_WEIGHT, ROLES, SECI_MODES,
)
from pipeline.errors import CodebookError, shown
from pipeline.yaml_reader import read_yaml
from pipeline.yaml_schema import Schema, kind

SECI_GROUP = "seci"  # a codebook with this group must define the four SECI modes in it
DEFAULT_THRESHOLD = 1.0
DEFAULT_BARRIER_WINDOW = 8
# The lists of the barrier section besides its cues: the words that decide whether a cue bears on the
# evidence (pipeline/coding/status.py applies them; docs/codebook.md explains each).
STATUS_WORD_LISTS = ("suggestions", "hedges", "non_cues", "negations", "negatives", "extremes", "adjectives",
                     "complements", "other_senses", "documents", "conditionals", "clause_openers", "subordinators", "relativisers",
                     "relative_ends", "praises", "keeps", "topics", "quantifiers")
# A definition that starts with this marker has not been written yet (imported codebooks carry it).
UNWRITTEN = "TODO"

LANGUAGE_NAMES = {"id": "Indonesian", "en": "English"}
TOP_LEVEL_KEYS = ("name", "version", "description", "threshold", "barrier", "patterns", "groups", "codes")
GROUP_KEYS = ("label", "min_share", "roles")
CODE_KEYS = ("id", "group", "label", "definition", "include", "exclude", "examples", "threshold", "keywords", "patterns")
MARKER_LISTS = ("result_markers", "source_markers", "contrast_markers")
PATTERN_KEYS = ("window", *MARKER_LISTS, "word_sets")
DEFAULT_PATTERN_WINDOW = 12
MARKER_WORDS = 3  # at most this many words between a marker ("into", "dari") and the word it introduces
CODE_TEXTS = ("label", "definition", "include", "exclude")  # required in both languages
IDENTIFIER = re.compile(r"[a-z][a-z0-9_]*")
# One word of a term: letters or digits, joined by single hyphens or apostrophes, maybe a final '*'.
TERM_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*\*?")


@dataclass(frozen=True)
class Keyword:
    """A term that signals a code: a word, a phrase (words separated by spaces) or a ``word*`` glob."""

    term: str  # as written, lower-cased, e.g. "diskusi", "berbagi pengalaman", "train*"
    lang: str  # "id" | "en"
    weight: float = 1.0


@dataclass(frozen=True)
class Pattern:
    """Words of named word sets that state an act on knowledge within one clause (docs/codebook.md).

    Either ``act`` + ``object``: a word of each set, in either order, or ``source`` + ``result`` (with an
    optional ``act``): a conversion, its direction told by the markers ("tacit ... into explicit",
    "explicit ... from tacit"). Each field names a word set of the codebook's ``patterns`` section.
    """

    weight: float
    act: str | None = None
    object: str | None = None
    source: str | None = None
    result: str | None = None

    @property
    def term(self) -> str:
        """How the pattern is shown as evidence: ``pattern(convert: tacit > explicit)``, ``pattern(share + tacit)``."""
        if self.source:
            return f"pattern({self.act + ': ' if self.act else ''}{self.source} > {self.result})"
        return f"pattern({self.act} + {self.object})"


@dataclass(frozen=True)
class PatternWords:
    """The codebook's ``patterns`` section: the word sets patterns are made of, the direction markers, and the
    contrast markers that open an alternative not taken (read by :mod:`pipeline.coding.patterns`)."""

    window: int = DEFAULT_PATTERN_WINDOW  # words from a pattern's first word to its last, at most
    result_markers: dict[str, tuple[str, ...]] = field(default_factory=dict)  # lang -> terms ("into", "menjadi")
    source_markers: dict[str, tuple[str, ...]] = field(default_factory=dict)  # lang -> terms ("from", "dari")
    # lang -> terms ("rather than", "alih-alih"): what follows them, to the next comma or clause end, is no evidence
    contrast_markers: dict[str, tuple[str, ...]] = field(default_factory=dict)
    word_sets: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)  # name -> lang -> terms


@dataclass(frozen=True)
class Code:
    id: str
    group: str
    label: dict[str, str]
    definition: dict[str, str]
    include: dict[str, str]
    exclude: dict[str, str]
    examples: dict[str, tuple[str, ...]]
    threshold: float
    keywords: tuple[Keyword, ...]  # both languages, in codebook order
    patterns: tuple[Pattern, ...] = ()  # both languages (their word sets hold the words of each)

    @property
    def evidence_terms(self) -> tuple[Keyword | Pattern, ...]:
        """What a piece of evidence can come from: the keywords, then the patterns."""
        return self.keywords + self.patterns

    def keywords_for(self, lang: str) -> tuple[Keyword, ...]:
        return tuple(keyword for keyword in self.keywords if keyword.lang == lang)


@dataclass(frozen=True)
class Codebook:
    name: str
    version: str
    source: str = field(compare=False)  # the file as given, for messages; two equal codebooks may differ here
    description: dict[str, str]
    groups: dict[str, dict[str, str]]  # group id -> label per language, in display order
    codes: tuple[Code, ...]  # codebook order: outputs and tie-breaks follow it
    barrier_window: int
    barrier_cues: dict[str, tuple[str, ...]]  # lang -> cue terms (same syntax as keywords)
    threshold: float = DEFAULT_THRESHOLD  # the default each code inherits unless it sets its own
    # list name (STATUS_WORD_LISTS) -> lang -> terms; a list the codebook leaves out is absent
    status_words: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    pattern_words: PatternWords = PatternWords()
    # group id -> share of the group's top score in a text that its other codes need to be assigned too
    min_shares: dict[str, float] = field(default_factory=dict)
    # group id -> the informant roles in whose answers its codes are coded (absent: every role)
    roles: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def status_terms(self, name: str, lang: str) -> tuple[str, ...]:
        """The terms of one barrier-section list (``cues`` or one of :data:`STATUS_WORD_LISTS`) in ``lang``."""
        if name == "cues":
            return self.barrier_cues.get(lang, ())
        return self.status_words.get(name, {}).get(lang, ())

    def code(self, code_id: str) -> Code:
        for code in self.codes:
            if code.id == code_id:
                return code
        raise CodebookError(self.source, f"unknown code id '{code_id}'", fix=f"use one of: {', '.join(self.code_ids)}")

    @property
    def code_ids(self) -> tuple[str, ...]:
        return tuple(code.id for code in self.codes)

    @functools.cached_property
    def coder(self) -> str:
        """The classifier's coder name with this codebook: ``keyword-<name>-v<version>-<8 hex>``.

        The hash is of the codebook's content (its YAML as :func:`codebook_to_yaml` writes it), so two
        edited codebooks that keep ``version: "1.0"`` still code under different names.
        """
        digest = hashlib.sha256(codebook_to_yaml(self).encode("utf-8")).hexdigest()[:8]
        name = re.sub(r"[^a-z0-9]+", "-", self.name.lower()).strip("-") or "codebook"
        return f"{CLASSIFIER_CODER_PREFIX}{name}-v{self.version}-{digest}"

    @functools.cached_property
    def code_positions(self) -> dict[str, int]:
        """Each code id's place in the codebook order."""
        return {code.id: n for n, code in enumerate(self.codes)}

    @functools.cached_property
    def code_groups(self) -> dict[str, str]:
        """Each code id's group."""
        return {code.id: code.group for code in self.codes}


# --- reading ----------------------------------------------------------------------------------------

def load_codebook(path: str | Path | None = None) -> Codebook:
    """Read and validate a codebook file; ``None`` means the default SECI codebook shipped with seci-kit."""
    path = Path(DEFAULT_CODEBOOK if path is None else path)
    data, lines = read_yaml(path, error=CodebookError)
    return codebook_from_dict(data, str(path), lines=lines)


# --- validation -------------------------------------------------------------------------------------

def normalise_term(term: str) -> str:
    """Terms compare lower-cased with single spaces between words."""
    return " ".join(term.lower().split())


def term_problem(term: str) -> str | None:
    """Why ``term`` is not a word, phrase or ``word*`` glob (of at most :data:`MAX_TERM_CHARS` characters:
    the matcher builds a pattern as deep as its longest form), or ``None`` when it is one."""
    words = normalise_term(term).split()
    if not words:
        return "empty term"
    if len(term) > MAX_TERM_CHARS:
        return f"{len(term):,} characters, more than the limit of {MAX_TERM_CHARS} for a term"
    for word in words:
        if "*" in word[:-1] or word == "*":
            return f"'{word}': '*' may only end a word (train*, not *train or tr*in)"
        if not TERM_WORD.fullmatch(word):
            odd = next((char for char in word if not (char.isalnum() or char in "-'’*")), None)
            if odd is not None:
                return (f"'{word}': character '{odd}' is not allowed "
                        "(terms are words, phrases and word* globs, not regular expressions)")
            return f"'{word}': hyphens and apostrophes may only join letters (e-book, don't)"
    return None


def codebook_from_dict(data: Any, source: str, *, lines: Mapping[tuple, int] | None = None) -> Codebook:
    """Validate plain data (as safe-loaded from YAML) and build the codebook.

    ``lines`` maps key paths such as ``("codes", 0, "keywords", "id")`` to line numbers so errors can
    point at the line; without it messages name the file, the code and the field only.
    """
    return _Validator(source, lines or {}).codebook(data)


class _Validator(Schema):
    """The codebook's schema: walks the data once; each check fails with the file, line, code, field and a fix.

    Besides the format, the limits of :mod:`pipeline.contracts` are checked here: codes, terms, words
    per term, weights and the barrier window, so no codebook can make the matcher's work unbounded.
    """

    def __init__(self, source: str, lines: Mapping[tuple, int]):
        super().__init__(source, lines, guide="see docs/codebook.md", error=CodebookError)
        self.code_names: dict[int, str] = {}
        self.term_count = 0
        self.pattern_words = PatternWords()

    def where(self, path: tuple) -> str:
        """Codes by their id and groups by theirs: ``code 'socialization', field 'keywords.en'``."""
        fields = [str(part) for part in path if isinstance(part, str)]
        if path[:1] == ("codes",) and len(path) > 1:
            where = f"code '{self.code_names.get(path[1], f'#{path[1] + 1}')}'"
            rest = ".".join(fields[1:])
            return where + (f", field '{rest}'" if rest else "")
        if path[:1] == ("groups",) and len(path) > 1:
            return f"group '{path[1]}'" + (f", field '{'.'.join(fields[2:])}'" if len(fields) > 2 else "")
        return f"field '{'.'.join(fields)}'" if fields else "top level"

    def weight(self, value: Any, path: tuple) -> float:
        return self.number(value, path, most=MAX_WEIGHT)

    def per_language(self, value: Any, path: tuple, *, required: bool) -> dict:
        """A mapping from language code to something; with ``required`` both languages must be there."""
        self.mapping(value, path, LANGUAGES)
        if required:
            for lang in LANGUAGES:
                if lang not in value:
                    self.fail(path + (lang,), "missing", fix=f"write it in {LANGUAGE_NAMES[lang]} too")
        elif not value:
            self.fail(path, "empty mapping", fix=f"give at least one of: {', '.join(LANGUAGES)}")
        return value

    def texts(self, value: Any, path: tuple, *, required: bool = True) -> dict[str, str]:
        return {lang: self.text(text, path + (lang,)) for lang, text in self.per_language(value, path, required=required).items()}

    def terms(self, value: Any, path: tuple, what: str) -> list[tuple[str, Any, tuple]]:
        """``(term, raw item, path)`` for each item, each term checked and normalised; no duplicates."""
        seen: set[str] = set()
        found = []
        for index, item in enumerate(self.non_empty_list(value, path, what)):
            item_path = path + (index,)
            if isinstance(item, dict) and "term" not in item:
                self.fail(item_path + ("term",), "missing", fix="write {term: word, weight: 2}")
            raw = item["term"] if isinstance(item, dict) else item
            if not isinstance(raw, str):
                self.fail(item_path, f"a term must be text, not {kind(raw)}")
            self.term_count += 1
            if self.term_count > MAX_TERMS:
                self.fail(item_path, f"more than {MAX_TERMS:,} keywords and cues in the codebook, the limit",
                          fix="split the codebook, or drop keywords that never fire (seci refine lists them)")
            problem = term_problem(raw)
            if problem:
                self.fail(item_path, problem, fix="write a word, a phrase or a word* glob")
            term = normalise_term(raw)
            if term in seen:
                self.fail(item_path, f"'{term}' is listed twice", fix="keep one (give it a weight instead)")
            seen.add(term)
            found.append((term, item, item_path))
        return found

    # -- the parts of a codebook --
    def codebook(self, data: Any) -> Codebook:
        if data is None:
            self.fail((), "the codebook is empty", fix="start from pipeline/codebooks/seci.yaml")
        self.mapping(data, (), TOP_LEVEL_KEYS, required=("name", "version", "groups", "codes"))
        name = self.text(data["name"], ("name",))
        if not isinstance(data["version"], str):
            self.fail(("version",), f"must be quoted text, not {kind(data['version'])}",
                      fix='write it in quotes, e.g. version: "1.0", so that 1.10 stays 1.10')
        version = self.text(data["version"], ("version",))
        description = self.texts(data["description"], ("description",), required=False) if "description" in data else {}
        threshold = self.weight(data["threshold"], ("threshold",)) if "threshold" in data else DEFAULT_THRESHOLD
        window, cues, status_words = self.barrier(data.get("barrier"))
        self.pattern_words = self.patterns_section(data.get("patterns"))
        groups, min_shares, roles = self.groups(data["groups"])
        codes = self.codes(data["codes"], groups, threshold)
        return Codebook(
            name=name, version=version, source=self.source, description=description, groups=groups,
            codes=codes, barrier_window=window, barrier_cues=cues, threshold=threshold, status_words=status_words,
            pattern_words=self.pattern_words, min_shares=min_shares, roles=roles,
        )

    def plain_terms(self, value: Any, path: tuple, what: str) -> tuple[str, ...]:
        found = self.terms(value, path, what)
        for _, item, item_path in found:
            if not isinstance(item, str):
                self.fail(item_path, f"{what} are plain terms (they have no weight)")
        return tuple(term for term, _, _ in found)

    def per_language_terms(self, value: Any, path: tuple, what: str) -> dict[str, tuple[str, ...]]:
        return {lang: self.plain_terms(items, path + (lang,), what)
                for lang, items in self.per_language(value, path, required=False).items()}

    def patterns_section(self, value: Any) -> PatternWords:
        if value is None:
            return PatternWords()
        path = ("patterns",)
        self.mapping(value, path, PATTERN_KEYS, required=("word_sets",))
        window = self.number(value.get("window", DEFAULT_PATTERN_WINDOW), path + ("window",), most=MAX_BARRIER_WINDOW,
                             whole=True)
        markers = {name: self.per_language_terms(value[name], path + (name,), "markers") if name in value else {}
                   for name in MARKER_LISTS}
        sets_path = path + ("word_sets",)
        if not isinstance(value["word_sets"], dict) or not value["word_sets"]:
            self.fail(sets_path, f"must be a non-empty mapping of set name to its terms per language, not {kind(value['word_sets'])}")
        word_sets = {}
        for name, terms in value["word_sets"].items():
            if not isinstance(name, str) or not IDENTIFIER.fullmatch(name):
                self.fail(sets_path + (name,), f"set name {shown(name)} must be lower-case letters, digits and _")
            word_sets[name] = self.per_language_terms(terms, sets_path + (name,), "words of a set")
        return PatternWords(window=int(window), word_sets=word_sets, **markers)

    def code_patterns(self, value: Any, path: tuple) -> tuple[Pattern, ...]:
        """A code's patterns: each names word sets of the ``patterns`` section, as act + object or source + result."""
        if value is None:
            return ()
        sets = self.pattern_words.word_sets
        if not sets:
            self.fail(path, "patterns need word sets", fix="define them under patterns: word_sets: at the top of the codebook")
        patterns = []
        for index, item in enumerate(self.non_empty_list(value, path, "patterns")):
            item_path = path + (index,)
            self.mapping(item, item_path, ("act", "object", "from", "to", "weight"), required=("weight",))
            for name in ("act", "object", "from", "to"):
                if name in item and item[name] not in sets:
                    self.fail(item_path + (name,), f"unknown word set {shown(item[name])}", fix=f"use one of: {', '.join(sets)}")
            if ("from" in item) != ("to" in item) or ("object" in item) == ("from" in item) or ("object" in item and "act" not in item):
                self.fail(item_path, "a pattern is either act + object or from + to (with an optional act)",
                          fix="write {act: SET, object: SET, weight: N} or {from: SET, to: SET, weight: N}")
            patterns.append(Pattern(weight=self.weight(item["weight"], item_path + ("weight",)), act=item.get("act"),
                                    object=item.get("object"), source=item.get("from"), result=item.get("to")))
        return tuple(patterns)

    def barrier(self, value: Any) -> tuple[int, dict[str, tuple[str, ...]], dict[str, dict[str, tuple[str, ...]]]]:
        if value is None:
            return DEFAULT_BARRIER_WINDOW, {}, {}
        path = ("barrier",)
        self.mapping(value, path, ("window", "cues", *STATUS_WORD_LISTS))
        window = self.number(value.get("window", DEFAULT_BARRIER_WINDOW), path + ("window",), most=MAX_BARRIER_WINDOW,
                             whole=True)
        lists = {name: self.per_language_terms(value[name], path + (name,), f"entries of '{name}'" if name != "cues" else "cues")
                 for name in ("cues", *STATUS_WORD_LISTS) if name in value}
        return window, lists.pop("cues", {}), lists

    def groups(self, value: Any) -> tuple[dict[str, dict[str, str]], dict[str, float], dict[str, tuple[str, ...]]]:
        """The groups' labels, and the ``min_share`` and ``roles`` of the groups that set them."""
        path = ("groups",)
        if not isinstance(value, dict) or not value:
            self.fail(path, f"must be a non-empty mapping of group id to its label, not {kind(value)}")
        groups, min_shares, roles = {}, {}, {}
        for group_id, group in value.items():
            if not isinstance(group_id, str) or not IDENTIFIER.fullmatch(group_id):
                self.fail(path + (group_id,), f"group id {shown(group_id)} must be lower-case letters, digits and _")
            self.mapping(group, path + (group_id,), GROUP_KEYS, required=("label",))
            groups[group_id] = self.texts(group["label"], path + (group_id, "label"))
            if "min_share" in group:
                min_shares[group_id] = self.number(group["min_share"], path + (group_id, "min_share"), most=1)
            if "roles" in group:
                roles[group_id] = self.roles(group["roles"], path + (group_id, "roles"))
        return groups, min_shares, roles

    def roles(self, value: Any, path: tuple) -> tuple[str, ...]:
        if not isinstance(value, list) or not value or any(role not in ROLES for role in value) or len(set(value)) < len(value):
            self.fail(path, f"must be a list of roles, each once, from {', '.join(ROLES)}; not {shown(value)}",
                      fix="write e.g. roles: [librarian]")
        return tuple(value)

    def codes(self, value: Any, groups: dict, default_threshold: float) -> tuple[Code, ...]:
        codes: list[Code] = []
        items = self.non_empty_list(value, ("codes",), "codes")
        if len(items) > MAX_CODES:
            self.fail(("codes", MAX_CODES), f"more than {MAX_CODES} codes, the limit for a codebook",
                      fix="split the codebook into several")
        for index, item in enumerate(items):
            path = ("codes", index)
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                self.code_names[index] = item["id"]
            self.mapping(item, path, CODE_KEYS, required=("id", "group", *CODE_TEXTS, "keywords"))
            code_id = item["id"]
            if not isinstance(code_id, str) or not IDENTIFIER.fullmatch(code_id):
                self.fail(path + ("id",), f"{shown(code_id)} must start with a lower-case letter, then letters, digits or _")
            if code_id in (code.id for code in codes):
                self.fail(path + ("id",), "duplicate id", fix="give each code its own id")
            group = item["group"]
            if not isinstance(group, str) or group not in groups:
                self.fail(path + ("group",), f"unknown group {shown(group)}", fix=f"use one of: {', '.join(groups)}")
            texts = {name: self.texts(item[name], path + (name,)) for name in CODE_TEXTS}
            codes.append(Code(
                id=code_id, group=group, **texts,
                examples=self.examples(item.get("examples"), path + ("examples",)),
                threshold=self.weight(item["threshold"], path + ("threshold",)) if "threshold" in item else default_threshold,
                keywords=self.keywords(item["keywords"], path + ("keywords",)),
                patterns=self.code_patterns(item.get("patterns"), path + ("patterns",)),
            ))
        if SECI_GROUP in groups:
            self.seci_modes(codes)
        return tuple(codes)

    def examples(self, value: Any, path: tuple) -> dict[str, tuple[str, ...]]:
        if value is None:
            return {}
        return {
            lang: tuple(self.text(text, path + (lang, n)) for n, text in enumerate(self.non_empty_list(items, path + (lang,), "examples")))
            for lang, items in self.per_language(value, path, required=False).items()
        }

    def keywords(self, value: Any, path: tuple) -> tuple[Keyword, ...]:
        keywords = []
        for lang, items in self.per_language(value, path, required=False).items():
            for term, item, item_path in self.terms(items, path + (lang,), "keywords"):
                weight = 1.0
                if isinstance(item, dict):
                    self.mapping(item, item_path, ("term", "weight"), required=("term",))
                    weight = self.weight(item["weight"], item_path + ("weight",)) if "weight" in item else 1.0
                keywords.append(Keyword(term=term, lang=lang, weight=weight))
        return tuple(keywords)

    def seci_modes(self, codes: list[Code]) -> None:
        by_id = {code.id: index for index, code in enumerate(codes)}
        for mode in SECI_MODES:
            if mode not in by_id:
                self.code_names[len(codes)] = mode
                self.fail(("codes", len(codes), "id"), "missing SECI mode",
                          fix=f"a codebook with a '{SECI_GROUP}' group defines all four: {', '.join(SECI_MODES)}")
            if codes[by_id[mode]].group != SECI_GROUP:
                self.fail(("codes", by_id[mode], "group"), f"a SECI mode belongs to group '{SECI_GROUP}'",
                          fix=f"write group: {SECI_GROUP}")


# --- writing ----------------------------------------------------------------------------------------

def codebook_to_yaml(codebook: Codebook) -> str:
    """The codebook in its own YAML format; :func:`load_codebook` reads it back to an equal codebook."""
    data: dict[str, Any] = {"name": codebook.name, "version": codebook.version}
    if codebook.description:
        data["description"] = dict(codebook.description)
    data["threshold"] = codebook.threshold
    data["barrier"] = {"window": codebook.barrier_window, "cues": {lang: list(cues) for lang, cues in codebook.barrier_cues.items()}}
    if not codebook.barrier_cues:
        del data["barrier"]["cues"]
    for name, by_lang in codebook.status_words.items():
        data["barrier"][name] = {lang: list(terms) for lang, terms in by_lang.items()}
    words = codebook.pattern_words
    if words.word_sets:
        data["patterns"] = {"window": words.window,
                            **{name: {lang: list(terms) for lang, terms in markers.items()}
                               for name in MARKER_LISTS if (markers := getattr(words, name))},
                            "word_sets": {name: {lang: list(terms) for lang, terms in terms_by_lang.items()}
                                          for name, terms_by_lang in words.word_sets.items()}}
    data["groups"] = {group_id: {"label": dict(label),
                                 **({"min_share": codebook.min_shares[group_id]} if group_id in codebook.min_shares else {}),
                                 **({"roles": list(codebook.roles[group_id])} if group_id in codebook.roles else {})}
                      for group_id, label in codebook.groups.items()}
    data["codes"] = [_code_data(code, codebook.threshold) for code in codebook.codes]
    header = f"# Codebook '{codebook.name}' for seci-kit: the format is described in docs/codebook.md.\n"
    return header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000, default_flow_style=False)


def _code_data(code: Code, default_threshold: float) -> dict[str, Any]:
    data: dict[str, Any] = {"id": code.id, "group": code.group}
    data.update({name: dict(getattr(code, name)) for name in CODE_TEXTS})
    if code.examples:
        data["examples"] = {lang: list(texts) for lang, texts in code.examples.items()}
    if code.threshold != default_threshold:
        data["threshold"] = code.threshold
    keywords: dict[str, list] = {}
    for keyword in code.keywords:
        item = keyword.term if keyword.weight == 1.0 else {"term": keyword.term, "weight": keyword.weight}
        keywords.setdefault(keyword.lang, []).append(item)
    data["keywords"] = keywords
    if code.patterns:
        data["patterns"] = [{**{name: value for name, value in (("act", p.act), ("object", p.object), ("from", p.source),
                                                                 ("to", p.result)) if value}, "weight": p.weight}
                            for p in code.patterns]
    return data


def codebook_summary(codebook: Codebook) -> str:
    """What ``seci check-codebook`` prints: codes per group and keywords per language."""
    langs = [lang for lang in LANGUAGES if any(code.keywords_for(lang) for code in codebook.codes)]
    cues = ", ".join(f"{lang} {len(terms)}" for lang, terms in codebook.barrier_cues.items()) or "none"
    lines = [
        f"{codebook.source}: valid codebook '{codebook.name}' version {codebook.version}",
        f"{len(codebook.codes)} codes in {len(codebook.groups)} groups; default threshold {codebook.threshold:g}; "
        f"barrier cues ({cues}) within {codebook.barrier_window} tokens",
        "",
        f"{'group':<14}{'code':<18}" + "".join(f"{'keywords ' + lang:>13}" for lang in langs),
    ]
    for group_id in codebook.groups:
        codes = [code for code in codebook.codes if code.group == group_id]
        for n, code in enumerate(codes):
            note = "  (definition not written yet)" if code.definition.get("en", "").startswith(UNWRITTEN) else ""
            lines.append(f"{group_id if n == 0 else '':<14}{code.id:<18}"
                         + "".join(f"{len(code.keywords_for(lang)):>13}" for lang in langs) + note)
        if not codes:
            lines.append(f"{group_id:<14}{'(no codes)':<18}")
    lines.append(f"{'total':<14}{len(codebook.codes):<18}"
                 + "".join(f"{sum(len(code.keywords_for(lang)) for code in codebook.codes):>13}" for lang in langs))
    return "\n".join(lines) + "\n" + _patterns_summary(codebook)


def _patterns_summary(codebook: Codebook) -> str:
    """The patterns part of ``seci check-codebook``: each code's patterns, then the word sets' sizes."""
    words = codebook.pattern_words
    if not words.word_sets:
        return ""
    lines = ["", f"patterns (within {words.window} words of one clause):"]
    for code in codebook.codes:
        for pattern in code.patterns:
            lines.append(f"  {code.id:<18}{pattern.term:<44}weight {pattern.weight:g}")
    markers = "; ".join(f"{name.removesuffix('_markers')} {lang} {len(terms)}" for name in MARKER_LISTS
                        for lang, terms in getattr(words, name).items())
    lines.append(f"markers: {markers or 'none'}")
    lines.append("word sets: " + ", ".join(
        f"{name} ({' '.join(f'{lang} {len(terms)}' for lang, terms in by_lang.items())})" for name, by_lang in words.word_sets.items()))
    used = {name for code in codebook.codes for p in code.patterns for name in (p.act, p.object, p.source, p.result) if name}
    unused = [name for name in words.word_sets if name not in used]
    if unused:
        lines.append(f"word sets no pattern uses: {', '.join(unused)}")
    return "\n".join(lines) + "\n"
