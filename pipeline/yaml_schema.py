"""What a kind of YAML file must hold: the checks its schema is written with.

Each kind of YAML file seci-kit reads has one schema, a walk over its data (as
:mod:`pipeline.yaml_reader` returns it) that stops at the first value that is not what the file
needs, with one line naming the file, the line, the field and the fix: ``study.yaml``
(:mod:`pipeline.corpus.study_config`), codebooks (:mod:`pipeline.coding.codebook`) and the reference
findings (:mod:`pipeline.analysis.findings`). Types are checked before a value is used, so no
value of the wrong type (a list where a name was expected, a number of 5,000 digits) reaches the
code that reads the file; numbers are checked against their range with exact comparisons.
"""

from __future__ import annotations

from typing import Any, Mapping, NoReturn

from pipeline.errors import InputError, shown


class Schema:
    """The checks of one file; ``guide`` is where the format is described, for the fixes."""

    def __init__(self, source: str, lines: Mapping[tuple, int], *, guide: str,
                 error: type[InputError] = InputError):
        self.source, self.lines, self.guide, self.error = source, lines, guide, error

    def where(self, path: tuple) -> str:
        """How a message names the value at ``path`` (a schema may name its parts better)."""
        fields = ".".join(str(part) for part in path)
        return f"field '{fields}'" if fields else "top level"

    def line(self, path: tuple) -> int | None:
        """The line of ``path``, or of the nearest enclosing value that has one."""
        return next((self.lines[path[:n]] for n in range(len(path), -1, -1) if path[:n] in self.lines), None)

    def fail(self, path: tuple, problem: str, fix: str = "") -> NoReturn:
        raise self.error(self.source, f"{self.where(path)}: {problem}", line=self.line(path), fix=fix)

    def mapping(self, value: Any, path: tuple, allowed: tuple[str, ...], required: tuple[str, ...] = ()) -> dict:
        """A mapping with only the ``allowed`` keys and every ``required`` one."""
        if not isinstance(value, dict):
            self.fail(path, f"must be a mapping of {', '.join(allowed)}, not {kind(value)}")
        for key in value:
            if key not in allowed:
                self.fail(path + (key,), f"unknown key {shown(key)}", fix=f"use only: {', '.join(allowed)}")
        for key in required:
            if key not in value:
                self.fail(path + (key,), "missing", fix=f"add '{key}:' ({self.guide})")
        return value

    def text(self, value: Any, path: tuple, *, empty: bool = False) -> str:
        """Text, stripped; not empty unless ``empty``."""
        if not isinstance(value, str):
            self.fail(path, f"must be text, not {kind(value)}")
        if not (empty or value.strip()):
            self.fail(path, "is empty", fix="write it")
        return value.strip()

    def number(self, value: Any, path: tuple, *, most: float, whole: bool = False) -> float:
        """A positive number (a whole one with ``whole``) of at most ``most``."""
        numeric = int if whole else (int, float)
        if isinstance(value, bool) or not isinstance(value, numeric) or not 0 < value <= most:  # NaN fails too
            what = "whole number" if whole else "number"
            self.fail(path, f"must be a positive {what} of at most {most:,}, not {shown(value)}",
                      fix="write e.g. 8" if whole else "write e.g. 1 or 0.5")
        return value if whole else float(value)

    def flag(self, value: Any, path: tuple) -> bool:
        if not isinstance(value, bool):
            self.fail(path, f"must be true or false, not {shown(value)}")
        return value

    def choice(self, value: Any, path: tuple, choices: tuple[str, ...]) -> str:
        if not isinstance(value, str) or value not in choices:
            self.fail(path, f"{shown(value)} is not one of {', '.join(choices)}", fix=f"write {path[-1]}: {choices[0]}")
        return value

    def non_empty_list(self, value: Any, path: tuple, what: str) -> list:
        """A list of at least one item; ``what`` names the items (plural) in messages."""
        if not isinstance(value, list):
            self.fail(path, f"must be a list of {what}, not {kind(value)}", fix="write [a, b] or one '- item' per line")
        if not value:
            self.fail(path, "empty list", fix=f"list at least one {what[:-1]}, or delete the entry")
        return value


def kind(value: Any) -> str:
    """What a value is, in a message's words."""
    if value is None:
        return "nothing"
    names = {dict: "a mapping", list: "a list", str: "text", bool: "true/false", int: "a number", float: "a number"}
    return names.get(type(value), type(value).__name__)
