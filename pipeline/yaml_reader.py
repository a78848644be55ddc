"""The one way seci-kit reads YAML: plain data only, every key's line noted, no key written twice.

Used for every YAML file the project reads (``study.yaml``, codebooks, quanteda dictionaries, the
reference findings, the report's word catalogue), so each gets the same checks and the same
one-line errors: a ``!!python/object`` tag, a syntax error or a key written twice in one mapping
(which PyYAML would silently resolve by keeping the last) names the file and the line.

The limits of :mod:`pipeline.contracts` are checked here for every kind of file, before the data is
built: the file's size, how deeply mappings and lists nest and how many values there are, aliases
followed (so a "billion laughs" of nested aliases, or an alias inside its own anchor, stops with its
line instead of exhausting memory or the stack), and every scalar is constructed on its own, so a
value PyYAML cannot build (``2024-13-45``, ``!!int abc``, an integer of 5,000 digits) names its line.
What each kind of file must hold is checked by its schema (:mod:`pipeline.yaml_schema`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from pipeline.contracts import MAX_YAML_BYTES, MAX_YAML_DEPTH, MAX_YAML_VALUES
from pipeline.errors import InputError, shown

Lines = dict[tuple, int]  # the 1-based line of each key or list item, by its path: ("codes", 0, "id")


def read_yaml(path: str | Path, *, error: type[InputError] = InputError) -> tuple[Any, Lines]:
    """The data of a YAML file and the line of every key in it; ``error`` is the exception to raise."""
    path = Path(path)
    return parse_yaml(read_text(path, error=error), str(path), error=error)


def read_text(path: Path, *, error: type[InputError] = InputError) -> str:
    """The UTF-8 text of a YAML file a user named (a byte-order mark is dropped), or a one-line error."""
    try:
        if not path.is_file():
            raise error(path, "no such file", fix="give the path of an existing file")
        size = path.stat().st_size
        if size > MAX_YAML_BYTES:
            raise error(path, f"{size:,} bytes, more than the limit of {MAX_YAML_BYTES:,} for a YAML file",
                        fix="is this the right file? split it, or keep long texts elsewhere")
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as problem:
        raise error(path, f"not UTF-8 text (byte {problem.start})", fix="save the file as UTF-8") from None
    except OSError as problem:
        raise error(path, f"cannot be read ({problem.strerror or problem})",
                    fix="check that it is a file you may read") from None


def parse_yaml(text: str, source: str, *, error: type[InputError] = InputError) -> tuple[Any, Lines]:
    """Safe-load YAML and note the line of every mapping key and list item, for error messages."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)  # libyaml when present: 5x faster, same rules
    try:
        node = loader.get_single_node()
        lines: Lines = {}
        if node is not None:
            _Walk(loader, source, error, lines).node(node, (), set())
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
    except yaml.reader.ReaderError as problem:  # a character YAML does not allow: found again for its line
        found = yaml.reader.Reader.NON_PRINTABLE.search(text)
        character = f" U+{ord(found[0]):04X}" if found else ""
        raise error(source, f"character{character} is not allowed in YAML ({problem.reason})",
                    line=text[:found.start()].count("\n") + 1 if found else None,
                    fix="delete it, or save the file as plain text") from None
    finally:
        loader.dispose()
    return data, lines


def dotted_lines(lines: Lines) -> dict[str, int]:
    """The lines of mapping keys as ``"key"`` and ``"parent.key"``, for files that name keys that way."""
    return {".".join(map(str, path)): line for path, line in lines.items() if path}


_SCALAR_KINDS = {"int": "a whole number", "float": "a number", "timestamp": "a date", "bool": "true or false"}


class _Walk:
    """One pass over the composed nodes, aliases followed: lines noted, limits and scalars checked."""

    def __init__(self, loader, source: str, error: type[InputError], lines: Lines):
        self.loader, self.source, self.error, self.lines = loader, source, error, lines
        self.values = 0

    def fail(self, node: yaml.Node, problem: str, fix: str) -> None:
        raise self.error(self.source, problem, line=node.start_mark.line + 1, fix=fix)

    def node(self, node: yaml.Node, path: tuple, enclosing: set[int]) -> None:
        """Walk ``node`` at ``path``; ``enclosing`` holds the ids of the nodes it is inside."""
        self.values += 1
        if self.values > MAX_YAML_VALUES:
            self.fail(node, f"more than {MAX_YAML_VALUES:,} values (each use of an alias counted)",
                      "is this the right file? write fewer values, or fewer aliases of large ones")
        if len(path) > MAX_YAML_DEPTH:
            self.fail(node, f"mappings and lists nested more than {MAX_YAML_DEPTH} deep",
                      "is this the right file? no seci-kit file nests that deep")
        if id(node) in enclosing:
            self.fail(node, "an alias (*name) refers to the value it is part of", "write the value out instead")
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.ScalarNode):
            self.scalar(node)
        elif isinstance(node, yaml.MappingNode):
            self.mapping(node, path, enclosing | {id(node)})
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                self.node(item, path + (index,), enclosing | {id(node)})

    def mapping(self, node: yaml.MappingNode, path: tuple, enclosing: set[int]) -> None:
        first_lines: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key is None or key == "<<":
                self.node(value_node, path, enclosing)  # a merge or complex key: limits still apply
                continue
            line = key_node.start_mark.line + 1
            if key in first_lines:
                raise self.error(self.source, f"key '{key}' is given twice (first on line {first_lines[key]})",
                                 line=line, fix="keep one of them")
            first_lines[key] = line
            self.lines[path + (key,)] = line
            self.node(value_node, path + (key,), enclosing)

    def scalar(self, node: yaml.ScalarNode) -> None:
        """Build the scalar now (the loader keeps it for the document), so a value it cannot build names its line."""
        try:
            self.loader.construct_object(node)
        except (ValueError, TypeError, AttributeError, OverflowError):  # what PyYAML's constructors raise on bad values
            kind = _SCALAR_KINDS.get(node.tag.rsplit(":", 1)[-1], node.tag)
            length = f" ({len(node.value):,} characters)" if len(node.value) > 40 else ""
            self.fail(node, f"value {shown(node.value)}{length} cannot be read as {kind}",
                      "correct it, or put it in quotes to keep it as text")
