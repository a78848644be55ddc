"""The one way seci-kit reads YAML: plain data only, every key's line noted, no key written twice.

Used for every YAML file the project reads (``study.yaml``, codebooks, quanteda dictionaries, the
reference findings, the report's word catalogue), so each gets the same checks and the same
one-line errors: a ``!!python/object`` tag, a syntax error or a key written twice in one mapping
(which PyYAML would silently resolve by keeping the last) names the file and the line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from pipeline.errors import InputError

Lines = dict[tuple, int]  # the 1-based line of each key or list item, by its path: ("codes", 0, "id")


def read_yaml(path: str | Path, *, error: type[InputError] = InputError) -> tuple[Any, Lines]:
    """The data of a YAML file and the line of every key in it; ``error`` is the exception to raise."""
    path = Path(path)
    return parse_yaml(read_text(path, error=error), str(path), error=error)


def read_text(path: Path, *, error: type[InputError] = InputError) -> str:
    """The UTF-8 text of a file a user named (a byte-order mark is dropped), or a one-line error."""
    if not path.is_file():
        raise error(path, "no such file", fix="give the path of an existing file")
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as problem:
        raise error(path, f"not UTF-8 text (byte {problem.start})", fix="save the file as UTF-8") from None


def parse_yaml(text: str, source: str, *, error: type[InputError] = InputError) -> tuple[Any, Lines]:
    """Safe-load YAML and note the line of every mapping key and list item, for error messages."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)  # libyaml when present: 5x faster, same rules
    try:
        node = loader.get_single_node()
        lines: Lines = {}
        if node is not None:
            _note_lines(node, (), lines, source, error, set())
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as problem:
        mark = problem.problem_mark or problem.context_mark
        line = mark.line + 1 if mark else None
        said = problem.problem or "unreadable"
        if isinstance(problem, yaml.constructor.ConstructorError) and "tag" in said:
            raise error(source, f"YAML tag {said.split('tag ', 1)[-1]} is not allowed", line=line,
                        fix="the file holds only text, numbers, lists and mappings") from None
        raise error(source, f"YAML syntax error: {said}", line=line,
                    fix="check the indentation and quotes on this line") from None
    except yaml.YAMLError as problem:
        raise error(source, f"YAML syntax error: {problem}", fix="check the indentation and quotes") from None
    finally:
        loader.dispose()
    return data, lines


def dotted_lines(lines: Lines) -> dict[str, int]:
    """The lines of mapping keys as ``"key"`` and ``"parent.key"``, for files that name keys that way."""
    return {".".join(map(str, path)): line for path, line in lines.items() if path}


def _note_lines(node: yaml.Node, path: tuple, lines: Lines, source: str, error: type[InputError], seen: set) -> None:
    if id(node) in seen:  # an alias to a node already walked (possibly recursive)
        return
    seen.add(id(node))
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        first_lines: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key is None or key == "<<":
                continue
            line = key_node.start_mark.line + 1
            if key in first_lines:
                raise error(source, f"key '{key}' is given twice (first on line {first_lines[key]})", line=line,
                            fix="keep one of them")
            first_lines[key] = line
            lines[path + (key,)] = line
            _note_lines(value_node, path + (key,), lines, source, error, seen)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _note_lines(item, path + (index,), lines, source, error, seen)
